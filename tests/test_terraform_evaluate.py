"""Terraform evaluation: what Terraform would compute, and UNKNOWN exactly where it could not."""

from __future__ import annotations

from pathlib import Path

from vpclint.evaluate.terraform import TerraformOptions, evaluate_terraform
from vpclint.loaders.hcl import load_hcl
from vpclint.values import Ref, Unknown


def _evaluate(tmp_path: Path, files: dict[str, str], options: TerraformOptions | None = None):
    modules: dict[str, list] = {}
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if name.endswith(".tf"):
            modules.setdefault(str(path.parent), []).append(load_hcl(str(path), text))

    def load(directory: str):
        return modules.get(directory, [])

    result = evaluate_terraform(modules, load, options)
    return {r.address: r for r in result.resources}, result


def test_variable_precedence_default_tfvars_auto_tfvars_cli(tmp_path):
    files = {
        "main.tf": 'variable "a" { default = "default" }\nvariable "b" { default = "default" }\n'
                   'variable "c" { default = "default" }\nvariable "d" { default = "default" }\n'
                   'resource "aws_vpc" "v" {\n  tags = { a = var.a, b = var.b, c = var.c, d = var.d }\n}\n',
        "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\n',
        "x.auto.tfvars": 'c = "auto"\nd = "auto"\n',
    }
    resources, _ = _evaluate(tmp_path, files, TerraformOptions(variables={"d": "cli"}))
    assert resources["aws_vpc.v"].values["tags"] == {"a": "default", "b": "tfvars", "c": "auto",
                                                      "d": "cli"}


def test_variable_without_value_is_unknown_and_propagates(tmp_path):
    files = {"main.tf": 'variable "region" {}\nresource "aws_vpc_endpoint" "e" {\n'
                        '  service_name = "com.amazonaws.${var.region}.s3"\n'
                        '  vpc_endpoint_type = upper(var.region)\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    values = resources["aws_vpc_endpoint.e"].values
    assert isinstance(values["service_name"], Unknown)
    assert isinstance(values["vpc_endpoint_type"], Unknown)


def test_count_and_for_each_give_real_instance_addresses(tmp_path):
    files = {"main.tf": 'locals { azs = { a = "us-east-1a", b = "us-east-1b" } }\n'
                        'resource "aws_subnet" "private" {\n  for_each = local.azs\n'
                        '  availability_zone = each.value\n}\n'
                        'resource "aws_route_table" "rt" {\n  count = 2\n'
                        '  tags = { Name = "rt-${count.index}" }\n}\n'
                        'resource "aws_eip" "none" {\n  count = 0\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert resources['aws_subnet.private["a"]'].values["availability_zone"] == "us-east-1a"
    assert resources["aws_route_table.rt[1]"].values["tags"] == {"Name": "rt-1"}
    assert not any(address.startswith("aws_eip.none") for address in resources)


def test_unknown_count_yields_one_representative_instance(tmp_path):
    files = {"main.tf": 'variable "n" {}\nresource "aws_subnet" "s" {\n  count = var.n\n'
                        '  cidr_block = "10.0.${count.index}.0/24"\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert list(resources) == ["aws_subnet.s[*]"]
    assert isinstance(resources["aws_subnet.s[*]"].values["cidr_block"], Unknown)


def test_references_become_refs_to_instances_and_configured_attributes_flow(tmp_path):
    files = {"main.tf": 'resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }\n'
                        'resource "aws_subnet" "s" {\n  count = 2\n  vpc_id = aws_vpc.main.id\n'
                        '  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)\n}\n'
                        'resource "aws_vpc_endpoint" "e" {\n  subnet_ids = aws_subnet.s[*].id\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    scope = str(tmp_path)
    assert resources["aws_subnet.s[1]"].values["vpc_id"] == Ref(scope, "aws_vpc.main", "id")
    assert resources["aws_subnet.s[1]"].values["cidr_block"] == "10.0.1.0/24"
    assert resources["aws_vpc_endpoint.e"].values["subnet_ids"] == [
        Ref(scope, "aws_subnet.s[0]", "id"), Ref(scope, "aws_subnet.s[1]", "id")]


def test_module_called_twice_with_its_inputs_and_outputs(tmp_path):
    files = {
        "main.tf": 'module "a" {\n  source = "./mod"\n  name = "first"\n}\n'
                   'module "b" {\n  source = "./mod"\n  name = "second"\n}\n'
                   'resource "aws_vpc" "v" { tags = { from_a = module.a.vpc_name } }\n',
        "mod/main.tf": 'variable "name" {}\nresource "aws_vpc" "this" { tags = { Name = var.name } }\n'
                       'output "vpc_name" { value = aws_vpc.this.tags.Name }\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    assert resources["module.a.aws_vpc.this"].values["tags"] == {"Name": "first"}
    assert resources["module.b.aws_vpc.this"].values["tags"] == {"Name": "second"}
    assert resources["aws_vpc.v"].values["tags"] == {"from_a": "first"}
    assert "aws_vpc.this" not in resources  # the called module is not evaluated on its own


def test_dynamic_blocks_expand_and_unknown_ones_stay_unknown(tmp_path):
    files = {"main.tf": 'variable "rules" { default = [80, 443] }\nvariable "other" {}\n'
                        'resource "aws_security_group" "sg" {\n  dynamic "ingress" {\n'
                        '    for_each = var.rules\n    content {\n'
                        '      from_port = ingress.value\n      to_port = ingress.value\n    }\n  }\n'
                        '  dynamic "egress" {\n    for_each = var.other\n'
                        '    content { from_port = 0 }\n  }\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    values = resources["aws_security_group.sg"].values
    assert [rule["from_port"] for rule in values["ingress"]] == [80, 443]
    assert isinstance(values["egress"], Unknown)


def test_cyclic_locals_are_unknown_not_a_hang(tmp_path):
    files = {"main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\n'
                        'resource "aws_vpc" "v" { cidr_block = local.a }\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert isinstance(resources["aws_vpc.v"].values["cidr_block"], Unknown)


def test_data_sources_from_their_arguments_and_provider_aliases(tmp_path):
    files = {"main.tf": 'provider "aws" { region = "eu-west-1" }\n'
                        'provider "aws" {\n  alias = "use1"\n  region = "us-east-1"\n}\n'
                        'data "aws_region" "here" {}\n'
                        'data "aws_vpc_endpoint_service" "s3" {\n  provider = aws.use1\n'
                        '  service = "s3"\n}\n'
                        'data "aws_caller_identity" "me" {}\n'
                        'resource "aws_vpc_endpoint" "e" {\n  provider = aws.use1\n'
                        '  service_name = data.aws_vpc_endpoint_service.s3.service_name\n'
                        '  tags = { region = data.aws_region.here.name }\n'
                        '  policy = data.aws_caller_identity.me.account_id\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    endpoint = resources["aws_vpc_endpoint.e"]
    assert endpoint.values["service_name"] == "com.amazonaws.us-east-1.s3"
    assert endpoint.values["tags"] == {"region": "eu-west-1"}
    assert isinstance(endpoint.values["policy"], Unknown)
    assert endpoint.region == "us-east-1"


def test_registry_module_without_init_is_opaque_with_a_note(tmp_path):
    files = {"main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
                        'resource "aws_vpc_endpoint" "e" { vpc_id = module.vpc.vpc_id }\n'}
    resources, result = _evaluate(tmp_path, files)
    assert isinstance(resources["aws_vpc_endpoint.e"].values["vpc_id"], Unknown)
    assert str(tmp_path) in result.opaque
    assert any("terraform init" in note.message for note in result.notes)


def test_optional_object_attributes_get_null_or_their_default(tmp_path):
    files = {
        "main.tf": 'module "m" {\n  source = "./mod"\n  cfg = { name = "x" }\n}\n',
        "mod/main.tf": 'variable "cfg" {\n  type = object({\n    name = string\n'
                       '    auth = optional(string, "NONE")\n    arn = optional(string)\n  })\n}\n'
                       'resource "aws_vpclattice_service" "s" {\n  name = var.cfg.name\n'
                       '  auth_type = var.cfg.auth\n  certificate_arn = var.cfg.arn\n}\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    values = resources["module.m.aws_vpclattice_service.s"].values
    assert (values["auth_type"], values["certificate_arn"]) == ("NONE", None)


def test_boolean_conditionals_decide_count(tmp_path):
    files = {"main.tf": 'variable "create" { default = false }\n'
                        'resource "aws_vpc" "maybe" { count = var.create ? 1 : 0 }\n'
                        'resource "aws_vpc" "always" { count = true ? 1 : 0 }\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert list(resources) == ["aws_vpc.always[0]"]


def test_cycles_are_noted_at_their_declaration(tmp_path):
    files = {"main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\n'
                        'resource "aws_vpc" "v" { cidr_block = local.a }\n'}
    _, result = _evaluate(tmp_path, files)
    assert any("cyclic reference" in n.message and n.line in (2, 3) for n in result.notes)


def test_heredoc_templates_are_evaluated(tmp_path):
    files = {"main.tf": 'variable "bucket" { default = "logs" }\n'
                        'resource "aws_vpc_endpoint" "s3" {\n  policy = <<EOF\n'
                        '{"Statement": [{"Resource": "arn:aws:s3:::${var.bucket}/*"}]}\nEOF\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert resources["aws_vpc_endpoint.s3"].values["policy"] == (
        '{"Statement": [{"Resource": "arn:aws:s3:::logs/*"}]}\n')
