"""Scenario fixtures: every (workload, subnet, service) flow gets the right verdict and path.

Each scenario is written twice, in Terraform and in CloudFormation, and both must give the same
verdicts through the same kinds of hops. The path is asserted as the addresses of the hop
components in order (and of the NAT / internet gateway / GWLB endpoint each route hop sends the
traffic to), never as message text.
"""

from __future__ import annotations

import pytest

from fixture_cases import FIXTURES
from vpclint.analyze import Verdict, analyze
from vpclint.config import Config
from vpclint.engine import build

SCENARIOS = FIXTURES / "scenarios"
G, I, L = Verdict.GATEWAY_ENDPOINT, Verdict.INTERFACE_ENDPOINT, Verdict.LATTICE
NAT, NONE = Verdict.NAT_DETOUR, Verdict.NO_PATH
PUBLIC = None  # the public service endpoint, or "no route": a hop that is in no file


def _flows(case: str) -> dict[tuple[str, str, str], tuple[Verdict, list, list]]:
    built = build([str(SCENARIOS / case)], Config())
    found = {}
    for flow in analyze(built.model).flows:
        key = (flow.workload.address, flow.subnet.address, flow.service)
        assert key not in found, f"two flows for {key}"
        hops = [hop.component.address if hop.component is not None else None
                for hop in flow.hops]
        targets = [hop.target.address for hop in flow.hops if hop.target is not None]
        found[key] = (flow.verdict, hops, targets)
    return found


# --- expectations, per scenario and flavour ---------------------------------------------------
# {(workload, subnet, service): (verdict, hop component addresses, route targets)}


def _private_s3_tf():
    w = "aws_autoscaling_group.app"
    return {(w, f"aws_subnet.private_{z}", "s3"): (
        G, [w, f"aws_subnet.private_{z}", f"aws_route_table.private_{z}", "aws_vpc_endpoint.s3"],
        []) for z in "ab"}


def _private_s3_cfn():
    w = "AppGroup"
    return {(w, f"PrivateSubnet{z}", "s3"): (
        G, [w, f"PrivateSubnet{z}", f"PrivateRouteTable{z}", "S3Endpoint"], []) for z in "AB"}


def _private_dynamodb_tf():
    w = "aws_lambda_function.orders"
    return {(w, f"aws_subnet.private_{z}", "dynamodb"): (
        G, [w, f"aws_subnet.private_{z}", "aws_route_table.private",
            "aws_vpc_endpoint.dynamodb"], []) for z in "ab"}


def _private_dynamodb_cfn():
    w = "OrdersFunction"
    return {(w, f"PrivateSubnet{z}", "dynamodb"): (
        G, [w, f"PrivateSubnet{z}", "PrivateRouteTable", "DynamoDbEndpoint"], [])
        for z in "AB"}


def _lambda_tf():
    w = "aws_lambda_function.orders"
    return {(w, f"aws_subnet.private_{z}", service): (
        I, [w, f"aws_subnet.private_{z}", "aws_route_table.private",
            f"aws_vpc_endpoint.{service}"], [])
        for z in "ab" for service in ("sqs", "secretsmanager")}


def _lambda_cfn():
    w = "OrdersFunction"
    endpoints = {"sqs": "SqsEndpoint", "secretsmanager": "SecretsManagerEndpoint"}
    return {(w, f"PrivateSubnet{z}", service): (
        I, [w, f"PrivateSubnet{z}", "PrivateRouteTable", endpoint], [])
        for z in "AB" for service, endpoint in endpoints.items()}


def _lambda_nat_tf():
    w = "aws_lambda_function.orders"
    expected = {}
    for z in "ab":
        subnet, table = f"aws_subnet.private_{z}", f"aws_route_table.private_{z}"
        expected[(w, subnet, "secretsmanager")] = (
            I, [w, subnet, table, "aws_vpc_endpoint.secretsmanager"], [])
        expected[(w, subnet, "sqs")] = (
            NAT, [w, subnet, table, f"aws_route.private_{z}_default", "aws_route_table.public",
                  "aws_route_table.public", PUBLIC],  # the public table's route is inline
            [f"aws_nat_gateway.{z}", "aws_internet_gateway.main"])
    return expected


def _lambda_nat_cfn():
    w = "OrdersFunction"
    expected = {}
    for z in "AB":
        subnet, table = f"PrivateSubnet{z}", f"PrivateRouteTable{z}"
        expected[(w, subnet, "secretsmanager")] = (
            I, [w, subnet, table, "SecretsManagerEndpoint"], [])
        expected[(w, subnet, "sqs")] = (
            NAT, [w, subnet, table, f"PrivateDefaultRoute{z}", "PublicRouteTable",
                  "PublicDefaultRoute", PUBLIC], [f"NatGateway{z}", "InternetGateway"])
    return expected


def _ecs_tf():
    w = "aws_ecs_service.web"
    endpoints = {"ecr.api": (I, "aws_vpc_endpoint.ecr_api"),
                 "ecr.dkr": (I, "aws_vpc_endpoint.ecr_dkr"),
                 "logs": (I, "aws_vpc_endpoint.logs"), "s3": (G, "aws_vpc_endpoint.s3")}
    return {(w, f"aws_subnet.private_{z}", service): (
        verdict, [w, f"aws_subnet.private_{z}", "aws_route_table.private", endpoint], [])
        for z in "ab" for service, (verdict, endpoint) in endpoints.items()}


def _ecs_cfn():
    w = "WebService"
    endpoints = {"ecr.api": (I, "EcrApiEndpoint"), "ecr.dkr": (I, "EcrDkrEndpoint"),
                 "logs": (I, "LogsEndpoint"), "s3": (G, "S3Endpoint")}
    return {(w, f"PrivateSubnet{z}", service): (
        verdict, [w, f"PrivateSubnet{z}", "PrivateRouteTable", endpoint], [])
        for z in "AB" for service, (verdict, endpoint) in endpoints.items()}


def _ssm_tf(missing: str | None = None):
    expected = {}
    for z in "ab":
        w, subnet = f"aws_instance.worker_{z}", f"aws_subnet.private_{z}"
        for service in ("ssm", "ssmmessages", "ec2messages"):
            if service == missing:
                expected[(w, subnet, service)] = (
                    NONE, [w, subnet, "aws_route_table.private", PUBLIC], [])
            else:
                expected[(w, subnet, service)] = (
                    I, [w, subnet, "aws_route_table.private", f"aws_vpc_endpoint.{service}"], [])
    return expected


def _ssm_cfn(missing: str | None = None):
    endpoints = {"ssm": "SsmEndpoint", "ssmmessages": "SsmMessagesEndpoint",
                 "ec2messages": "Ec2MessagesEndpoint"}
    expected = {}
    for z in "AB":
        w, subnet = f"Worker{z}", f"PrivateSubnet{z}"
        for service, endpoint in endpoints.items():
            if service == missing:
                expected[(w, subnet, service)] = (NONE, [w, subnet, "PrivateRouteTable", PUBLIC],
                                                  [])
            else:
                expected[(w, subnet, service)] = (I, [w, subnet, "PrivateRouteTable", endpoint],
                                                  [])
    return expected


def _lattice_tf(admitted: bool = True):
    """Instances in a VPC with no NAT reach the SSM agent's services through the service
    network: association, network, resource configuration, resource gateway, central endpoint.
    With the default DNS preference nothing answers the names: no path."""
    expected = {}
    for z in "ab":
        w, subnet = f"aws_instance.worker_{z}", f"aws_subnet.private_{z}"
        for service in ("ssm", "ssmmessages", "ec2messages"):
            start = [w, subnet, "aws_route_table.private"]
            expected[(w, subnet, service)] = (L, start + [
                "aws_vpclattice_service_network_vpc_association.consumer",
                "aws_vpclattice_service_network.shared",
                f'aws_vpclattice_resource_configuration.agent["{service}"]',
                "aws_vpclattice_resource_gateway.endpoints",
                f'aws_vpc_endpoint.agent["{service}"]'], []) if admitted else (
                NONE, start + [PUBLIC], [])
    return expected


def _lattice_cfn(admitted: bool = True):
    names = {"ssm": "Ssm", "ssmmessages": "SsmMessages", "ec2messages": "Ec2Messages"}
    expected = {}
    for z in "AB":
        w, subnet = f"Worker{z}", f"PrivateSubnet{z}"
        for service, name in names.items():
            start = [w, subnet, "PrivateRouteTable"]
            expected[(w, subnet, service)] = (L, start + [
                "ConsumerAssociation", "ServiceNetwork", f"{name}ResourceConfiguration",
                "ResourceGateway", f"{name}Endpoint"], []) if admitted else (
                NONE, start + [PUBLIC], [])
    return expected


def _gwlb_tf():
    w = "aws_autoscaling_group.app"
    return {(w, "aws_subnet.app_a", "sqs"): (
        NAT, [w, "aws_subnet.app_a",
              "aws_route_table.app_a", "aws_route_table.app_a",  # the table, its inline route
              "aws_route_table.inspection_a", "aws_route_table.inspection_a",
              "aws_route_table.public_a", "aws_route_table.public_a", PUBLIC],
        ["aws_vpc_endpoint.inspection_a", "aws_nat_gateway.a", "aws_internet_gateway.main"])}


def _gwlb_cfn():
    w = "AppGroup"
    return {(w, "AppSubnetA", "sqs"): (
        NAT, [w, "AppSubnetA", "AppRouteTableA", "AppDefaultRouteA", "InspectionRouteTableA",
              "InspectionDefaultRouteA", "PublicRouteTableA", "PublicDefaultRouteA", PUBLIC],
        ["InspectionEndpointA", "NatGatewayA", "InternetGateway"])}


EXPECTED = {
    "private-s3/terraform": _private_s3_tf(),
    "private-s3/cloudformation": _private_s3_cfn(),
    "private-dynamodb/terraform": _private_dynamodb_tf(),
    "private-dynamodb/cloudformation": _private_dynamodb_cfn(),
    "lambda-sqs-secrets/terraform": _lambda_tf(),
    "lambda-sqs-secrets/cloudformation": _lambda_cfn(),
    "lambda-sqs-secrets-nat/terraform": _lambda_nat_tf(),
    "lambda-sqs-secrets-nat/cloudformation": _lambda_nat_cfn(),
    "ecs-fargate-ecr/terraform": _ecs_tf(),
    "ecs-fargate-ecr/cloudformation": _ecs_cfn(),
    "ssm-no-nat/terraform": _ssm_tf(),
    "ssm-no-nat/cloudformation": _ssm_cfn(),
    "ssm-no-nat-missing-ssmmessages/terraform": _ssm_tf(missing="ssmmessages"),
    "ssm-no-nat-missing-ssmmessages/cloudformation": _ssm_cfn(missing="ssmmessages"),
    "lattice-central-endpoints/terraform": _lattice_tf(),
    "lattice-central-endpoints/cloudformation": _lattice_cfn(),
    "lattice-central-endpoints-broken-verified-domains-only/terraform": _lattice_tf(False),
    "lattice-central-endpoints-broken-verified-domains-only/cloudformation": _lattice_cfn(False),
    "gwlb-inspection/terraform": _gwlb_tf(),
    "gwlb-inspection/cloudformation": _gwlb_cfn(),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_scenario_flows(case):
    assert _flows(case) == EXPECTED[case]


def test_every_variant_of_a_flow_scenario_has_expected_flows():
    """Every variant of the flow scenarios listed here is checked (other use-case scenarios,
    about pairings, are checked by their markers in test_scenarios.py)."""
    flow_scenarios = {case.split("/")[0] for case in EXPECTED}
    on_disk = {f"{p.parent.name}/{p.name}" for p in SCENARIOS.glob("*/*")
               if p.is_dir() and p.parent.name in flow_scenarios}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("scenario", sorted({case.split("/")[0] for case in EXPECTED}))
def test_terraform_and_cloudformation_agree(scenario):
    """Same verdicts, same number of hops and route targets, in both flavours."""
    def shape(flows):
        return sorted((service, verdict, len(hops), len(targets))
                      for (_, _, service), (verdict, hops, targets) in flows.items())

    assert shape(EXPECTED[f"{scenario}/terraform"]) == shape(
        EXPECTED[f"{scenario}/cloudformation"])


def test_public_endpoint_names_the_region_when_known():
    terraform = build([str(SCENARIOS / "lambda-sqs-secrets-nat/terraform")], Config())
    cloudformation = build([str(SCENARIOS / "lambda-sqs-secrets-nat/cloudformation")], Config())
    with_region = build([str(SCENARIOS / "lambda-sqs-secrets-nat/cloudformation")],
                        Config(region="eu-west-1"))

    def last(built):
        flow = next(f for f in analyze(built.model).flows if f.service == "sqs")
        return flow.hops[-1].label

    assert last(terraform) == "sqs.us-east-1.amazonaws.com (public)"
    assert last(cloudformation) == "sqs.<region>.amazonaws.com (public)"
    assert last(with_region) == "sqs.eu-west-1.amazonaws.com (public)"


def test_path_reads_as_one_line_without_repeated_hops():
    built = build([str(SCENARIOS / "lambda-sqs-secrets-nat/terraform")], Config())
    flow = next(f for f in analyze(built.model).flows
                if f.service == "sqs" and f.subnet.address == "aws_subnet.private_a")
    assert flow.path == ("lambda orders (subnet private_a 10.0.1.0/24) -> rtb private_a -> "
                         "0.0.0.0/0 nat a -> rtb public -> 0.0.0.0/0 igw main -> "
                         "sqs.us-east-1.amazonaws.com (public)")
