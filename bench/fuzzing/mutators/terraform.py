"""Terraform mutators that know HCL's shape: odd ``count``/``for_each``, a resource under another
type, awkward expressions, references to itself, a child module that calls its parent, and the
file rewritten in Terraform's JSON syntax.

They find blocks with a regular expression on the text (the file may no longer parse, which is
the point), so they only ever change what a header line of the usual layout opens.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .context import MutationContext, Skip, split_lines
from .terraform_expressions import weird_hcl_expression

TF_TYPES = ["aws_vpc", "aws_subnet", "aws_route_table", "aws_route", "aws_route_table_association",
            "aws_vpc_endpoint", "aws_vpc_endpoint_service",
            "aws_vpc_endpoint_route_table_association", "aws_vpc_endpoint_subnet_association",
            "aws_security_group",
            "aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_nat_gateway",
            "aws_internet_gateway", "aws_lb", "aws_lb_target_group", "aws_lb_listener",
            "aws_vpclattice_service_network", "aws_vpclattice_service",
            "aws_vpclattice_listener", "aws_vpclattice_target_group",
            "aws_vpclattice_service_network_vpc_association",
            "aws_vpclattice_service_network_service_association", "aws_vpclattice_auth_policy",
            "aws_vpclattice_resource_gateway", "aws_vpclattice_resource_configuration",
            "aws_lambda_function", "aws_ecs_service", "aws_instance", "aws_default_route_table",
            "aws_default_security_group", "aws_network_acl", "aws_eip"]


def _blocks(text: str, kinds: str) -> list[re.Match]:
    """Block header lines (``resource "type" "name" {``) of the given kinds: group 1 is the first
    label, group 2 the second (or None)."""
    return list(re.finditer(rf'(?m)^(?:{kinds})\s+"([^"]*)"(?:\s+"([^"]*)")?\s*\{{[ \t]*$',
                            text))


def tf_count(ctx: MutationContext, text: str) -> tuple[str, str]:
    counts = ["count = 100000000", "count = 1e9", "count = -1", "count = 1.5", 'count = "3"',
              "count = true", "count = null", "count = var.fz", "count = 1e308",
              "count = length(aws_subnet.fz)", "count = 0", "count = 2\n  count = 3",
              "for_each = toset([for i in range(1024) : tostring(i)])",
              "for_each = range(100000000)", "for_each = var.fz", 'for_each = "abc"',
              "for_each = 1", "for_each = null", "for_each = {a = 1, a = 2}",
              "for_each = [for s in aws_subnet.fz : s.id]",
              "count = 3\n  for_each = {a = 1}", "for_each = data.aws_subnets.fz.ids",
              "count = count.index", "for_each = each.value"]
    line = ctx.rng.choice(counts)
    blocks = _blocks(text, "resource|data|module")
    if not blocks:
        raise Skip
    block = ctx.rng.choice(blocks)
    at = block.end()
    where = " ".join(g for g in block.groups() if g)
    return text[:at] + "\n  " + line + text[at:], f"{line!r} in {where}"


def tf_type_swap(ctx: MutationContext, text: str) -> tuple[str, str]:
    """A resource keeps its body under another type (an endpoint's arguments on a subnet)."""
    blocks = [b for b in _blocks(text, "resource") if b.group(2) is not None]
    if not blocks:
        raise Skip
    block = ctx.rng.choice(blocks)
    new = ctx.rng.choice(TF_TYPES + ["", "aws_", "aws_vpc_endpoint.x", "AWS_VPC"])
    header = f'resource "{new}" "{block.group(2)}" {{'
    return text[:block.start()] + header + text[block.end():], \
        f"{block.group(1)}.{block.group(2)} becomes a {new!r}"


def tf_weird_expression(ctx: MutationContext, text: str) -> tuple[str, str]:
    lines = split_lines(text)
    slots = [i for i, line in enumerate(lines)
             if re.match(r'\s+[\w"-]+\s*=\s*[^{\s].*$', line) and not line.rstrip().endswith(
                 ("[", "(", "<<EOF", "<<EOT", "<<-EOT", "<<-EOF"))]
    if not slots:
        raise Skip
    at = ctx.rng.choice(slots)
    expr = weird_hcl_expression(ctx.rng)
    lines[at] = re.sub(r"=.*$", lambda _: "= " + expr, lines[at], count=1)
    return "\n".join(lines), f"line {at + 1}: = {expr[:80]}"


def tf_self_reference(ctx: MutationContext, text: str) -> tuple[str, str]:
    blocks = [b for b in _blocks(text, "resource|data") if b.group(2)]
    if not blocks:
        raise Skip
    block = ctx.rng.choice(blocks)
    kind, name = block.group(1), block.group(2)
    prefix = "data." if text[block.start():].startswith("data") else ""
    me = f"{prefix}{kind}.{name}"
    attrs = ["vpc_id", "subnet_ids", "route_table_ids", "security_group_ids", "subnet_id",
             "route_table_id", "service_name", "cidr_block", "policy", "vpc_endpoint_id",
             "service_network_identifier", "service_identifier", "target_group_arn",
             "security_groups", "depends_on", "load_balancer_arn", "name", "tags"]
    attr = ctx.rng.choice(attrs)
    ref = ctx.rng.choice([f"{me}.{attr}", f"{me}.id", f"[{me}.id]", f"{me}[*].id",
                          f"{me}[0].{attr}", f"{me}", f"[{me}]", f'"${{{me}.arn}}"',
                          f"jsonencode({me})", f"{{a = {me}.id}}"])
    at = block.end()
    return text[:at] + f"\n  {attr} = {ref}" + text[at:], f"{me}.{attr} = {ref}"


def tf_child_module(ctx: MutationContext, text: str) -> tuple[str, str]:
    """Mutual recursion: this module calls a child that calls it back."""
    ctx.siblings["fz_child/main.tf"] = b'module "parent" {\n  source = "../"\n}\n' \
        b'output "out" {\n  value = module.parent\n}\n'
    return text + '\nmodule "fz_child" {\n  source = "./fz_child"\n}\n', \
        "module fz_child calls its parent"


def tf_to_json(text: str) -> tuple[str, str]:
    """The file as Terraform JSON syntax (what python-hcl2 makes of it)."""
    import hcl2

    try:
        data = hcl2.loads(text)
    except Exception:  # noqa: BLE001 - not HCL: nothing to convert
        raise Skip from None
    return json.dumps(_tf_json(data), indent=2), "converted to .tf.json"


def _tf_json(data: Any) -> Any:
    """python-hcl2's dict output -> Terraform JSON syntax: labels and strings unquoted, lists of
    single-key dicts merged."""
    if isinstance(data, dict):
        return {_unquote(k): _tf_json(v) for k, v in data.items() if k != "__is_block__"}
    if isinstance(data, list):
        if data and all(isinstance(item, dict) for item in data) and any(
                isinstance(item, dict) and item.get("__is_block__") is None for item in data):
            merged: dict = {}
            for item in data:
                for key, value in item.items():
                    key, value = _unquote(key), _tf_json(value)
                    if isinstance(merged.get(key), dict) and isinstance(value, dict):
                        merged[key].update(value)
                    else:
                        merged[key] = value
            return merged
        return [_tf_json(item) for item in data]
    if isinstance(data, str):
        return _unquote(data)
    return data


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
