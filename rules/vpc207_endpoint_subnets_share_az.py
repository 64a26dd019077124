"""VPC207 endpoint-subnets-share-az: two subnets of one endpoint in the same Availability Zone.

## What it does
Finds VPC endpoints (Interface, Resource, ServiceNetwork), Lattice resource gateways and transit
gateway VPC attachments with two subnets in the same Availability Zone, whether the subnets are
listed inline or added by `aws_vpc_endpoint_subnet_association`. Two subnets are compared by AZ
ID (`availability_zone_id` / `AvailabilityZoneId`) when both IDs are known, else by AZ name when
both names are known, else by index when both are taken from one list of the region's AZs
(`!Select [0, !GetAZs ""]`, `data.aws_availability_zones.available.names[0]`); an AZ named one
way on one subnet and the other way on the other, or one vpclint cannot know (a parameter
without default), is not reported.
Gateway endpoints take no subnet and GatewayLoadBalancer endpoints exactly one: AZs are not
what is wrong with subnets on them (VPC206 reports any subnet a Gateway endpoint has, and a
GatewayLoadBalancer endpoint's second one).

## Why it matters
An endpoint, a resource gateway and a transit gateway attachment place one network interface in
each Availability Zone, so each takes at most one subnet per AZ. AWS rejects a second subnet in
the same AZ (`DuplicateSubnetsInSameZone`), and the apply or the stack fails. It usually means a
subnet list was built from the wrong set (two private subnets of one AZ, a public and a private
subnet of one AZ) and an AZ meant to be covered is missing.

## Example
Terraform:
```hcl
resource "aws_subnet" "private_a" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "data_a" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  cidr_block        = "10.0.11.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_vpc_endpoint" "sts" {
  vpc_id             = "vpc-0a1b2c3d4e5f60001"
  service_name       = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [aws_subnet.private_a.id, aws_subnet.data_a.id]
  security_group_ids = ["sg-0a1b2c3d4e5f60001"]
}
```
CloudFormation:
```yaml
PrivateSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    CidrBlock: 10.0.1.0/24
    AvailabilityZoneId: use1-az1
DataSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    CidrBlock: 10.0.11.0/24
    AvailabilityZoneId: use1-az1
StsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    ServiceName: com.amazonaws.us-east-1.sts
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA, !Ref DataSubnetA]
    SecurityGroupIds: [sg-0a1b2c3d4e5f60001]
```

## Use instead
Terraform:
```hcl
resource "aws_subnet" "private_a" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_vpc_endpoint" "sts" {
  vpc_id             = "vpc-0a1b2c3d4e5f60001"
  service_name       = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids = ["sg-0a1b2c3d4e5f60001"]
}
```
CloudFormation:
```yaml
PrivateSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    CidrBlock: 10.0.1.0/24
    AvailabilityZoneId: use1-az1
PrivateSubnetB:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    CidrBlock: 10.0.2.0/24
    AvailabilityZoneId: use1-az2
StsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    ServiceName: com.amazonaws.us-east-1.sts
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    SecurityGroupIds: [sg-0a1b2c3d4e5f60001]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
- https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/resource-gateway.html
- https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html
"""

from __future__ import annotations

from typing import Iterable

from ._zones import zone_forms, zone_text
from ._endpoints import endpoint_label
from vpclint.model.components import (Component, EndpointAssociation, ResourceGateway, Subnet,
                                      TransitGatewayAttachment, VpcEndpoint)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC207", "endpoint-subnets-share-az", Level.ERROR,
                "Two subnets of one endpoint, resource gateway or transit gateway attachment are "
                "in the same Availability Zone")


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        if not endpoint.takes_subnet_per_zone:
            continue  # no subnet (Gateway) or exactly one (GatewayLoadBalancer)
        added = {id(a.member): a
                 for a in model.linked_from(endpoint, EndpointAssociation, "endpoint")
                 if a.attaches == "subnets" and isinstance(a.member, Component)}
        yield from _duplicates(endpoint, endpoint_label(endpoint), added)
    for gateway in model.of(ResourceGateway):
        yield from _duplicates(gateway, f"resource gateway {gateway.display}", {})
    for attachment in model.of(TransitGatewayAttachment):
        yield from _duplicates(attachment, f"transit gateway attachment {attachment.display}",
                               {})


def _duplicates(owner: Component, label: str, added: dict) -> Iterable[Finding]:
    """One finding per owner, at the first subnet that repeats an AZ (its association when
    one adds it), the subnets it collides with related."""
    seen: dict[tuple, Subnet] = {}
    clashes: list[tuple[Subnet, Subnet, tuple]] = []
    for subnet in owner.subnets:
        if not isinstance(subnet, Subnet):
            continue
        for zone in zone_forms(subnet):
            earlier = seen.get(zone)
            if earlier is not None and earlier is not subnet:
                clashes.append((earlier, subnet, zone))
                break
        else:
            for zone in zone_forms(subnet):
                seen.setdefault(zone, subnet)
    if not clashes:
        return
    described = "; ".join(f"{a.display} and {b.display} are both in {zone_text(zone)}"
                          for a, b, zone in clashes[:3])
    if len(clashes) > 3:
        described += f"; and {len(clashes) - 3} more"
    first = clashes[0][1]
    association = added.get(id(first))
    at, field = (association, "member") if association is not None else (owner, "subnets")
    related = []
    for earlier, later, zone in clashes:
        for subnet in (earlier, later):
            name = "availability_zone_id" if zone[1] == subnet.availability_zone_id \
                else "availability_zone"
            related.append(Related(subnet, f"subnet {subnet.display} is in {zone_text(zone)}",
                                   field=name))
        other = added.get(id(later))
        if other is not None and other is not association:
            related.append(Related(other, f"{other.display} adds subnet {later.display}",
                                   field="member"))
    yield Finding(at, f"{label} has two subnets in one Availability Zone ({described}): it "
                  "takes at most one subnet per AZ; use a subnet of another AZ, or drop one",
                  field=field, related=related)
