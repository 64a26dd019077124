"""VPC107 resource-configuration-unreachable: a resource configuration no client can reach.

## What it does
Finds VPC Lattice resource configurations (`aws_vpclattice_resource_configuration`,
`AWS::VpcLattice::ResourceConfiguration`) that nothing in the scan makes reachable: no
service-network resource association (`aws_vpclattice_service_network_resource_association`,
`AWS::VpcLattice::ServiceNetworkResourceAssociation`), no Resource VPC endpoint
(`resource_configuration_arn` / `ResourceConfigurationArn`) and no RAM share
(`aws_ram_resource_association`, `AWS::RAM::ResourceShare`). A CHILD configuration is reached
through its GROUP, so the GROUP is the one reported; a GROUP one of whose children is associated
or shared is reachable. A configuration that an association, endpoint or share might name
through a variable or a parameter is not reported.

## Why it matters
A resource configuration only describes a resource (a database, an IP, a DNS name) behind a
resource gateway. Consumers reach it through a service network it is associated with, a Resource
endpoint naming it, or, in other accounts, a RAM share of it. With none of these it reaches
nobody: the usual cause is an association that was forgotten or made against another
configuration. Another account may still share it with a RAM share vpclint cannot see, hence the
level note.

## Example
Terraform:
```hcl
resource "aws_vpclattice_resource_configuration" "orders_db" {
  name                        = "orders-db"
  resource_gateway_identifier = "rgw-0a1b2c3d4e5f60001"
  port_ranges                 = ["5432"]

  resource_configuration_definition {
    dns_resource {
      domain_name     = "orders.cluster-abc123.us-east-1.rds.amazonaws.com"
      ip_address_type = "IPV4"
    }
  }
}
```
CloudFormation:
```yaml
OrdersDbConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: orders-db
    ResourceGatewayId: rgw-0a1b2c3d4e5f60001
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      DnsResource:
        DomainName: orders.cluster-abc123.us-east-1.rds.amazonaws.com
        IpAddressType: IPV4
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_resource_configuration" "orders_db" {
  name                        = "orders-db"
  resource_gateway_identifier = "rgw-0a1b2c3d4e5f60001"
  port_ranges                 = ["5432"]

  resource_configuration_definition {
    dns_resource {
      domain_name     = "orders.cluster-abc123.us-east-1.rds.amazonaws.com"
      ip_address_type = "IPV4"
    }
  }
}

resource "aws_vpclattice_service_network_resource_association" "orders_db" {
  resource_configuration_identifier = aws_vpclattice_resource_configuration.orders_db.id
  service_network_identifier        = "sn-0a1b2c3d4e5f60001"
}
```
CloudFormation:
```yaml
OrdersDbConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: orders-db
    ResourceGatewayId: rgw-0a1b2c3d4e5f60001
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      DnsResource:
        DomainName: orders.cluster-abc123.us-east-1.rds.amazonaws.com
        IpAddressType: IPV4
OrdersDbEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    VpcEndpointType: Resource
    ResourceConfigurationArn: !GetAtt OrdersDbConfiguration.Arn
    SubnetIds: [subnet-0a1b2c3d4e5f60001]
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/resource-configuration.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-network-associations.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/use-resource-endpoint.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/sharing.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_resource_configuration
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-resourceconfiguration.html
"""

from __future__ import annotations

from ._lattice import upper
from ._pairing import referrers_in_scope, unmodelled_resource
from vpclint.model.components import (RamShare, ResourceConfiguration, ServiceNetworkAssociation,
                                      VpcEndpoint)
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC107", "resource-configuration-unreachable", Level.NOTE,
                "A resource configuration has no service network association, Resource endpoint "
                "or RAM share")


def check(ctx: Context):
    model = ctx.model
    associations_of = referrers_in_scope(
        model, ServiceNetworkAssociation, "member",
        where=lambda a: a.associates == "resource_configuration", maybe=unmodelled_resource)
    endpoints_of = referrers_in_scope(model, VpcEndpoint, "resource_configuration",
                                      maybe=unmodelled_resource)
    shares_of = referrers_in_scope(model, RamShare, "resources", maybe=unmodelled_resource)
    children_of = referrers_in_scope(model, ResourceConfiguration, "group")

    def reached(configuration) -> bool:
        """True when something may make ``configuration`` reachable (or it is not known)."""
        return not (associations_of(configuration).known_empty
                    and endpoints_of(configuration).known_empty
                    and shares_of(configuration).known_empty)

    for configuration in model.of(ResourceConfiguration):
        kind = upper(configuration.config_type)
        if kind is None or kind == "CHILD":
            continue  # unknown type; a child is reached through its group
        if reached(configuration):
            continue
        if kind == "GROUP":
            children = children_of(configuration)
            if children.open or any(reached(child) for child in children):
                continue
        yield Finding(configuration, f"resource configuration {configuration.display} has no "
                      "service network association, no Resource endpoint and no RAM share: no "
                      "client can reach the resource it describes (associate it with a service "
                      "network, unless it is shared from outside this scan)")
