"""Terraform evaluation: what Terraform would compute, and UNKNOWN exactly where it could not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vpclint.evaluate import terraform
from vpclint.evaluate.terraform import TerraformOptions, evaluate_terraform
from vpclint.loaders.hcl import load_hcl
from vpclint.values import (DEPLOYMENT_PARTITION, DEPLOYMENT_REGION, Choice, ListElement,
                            PartialCollection, PartialString, Ref, Unknown, decide)


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


def test_registry_module_without_init_has_unknown_outputs_and_a_note(tmp_path):
    files = {"main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
                        'resource "aws_vpc_endpoint" "e" { vpc_id = module.vpc.vpc_id }\n'}
    resources, result = _evaluate(tmp_path, files)
    assert isinstance(resources["aws_vpc_endpoint.e"].values["vpc_id"], Unknown)
    assert result.opaque == result.opaque_inputs == set()  # it is handed nothing
    assert any("terraform init" in note.message for note in result.notes)


def test_what_a_module_vpclint_cannot_read_is_handed_is_recorded(tmp_path):
    files = {
        "main.tf": 'locals {\n  tables = [aws_route_table.a.id]\n}\n'
                   'resource "aws_route_table" "a" {}\n'
                   'resource "aws_route_table" "unrelated" {}\n'
                   'resource "aws_subnet" "s" {\n  count = 2\n}\n'
                   'module "net" {\n  source = "./net"\n  vpc_id = aws_vpc.v.id\n}\n'
                   'resource "aws_vpc" "v" {}\n'
                   'module "routes" {\n  source = "git::https://example.com/routes.git"\n'
                   '  names = format("%s", local.tables[0])\n'  # unknown: found as written
                   '  subnets = aws_subnet.s[*].id\n  net = module.net.out\n'
                   '  depends_on = [aws_route_table.unrelated]\n}\n',
        "net/main.tf": 'variable "vpc_id" {}\nresource "aws_security_group" "g" {\n'
                       '  vpc_id = var.vpc_id\n}\noutput "out" { value = aws_security_group.g }\n'}
    _, result = _evaluate(tmp_path, files)
    scope = str(tmp_path)
    assert result.opaque_inputs == {
        (scope, "aws_route_table.a"), (scope, "aws_subnet.s"), (scope, "aws_subnet.s[0]"),
        (scope, "aws_subnet.s[1]"), (scope, "module.net.aws_security_group.g"),
        (scope, "aws_vpc.v")}  # the group's attributes, handed with it, name its VPC


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


# --- module outputs and arguments, one at a time -------------------------------------------

_HUB_AND_SPOKE = {
    "main.tf": 'module "tgw" {\n  source = "./tgw"\n'
               '  inspection_attachment = module.inspection.attachment_id\n}\n'
               'module "inspection" {\n  source = "./inspection"\n  tgw_id = module.tgw.id\n}\n',
    "tgw/main.tf": 'variable "inspection_attachment" {}\n'
                   'resource "aws_ec2_transit_gateway" "this" {}\n'
                   'resource "aws_ec2_transit_gateway_route" "default" {\n'
                   '  destination_cidr_block = "0.0.0.0/0"\n'
                   '  transit_gateway_attachment_id = var.inspection_attachment\n}\n'
                   'output "id" { value = aws_ec2_transit_gateway.this.id }\n',
    "inspection/main.tf": 'variable "tgw_id" {}\n'
                          'resource "aws_ec2_transit_gateway_vpc_attachment" "this" {\n'
                          '  transit_gateway_id = var.tgw_id\n}\n'
                          'output "attachment_id" {\n'
                          '  value = aws_ec2_transit_gateway_vpc_attachment.this.id\n}\n',
}


def test_modules_that_read_each_others_independent_outputs_are_no_cycle(tmp_path):
    resources, result = _evaluate(tmp_path, _HUB_AND_SPOKE)
    scope = str(tmp_path)
    route = resources["module.tgw.aws_ec2_transit_gateway_route.default"].values
    attachment = resources["module.inspection.aws_ec2_transit_gateway_vpc_attachment.this"].values
    assert route["transit_gateway_attachment_id"] == Ref(
        scope, "module.inspection.aws_ec2_transit_gateway_vpc_attachment.this", "id")
    assert attachment["transit_gateway_id"] == Ref(
        scope, "module.tgw.aws_ec2_transit_gateway.this", "id")
    assert not any("cyclic" in note.message for note in result.notes)


def test_outputs_that_do_depend_on_each_other_are_a_cycle_as_in_terraform(tmp_path):
    files = dict(_HUB_AND_SPOKE)
    files["tgw/main.tf"] = files["tgw/main.tf"].replace(
        'output "id" { value = aws_ec2_transit_gateway.this.id }',
        'output "id" { value = var.inspection_attachment }')
    resources, result = _evaluate(tmp_path, files)
    attachment = resources["module.inspection.aws_ec2_transit_gateway_vpc_attachment.this"].values
    assert isinstance(attachment["transit_gateway_id"], Unknown)
    assert any("cyclic reference" in note.message for note in result.notes)


def test_a_module_may_take_its_own_output_when_that_output_does_not_read_it(tmp_path):
    files = {
        "main.tf": 'module "net" {\n  source = "./net"\n  peer_cidr = module.net.cidr\n}\n',
        "net/main.tf": 'variable "peer_cidr" {}\n'
                       'resource "aws_vpc" "this" { cidr_block = "10.0.0.0/16" }\n'
                       'resource "aws_route" "peer" { destination_cidr_block = var.peer_cidr }\n'
                       'output "cidr" { value = aws_vpc.this.cidr_block }\n',
    }
    resources, result = _evaluate(tmp_path, files)
    assert resources["module.net.aws_route.peer"].values["destination_cidr_block"] == "10.0.0.0/16"
    assert not any("cyclic" in note.message for note in result.notes)


def test_outputs_of_counted_and_for_each_module_instances_are_read_one_by_one(tmp_path):
    files = {
        "main.tf": 'module "spoke" {\n  source = "./spoke"\n  for_each = toset(["a", "b"])\n'
                   '  name = each.key\n  hub = module.hub[0].id\n}\n'
                   'module "hub" {\n  source = "./hub"\n  count = 1\n'
                   '  spoke_a = module.spoke["a"].id\n}\n'
                   'resource "aws_vpc" "all" {\n'
                   '  tags = { for key, spoke in module.spoke : key => spoke.name }\n}\n',
        "spoke/main.tf": 'variable "name" {}\nvariable "hub" {}\n'
                         'resource "aws_vpc" "this" { tags = { hub = var.hub } }\n'
                         'output "id" { value = aws_vpc.this.id }\n'
                         'output "name" { value = var.name }\n',
        "hub/main.tf": 'variable "spoke_a" {}\nresource "aws_vpc" "this" {}\n'
                       'resource "aws_route" "a" { vpc_peering_connection_id = var.spoke_a }\n'
                       'output "id" { value = aws_vpc.this.id }\n',
    }
    resources, result = _evaluate(tmp_path, files)
    scope = str(tmp_path)
    assert resources['module.spoke["b"].aws_vpc.this'].values["tags"] == {
        "hub": Ref(scope, "module.hub[0].aws_vpc.this", "id")}
    assert resources["module.hub[0].aws_route.a"].values["vpc_peering_connection_id"] == Ref(
        scope, 'module.spoke["a"].aws_vpc.this', "id")
    assert resources["aws_vpc.all"].values["tags"] == {"a": "a", "b": "b"}  # module.spoke whole
    assert not any("cyclic" in note.message for note in result.notes)


# --- the module-call arguments a property came through -------------------------------------

def _origin_lines(resource, *path) -> list[tuple[str, int, str]]:
    """(file relative to the root module, line, module call) of what set ``path``."""
    return [(Path(o.span.file).relative_to(resource.scope).as_posix(), o.span.line, o.call)
            for o in resource.origins_at(path)]


def test_origins_name_the_callers_argument_and_the_object_entry_read(tmp_path):
    files = {
        "main.tf": 'module "lattice" {\n'              # 1
                   '  source = "./lattice"\n'          # 2
                   '  service_network = {\n'           # 3
                   '    name      = "shop"\n'          # 4
                   '    auth_type = "NONE"\n'          # 5
                   '  }\n'                             # 6
                   '  owner = "team-a"\n'              # 7
                   '}\n',
        "lattice/main.tf": 'variable "service_network" {}\nvariable "owner" {}\n'
                           'resource "aws_vpclattice_service_network" "this" {\n'
                           '  name      = var.service_network.name\n'
                           '  auth_type = try(var.service_network.auth_type, "AWS_IAM")\n'
                           '  tags      = { owner = var.owner }\n}\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    network = resources["module.lattice.aws_vpclattice_service_network.this"]
    assert _origin_lines(network, "auth_type") == [("main.tf", 5, "module.lattice")]
    assert _origin_lines(network, "name") == [("main.tf", 4, "module.lattice")]
    assert _origin_lines(network, "tags", "owner") == [("main.tf", 7, "module.lattice")]


def test_an_entry_the_caller_left_out_points_at_the_object_it_is_missing_from(tmp_path):
    files = {
        "main.tf": 'module "lattice" {\n  source = "./lattice"\n'
                   '  service_network = { name = "shop" }\n}\n',
        "lattice/main.tf": 'variable "service_network" {}\n'
                           'resource "aws_vpclattice_service_network" "this" {\n'
                           '  auth_type = try(var.service_network.auth_type, "NONE")\n}\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    network = resources["module.lattice.aws_vpclattice_service_network.this"]
    assert network.values["auth_type"] == "NONE"
    assert _origin_lines(network, "auth_type") == [("main.tf", 3, "module.lattice")]


def test_origins_follow_a_value_through_for_expressions_and_each_value(tmp_path):
    files = {
        "main.tf": 'module "endpoints" {\n'                              # 1
                   '  source = "./endpoints"\n'                          # 2
                   '  endpoints = {\n'                                   # 3
                   '    s3 = {\n'                                        # 4
                   '      service = "s3"\n'                              # 5
                   '      policy  = "{}"\n'                              # 6
                   '    }\n'                                             # 7
                   '    sqs = { service = "sqs" }\n'                     # 8
                   '  }\n}\n',
        "endpoints/main.tf": 'variable "endpoints" {}\n'
                             'locals {\n'
                             '  enabled = { for k, v in var.endpoints : k => v if k != "off" }\n'
                             '}\n'
                             'resource "aws_vpc_endpoint" "this" {\n'
                             '  for_each = local.enabled\n'
                             '  service_name = "com.amazonaws.us-east-1.${each.value.service}"\n'
                             '  policy = try(each.value.policy, null)\n}\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    s3 = resources['module.endpoints.aws_vpc_endpoint.this["s3"]']
    sqs = resources['module.endpoints.aws_vpc_endpoint.this["sqs"]']
    assert _origin_lines(s3, "policy") == [("main.tf", 6, "module.endpoints")]
    assert _origin_lines(s3, "service_name") == [("main.tf", 5, "module.endpoints")]
    assert _origin_lines(sqs, "policy") == [("main.tf", 8, "module.endpoints")]  # left out


def test_origins_chain_through_a_wrapper_module_to_the_root(tmp_path):
    files = {
        "main.tf": 'module "wrapper" {\n  source = "./wrapper"\n  auth = "NONE"\n}\n',
        "wrapper/main.tf": 'variable "auth" {}\n'
                           'locals { settings = { auth_type = var.auth } }\n'
                           'module "inner" {\n  source = "../inner"\n'
                           '  settings = local.settings\n}\n',
        "inner/main.tf": 'variable "settings" {}\n'
                         'resource "aws_vpclattice_service" "this" {\n'
                         '  auth_type = var.settings.auth_type\n}\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    service = resources["module.wrapper.module.inner.aws_vpclattice_service.this"]
    assert service.values["auth_type"] == "NONE"
    assert _origin_lines(service, "auth_type") == [
        ("main.tf", 3, "module.wrapper"), ("wrapper/main.tf", 5, "module.wrapper.module.inner")]


def test_root_module_values_and_resource_references_have_no_origins(tmp_path):
    files = {
        "main.tf": 'variable "auth" { default = "NONE" }\n'
                   'module "net" {\n  source = "./net"\n  cidr = "10.0.0.0/16"\n}\n'
                   'resource "aws_vpclattice_service_network" "n" { auth_type = var.auth }\n',
        "net/main.tf": 'variable "cidr" {}\n'
                       'resource "aws_vpc" "this" { cidr_block = var.cidr }\n'
                       'resource "aws_subnet" "a" { vpc_id = aws_vpc.this.id }\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    assert resources["aws_vpclattice_service_network.n"].origins == {}
    assert resources["module.net.aws_subnet.a"].origins == {}  # the VPC's cidr is not its own
    assert _origin_lines(resources["module.net.aws_vpc.this"], "cidr_block") == [
        ("main.tf", 4, "module.net")]


# --- regions: the provider's, or the resource's own (AWS provider 6) -----------------------

def test_a_resources_own_region_argument_sets_its_region(tmp_path):
    files = {"main.tf": 'provider "aws" { region = "us-east-1" }\nvariable "elsewhere" {}\n'
                        'resource "aws_vpc" "own" { region = "eu-west-1" }\n'
                        'resource "aws_vpc" "null" { region = null }\n'
                        'resource "aws_vpc" "unknown" { region = var.elsewhere }\n'
                        'resource "aws_vpc" "provider" {}\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert resources["aws_vpc.own"].region == "eu-west-1"
    assert resources["aws_vpc.null"].region == "us-east-1"
    assert isinstance(resources["aws_vpc.unknown"].region, Unknown)
    assert resources["aws_vpc.provider"].region == "us-east-1"


def test_data_sources_read_in_their_own_region(tmp_path):
    files = {"main.tf": 'provider "aws" { region = "us-east-1" }\nvariable "elsewhere" {}\n'
                        'data "aws_region" "ireland" { region = "eu-west-1" }\n'
                        'data "aws_region" "unknown" { region = var.elsewhere }\n'
                        'data "aws_vpc_endpoint_service" "s3" {\n'
                        '  region = "eu-west-1"\n  service = "s3"\n'
                        '  service_type = "Gateway"\n}\n'
                        'data "aws_vpc_endpoint_service" "sqs" {\n'
                        '  region = var.elsewhere\n  service = "sqs"\n}\n'
                        'resource "aws_vpc_endpoint" "e" {\n'
                        '  tags = { a = data.aws_region.ireland.name,\n'
                        '           b = data.aws_region.unknown.name,\n'
                        '           c = data.aws_vpc_endpoint_service.s3.service_name,\n'
                        '           d = data.aws_vpc_endpoint_service.sqs.service_name }\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    tags = resources["aws_vpc_endpoint.e"].values["tags"]
    assert tags["a"] == "eu-west-1"
    assert tags["c"] == "com.amazonaws.eu-west-1.s3"
    assert isinstance(tags["b"], Unknown)  # not the deployment's region: some region
    assert isinstance(tags["d"], Unknown)


# --- data sources known from their arguments -----------------------------------------------

def test_partition_and_region_attributes_follow_the_providers_region(tmp_path):
    files = {"main.tf": 'provider "aws" { region = "cn-north-1" }\n'
                        'data "aws_partition" "p" {}\ndata "aws_region" "r" {}\n'
                        'resource "aws_vpc" "v" {\n  tags = {\n'
                        '    partition = data.aws_partition.p.partition\n'
                        '    suffix = data.aws_partition.p.dns_suffix\n'
                        '    prefix = data.aws_partition.p.reverse_dns_prefix\n'
                        '    region = data.aws_region.r.region\n'
                        '    endpoint = data.aws_region.r.endpoint\n'
                        '    description = data.aws_region.r.description\n  }\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert resources["aws_vpc.v"].values["tags"] == {
        "partition": "aws-cn", "suffix": "amazonaws.com.cn", "prefix": "cn.com.amazonaws",
        "region": "cn-north-1", "endpoint": "ec2.cn-north-1.amazonaws.com.cn",
        "description": "China (Beijing)"}


def test_partition_and_region_of_the_deployment_are_placeholders(tmp_path):
    files = {"main.tf": 'data "aws_partition" "p" {}\ndata "aws_region" "r" {}\n'
                        'resource "aws_vpc" "v" {\n  tags = {\n'
                        '    partition = data.aws_partition.p.partition\n'
                        '    region = data.aws_region.r.name\n'
                        '    id = data.aws_region.r.id\n'
                        '    prefix = data.aws_partition.p.reverse_dns_prefix\n  }\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    tags = resources["aws_vpc.v"].values["tags"]
    assert (tags["partition"], tags["region"], tags["id"]) == (
        DEPLOYMENT_PARTITION, DEPLOYMENT_REGION, DEPLOYMENT_REGION)
    assert isinstance(tags["prefix"], Unknown)  # com.amazonaws or cn.com.amazonaws


def test_an_iam_policy_looked_up_by_literal_name_or_arn_is_that_managed_policy(tmp_path):
    files = {"main.tf": 'provider "aws" { region = "us-gov-west-1" }\nvariable "name" {}\n'
                        'data "aws_iam_policy" "ssm" { name = "AmazonSSMManagedInstanceCore" }\n'
                        'data "aws_iam_policy" "ecs" {\n'
                        '  name = "AmazonECSTaskExecutionRolePolicy"\n}\n'
                        'data "aws_iam_policy" "arn" {\n'
                        '  arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"\n}\n'
                        'data "aws_iam_policy" "unknown" { name = var.name }\n'
                        'resource "aws_iam_role" "r" {\n  managed_policy_arns = [\n'
                        '    data.aws_iam_policy.ssm.arn, data.aws_iam_policy.ecs.arn,\n'
                        '    data.aws_iam_policy.arn.name, data.aws_iam_policy.unknown.arn]\n}\n'}
    resources, _ = _evaluate(tmp_path, files)
    arns = resources["aws_iam_role.r"].values["managed_policy_arns"]
    assert arns[:3] == [
        "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws-us-gov:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        "AWSLambdaBasicExecutionRole"]
    assert isinstance(arns[3], Unknown)

# --- unknowns no wider than Terraform's -----------------------------------------------------

def _values(tmp_path: Path, body: str, prelude: str = "") -> dict:
    """The arguments of ``resource "aws_vpc" "v" { <body> }`` after ``prelude``."""
    files = {"main.tf": prelude + '\nresource "aws_vpc" "v" {\n' + body + "\n}\n"}
    resources, _ = _evaluate(tmp_path, files)
    return resources["aws_vpc.v"].values


def test_a_conditional_whose_branches_agree_is_known(tmp_path):
    values = _values(tmp_path, 'a = can(regex("^svc-", var.id)) ? "x" : "x"\n'
                               'b = var.flag ? var.id : var.id\n'
                               'c = var.flag ? "x" : "y"', 'variable "id" {}\nvariable "flag" {}')
    assert values["a"] == "x"
    assert values["b"] == Unknown("variable without a value", "var.id")
    assert isinstance(values["c"], Choice) and (values["c"].then, values["c"].otherwise) == (
        "x", "y")


def test_conditionals_on_one_condition_share_its_key(tmp_path):
    values = _values(tmp_path, 'a = var.arn_like ? null : aws_subnet.s.id\n'
                               'b = var.arn_like ? aws_subnet.s.id : null\n'
                               'c = var.other ? aws_subnet.s.id : null',
                     'variable "arn_like" {}\nvariable "other" {}\nresource "aws_subnet" "s" {}')
    first, second, third = values["a"], values["b"], values["c"]
    assert first.condition == second.condition != third.condition
    assert decide(first, first.condition, True) is None
    assert decide(second, first.condition, True) == Ref(second.then.scope, "aws_subnet.s", "id")


def test_the_same_condition_in_two_module_instances_has_two_keys(tmp_path):
    files = {
        "main.tf": 'module "a" {\n  source = "./m"\n}\nmodule "b" {\n  source = "./m"\n}\n',
        "m/main.tf": 'variable "flag" {}\nresource "aws_vpc" "v" {\n  x = var.flag ? "a" : "b"\n}\n',
    }
    resources, _ = _evaluate(tmp_path, files)
    first = resources["module.a.aws_vpc.v"].values["x"]
    second = resources["module.b.aws_vpc.v"].values["x"]
    assert isinstance(first, Choice) and first.condition != second.condition


def test_templates_keep_their_known_text(tmp_path):
    values = _values(tmp_path, 'image = "${var.account}.dkr.ecr.us-east-1.amazonaws.com/app:1"\n'
                               'legacy = "${aws_subnet.s.id}"\n'
                               'arn = "${aws_subnet.s.arn}/x"',
                     'variable "account" {}\nresource "aws_subnet" "s" {}')
    image = values["image"]
    assert isinstance(image, PartialString)
    assert image.parts == (Unknown("variable without a value", "var.account"),
                           ".dkr.ecr.us-east-1.amazonaws.com/app:1")
    assert isinstance(values["legacy"], Ref) and values["legacy"].attr == "id"
    assert isinstance(values["arn"], PartialString) and values["arn"].parts[-1] == "/x"


def test_an_unknown_that_cannot_be_null_is_not_null(tmp_path):
    values = _values(tmp_path, 'a = jsonencode({ v = var.x }) == null\n'
                               'b = "${var.x}-y" != null\n'
                               'c = var.x == null\n'
                               'd = var.x == "a" && false\n'
                               'e = var.x == "a" || true',
                     'variable "x" {}')
    assert (values["a"], values["b"], values["d"], values["e"]) == (False, True, False, True)
    assert isinstance(values["c"], Unknown)


def test_a_for_filter_that_is_not_known_makes_entries_of_unknown_existence(tmp_path):
    prelude = ('variable "flag" {}\nlocals {\n'
               '  all = { a = { on = true }, b = { on = false }, c = { on = var.flag } }\n'
               '  kept = { for k, v in local.all : k => k if v.on }\n'
               '  listed = [for k, v in local.all : k if v.on]\n}')
    values = _values(tmp_path, 'kept = local.kept\nlisted = local.listed\n'
                               'a = local.kept["a"]\nc = local.kept["c"]\nb = local.kept["b"]\n'
                               'n = length(local.kept)\nfirst = local.listed[0]\n'
                               'second = local.listed[1]', prelude)
    kept = values["kept"]
    assert isinstance(kept, PartialCollection)
    assert kept.items == {"a": "a", "c": "c"} and kept.maybe == frozenset({"c"})
    assert values["a"] == "a"  # surely there
    assert isinstance(values["c"], Unknown) and not values["c"].reason.startswith("error")
    assert values["b"].reason.startswith("error")  # surely not there: Terraform fails
    assert isinstance(values["n"], Unknown)
    assert values["first"] == "a" and isinstance(values["second"], Unknown)


def test_a_for_each_over_entries_of_unknown_existence_may_create_nothing(tmp_path):
    files = {"main.tf": 'variable "flag" {}\n'
                        'resource "aws_subnet" "s" {\n'
                        '  for_each = { for k in ["a", "b"] : k => k if k == "a" || var.flag }\n'
                        '}\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert all(r.may_be_absent for r in resources.values())


def test_availability_zones_of_one_data_source_are_distinct_elements(tmp_path):
    prelude = ('data "aws_availability_zones" "az" {\n  state = "available"\n}\n'
               'data "aws_availability_zones" "other" {\n  state = "available"\n'
               '  exclude_names = ["us-east-1e"]\n}\n'
               'locals {\n  azs = slice(data.aws_availability_zones.az.names, 0, 3)\n}')
    values = _values(tmp_path, 'a = data.aws_availability_zones.az.names[0]\n'
                               'b = element(data.aws_availability_zones.az.names, 1)\n'
                               'c = local.azs[0]\nn = length(local.azs)\n'
                               'd = data.aws_availability_zones.other.names[0]\n'
                               'e = element(data.aws_availability_zones.az.names, 5)', prelude)
    first, second, again, other = values["a"], values["b"], values["c"], values["d"]
    assert all(isinstance(v, ListElement) for v in (first, second, again, other))
    assert first == again and first != second and first.source == second.source
    assert other.source != first.source  # another block, other arguments: not comparable
    assert values["n"] == 3
    assert not isinstance(values["e"], ListElement)  # element() wraps around a short list


def test_complementary_conditions_share_a_key_with_their_branches_swapped(tmp_path):
    prelude = 'variable "az" {}\nvariable "flag" {}'
    values = _values(tmp_path, 'name = length(regexall("^[a-z]{2}-", var.az)) > 0 ? var.az : null\n'
                               'id = length(regexall("^[a-z]{2}-", var.az)) == 0 ? var.az : null\n'
                               'on = !var.flag ? "off" : "on"\nalso_on = var.flag ? "on" : "off"\n'
                               'ne = var.az != "x" ? 1 : 2\neq = var.az == "x" ? 2 : 1', prelude)
    name, zone_id = values["name"], values["id"]
    assert name.condition == zone_id.condition
    assert (name.then, zone_id.otherwise) == (None, None)  # the name when length == 0 is false
    assert values["on"] == values["also_on"]
    assert values["ne"] == values["eq"]


def test_what_decides_whether_an_instance_exists_is_recorded_when_unknown(tmp_path):
    files = {
        "main.tf": 'variable "on" {}\nvariable "names" {}\n'
                   'module "m" {\n  source = "./m"\n  count = var.on ? 1 : 0\n'
                   '  names = var.names\n}\n'
                   'resource "aws_vpc" "sure" {}\n',
        "m/main.tf": 'variable "names" {}\nresource "aws_subnet" "each" {\n'
                     '  for_each = toset(var.names)\n}\nresource "aws_vpc" "one" {}\n'}
    resources, _ = _evaluate(tmp_path, files)
    assert resources["aws_vpc.sure"].exists_if is None
    assert not resources["aws_vpc.sure"].may_be_absent
    assert resources["module.m[*].aws_vpc.one"].exists_if == "count of module.m depends on var.on"
    assert resources["module.m[*].aws_subnet.each[*]"].exists_if == (
        "count of module.m depends on var.on; for_each of module.m[*].aws_subnet.each depends "
        "on var.names")


def test_nested_for_expressions_past_the_step_limit_are_unknown(tmp_path):
    # a million steps: Unknown rather than a stalled scan; a modest nest is still evaluated
    resources, _ = _evaluate(tmp_path, {"main.tf": """
locals {
  huge  = [for i in range(1024) : [for j in range(1024) : i * j]]
  small = [for i in range(3) : [for j in range(2) : i + j]]
}
resource "aws_vpc" "a" {
  cidr_block = local.huge
  tags       = { small = local.small }
}
"""})
    values = resources["aws_vpc.a"].values
    assert isinstance(values["cidr_block"], Unknown)
    assert values["tags"]["small"] == [[0, 1], [1, 2], [2, 3]]


@pytest.mark.parametrize("text", [
    "aws_vpc_endpoint.ssm", "x aws_vpc_endpoint.ssm.dns_entry[0]", "aws_vpc_endpoint.ssm_2",
    "module.a.aws_vpc_endpoint.ssm", "aws_vpc_endpoint.ssm-x", "xaws_vpc_endpoint.ssm",
    "(aws_vpc_endpoint.ssm)", "aws_vpc_endpoint.ssmé aws_vpc_endpoint.ssm]", "éaws_vpc_endpoint.ssm",
    "aws_vpc_endpoint.ssm_ aws_vpc_endpoint.ssm", "", "aws_vpc_endpoint.ss", "[aws_vpc_endpoint.ssm",
])
def test_an_address_is_named_in_a_text_as_the_pattern_it_replaced_says(text):
    address = "aws_vpc_endpoint.ssm"
    pattern = rf"(?<![\w.]){re.escape(address)}(?![\w-])"
    assert terraform._names(text, address) == bool(re.search(pattern, text))
