"""VPC Lattice in the flow analysis: which settings make Lattice answer an AWS service's name in a
VPC (the documented private DNS preferences), where the answer is UNKNOWN, and which endpoints
Lattice fronts (VPC303). Each case is a small Terraform module; the scenario fixtures
(lattice-central-endpoints) cover the same in CloudFormation, hop by hop."""

from __future__ import annotations

import pytest

from vpclint.analyze import Verdict, analyze
from vpclint.config import Config
from vpclint.engine import build
from vpclint.model.components import VpcEndpoint
from vpclint.values import Unknown

L, NONE, UNKNOWN = Verdict.LATTICE, Verdict.NO_PATH, Verdict.UNKNOWN

CONSUMER = '''
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "consumer" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.consumer.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.consumer.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.app.arn
  vpc_config {
    subnet_ids         = [aws_subnet.private.id]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_iam_role" "app" {
  name = "app"
  inline_policy {
    name   = "ssm"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "ssm:GetParameter", Resource = "*" }]
    })
  }
}

resource "aws_vpclattice_service_network" "shared" {
  name = "shared"
}

resource "aws_vpclattice_resource_configuration" "ssm" {
  name                        = "ssm"
  resource_gateway_identifier = "rgw-0123456789abcdef0"
  port_ranges                 = ["443"]
  custom_domain_name          = {domain}

  resource_configuration_definition {
    dns_resource {
      domain_name     = {target}
      ip_address_type = "IPV4"
    }
  }
}

resource "aws_vpclattice_service_network_resource_association" "ssm" {
  resource_configuration_identifier = aws_vpclattice_resource_configuration.ssm.id
  service_network_identifier        = aws_vpclattice_service_network.shared.id
  {resource_dns}
}

{access}

variable "unset" {
  type = string
}
'''

ASSOCIATION = '''resource "aws_vpclattice_service_network_vpc_association" "consumer" {
  vpc_identifier             = {vpc}
  service_network_identifier = aws_vpclattice_service_network.shared.id
  {dns}
}'''

SSM = '"ssm.us-east-1.amazonaws.com"'
TARGET = '"vpce-0123456789abcdef0-abcdefgh.ssm.us-east-1.vpce.amazonaws.com"'
ON = "private_dns_enabled = true"


def _options(preference: str, domains: str | None = None) -> str:
    inner = f"private_dns_preference = {preference}"
    if domains is not None:
        inner += f"\n    private_dns_specified_domains = {domains}"
    return f"{ON}\n  dns_options {{\n    {inner}\n  }}"


def _module(tmp_path, *, dns: str = "", domain: str = SSM, target: str = TARGET,
            resource_dns: str = ON, vpc: str = "aws_vpc.consumer.id", access: str | None = None):
    association = _fill(ASSOCIATION, vpc=vpc, dns=dns) if access is None else access
    (tmp_path / "main.tf").write_text(_fill(CONSUMER, domain=domain, target=target,
                                            resource_dns=resource_dns, access=association))
    return build([str(tmp_path)], Config()).model


def _fill(text: str, **values: str) -> str:
    """The template with each ``{key}`` replaced (HCL's own braces left alone)."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _verdict(model) -> tuple[Verdict, str]:
    (flow,) = [f for f in analyze(model).flows if f.service == "ssm"]
    return flow.verdict, flow.reason


@pytest.mark.parametrize("dns, expected", [
    (_options('"ALL_DOMAINS"'), L),
    (_options('"SPECIFIED_DOMAINS_ONLY"', '["*.amazonaws.com"]'), L),
    (_options('"SPECIFIED_DOMAINS_ONLY"', '["ssm.us-east-1.amazonaws.com"]'), L),
    (_options('"VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS"', '["*.us-east-1.amazonaws.com"]'), L),
    (_options('"SPECIFIED_DOMAINS_ONLY"', '["*.example.com"]'), NONE),
    (_options('"SPECIFIED_DOMAINS_ONLY"', '["sts.us-east-1.amazonaws.com"]'), NONE),
    (_options('"VERIFIED_DOMAINS_ONLY"'), NONE),  # no provider can verify an AWS name
    (ON, NONE),  # the default preference: verified domains only
    ("private_dns_enabled = false", NONE),
    ("", NONE),  # private DNS unset, default preference: never an AWS name either way
    (_options('"ALL_DOMAINS"').replace(ON, ""), UNKNOWN),  # unset private DNS, no default
    (_options("var.unset"), UNKNOWN),
    (_options('"SPECIFIED_DOMAINS_ONLY"', "[var.unset]"), UNKNOWN),
])
def test_private_dns_preference_decides_whether_lattice_answers_the_name(tmp_path, dns,
                                                                         expected):
    assert _verdict(_module(tmp_path, dns=dns))[0] is expected


ALL = _options('"ALL_DOMAINS"')


@pytest.mark.parametrize("change, expected", [
    ({}, L),
    ({"domain": '"ssm.eu-west-1.amazonaws.com"'}, NONE),  # another region's name
    ({"domain": '"sts.us-east-1.amazonaws.com"'}, NONE),
    ({"domain": "var.unset"}, UNKNOWN),
    ({"target": "var.unset"}, UNKNOWN),  # a target passed in: fronting is possible
    ({"resource_dns": "private_dns_enabled = false"}, NONE),
    ({"resource_dns": ""}, UNKNOWN),  # unset, no documented default
    ({"vpc": '"vpc-0123456789abcdef0"'}, NONE),  # another VPC
    ({"vpc": "var.unset"}, UNKNOWN),  # maybe this one
])
def test_every_link_of_the_chain_counts(tmp_path, change, expected):
    verdict, reason = _verdict(_module(tmp_path, dns=ALL, **change))
    assert verdict is expected
    if verdict is UNKNOWN:
        assert reason.startswith("VPC Lattice may answer ssm's name in this VPC")


def test_a_resource_endpoint_reaches_its_configuration(tmp_path):
    endpoint = '''resource "aws_vpc_endpoint" "ssm" {
  vpc_id                     = aws_vpc.consumer.id
  vpc_endpoint_type          = "Resource"
  resource_configuration_arn = aws_vpclattice_resource_configuration.ssm.arn
  subnet_ids                 = [aws_subnet.private.id]
  private_dns_enabled        = true
  dns_options {
    private_dns_preference = "ALL_DOMAINS"
  }
}'''
    model = _module(tmp_path, access=endpoint)
    (flow,) = [f for f in analyze(model).flows if f.service == "ssm"]
    assert flow.verdict is L
    assert [hop.component.address if hop.component else hop.label for hop in flow.hops[3:]] == [
        "aws_vpc_endpoint.ssm", "aws_vpclattice_resource_configuration.ssm",
        "vpce-0123456789abcdef0-abcdefgh.ssm.us-east-1.vpce.amazonaws.com"]


def test_lattice_verdict_is_private():
    assert Verdict.LATTICE.private
    assert Verdict.LATTICE.value == "private via VPC Lattice"


# --- endpoints Lattice fronts (VPC303) --------------------------------------------------------

ENDPOINT = '''
resource "aws_vpc" "endpoints" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc_endpoint" "ssm" {
  vpc_id            = aws_vpc.endpoints.id
  service_name      = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type = "Interface"
  subnet_ids        = ["subnet-0123456789abcdef0"]
}
'''


def _fronts(tmp_path, extra: str) -> bool | Unknown:
    (tmp_path / "main.tf").write_text(ENDPOINT + extra)
    model = build([str(tmp_path)], Config()).model
    (endpoint,) = model.of(VpcEndpoint)
    return analyze(model).lattice.fronts(endpoint)


CONFIGURATION = '''
resource "aws_vpclattice_resource_configuration" "ssm" {
  name                        = "ssm"
  resource_gateway_identifier = "rgw-0123456789abcdef0"
  port_ranges                 = ["443"]
  {domain}
  resource_configuration_definition {
    dns_resource {
      domain_name = {target}
    }
  }
}
'''
ASSOCIATED = '''
resource "aws_vpclattice_service_network_resource_association" "ssm" {
  resource_configuration_identifier = aws_vpclattice_resource_configuration.ssm.id
  service_network_identifier        = "sn-0123456789abcdef0"
}
'''


@pytest.mark.parametrize("extra, expected", [
    ("", False),
    (_fill(CONFIGURATION, domain="", target="aws_vpc_endpoint.ssm.dns_entry[0].dns_name"), True),
    (_fill(CONFIGURATION, domain=f"custom_domain_name = {SSM}", target="var.unset")
     + ASSOCIATED + 'variable "unset" {}', True),
    # named for the service but reached by nobody: VPC107's finding, no fronting
    (_fill(CONFIGURATION, domain=f"custom_domain_name = {SSM}", target=TARGET), False),
    (_fill(CONFIGURATION, domain='custom_domain_name = "sts.us-east-1.amazonaws.com"',
           target=TARGET) + ASSOCIATED, False),
    (_fill(CONFIGURATION, domain="custom_domain_name = var.unset", target=TARGET)
     + ASSOCIATED + 'variable "unset" {}', "unknown"),
    ('output "dns" {\n  value = aws_vpc_endpoint.ssm.dns_entry[0].dns_name\n}\n', "unknown"),
    ('resource "aws_ssm_parameter" "dns" {\n  name  = "/endpoints/ssm"\n  type  = "String"\n'
     '  value = aws_vpc_endpoint.ssm.dns_entry[0].dns_name\n}\n', "unknown"),
])
def test_fronting_of_an_endpoint(tmp_path, extra, expected):
    found = _fronts(tmp_path, extra)
    assert (isinstance(found, Unknown) if expected == "unknown" else found is expected), found


@pytest.mark.parametrize("change, component, field", [
    ({"dns": "private_dns_enabled = false"},
     "aws_vpclattice_service_network_vpc_association.consumer", "private_dns"),
    ({"dns": ON}, "aws_vpclattice_service_network_vpc_association.consumer", "dns_preference"),
    ({"dns": _options('"SPECIFIED_DOMAINS_ONLY"', '["*.example.com"]')},
     "aws_vpclattice_service_network_vpc_association.consumer", "dns_domains"),
    ({"dns": ALL, "resource_dns": "private_dns_enabled = false"},
     "aws_vpclattice_service_network_resource_association.ssm", "private_dns"),
])
def test_a_flow_that_lattice_nearly_carries_names_the_setting_at_fault(tmp_path, change,
                                                                       component, field):
    """No path, although a resource configuration the VPC reaches carries the service's name:
    the flow says which setting keeps Lattice from answering it (VPC307 relates it)."""
    (flow,) = [f for f in analyze(_module(tmp_path, **change)).flows if f.service == "ssm"]
    assert flow.verdict is NONE
    assert (flow.lattice_miss.component.address, flow.lattice_miss.field) == (component, field)


def test_no_setting_at_fault_when_nothing_carries_the_name(tmp_path):
    model = _module(tmp_path, dns=ALL, domain='"sts.us-east-1.amazonaws.com"')
    (flow,) = [f for f in analyze(model).flows if f.service == "ssm"]
    assert flow.verdict is NONE and flow.lattice_miss is None
