"""Terraform plan JSON (``terraform show -json plan.out``) as an input.

A plan holds what Terraform computed from every variable, module and data source: its
``planned_values`` are the values to check. Attributes only known after apply (the ids that
link resources) are absent there, so links are rebuilt from the ``configuration`` section's
expression ``references``, followed through module-call inputs. Findings point at the ``.tf``
block of a resource when the plan sits in a scanned module directory (which is then evaluated
from the plan only), else at the resource's entry in the plan file.
"""

from __future__ import annotations

import os
import re
from typing import Any

from msgspec import Struct, field

from vpclint.loaders.cfn import CfnDocument
from vpclint.evaluate.terraform import spans_of_block
from vpclint.loaders.hcl import HclFile
from vpclint.source import Resource, Span
from vpclint.values import Ref, Unknown

_INDEX = re.compile(r"\[[^\]]*\]$")


class PlanResult(Struct):
    resources: list[Resource] = field(default_factory=list)
    source_dir: str | None = None  # the module directory whose .tf the plan replaces


def evaluate_plan(doc: CfnDocument, modules: dict[str, list[HclFile]]) -> PlanResult:
    """Resources of a plan; ``modules`` are the scanned Terraform directories, for positions."""
    data = doc.data
    directory = os.path.dirname(doc.file)
    result = PlanResult(source_dir=directory if directory in modules else None)
    instances = _planned(data.get("planned_values", {}).get("root_module", {}),
                         ("planned_values", "root_module"))
    by_base: dict[str, list[str]] = {}
    for address in instances:
        by_base.setdefault(_INDEX.sub("", address), []).append(address)
    config = _Configuration(data.get("configuration", {}).get("root_module", {}), directory)
    for address, (body, path) in instances.items():
        base = _INDEX.sub("", address)
        values = dict(body.get("values") or {})
        expressions, source_dir, module_path = config.resource(base)
        # An attribute known only after apply is the user's when the configuration sets it
        # (then its references say what it links to), else the provider's own computed value.
        for name in expressions:
            if values.get(name) is None:  # absent from planned values: known after apply
                values[name] = config.linked(expressions.get(name), module_path, by_base, doc.file)
        # AWS provider 6 plans every resource's region (its own argument, else the provider's)
        region = values.get("region") if isinstance(values.get("region"), str) else None
        resource = Resource("terraform", str(body.get("type")), address, doc.file, doc.file,
                            values, region=region)
        resource.spans = _spans(doc, path, base, source_dir, modules)
        if resource.spans.get(()) is not None and resource.spans[()].file != doc.file:
            resource.file = resource.spans[()].file
        result.resources.append(resource)
    return result


def _planned(module: dict, path: tuple) -> dict[str, tuple[dict, tuple]]:
    found: dict[str, tuple[dict, tuple]] = {}
    for index, resource in enumerate(module.get("resources") or []):
        if isinstance(resource, dict) and resource.get("mode", "managed") == "managed":
            found[str(resource.get("address"))] = (resource, path + ("resources", index))
    for index, child in enumerate(module.get("child_modules") or []):
        if isinstance(child, dict):
            found.update(_planned(child, path + ("child_modules", index)))
    return found


class _Configuration:
    """The plan's configuration tree: expressions with their references, per module path."""

    def __init__(self, root: dict, directory: str):
        self.modules: dict[str, tuple[dict, str, dict]] = {}  # module path -> (config, dir, call)
        self._walk(root, "", directory, {})

    def _walk(self, module: dict, prefix: str, directory: str, call: dict) -> None:
        self.modules[prefix] = (module, directory, call)
        for name, child_call in (module.get("module_calls") or {}).items():
            source = str(child_call.get("source", ""))
            child_dir = os.path.normpath(os.path.join(directory, source)) if source.startswith(
                ("./", "../")) else ""
            self._walk(child_call.get("module") or {}, f"{prefix}module.{name}.", child_dir,
                       child_call)

    def resource(self, base: str) -> tuple[dict, str, str]:
        prefix = _module_prefix(base)
        module, directory, _ = self.modules.get(prefix, ({}, "", {}))
        local = base[len(prefix):]
        for resource in module.get("resources") or []:
            if isinstance(resource, dict) and resource.get("address") == local:
                expressions = resource.get("expressions")
                return (expressions if isinstance(expressions, dict) else {}), directory, prefix
        return {}, directory, prefix

    def linked(self, expression: Any, module_path: str, by_base: dict, plan_file: str) -> Any:
        """The value an unknown-until-apply attribute links to, from its references.

        Terraform lists ``["aws_vpc.main.id", "aws_vpc.main"]`` for ``aws_vpc.main.id``; the
        bare address names the resource. ``var.x`` is followed into the module call.
        """
        references = expression.get("references") if isinstance(expression, dict) else None
        if not references:
            return Unknown("known only after apply", "plan")
        reference = min(references, key=len)
        if reference.startswith("var."):
            _, _, call = self.modules.get(module_path, ({}, "", {}))
            name = reference.split(".")[1]
            return self.linked((call.get("expressions") or {}).get(name),
                               _parent_prefix(module_path), by_base, plan_file)
        if reference.startswith(("module.", "data.", "local.", "each.", "count.", "path.")):
            return Unknown("computed value in the plan", reference)
        addresses = by_base.get(module_path + _INDEX.sub("", reference))
        if not addresses:
            return Unknown("reference to something not planned", reference)
        if len(addresses) == 1 and not addresses[0].endswith("]"):
            return Ref(plan_file, addresses[0], None)
        return [Ref(plan_file, address, None) for address in addresses]


def _parent_prefix(module_path: str) -> str:
    parts = module_path.rstrip(".").split(".")
    return ".".join(parts[:-2]) + "." if len(parts) > 2 else ""


def _module_prefix(address: str) -> str:
    parts = address.split(".")
    prefix = []
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        prefix.extend(parts[i:i + 2])
        i += 2
    return ".".join(_INDEX.sub("", p) for p in prefix) + ("." if prefix else "")


def _spans(doc: CfnDocument, path: tuple, base: str, source_dir: str,
           modules: dict[str, list[HclFile]]) -> dict[tuple, Span]:
    local = base[len(_module_prefix(base)):]
    for hcl_file in modules.get(source_dir, []):
        for block in hcl_file.blocks:
            if block.type == "resource" and ".".join(block.labels) == local:
                return spans_of_block(block, hcl_file.path)
    return {(): doc.spans.get(path, Span(doc.file, 1))}
