"""VPC110 lattice-service-outside-service-network: a Lattice service no client can reach.

## What it does
Finds VPC Lattice services (`aws_vpclattice_service`, `AWS::VpcLattice::Service`) that no
service network association (`aws_vpclattice_service_network_service_association`,
`AWS::VpcLattice::ServiceNetworkServiceAssociation`) names, anywhere in the scan. A service that
a RAM share gives to other accounts stays silent: they associate it with their own service
networks. An association whose service comes from a variable or a parameter might name it, so
the rule stays silent too.

## Why it matters
Clients reach a Lattice service only through a service network that their VPC is associated
with (or has a ServiceNetwork endpoint into). A service in no service network has a DNS name
that no VPC can resolve or connect to: the service, its listeners and targets run and are billed,
and nobody can call them.

## Example
Terraform:
```hcl
resource "aws_vpclattice_service" "orders" {
  name = "orders"
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::VpcLattice::Service
  Properties:
    Name: orders
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_service" "orders" {
  name = "orders"
}

resource "aws_vpclattice_service_network_service_association" "orders" {
  service_identifier         = aws_vpclattice_service.orders.id
  service_network_identifier = aws_vpclattice_service_network.apps.id
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::VpcLattice::Service
  Properties:
    Name: orders
OrdersInApps:
  Type: AWS::VpcLattice::ServiceNetworkServiceAssociation
  Properties:
    ServiceIdentifier: !Ref OrdersService
    ServiceNetworkIdentifier: !Ref AppsServiceNetwork
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-network-associations.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/sharing.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_service_network_service_association
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-servicenetworkserviceassociation.html
"""

from __future__ import annotations

from ._pairing import referrers_in_scope
from vpclint.model.components import LatticeService, RamShare, ServiceNetworkAssociation
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC110", "lattice-service-outside-service-network", Level.WARNING,
                "A Lattice service is associated with no service network")


def check(ctx: Context):
    model = ctx.model
    associations_of = referrers_in_scope(model, ServiceNetworkAssociation, "member",
                                where=lambda a: a.associates == "service")
    for service in model.of(LatticeService):
        if not associations_of(service).known_empty:
            continue
        if not model.linked_from(service, RamShare, "resources").known_empty:
            continue  # shared: other accounts associate it with their service networks
        yield Finding(service, f"Lattice service {service.display} is associated with no service "
                      "network and not shared through RAM: no VPC can reach it (add a service "
                      "network service association, unless one lives outside this scan)")
