"""Routing: CloudFormation's implicit main route table, and routes whose table is not known."""

from __future__ import annotations

import pytest

from vpclint.analyze import Verdict, analyze
from vpclint.analyze.routing import _may_hold_public
from vpclint.config import Config
from vpclint.engine import build
from vpclint.model.components import RouteTable, Subnet, Vpc
from vpclint.values import Unknown

_NETWORK = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  OtherRouteTableId:
    Type: String
  TransitGatewayId:
    Type: String
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      VpcConfig:
        SubnetIds: [!Ref Subnet]
'''


def _flows(tmp_path, extra: str = "", *, files: dict[str, str] | None = None):
    (tmp_path / "network.yaml").write_text(_NETWORK + extra)
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    model = build([str(tmp_path)], Config()).model
    analysis = analyze(model)
    return model, analysis, [f for f in analysis.flows if f.service == "s3"]


def _route(name: str, table: str, destination: str, target: str = "TransitGatewayId: "
           "!Ref TransitGatewayId") -> str:
    key = "DestinationPrefixListId" if destination.startswith("pl-") else "DestinationCidrBlock"
    return f'''  {name}:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: {table}
      {key}: {destination}
      {target}
'''


# --- CloudFormation's main route table ----------------------------------------------------------


def test_a_subnet_with_no_association_uses_the_main_table_with_the_local_route_only(tmp_path):
    model, analysis, (flow,) = _flows(tmp_path)
    table = analysis.routing.route_table_of(model.of(Subnet)[0])
    assert isinstance(table, RouteTable) and table.routes == [] and table.vpc is model.of(Vpc)[0]
    assert flow.verdict is Verdict.NO_PATH and flow.route_table is table
    assert [hop.component for hop in flow.hops] == [flow.workload, flow.subnet, table, None]
    assert table.span() == model.of(Vpc)[0].span()  # located at the VPC, whose main table it is


def test_an_interface_endpoint_with_private_dns_serves_a_subnet_on_the_main_table(tmp_path):
    endpoint = '''  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.s3
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref Subnet]
'''
    _, _, (flow,) = _flows(tmp_path, endpoint)
    assert flow.verdict is Verdict.INTERFACE_ENDPOINT


def test_a_route_on_a_table_not_known_may_be_on_the_main_table(tmp_path):
    _, _, (flow,) = _flows(tmp_path, _route("Default", "!Ref OtherRouteTableId", "0.0.0.0/0"))
    assert flow.verdict is Verdict.UNKNOWN


def test_a_gateway_endpoint_on_a_table_vpclint_cannot_see_may_be_on_the_main_table(tmp_path):
    extra = '''  MainTableLookup:
    Type: Custom::MainRouteTable
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:lookup
      VpcName: network
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.s3
      RouteTableIds: [!GetAtt MainTableLookup.RouteTableId]
'''
    _, _, (flow,) = _flows(tmp_path, extra)
    assert flow.verdict is Verdict.UNKNOWN


def test_the_main_table_of_a_vpc_from_another_template_is_not_known(tmp_path):
    spoke = '''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SpokeSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !ImportValue network-vpc
      CidrBlock: 10.0.2.0/24
'''
    exports = '''Outputs:
  VpcId:
    Value: !Ref Vpc
    Export:
      Name: network-vpc
'''
    model, analysis, _ = _flows(tmp_path, exports, files={"spoke.yaml": spoke})
    subnet = next(s for s in model.of(Subnet) if s.address == "SpokeSubnet")
    assert subnet.vpc is not None and not isinstance(subnet.vpc, Unknown)
    assert isinstance(analysis.routing.route_table_of(subnet), Unknown)


# --- routes whose table is not known ------------------------------------------------------------

_NAT_TABLE = '''  Table:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Subnet
      RouteTableId: !Ref Table
  Egress:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Table
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: igw-0123456789abcdef0
'''


@pytest.mark.parametrize("destination, known", [
    ("10.20.0.0/16", True),  # private: never the way to a public service
    ("2001:db8::/32", True),  # IPv6: the flows are IPv4
    ("0.0.0.0/0", True),  # the table has one: AWS rejects a second
    ("52.0.0.0/8", False),  # public and more specific than the default route
    ("pl-0123456789abcdef0", False),  # a prefix list may hold any address
    ("!Ref TransitGatewayId", False),  # not known
])
def test_a_route_on_a_table_not_known_matters_only_where_its_destination_reaches(
        tmp_path, destination, known):
    floating = _route("Floating", "!Ref OtherRouteTableId", destination)
    _, analysis, (flow,) = _flows(tmp_path, _NAT_TABLE + floating)
    route = analysis.routing.default_route(flow.route_table)
    assert (not isinstance(route, Unknown)) is known
    assert (flow.verdict is not Verdict.UNKNOWN) is known


def test_with_no_default_route_any_route_that_may_be_on_the_table_keeps_it_unknown(tmp_path):
    # it may lead out of the VPC, to a hub whose private hosted zones answer the service's name
    table = _NAT_TABLE[:_NAT_TABLE.index("  Egress:")]
    floating = _route("Floating", "!Ref OtherRouteTableId", "10.20.0.0/16")
    _, _, (flow,) = _flows(tmp_path, table + floating)
    assert flow.verdict is Verdict.UNKNOWN
    _, _, (flow,) = _flows(tmp_path, table)
    assert flow.verdict is Verdict.NO_PATH


@pytest.mark.parametrize("destination, public", [
    ("10.1.0.0/16", False), ("172.16.5.0/24", False), ("192.168.0.0/16", False),
    ("100.64.0.0/10", False), ("fd00::/8", False), ("0.0.0.0/0", True), ("172.0.0.0/8", True),
    ("pl-63a5400a", True), (Unknown("a parameter"), True),
])
def test_destinations_that_may_hold_public_addresses(destination, public):
    assert _may_hold_public(destination) is public


_EXPORT = '''Outputs:
  TableId:
    Value: !Ref Table
    Export:
      Name: network-table
'''


def test_another_stack_may_add_the_default_route_an_exported_table_lacks(tmp_path):
    table = _NAT_TABLE[:_NAT_TABLE.index("  Egress:")]
    _, _, (flow,) = _flows(tmp_path, table + _EXPORT)
    assert flow.verdict is Verdict.UNKNOWN
    _, _, (flow,) = _flows(tmp_path, _NAT_TABLE + _EXPORT)  # it has one: no second
    assert flow.verdict is Verdict.INTERNET_GATEWAY


def test_a_table_handed_to_a_custom_resource_may_have_any_route(tmp_path):
    custom = '''  ReplaceRoute:
    Type: Custom::ReplaceRoute
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:replace
      RouteTableId: !Ref Table
'''
    _, _, (flow,) = _flows(tmp_path, _NAT_TABLE + custom)
    assert flow.verdict is Verdict.UNKNOWN


def test_a_route_of_another_template_on_a_table_not_known_stands_for_none_of_these_tables(
        tmp_path):
    # its parameter stands for nothing outside its own template; another stack adding routes to
    # the exported table is taken to add a default route it lacks, not a public detour
    other = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SomeRouteTableId:
    Type: String
Resources:
''' + _route("Elsewhere", "!Ref SomeRouteTableId", "52.0.0.0/8",
             "TransitGatewayId: tgw-0123456789abcdef0")
    _, _, (flow,) = _flows(tmp_path, _NAT_TABLE + _EXPORT, files={"other.yaml": other})
    assert flow.verdict is Verdict.INTERNET_GATEWAY
