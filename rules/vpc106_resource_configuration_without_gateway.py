"""VPC106 resource-configuration-without-gateway: a resource configuration with no way in.

## What it does
Finds VPC Lattice resource configurations (`aws_vpclattice_resource_configuration`,
`AWS::VpcLattice::ResourceConfiguration`) of type `SINGLE` (the default), `GROUP` or `ARN` that
name no resource gateway (`resource_gateway_identifier` / `ResourceGatewayId`), and `CHILD`
configurations that name no group (`resource_configuration_group_id` /
`ResourceConfigurationGroupId`). A gateway or group given by a variable, a parameter or a
literal identifier from outside the scan counts as set.

## Why it matters
A resource configuration only describes a resource; traffic reaches the resource through a
resource gateway in the resource's VPC. SINGLE, GROUP and ARN configurations take that gateway
directly, and a CHILD inherits it from its GROUP. Without one, VPC Lattice rejects the
configuration, and no service network or Resource endpoint can reach the database or host it
describes.

## Example
Terraform:
```hcl
resource "aws_vpclattice_resource_configuration" "orders_db" {
  name        = "orders-db"
  port_ranges = ["5432"]

  resource_configuration_definition {
    dns_resource {
      domain_name     = "orders-db.internal.example.com"
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
    ResourceConfigurationType: SINGLE
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      DnsResource:
        DomainName: orders-db.internal.example.com
        IpAddressType: IPV4
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_resource_configuration" "orders_db" {
  name                        = "orders-db"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.data.id
  port_ranges                 = ["5432"]

  resource_configuration_definition {
    dns_resource {
      domain_name     = "orders-db.internal.example.com"
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
    ResourceConfigurationType: SINGLE
    ResourceGatewayId: !Ref DataResourceGateway
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      DnsResource:
        DomainName: orders-db.internal.example.com
        IpAddressType: IPV4
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/resource-configuration.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/resource-gateway.html
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateResourceConfiguration.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_resource_configuration
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-resourceconfiguration.html
"""

from __future__ import annotations

from ._lattice import upper
from vpclint.model.components import ResourceConfiguration
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC106", "resource-configuration-without-gateway", Level.ERROR,
                "A resource configuration has no resource gateway (or a CHILD has no group)")

_TAKE_A_GATEWAY = ("SINGLE", "GROUP", "ARN")


def check(ctx: Context):
    model = ctx.model
    for config in model.of(ResourceConfiguration):
        kind = upper(config.config_type)
        if kind in _TAKE_A_GATEWAY and config.gateway is None:
            yield Finding(config, f"{kind} resource configuration {config.display} names no "
                          "resource gateway: VPC Lattice has no way into the resource's VPC, "
                          "so the configuration is rejected and the resource unreachable",
                          field="gateway")
        elif kind == "CHILD" and config.group is None:
            yield Finding(config, f"CHILD resource configuration {config.display} names no "
                          "GROUP configuration: a child takes its resource gateway from its "
                          "group, so it has none and is rejected", field="group")
