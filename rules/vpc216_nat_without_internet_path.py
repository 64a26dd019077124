"""VPC216 nat-without-internet-path: a public NAT gateway that cannot reach the internet.

## What it does
Finds public NAT gateways (`connectivity_type` / `ConnectivityType` public, the default) whose
own subnet's route table has no `0.0.0.0/0` route to an internet gateway: no default route at
all, or one to another NAT gateway, a transit gateway, a peering connection or a virtual private
gateway. It points at the NAT gateway, with its subnet's route table as the related location.
A default route through a Gateway Load Balancer endpoint (inspection before the internet
gateway) is followed to the endpoint subnet's table; a target vpclint cannot classify, and
UNKNOWN tables or routes, keep the rule silent.

It also reports, as a `note`, a route table whose default route goes to a NAT gateway in
another Availability Zone than the subnets that use the table (AZ names or IDs, compared only
when both are known). The note points at that route's target, with the NAT gateway and the
other-AZ subnets as related locations.

## Why it matters
A public NAT gateway forwards traffic to the internet through the internet gateway of its own
subnet's route table. Without that route, every private subnet that sends its default route to
the NAT gateway has no internet access: package installs, AWS API calls without endpoints and
image pulls time out, while the NAT gateway is billed by the hour.

A private subnet routed to a NAT gateway in another AZ pays inter-AZ data transfer on all its
internet traffic, and loses its egress when that other AZ is impaired: the single-NAT layout
trades resilience for cost, and should be a deliberate choice.

## Example
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicSubnetRouteTable:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet
      RouteTableId: !Ref PublicRouteTable
  NatEip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
      AllocationId: !GetAtt NatEip.AllocationId
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  InternetGateway:
    Type: AWS::EC2::InternetGateway
  GatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref InternetGateway
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref InternetGateway
  PublicSubnetRouteTable:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet
      RouteTableId: !Ref PublicRouteTable
  NatEip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
      AllocationId: !GetAtt NatEip.AllocationId
```

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
- https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html
"""

from __future__ import annotations

from ._zones import az_label, same_az
from vpclint.model.components import NatGateway, RouteTable, Subnet, VpcEndpoint
from vpclint.rule import Context, Finding, Level, Related, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC216", "nat-without-internet-path", Level.ERROR,
                "A public NAT gateway's subnet has no default route to an internet gateway, or "
                "a route table sends its default route to a NAT gateway in another AZ",
                needs_analysis=True)

_MAX_HOPS = 4
# where a NAT subnet's default route may go and still be "not to an internet gateway"
_NOT_INTERNET = {"nat": "NAT gateway", "nat_instance": "NAT instance", "tgw": "transit gateway",
                 "peering": "peering connection", "vgw": "virtual private gateway",
                 "egress_only": "egress-only internet gateway", "local": "the local route"}


def check(ctx: Context):
    model = ctx.model
    routing = ctx.analysis.routing
    yield from _nats_without_igw(model, routing)
    yield from _cross_az_defaults(model, routing)


def _nats_without_igw(model, routing):
    for nat in model.of(NatGateway):
        if nat.connectivity != "public" or not isinstance(nat.subnet, Subnet):
            continue
        table = routing.route_table_of(nat.subnet)
        if isinstance(table, Unknown):
            continue
        problem = _internet_problem(routing, table)
        if problem is None:
            continue
        route, last, why, via = problem
        where = f"route table {table.display}"
        if via:
            where += f" (through {', '.join(via)} to route table {last.display})"
        related = [Related(route, f"route table {last.display} {why}", "target")
                   if route is not None else
                   Related(last, f"route table {last.display} {why}")]
        if last is not table:
            related.append(Related(table, f"route table {table.display} of NAT subnet "
                                   f"{nat.subnet.display}"))
        yield Finding(nat, f"public NAT gateway {nat.display} is in subnet {nat.subnet.display} "
                      f"whose {where} {why}: a public NAT gateway reaches the internet only "
                      "through a 0.0.0.0/0 route to an internet gateway, so every subnet routed "
                      "to it has no internet access", related=related)


def _internet_problem(routing, table: RouteTable):
    """(route, table, why, via) when the default route from ``table`` (followed through
    inspection endpoints, ``via``) does not lead to an internet gateway; None when it does, or
    when that cannot be known."""
    via: list[str] = []
    for _ in range(_MAX_HOPS):
        route = routing.default_route(table)
        if isinstance(route, Unknown):
            return None
        if route is None:
            return None, table, "has no 0.0.0.0/0 route", via
        target = routing.target(route)
        if isinstance(target, Unknown):
            return None
        if target.kind == "igw":
            return None
        if target.kind == "gwlb_endpoint":  # inspection on the way out: follow it
            endpoint = target.component
            subnets = endpoint.subnets.items if isinstance(endpoint, VpcEndpoint) else []
            if len(subnets) != 1 or endpoint.subnets.open or not isinstance(subnets[0], Subnet):
                return None
            table = routing.route_table_of(subnets[0])
            if isinstance(table, Unknown):
                return None
            via.append(f"inspection endpoint {endpoint.display}")
            continue
        what = _NOT_INTERNET.get(target.kind)
        if what is None:
            return None  # an endpoint of unknown kind (Network Firewall), "other": not known
        name = getattr(target.component, "display", None) or getattr(
            target.component, "value", None)
        return (route, table, f"sends 0.0.0.0/0 to {what}{' ' + name if name else ''}, not an "
                "internet gateway", via)
    return None


def _cross_az_defaults(model, routing):
    subnets_of: dict[RouteTable, list[Subnet]] = {}
    for subnet in model.of(Subnet):
        table = routing.route_table_of(subnet)
        if isinstance(table, RouteTable):
            subnets_of.setdefault(table, []).append(subnet)
    for table, subnets in subnets_of.items():
        route = routing.default_route(table)
        if route is None or isinstance(route, Unknown):
            continue
        target = routing.target(route)
        if isinstance(target, Unknown) or target.kind != "nat":
            continue
        nat = target.component
        if not isinstance(nat, NatGateway) or not isinstance(nat.subnet, Subnet):
            continue
        others = [s for s in subnets if same_az(s, nat.subnet) is False]
        if not others:
            continue
        nat_az = az_label(nat.subnet)
        listed = ", ".join(f"{s.display} ({az_label(s)})" for s in others)
        related = [Related(nat, f"NAT gateway {nat.display} is in {nat_az}")]
        related += [Related(s, f"subnet {s.display} is in {az_label(s)}") for s in others]
        yield Finding(route, f"route table {table.display} sends 0.0.0.0/0 to NAT gateway "
                      f"{nat.display} in {nat_az}, but serves subnet(s) {listed} in another AZ: "
                      "their internet traffic pays inter-AZ transfer and fails with that AZ; "
                      "use a NAT gateway per AZ", field="target", level=Level.NOTE,
                      related=related)
