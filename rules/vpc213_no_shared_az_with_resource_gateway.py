"""VPC213 no-shared-az-with-resource-gateway: an endpoint shares no AZ with the resource gateway.

## What it does
Compares the Availability Zones of a consumer VPC endpoint's subnets with those of the resource
gateway that serves what it reaches:
- a `Resource` endpoint (and a `Tunnel` endpoint) through its `resource_configuration_arn` /
  `ResourceConfigurationArn`: the configuration's gateway, or for a `CHILD` its group's;
- a `ServiceNetwork` endpoint through its `service_network_arn` / `ServiceNetworkArn`: the
  gateway of every resource configuration associated with that service network.

It reports an endpoint when a gateway has no subnet in any AZ of the endpoint's subnets, naming
the configurations served through that gateway. Two subnets are compared by AZ ID when both give
one (IDs name the same physical zone in every account), else by AZ name when both give one, else
by index when both take their AZ from one list of the region's AZs (`!GetAZs`,
`data.aws_availability_zones`); a pair that cannot be compared, a subnet outside the scan or an
UNKNOWN subnet list keeps the rule silent.

## Why it matters
Traffic from a Resource or ServiceNetwork endpoint enters the provider VPC through the resource
gateway's network interface in the same Availability Zone: AWS requires at least one AZ of the
endpoint and of the resource gateway to overlap. Without one, the endpoint cannot connect to the
resource at all (a Resource endpoint is refused; a ServiceNetwork endpoint silently cannot reach
that gateway's resources), although every association looks right.

## Example
Terraform: the consumer endpoint is in `use1-az1`/`use1-az2`, the gateway in `use1-az4`/`use1-az6`:
```hcl
resource "aws_subnet" "gateway_a" {
  vpc_id               = aws_vpc.data.id
  cidr_block           = "10.2.1.0/24"
  availability_zone_id = "use1-az4"
}

resource "aws_subnet" "gateway_b" {
  vpc_id               = aws_vpc.data.id
  cidr_block           = "10.2.2.0/24"
  availability_zone_id = "use1-az6"
}

resource "aws_subnet" "app_a" {
  vpc_id               = aws_vpc.app.id
  cidr_block           = "10.1.1.0/24"
  availability_zone_id = "use1-az1"
}

resource "aws_subnet" "app_b" {
  vpc_id               = aws_vpc.app.id
  cidr_block           = "10.1.2.0/24"
  availability_zone_id = "use1-az2"
}

resource "aws_vpclattice_resource_gateway" "db" {
  name       = "orders-db"
  vpc_id     = aws_vpc.data.id
  subnet_ids = [aws_subnet.gateway_a.id, aws_subnet.gateway_b.id]
}

resource "aws_vpclattice_resource_configuration" "db" {
  name                        = "orders-db"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.db.id
  port_ranges                 = ["5432"]
  resource_configuration_definition {
    ip_resource {
      ip_address = "10.2.3.10"
    }
  }
}

resource "aws_vpc_endpoint" "db" {
  vpc_id                     = aws_vpc.app.id
  vpc_endpoint_type          = "Resource"
  resource_configuration_arn = aws_vpclattice_resource_configuration.db.arn
  subnet_ids                 = [aws_subnet.app_a.id, aws_subnet.app_b.id]
}
```
CloudFormation:
```yaml
GatewaySubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref DataVpc
    CidrBlock: 10.2.1.0/24
    AvailabilityZoneId: use1-az4
AppSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref AppVpc
    CidrBlock: 10.1.1.0/24
    AvailabilityZoneId: use1-az1
ResourceGateway:
  Type: AWS::VpcLattice::ResourceGateway
  Properties:
    Name: orders-db
    VpcIdentifier: !Ref DataVpc
    SubnetIds: [!Ref GatewaySubnetA]
DatabaseConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: orders-db
    ResourceConfigurationType: SINGLE
    ResourceGatewayId: !Ref ResourceGateway
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      IpResource: 10.2.3.10
DatabaseEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref AppVpc
    VpcEndpointType: Resource
    ResourceConfigurationArn: !GetAtt DatabaseConfiguration.Arn
    SubnetIds: [!Ref AppSubnetA]
```

## Use instead
Terraform: span the gateway over the consumers' AZs (or add endpoint subnets in the gateway's):
```hcl
resource "aws_subnet" "gateway_a" {
  vpc_id               = aws_vpc.data.id
  cidr_block           = "10.2.1.0/24"
  availability_zone_id = "use1-az1"
}

resource "aws_subnet" "gateway_b" {
  vpc_id               = aws_vpc.data.id
  cidr_block           = "10.2.2.0/24"
  availability_zone_id = "use1-az2"
}

resource "aws_subnet" "app_a" {
  vpc_id               = aws_vpc.app.id
  cidr_block           = "10.1.1.0/24"
  availability_zone_id = "use1-az1"
}

resource "aws_subnet" "app_b" {
  vpc_id               = aws_vpc.app.id
  cidr_block           = "10.1.2.0/24"
  availability_zone_id = "use1-az2"
}

resource "aws_vpclattice_resource_gateway" "db" {
  name       = "orders-db"
  vpc_id     = aws_vpc.data.id
  subnet_ids = [aws_subnet.gateway_a.id, aws_subnet.gateway_b.id]
}

resource "aws_vpclattice_resource_configuration" "db" {
  name                        = "orders-db"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.db.id
  port_ranges                 = ["5432"]
  resource_configuration_definition {
    ip_resource {
      ip_address = "10.2.3.10"
    }
  }
}

resource "aws_vpc_endpoint" "db" {
  vpc_id                     = aws_vpc.app.id
  vpc_endpoint_type          = "Resource"
  resource_configuration_arn = aws_vpclattice_resource_configuration.db.arn
  subnet_ids                 = [aws_subnet.app_a.id, aws_subnet.app_b.id]
}
```
CloudFormation:
```yaml
GatewaySubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref DataVpc
    CidrBlock: 10.2.1.0/24
    AvailabilityZoneId: use1-az1
AppSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref AppVpc
    CidrBlock: 10.1.1.0/24
    AvailabilityZoneId: use1-az1
ResourceGateway:
  Type: AWS::VpcLattice::ResourceGateway
  Properties:
    Name: orders-db
    VpcIdentifier: !Ref DataVpc
    SubnetIds: [!Ref GatewaySubnetA]
DatabaseConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: orders-db
    ResourceConfigurationType: SINGLE
    ResourceGatewayId: !Ref ResourceGateway
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      IpResource: 10.2.3.10
DatabaseEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref AppVpc
    VpcEndpointType: Resource
    ResourceConfigurationArn: !GetAtt DatabaseConfiguration.Arn
    SubnetIds: [!Ref AppSubnetA]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-resources.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/use-cidr-endpoint.html
- https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html
"""

from __future__ import annotations

from ._lattice import upper
from ._zones import az_label, same_az
from ._pairing import referrers_in_scope
from vpclint.model.components import (EndpointAssociation, Links, ResourceConfiguration,
                                      ResourceGateway, ServiceNetwork, ServiceNetworkAssociation,
                                      Subnet, VpcEndpoint)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC213", "no-shared-az-with-resource-gateway", Level.ERROR,
                "A Resource or ServiceNetwork endpoint shares no Availability Zone with the "
                "resource gateway it reaches")

_CONFIG_ENDPOINTS = ("Resource", "Tunnel")


def check(ctx: Context):
    model = ctx.model
    in_network = referrers_in_scope(model, ServiceNetworkAssociation, "service_network",
                           where=lambda a: a.associates == "resource_configuration")
    for endpoint in model.of(VpcEndpoint):
        kind = endpoint.endpoint_type
        if kind in _CONFIG_ENDPOINTS:
            configs = [endpoint.resource_configuration]
        elif kind == "ServiceNetwork" and isinstance(endpoint.service_network, ServiceNetwork):
            configs = [a.member for a in in_network(endpoint.service_network)]
        else:
            continue
        served = _gateways([c for c in configs if isinstance(c, ResourceConfiguration)])
        if not served:
            continue
        mine = _subnets(endpoint.subnets)
        if mine is None or model.linked_from(endpoint, EndpointAssociation, "endpoint").open:
            continue
        apart = [(gateway, names, theirs) for gateway, (names, _) in served.items()
                 if (theirs := _subnets(gateway.subnets)) is not None
                 and _shares_az(mine, theirs) is False]
        if apart:
            yield _finding(endpoint, mine, apart, served)


def _gateways(configs: list[ResourceConfiguration]) -> dict:
    """Resource gateway -> (configuration names, configurations) served through it."""
    served: dict = {}
    for config in configs:
        gateway = config.gateway
        if upper(config.config_type) == "CHILD" and isinstance(config.group,
                                                               ResourceConfiguration):
            gateway = config.group.gateway
        if isinstance(gateway, ResourceGateway):
            names, members = served.setdefault(gateway, ([], []))
            if config not in members:
                members.append(config)
                names.append(config.display)
    return served


def _subnets(links: Links) -> list[Subnet] | None:
    """The subnets when all are known and in the scan, else None."""
    if links.open or links.external or not links.items:
        return None
    if not all(isinstance(s, Subnet) for s in links.items):
        return None
    return list(links.items)


def _shares_az(mine: list[Subnet], theirs: list[Subnet]) -> bool | None:
    answers = [same_az(a, b) for a in mine for b in theirs]
    if any(answer is True for answer in answers):
        return True
    return False if all(answer is False for answer in answers) else None


def _zones(subnets: list[Subnet]) -> str:
    return ", ".join(dict.fromkeys(az_label(s) for s in subnets))


def _finding(endpoint: VpcEndpoint, mine: list[Subnet], apart: list, served: dict) -> Finding:
    parts, related = [], []
    for gateway, names, theirs in apart:
        parts.append(f"resource gateway {gateway.display}, which serves {', '.join(names)}, "
                     f"has subnets only in {_zones(theirs)}")
        related.append(Related(gateway, f"resource gateway {gateway.display} has subnets only "
                               f"in {_zones(theirs)}", "subnets"))
        for config in served[gateway][1]:
            related.append(Related(config, f"resource configuration {config.display} is served "
                                   f"through {gateway.display}"))
    where = "" if endpoint.endpoint_type in _CONFIG_ENDPOINTS else \
        f"in service network {endpoint.service_network.display}, "
    message = (f"{endpoint.endpoint_type} endpoint {endpoint.display} has subnets only in "
               f"{_zones(mine)}, but {where}{'; '.join(parts)}: they share no AZ, and "
               "an endpoint connects only to a resource gateway interface in one of its own "
               "AZs, so it cannot reach "
               f"{'that resource' if sum(len(p[1]) for p in apart) == 1 else 'those resources'}"
               "; put a gateway subnet in an endpoint AZ or an endpoint subnet in a gateway AZ")
    return Finding(endpoint, message, field="subnets", related=related)
