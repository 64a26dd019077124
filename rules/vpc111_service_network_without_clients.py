"""VPC111 service-network-without-clients: a service network that no VPC uses.

## What it does
Finds VPC Lattice service networks (`aws_vpclattice_service_network`,
`AWS::VpcLattice::ServiceNetwork`) that have no client anywhere in the scan: no VPC association
(`aws_vpclattice_service_network_vpc_association`,
`AWS::VpcLattice::ServiceNetworkVpcAssociation`) and no ServiceNetwork VPC endpoint
(`service_network_arn` / `ServiceNetworkArn`). A shared service network stays silent, because its
clients live in other accounts: one in a RAM share, or with `SharingConfig.enabled` set. So does
one that an association, endpoint or share might name through a variable or a parameter.

## Why it matters
A service network is how client VPCs reach Lattice services and resource configurations. With no
VPC association and no ServiceNetwork endpoint, nothing resolves or connects to the services in
it: they are unreachable, and the usual cause is an association that was forgotten, or created
against another network.

## Example
Terraform:
```hcl
resource "aws_vpclattice_service_network" "apps" {
  name = "apps"
}
```
CloudFormation:
```yaml
AppsServiceNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: apps
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_service_network" "apps" {
  name = "apps"
}

resource "aws_vpclattice_service_network_vpc_association" "client" {
  vpc_identifier             = aws_vpc.client.id
  service_network_identifier = aws_vpclattice_service_network.apps.id
}
```
CloudFormation:
```yaml
AppsServiceNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: apps
ClientVpcInApps:
  Type: AWS::VpcLattice::ServiceNetworkVpcAssociation
  Properties:
    ServiceNetworkIdentifier: !Ref AppsServiceNetwork
    VpcIdentifier: !Ref ClientVpc
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-network-associations.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/service-network-endpoints.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/sharing.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_service_network_vpc_association
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-servicenetworkvpcassociation.html
"""

from __future__ import annotations

from ._pairing import referrers_in_scope
from vpclint.model.components import (RamShare, ServiceNetwork, ServiceNetworkAssociation,
                                      VpcEndpoint)
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC111", "service-network-without-clients", Level.WARNING,
                "A service network has no VPC association or ServiceNetwork endpoint and is not "
                "shared")


def check(ctx: Context):
    model = ctx.model
    vpc_associations_of = referrers_in_scope(model, ServiceNetworkAssociation, "service_network",
                                    where=lambda a: a.associates == "vpc")
    endpoints_of = referrers_in_scope(model, VpcEndpoint, "service_network")
    for network in model.of(ServiceNetwork):
        if not vpc_associations_of(network).known_empty:
            continue
        if not endpoints_of(network).known_empty:
            continue
        if network.sharing_enabled is not None and network.sharing_enabled is not False:
            continue  # sharing on (or unknown): clients may live in other accounts
        if not model.linked_from(network, RamShare, "resources").known_empty:
            continue
        yield Finding(network, f"service network {network.display} has no VPC association, no "
                      "ServiceNetwork endpoint and no RAM share: no client can reach its "
                      "services (associate a client VPC, unless it is associated outside this "
                      "scan)")
