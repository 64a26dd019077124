"""VPC218 transit-gateway-attachment-gaps: attachment AZ gaps, inspection without appliance mode.

## What it does
Checks each transit gateway VPC attachment (`aws_ec2_transit_gateway_vpc_attachment`,
`AWS::EC2::TransitGatewayVpcAttachment` / `AWS::EC2::TransitGatewayAttachment`) for two gaps:
- **AZ coverage**: workloads (Lambda functions, ECS services, instances, auto-scaling groups,
  EKS clusters and node groups) in the attached VPC whose subnet routes traffic to the transit
  gateway, in an Availability Zone where the attachment has no subnet. The finding points at
  the attachment's subnets and lists each uncovered AZ with its workloads.
- **Appliance mode**: an attachment into an inspection VPC without `appliance_mode_support` /
  `Options.ApplianceModeSupport` set to `enable`. The VPC counts as an inspection VPC for the
  attachment when a route table of the attachment's own subnets sends traffic to a Gateway Load
  Balancer endpoint or an AWS Network Firewall endpoint: traffic arriving from the transit
  gateway goes straight into stateful appliances.

A route to "the" transit gateway is matched to the attachment's gateway when both are the same
resource or literal ID; when either is not known, only when the VPC has a single attachment in
the scan. UNKNOWN subnets, AZs, route tables and appliance-mode settings keep the rule silent.

## Why it matters
A transit gateway forwards a subnet's traffic only through an attachment network interface in
the same Availability Zone: resources in an AZ without an attachment subnet cannot reach the
transit gateway at all, even with a route to it. Their connections to other VPCs and to
on-premises networks time out, in that AZ only, which makes the fault look intermittent.

Without appliance mode, the transit gateway picks the attachment AZ of each direction of a flow
independently, so the reply of a connection inspected by the firewall in one AZ can arrive at
the firewall in another AZ, which has no state for it and drops it. Stateful inspection through
a transit gateway needs appliance mode on the inspection VPC's attachment.

## Example
Terraform: the inspection VPC's attachment sends traffic into the firewall endpoints without
appliance mode:
```hcl
resource "aws_vpc" "inspection" {
  cidr_block = "10.100.0.0/16"
}

resource "aws_subnet" "tgw_a" {
  vpc_id            = aws_vpc.inspection.id
  cidr_block        = "10.100.0.0/28"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "appliance_a" {
  vpc_id            = aws_vpc.inspection.id
  cidr_block        = "10.100.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_vpc_endpoint" "inspection_a" {
  vpc_id            = aws_vpc.inspection.id
  service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.appliance_a.id]
}

resource "aws_route_table" "tgw_a" {
  vpc_id = aws_vpc.inspection.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = aws_vpc_endpoint.inspection_a.id
  }
}

resource "aws_route_table_association" "tgw_a" {
  subnet_id      = aws_subnet.tgw_a.id
  route_table_id = aws_route_table.tgw_a.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "inspection" {
  transit_gateway_id = "tgw-0123456789abcdef0"
  vpc_id             = aws_vpc.inspection.id
  subnet_ids         = [aws_subnet.tgw_a.id]
}
```
CloudFormation:
```yaml
InspectionVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.100.0.0/16
TgwSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref InspectionVpc
    CidrBlock: 10.100.0.0/28
    AvailabilityZone: us-east-1a
ApplianceSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref InspectionVpc
    CidrBlock: 10.100.1.0/24
    AvailabilityZone: us-east-1a
InspectionEndpointA:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref InspectionVpc
    ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0
    VpcEndpointType: GatewayLoadBalancer
    SubnetIds: [!Ref ApplianceSubnetA]
TgwRouteTableA:
  Type: AWS::EC2::RouteTable
  Properties:
    VpcId: !Ref InspectionVpc
TgwDefaultRouteA:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref TgwRouteTableA
    DestinationCidrBlock: 0.0.0.0/0
    VpcEndpointId: !Ref InspectionEndpointA
TgwSubnetARouteTable:
  Type: AWS::EC2::SubnetRouteTableAssociation
  Properties:
    SubnetId: !Ref TgwSubnetA
    RouteTableId: !Ref TgwRouteTableA
InspectionAttachment:
  Type: AWS::EC2::TransitGatewayVpcAttachment
  Properties:
    TransitGatewayId: tgw-0123456789abcdef0
    VpcId: !Ref InspectionVpc
    SubnetIds: [!Ref TgwSubnetA]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "inspection" {
  cidr_block = "10.100.0.0/16"
}

resource "aws_subnet" "tgw_a" {
  vpc_id            = aws_vpc.inspection.id
  cidr_block        = "10.100.0.0/28"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "appliance_a" {
  vpc_id            = aws_vpc.inspection.id
  cidr_block        = "10.100.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_vpc_endpoint" "inspection_a" {
  vpc_id            = aws_vpc.inspection.id
  service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.appliance_a.id]
}

resource "aws_route_table" "tgw_a" {
  vpc_id = aws_vpc.inspection.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = aws_vpc_endpoint.inspection_a.id
  }
}

resource "aws_route_table_association" "tgw_a" {
  subnet_id      = aws_subnet.tgw_a.id
  route_table_id = aws_route_table.tgw_a.id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "inspection" {
  transit_gateway_id     = "tgw-0123456789abcdef0"
  vpc_id                 = aws_vpc.inspection.id
  subnet_ids             = [aws_subnet.tgw_a.id]
  appliance_mode_support = "enable"
}
```
CloudFormation:
```yaml
InspectionVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.100.0.0/16
TgwSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref InspectionVpc
    CidrBlock: 10.100.0.0/28
    AvailabilityZone: us-east-1a
ApplianceSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref InspectionVpc
    CidrBlock: 10.100.1.0/24
    AvailabilityZone: us-east-1a
InspectionEndpointA:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref InspectionVpc
    ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0
    VpcEndpointType: GatewayLoadBalancer
    SubnetIds: [!Ref ApplianceSubnetA]
TgwRouteTableA:
  Type: AWS::EC2::RouteTable
  Properties:
    VpcId: !Ref InspectionVpc
TgwDefaultRouteA:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref TgwRouteTableA
    DestinationCidrBlock: 0.0.0.0/0
    VpcEndpointId: !Ref InspectionEndpointA
TgwSubnetARouteTable:
  Type: AWS::EC2::SubnetRouteTableAssociation
  Properties:
    SubnetId: !Ref TgwSubnetA
    RouteTableId: !Ref TgwRouteTableA
InspectionAttachment:
  Type: AWS::EC2::TransitGatewayVpcAttachment
  Properties:
    TransitGatewayId: tgw-0123456789abcdef0
    VpcId: !Ref InspectionVpc
    SubnetIds: [!Ref TgwSubnetA]
    Options:
      ApplianceModeSupport: enable
```

## References
- https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
- https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html
- https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config-tgw-multi-az.html
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ._zones import az_label, same_az
from vpclint.model.components import (Component, External, RouteTable, Subnet,
                                      TransitGatewayAttachment, Vpc)
from vpclint.model.workloads import Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC218", "transit-gateway-attachment-gaps", Level.WARNING,
                "A transit gateway attachment misses workload AZs, or attaches an inspection "
                "VPC without appliance mode",
                needs_analysis=True)

# Network Firewall endpoints have no component: a route names one through the firewall's
# attributes, which are known only after apply (Terraform ``firewall_status[0].sync_states``,
# CloudFormation ``!GetAtt Firewall.EndpointIds``) or through an in-scan resource of its type.
_FIREWALL_TYPES = {"aws_networkfirewall_firewall", "aws_networkfirewall_vpc_endpoint_association",
                   "AWS::NetworkFirewall::Firewall",
                   "AWS::NetworkFirewall::VpcEndpointAssociation"}
_FIREWALL_TEXT = re.compile(r"aws_networkfirewall_(firewall|vpc_endpoint_association)\.|"
                            r"\bEndpointIds\b")


def check(ctx: Context):
    model = ctx.model
    routing = ctx.analysis.routing
    attachments_of: dict[int, list[TransitGatewayAttachment]] = defaultdict(list)
    for attachment in model.of(TransitGatewayAttachment):
        if isinstance(attachment.vpc, Vpc):
            attachments_of[id(attachment.vpc)].append(attachment)
    workloads_in: dict[int, list[tuple[Workload, Subnet]]] = defaultdict(list)
    for workload in model.of(Workload):
        for subnet in workload.subnets:
            if isinstance(subnet, Subnet) and isinstance(subnet.vpc, Vpc) \
                    and id(subnet.vpc) in attachments_of:
                workloads_in[id(subnet.vpc)].append((workload, subnet))
    for attachment in model.of(TransitGatewayAttachment):
        subnets = _subnets(attachment)
        if subnets is None:
            continue
        if isinstance(attachment.vpc, Vpc):
            sole = len(attachments_of[id(attachment.vpc)]) == 1
            finding = _az_gaps(attachment, subnets, workloads_in[id(attachment.vpc)], sole,
                               routing)
            if finding is not None:
                yield finding
        finding = _appliance_mode(attachment, subnets, routing)
        if finding is not None:
            yield finding


def _subnets(attachment: TransitGatewayAttachment) -> list[Subnet] | None:
    links = attachment.subnets
    if links.open or links.external or not links.items:
        return None
    if not all(isinstance(s, Subnet) for s in links.items):
        return None
    return list(links.items)


# --- AZ coverage ------------------------------------------------------------------------------


def _az_gaps(attachment, subnets, workloads, sole, routing) -> Finding | None:
    uncovered: dict[str, list[tuple[Workload, Subnet]]] = {}
    for workload, subnet in workloads:
        answers = [same_az(subnet, member) for member in subnets]
        if not answers or not all(answer is False for answer in answers):
            continue  # covered, or not known
        if not _routes_to_tgw(subnet, attachment, sole, routing):
            continue
        uncovered.setdefault(az_label(subnet), []).append((workload, subnet))
    if not uncovered:
        return None
    parts, related = [], []
    for az, members in uncovered.items():
        labels = list(dict.fromkeys(w.label for w, _ in members))
        in_subnets = list(dict.fromkeys(s for _, s in members))
        parts.append(f"{az} ({', '.join(labels)} in "
                     f"{', '.join(s.display for s in in_subnets)})")
        related += [Related(s, f"subnet {s.display} in {az} routes to the transit gateway")
                    for s in in_subnets]
    covered = ", ".join(dict.fromkeys(az_label(s) for s in subnets))
    return Finding(attachment, f"transit gateway attachment {attachment.display} has subnets "
                   f"only in {covered}, but workloads that route to the transit gateway run in "
                   f"{'; '.join(parts)}: a transit gateway forwards a subnet's traffic only "
                   "through an attachment interface in the same AZ, so they cannot reach it; "
                   "add an attachment subnet in each workload AZ", field="subnets",
                   related=related)


def _routes_to_tgw(subnet: Subnet, attachment, sole: bool, routing) -> bool:
    """True when the subnet's route table has a route to the attachment's transit gateway."""
    table = routing.route_table_of(subnet)
    if not isinstance(table, RouteTable):
        return False
    for route in table.routes:
        if route.target_kind == "transit_gateway" and _same_tgw(route.target,
                                                                attachment.transit_gateway, sole):
            return True
    return False


def _same_tgw(target: Any, gateway: Any, sole: bool) -> bool:
    if isinstance(target, Component) and isinstance(gateway, Component):
        return target is gateway
    if isinstance(target, External) and isinstance(gateway, External):
        if target.type == gateway.type:
            return target.value == gateway.value
    return sole  # not comparable: the VPC's only attachment is the one its routes use


# --- appliance mode ---------------------------------------------------------------------------


def _appliance_mode(attachment, subnets, routing) -> Finding | None:
    if attachment.appliance_mode is True or isinstance(attachment.appliance_mode, Unknown):
        return None
    evidence = _inspection(subnets, routing)
    if evidence is None:
        return None
    table, route, what = evidence
    vpc = attachment.vpc
    vpc_name = getattr(vpc, "display", None) or getattr(vpc, "value", None) or "its VPC"
    state = "disabled" if attachment.appliance_mode is False else "not set (disabled)"
    return Finding(attachment, f"transit gateway attachment {attachment.display} attaches "
                   f"inspection VPC {vpc_name} (route table {table.display} of its subnets "
                   f"sends traffic to {what}) with appliance mode {state}: the transit gateway "
                   "may send the two directions of a flow to appliances in different AZs, and "
                   "a stateful firewall drops the half it has no state for; set "
                   "appliance_mode_support / Options.ApplianceModeSupport to enable",
                   field="appliance_mode",
                   related=[Related(route, f"route table {table.display} sends traffic from the "
                                           f"transit gateway to {what}", "target")])


def _inspection(subnets: list[Subnet], routing) -> tuple[RouteTable, Any, str] | None:
    """(table, route, what) for a route from an attachment subnet's table into an inspection
    appliance endpoint, or None."""
    for subnet in subnets:
        table = routing.route_table_of(subnet)
        if not isinstance(table, RouteTable):
            continue
        for route in table.routes:
            if route.target_kind != "vpc_endpoint":
                continue
            target = routing.target(route)
            if not isinstance(target, Unknown) and target.kind == "gwlb_endpoint":
                return table, route, f"Gateway Load Balancer endpoint {target.component.display}"
            if _firewall_endpoint(route.target):
                return table, route, "a Network Firewall endpoint"
    return None


def _firewall_endpoint(value: Any) -> bool:
    if isinstance(value, External):
        return value.type in _FIREWALL_TYPES
    if isinstance(value, Unknown):
        return bool(_FIREWALL_TEXT.search(f"{value.reason} {value.expr}"))
    return False
