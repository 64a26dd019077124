"""VPC217 route-target-in-other-vpc: a route whose target belongs to another VPC.

## What it does
Finds routes (inline `route` blocks, `aws_route`, `AWS::EC2::Route`) whose target belongs to a
VPC other than the route table's:
- a NAT gateway (`nat_gateway_id` / `NatGatewayId`) whose subnet is in another VPC;
- a VPC endpoint (`vpc_endpoint_id` / `VpcEndpointId`, Gateway Load Balancer endpoints) of
  another VPC;
- an internet gateway (`gateway_id` / `GatewayId`) attached to another VPC (its `vpc_id`, an
  `aws_internet_gateway_attachment` or an `AWS::EC2::VPCGatewayAttachment`).

VPCs are compared only when both are known: two VPCs of the scan, or two literal VPC ids. A
target or route table named by a variable, a parameter or a literal id, and an internet gateway
attached nowhere in the scan, are not reported.

## Why it matters
A route's target must be in the route table's own VPC: a NAT gateway, an endpoint or an internet
gateway serves only the VPC it lives in (traffic to another VPC goes through peering, a transit
gateway or a Cloud WAN core network). AWS rejects such a route ("route table and network
gateway belong to different networks"), so the apply or the stack fails. It is nearly always a
copy-pasted reference between two similar VPCs (hub and spoke, blue and green, two
environments in one configuration).

## Example
Terraform:
```hcl
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "egress" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_internet_gateway" "egress" {
  vpc_id = aws_vpc.egress.id
}

resource "aws_route_table" "app_public" {
  vpc_id = aws_vpc.app.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.egress.id
  }
}
```
CloudFormation:
```yaml
AppVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
EgressVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.1.0.0/16
EgressInternetGateway:
  Type: AWS::EC2::InternetGateway
EgressGatewayAttachment:
  Type: AWS::EC2::VPCGatewayAttachment
  Properties:
    VpcId: !Ref EgressVpc
    InternetGatewayId: !Ref EgressInternetGateway
AppPublicRouteTable:
  Type: AWS::EC2::RouteTable
  Properties:
    VpcId: !Ref AppVpc
AppDefaultRoute:
  Type: AWS::EC2::Route
  DependsOn: EgressGatewayAttachment
  Properties:
    RouteTableId: !Ref AppPublicRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    GatewayId: !Ref EgressInternetGateway
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route_table" "app_public" {
  vpc_id = aws_vpc.app.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.app.id
  }
}
```
CloudFormation:
```yaml
AppVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
AppInternetGateway:
  Type: AWS::EC2::InternetGateway
AppGatewayAttachment:
  Type: AWS::EC2::VPCGatewayAttachment
  Properties:
    VpcId: !Ref AppVpc
    InternetGatewayId: !Ref AppInternetGateway
AppPublicRouteTable:
  Type: AWS::EC2::RouteTable
  Properties:
    VpcId: !Ref AppVpc
AppDefaultRoute:
  Type: AWS::EC2::Route
  DependsOn: AppGatewayAttachment
  Properties:
    RouteTableId: !Ref AppPublicRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    GatewayId: !Ref AppInternetGateway
```

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html
- https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html#route-table-routes
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html
"""

from __future__ import annotations

from ._vpcs import differ, key_of, vpc_name
from vpclint.model.components import (GatewayAttachment, InternetGateway, NatGateway, Route,
                                      RouteTable, VpcEndpoint)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC217", "route-target-in-other-vpc", Level.ERROR,
                "A route's NAT gateway, endpoint or internet gateway belongs to another VPC than "
                "its route table",
                supersedes=("VPC216",))

_TARGETS = {"nat_gateway": (NatGateway, "NAT gateway"), "vpc_endpoint": (VpcEndpoint, "endpoint"),
            "gateway": (InternetGateway, "internet gateway")}


def check(ctx: Context):
    model = ctx.model
    for route in model.of(Route):
        table = route.route_table
        expected = _TARGETS.get(route.target_kind or "")
        if not isinstance(table, RouteTable) or expected is None:
            continue
        cls, noun = expected
        target = route.target
        if not isinstance(target, cls) or not differ(key_of(target), key_of(table)):
            continue
        via = "whose subnet is" if isinstance(target, NatGateway) else "which is"
        destination = route.destination if isinstance(route.destination, str) else "a destination"
        where = "subnet" if isinstance(target, NatGateway) else "vpc"
        owner = target
        if isinstance(target, InternetGateway):  # attached by a separate resource, if any
            owner = next((a for a in model.linked_from(target, GatewayAttachment, "gateway")
                          if a.vpc is target.vpc), target)
        yield Finding(route, f"route to {destination} in route table {table.display} ("
                      f"{vpc_name(table)}) targets {noun} {target.display}, "
                      f"{via} in {vpc_name(target)}: a route's target must be in the route table's "
                      "VPC; reach another VPC through peering or a transit gateway",
                      field="target",
                      related=[Related(owner, f"{noun} {target.display} is in "
                                       f"{vpc_name(target)}", field=where),
                               Related(table, f"route table {table.display} is in "
                                       f"{vpc_name(table)}", field="vpc")])
