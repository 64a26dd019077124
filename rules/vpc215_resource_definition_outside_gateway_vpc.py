"""VPC215 resource-definition-outside-gateway-vpc: a resource its gateway cannot serve.

## What it does
Checks each VPC Lattice resource configuration's definition against what its resource gateway
(a `CHILD`'s is its group's) can serve, as the PrivateLink guide states it:
- an **IP resource** that no VPC can hold: an IPv4 address outside the private ranges AWS
  accepts (`10.0.0.0/8`, `100.64.0.0/10`, `172.16.0.0/12`, `192.168.0.0/16`) and outside the
  gateway VPC's CIDR, or an IPv6 address that is link-local, loopback, multicast, unspecified or
  IPv4-mapped (IPv6 resources must be addresses of the gateway's VPC); and a private IPv4
  address outside the gateway VPC that no route of its subnets leads to;
- a **CIDR** configuration on a gateway whose `resource_config_dns_resolution` /
  `ResourceConfigDnsResolution` is not `IN_VPC` (the default is `PUBLIC`): Tunnel endpoints
  reach CIDR configurations only through `IN_VPC` gateways;
- an **ARN** configuration on an `IN_VPC` gateway, which AWS refuses;
- a **CIDR** configuration associated with a service network: a network segment is reached
  through a Tunnel endpoint, never through a service network.

An IP resource with a private IPv4 address outside the gateway VPC's CIDRs is reported only when
no route of the gateway subnets' route tables other than the local one covers it: an
on-premises or peered address reached over a VPN gateway, transit gateway or peering connection
is served through those routes. Route tables whose routes are not all known (a `dynamic` block,
a route from a variable, routes a VPN gateway propagates, a prefix-list destination) keep it
silent. UNKNOWN addresses, types, DNS-resolution settings and gateways outside the scan keep it
silent too.

## Why it matters
A resource configuration is only an address book entry: the resource gateway, in its VPC, makes
every connection. A public IPv4 address or an IPv6 address outside the VPC is rejected when the
configuration is created. A CIDR configuration behind a `PUBLIC` gateway cannot be used by the
Tunnel endpoint meant to reach it, an ARN configuration cannot be attached to an `IN_VPC`
gateway, and a CIDR configuration cannot join a service network. Each is a deployment that
fails, or a share that no consumer can use, while the configuration itself looks complete.

## Example
Terraform: an on-premises range shared as a CIDR configuration behind a gateway left at the
default `PUBLIC` DNS resolution:
```hcl
resource "aws_vpclattice_resource_gateway" "onprem" {
  name       = "onprem-segment"
  vpc_id     = aws_vpc.hybrid.id
  subnet_ids = [aws_subnet.gateway_a.id, aws_subnet.gateway_b.id]
}

resource "aws_vpclattice_resource_configuration" "segment" {
  name                        = "onprem-segment"
  type                        = "CIDR"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.onprem.id
  resource_configuration_definition {
    cidr_resource {
      cidr_ranges = ["172.20.0.0/16"]
    }
  }
}
```
CloudFormation: an IP resource with a public address:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.3.0.0/16
ResourceGateway:
  Type: AWS::VpcLattice::ResourceGateway
  Properties:
    Name: partner-api
    VpcIdentifier: !Ref Vpc
    SubnetIds: [!Ref SubnetA, !Ref SubnetB]
PartnerApiConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: partner-api
    ResourceConfigurationType: SINGLE
    ResourceGatewayId: !Ref ResourceGateway
    PortRanges: ["443"]
    ResourceConfigurationDefinition:
      IpResource: 203.0.113.25
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_resource_gateway" "onprem" {
  name                           = "onprem-segment"
  vpc_id                         = aws_vpc.hybrid.id
  subnet_ids                     = [aws_subnet.gateway_a.id, aws_subnet.gateway_b.id]
  resource_config_dns_resolution = "IN_VPC"
}

resource "aws_vpclattice_resource_configuration" "segment" {
  name                        = "onprem-segment"
  type                        = "CIDR"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.onprem.id
  resource_configuration_definition {
    cidr_resource {
      cidr_ranges = ["172.20.0.0/16"]
    }
  }
}
```
CloudFormation: name a public service by its domain, which the gateway resolves:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.3.0.0/16
ResourceGateway:
  Type: AWS::VpcLattice::ResourceGateway
  Properties:
    Name: partner-api
    VpcIdentifier: !Ref Vpc
    SubnetIds: [!Ref SubnetA, !Ref SubnetB]
PartnerApiConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: partner-api
    ResourceConfigurationType: SINGLE
    ResourceGatewayId: !Ref ResourceGateway
    PortRanges: ["443"]
    ResourceConfigurationDefinition:
      DnsResource:
        DomainName: api.partner.example.com
        IpAddressType: IPV4
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/resource-configuration.html#resource-definition
- https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html#resource-config-dns-resolution
- https://docs.aws.amazon.com/vpc/latest/privatelink/use-cidr-endpoint.html
"""

from __future__ import annotations

from typing import Any

from ._lattice import upper
from ._resource_definitions import definition_of, gateway_of, unservable
from vpclint.model.components import (ResourceConfiguration, ResourceGateway,
                                      ServiceNetworkAssociation)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC215", "resource-definition-outside-gateway-vpc", Level.ERROR,
                "A resource configuration defines a resource its resource gateway cannot serve",
                needs_analysis=True)


def check(ctx: Context):
    model = ctx.model
    for config in model.of(ResourceConfiguration):
        kind, value = definition_of(config)
        gateway = gateway_of(config)
        if kind == "ip":
            problem = unservable(model, ctx.analysis.routing, config)
            if problem:
                related = _gateway_related(gateway, "vpc") + [
                    Related(table, f"route table {table.display}: no route to {value}")
                    for table in problem.tables]
                yield Finding(config, f"resource configuration {config.display} defines IP "
                              f"resource {value}, {problem.reason}", field="definition",
                              related=related)
        if not isinstance(gateway, ResourceGateway):
            continue
        resolution = upper(gateway.dns_resolution)
        if resolution is None:
            continue
        if _is_cidr(config, kind) and resolution != "IN_VPC":
            yield Finding(config, f"CIDR resource configuration {config.display} is attached to "
                          f"resource gateway {gateway.display}, whose DNS resolution is "
                          f"{resolution}{' (the default)' if _default(gateway) else ''}: a Tunnel "
                          "endpoint reaches a CIDR configuration only through a gateway set to "
                          "IN_VPC, so no consumer can use this network segment; create the "
                          "gateway with resource_config_dns_resolution / "
                          "ResourceConfigDnsResolution IN_VPC (it cannot be changed later)",
                          field="gateway", related=_gateway_related(gateway, "dns_resolution"))
        elif _is_arn(config, kind) and resolution == "IN_VPC":
            yield Finding(config, f"ARN resource configuration {config.display} is attached to "
                          f"resource gateway {gateway.display}, whose DNS resolution is IN_VPC: "
                          "AWS does not attach ARN-defined configurations to an IN_VPC gateway; "
                          "serve it through a gateway with PUBLIC DNS resolution",
                          field="gateway", related=_gateway_related(gateway, "dns_resolution"))
    for association in model.of(ServiceNetworkAssociation):
        config = association.member
        if association.associates != "resource_configuration" or not isinstance(
                config, ResourceConfiguration):
            continue
        if _is_cidr(config, definition_of(config)[0]):
            network = association.service_network
            name = getattr(network, "display", None) or getattr(network, "value", None) \
                or "a service network"
            yield Finding(association, f"service network association {association.display} "
                          f"puts CIDR resource configuration {config.display} into {name}: a "
                          "CIDR configuration is a network segment reached only through a "
                          "Tunnel endpoint and cannot be associated with a service network; "
                          "share it with a Tunnel VPC endpoint instead", field="member",
                          related=[Related(config, f"CIDR resource configuration "
                                                   f"{config.display}", "config_type")])


def _gateway_related(gateway: Any, field: str) -> list[Related]:
    if isinstance(gateway, ResourceGateway):
        return [Related(gateway, f"resource gateway {gateway.display}", field)]
    return []


def _default(gateway: ResourceGateway) -> bool:
    """True when the DNS resolution is AWS's default, not written in the source."""
    return gateway.span("dns_resolution") == gateway.span(None)


def _is_cidr(config: ResourceConfiguration, kind: str | None) -> bool:
    return upper(config.config_type) == "CIDR" or kind == "cidr"


def _is_arn(config: ResourceConfiguration, kind: str | None) -> bool:
    return upper(config.config_type) == "ARN" or kind == "arn"
