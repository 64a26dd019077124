"""VPC212 vpc-in-two-service-networks: one VPC associated with more than one service network.

## What it does
Finds VPCs that two or more service network VPC associations
(`aws_vpclattice_service_network_vpc_association`,
`AWS::VpcLattice::ServiceNetworkVpcAssociation`) attach to different service networks. It
reports every association after the first, the first related. VPCs and service networks are
compared only when known: an in-scan VPC or service network, or a literal id or ARN. An
association whose VPC or service network comes from a variable, a parameter or a data source
is not counted, nor is an in-scan service network against a literal id that may name it; an
association is not reported for an earlier one that may not be created (its `count`,
`for_each` or `Condition` is not known).

## Why it matters
A VPC can be associated with only one service network at a time: the second association fails
with a conflict, so the apply or the stack fails, or (when the associations live in different
stacks) whichever is deployed second breaks. A VPC whose clients need the services of several
service networks reaches them through ServiceNetwork VPC endpoints (any number per VPC), or by
associating the services with the one network the VPC uses.

## Example
Terraform:
```hcl
resource "aws_vpclattice_service_network" "payments" {
  name      = "payments"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network" "inventory" {
  name      = "inventory"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_vpc_association" "payments" {
  vpc_identifier             = "vpc-0a1b2c3d4e5f60001"
  service_network_identifier = aws_vpclattice_service_network.payments.id
}

resource "aws_vpclattice_service_network_vpc_association" "inventory" {
  vpc_identifier             = "vpc-0a1b2c3d4e5f60001"
  service_network_identifier = aws_vpclattice_service_network.inventory.id
}
```
CloudFormation:
```yaml
PaymentsNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: payments
    AuthType: AWS_IAM
InventoryNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: inventory
    AuthType: AWS_IAM
PaymentsAssociation:
  Type: AWS::VpcLattice::ServiceNetworkVpcAssociation
  Properties:
    VpcIdentifier: vpc-0a1b2c3d4e5f60001
    ServiceNetworkIdentifier: !Ref PaymentsNetwork
InventoryAssociation:
  Type: AWS::VpcLattice::ServiceNetworkVpcAssociation
  Properties:
    VpcIdentifier: vpc-0a1b2c3d4e5f60001
    ServiceNetworkIdentifier: !Ref InventoryNetwork
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_service_network_vpc_association" "payments" {
  vpc_identifier             = "vpc-0a1b2c3d4e5f60001"
  service_network_identifier = aws_vpclattice_service_network.payments.id
}

resource "aws_vpc_endpoint" "inventory" {
  vpc_id              = "vpc-0a1b2c3d4e5f60001"
  vpc_endpoint_type   = "ServiceNetwork"
  service_network_arn = aws_vpclattice_service_network.inventory.arn
  subnet_ids          = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  security_group_ids  = ["sg-0a1b2c3d4e5f60001"]
}
```
CloudFormation:
```yaml
PaymentsAssociation:
  Type: AWS::VpcLattice::ServiceNetworkVpcAssociation
  Properties:
    VpcIdentifier: vpc-0a1b2c3d4e5f60001
    ServiceNetworkIdentifier: !Ref PaymentsNetwork
InventoryEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    VpcEndpointType: ServiceNetwork
    ServiceNetworkArn: !GetAtt InventoryNetwork.Arn
    SubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
    SecurityGroupIds: [sg-0a1b2c3d4e5f60001]
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-network-associations.html
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateServiceNetworkVpcAssociation.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/access-service-networks.html
"""

from __future__ import annotations

from collections import defaultdict

from ._vpcs import key_of_link, link_name
from vpclint.model.components import External, ServiceNetwork, ServiceNetworkAssociation
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC212", "vpc-in-two-service-networks", Level.ERROR,
                "A VPC is associated with more than one service network")


def check(ctx: Context):
    model = ctx.model
    by_vpc: dict[tuple, list[ServiceNetworkAssociation]] = defaultdict(list)
    for association in model.of(ServiceNetworkAssociation):
        if association.associates != "vpc":
            continue
        vpc = key_of_link(association.member)
        if vpc is not None and _network_key(association.service_network) is not None:
            by_vpc[vpc].append(association)
    for associations in by_vpc.values():
        keys = [_network_key(a.service_network) for a in associations]
        for index in range(1, len(associations)):
            earlier = next((associations[i] for i in range(index)
                            if _distinct(keys[index], keys[i])), None)
            if earlier is None:
                continue  # the same network as before (or one that may be it)
            association = associations[index]
            vpc = association.member
            yield Finding(association, f"service network VPC association "
                          f"{association.display} associates {link_name(vpc)} with service "
                          f"network {_network_name(association.service_network)}, but "
                          f"{earlier.display} already associates it with "
                          f"{_network_name(earlier.service_network)}: a VPC can be associated "
                          "with only one service network; reach the other network through a "
                          "ServiceNetwork VPC endpoint, or associate its services with the "
                          "network the VPC uses", field="service_network",
                          related=[Related(earlier, f"{earlier.display} associates "
                                           f"{link_name(vpc)} with "
                                           f"{_network_name(earlier.service_network)}",
                                           field="service_network")])


def _network_key(link) -> tuple | None:
    """The identity of a service network: an in-scan one, or its literal id (an ARN ends with
    ``servicenetwork/sn-...``); None when unknown."""
    if isinstance(link, ServiceNetwork):
        return ("component", id(link))
    if isinstance(link, External) and link.type is None and link.value:
        return ("id", link.value.rsplit("/", 1)[-1])
    return None


def _distinct(a: tuple, b: tuple) -> bool:
    """True when ``a`` and ``b`` are known to be different service networks: two in-scan ones,
    or two different literal ids (a literal id may name an in-scan network)."""
    return a[0] == b[0] and a != b


def _network_name(link) -> str:
    return link.display if isinstance(link, ServiceNetwork) else link.value
