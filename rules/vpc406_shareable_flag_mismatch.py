"""VPC406 shareable-flag-mismatch: a resource configuration a shared service network must refuse.

## What it does
Finds VPC Lattice resource configurations (`aws_vpclattice_resource_configuration`,
`awscc_vpclattice_resource_configuration`, `AWS::VpcLattice::ResourceConfiguration`) that a
service network resource association (`aws_vpclattice_service_network_resource_association`,
`AWS::VpcLattice::ServiceNetworkResourceAssociation`) puts in a shared service network, while
the configuration does not allow association to shareable service networks:
`allow_association_to_shareable_service_network` (CloudFormation
`AllowAssociationToSharableServiceNetwork`, awscc `allow_association_to_sharable_service_network`)
is `false` or unset (the API default is `false`). A CHILD configuration is judged by its group.

A service network counts as shared when an AWS RAM share in the scan names it, or when it is
enabled for sharing (`SharingConfig.enabled: true`). A network explicitly not enabled for
sharing, a flag or sharing setting vpclint cannot evaluate, and a share that may not be created
(its `count`, `for_each` or `Condition` is not known) keep the rule silent, as does a network
outside the scan.

## Why it matters
AWS refuses to associate a resource configuration that does not allow it with a service
network that is shareable: the association fails at deploy time, after the resource gateway and
the configuration have been created, and clients in the consumer accounts never reach the
resource. The flag exists so that a resource owner opts in before a network shared with other
accounts exposes the resource to them.

## Example
Terraform:
```hcl
resource "aws_vpclattice_resource_configuration" "orders_db" {
  name                        = "orders-db"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.data.id
  port_ranges                 = ["5432"]

  resource_configuration_definition {
    dns_resource {
      domain_name     = "orders.cluster-abc123.us-east-1.rds.amazonaws.com"
      ip_address_type = "IPV4"
    }
  }
}

resource "aws_vpclattice_service_network" "shared" {
  name      = "shared-data"
  auth_type = "AWS_IAM"
}

resource "aws_ram_resource_association" "shared" {
  resource_arn       = aws_vpclattice_service_network.shared.arn
  resource_share_arn = aws_ram_resource_share.data.arn
}

resource "aws_vpclattice_service_network_resource_association" "orders_db" {
  resource_configuration_identifier = aws_vpclattice_resource_configuration.orders_db.id
  service_network_identifier        = aws_vpclattice_service_network.shared.id
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
        DomainName: orders.cluster-abc123.us-east-1.rds.amazonaws.com
        IpAddressType: IPV4
SharedServiceNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: shared-data
    AuthType: AWS_IAM
    SharingConfig:
      enabled: true
OrdersDbInSharedNetwork:
  Type: AWS::VpcLattice::ServiceNetworkResourceAssociation
  Properties:
    ResourceConfigurationId: !Ref OrdersDbConfiguration
    ServiceNetworkId: !Ref SharedServiceNetwork
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_resource_configuration" "orders_db" {
  name                                           = "orders-db"
  resource_gateway_identifier                    = aws_vpclattice_resource_gateway.data.id
  port_ranges                                    = ["5432"]
  allow_association_to_shareable_service_network = true

  resource_configuration_definition {
    dns_resource {
      domain_name     = "orders.cluster-abc123.us-east-1.rds.amazonaws.com"
      ip_address_type = "IPV4"
    }
  }
}

resource "aws_vpclattice_service_network" "shared" {
  name      = "shared-data"
  auth_type = "AWS_IAM"
}

resource "aws_ram_resource_association" "shared" {
  resource_arn       = aws_vpclattice_service_network.shared.arn
  resource_share_arn = aws_ram_resource_share.data.arn
}

resource "aws_vpclattice_service_network_resource_association" "orders_db" {
  resource_configuration_identifier = aws_vpclattice_resource_configuration.orders_db.id
  service_network_identifier        = aws_vpclattice_service_network.shared.id
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
    AllowAssociationToSharableServiceNetwork: true
    ResourceConfigurationDefinition:
      DnsResource:
        DomainName: orders.cluster-abc123.us-east-1.rds.amazonaws.com
        IpAddressType: IPV4
SharedServiceNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: shared-data
    AuthType: AWS_IAM
    SharingConfig:
      enabled: true
OrdersDbInSharedNetwork:
  Type: AWS::VpcLattice::ServiceNetworkResourceAssociation
  Properties:
    ResourceConfigurationId: !Ref OrdersDbConfiguration
    ServiceNetworkId: !Ref SharedServiceNetwork
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateResourceConfiguration.html
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_SharingConfig.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/resource-configuration-associations.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_resource_configuration
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-resourceconfiguration.html
"""

from __future__ import annotations

from collections import defaultdict

from ._lattice import upper
from vpclint.model.components import (RamShare, ResourceConfiguration, ServiceNetwork,
                                      ServiceNetworkAssociation)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC406", "shareable-flag-mismatch", Level.WARNING,
                "A resource configuration is associated with a shared service network without "
                "allowing association to shareable service networks")

_FLAG = {
    "aws_vpclattice_resource_configuration": "allow_association_to_shareable_service_network",
    "awscc_vpclattice_resource_configuration": "allow_association_to_sharable_service_network",
    "AWS::VpcLattice::ResourceConfiguration": "AllowAssociationToSharableServiceNetwork",
}


def check(ctx: Context):
    model = ctx.model
    offending: dict[int, list] = defaultdict(list)
    configs: dict[int, ResourceConfiguration] = {}
    for association in model.of(ServiceNetworkAssociation):
        if association.associates != "resource_configuration":
            continue
        config, network = association.member, association.service_network
        if not isinstance(config, ResourceConfiguration) or \
                not isinstance(network, ServiceNetwork):
            continue
        owner = _flag_owner(config)
        if owner is None or owner.allow_shareable is True:
            continue
        if owner.allow_shareable is not None and owner.allow_shareable is not False:
            continue  # UNKNOWN
        how, shares = _shared(model, network)
        if how is None:
            continue
        offending[id(owner)].append((association, network, how, shares))
        configs[id(owner)] = owner
    for key, hits in offending.items():
        config = configs[key]
        flag = _FLAG.get(config.resource.type, "allow_association_to_shareable_service_network")
        # a null (Terraform) or AWS::NoValue flag is unset, however it is written
        state = "is false" if config.allow_shareable is False else "is unset, so false"
        places = "; ".join(f"{a.display} puts it in service network {n.display}, which {how}"
                           for a, n, how, _ in hits)
        related = []
        for association, network, _, shares in hits:
            related.append(Related(association, f"{association.display} associates "
                                   f"{config.display} with {network.display}"))
            related.append(Related(network, f"service network {network.display}: shared"))
            related.extend(Related(share, f"{share.display} shares {network.display} through "
                                   "AWS RAM", field="resources") for share in shares)
        yield Finding(config, f"resource configuration {config.display} does not allow "
                      f"association to shareable service networks ({flag} {state}), but "
                      f"{places}: AWS rejects the association (set {flag} to true, or keep the "
                      "resource out of the shared network)", field="allow_shareable",
                      related=related)


def _flag_owner(config: ResourceConfiguration) -> ResourceConfiguration | None:
    """The configuration whose flag decides: a CHILD's group, or the configuration itself."""
    if upper(config.config_type) == "CHILD":
        return config.group if isinstance(config.group, ResourceConfiguration) else None
    return config if isinstance(config.config_type, str) else None


def _shared(model, network: ServiceNetwork) -> tuple[str | None, list[RamShare]]:
    """How the network is shared (None when it is not known to be), and the shares that make
    it so: the finding rests on them."""
    if network.sharing_enabled is True:
        return "is enabled for sharing (SharingConfig)", []
    if network.sharing_enabled is not None:
        return None, []  # explicitly not shareable, or UNKNOWN
    shares = list(model.linked_from(network, RamShare, "resources"))
    if shares:
        return "is shared through " + ", ".join(s.display for s in shares), shares
    return None, []
