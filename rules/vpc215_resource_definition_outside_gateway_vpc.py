"""VPC215 resource-definition-outside-gateway-vpc: a resource its gateway cannot serve.

## What it does
Checks each VPC Lattice resource configuration's definition against what its resource gateway
(a `CHILD`'s is its group's) can serve, as the PrivateLink guide states it:
- an **IP resource** that no VPC can hold: an IPv4 address outside the private ranges AWS
  accepts (`10.0.0.0/8`, `100.64.0.0/10`, `172.16.0.0/12`, `192.168.0.0/16`) and outside the
  gateway VPC's CIDR, or an IPv6 address that is link-local, loopback, multicast, unspecified or
  IPv4-mapped (IPv6 resources must be addresses of the gateway's VPC);
- a **CIDR** configuration on a gateway whose `resource_config_dns_resolution` /
  `ResourceConfigDnsResolution` is not `IN_VPC` (the default is `PUBLIC`): Tunnel endpoints
  reach CIDR configurations only through `IN_VPC` gateways;
- an **ARN** configuration on an `IN_VPC` gateway, which AWS refuses;
- a **CIDR** configuration associated with a service network: a network segment is reached
  through a Tunnel endpoint, never through a service network.

UNKNOWN addresses, types, DNS-resolution settings and gateways outside the scan keep it silent.
A private IPv4 address outside the gateway VPC is accepted (AWS reaches on-premises and peered
networks through the gateway VPC's routes), so it is not reported.

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

import ipaddress
from typing import Any

from ._lattice import upper
from vpclint.model.components import (ResourceConfiguration, ResourceGateway,
                                      ServiceNetworkAssociation, Vpc)
from vpclint.rule import Finding, Level, Related, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC215", "resource-definition-outside-gateway-vpc", Level.ERROR,
                "A resource configuration defines a resource its resource gateway cannot serve")

# The IPv4 ranges AWS accepts for an IP resource ("Public IPs aren't supported").
_PRIVATE_V4 = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"))


def ip_resource_problem(config: ResourceConfiguration) -> str | None:
    """Why AWS refuses the configuration's IP resource, or None (also for other kinds)."""
    kind, value = _definition(config.definition)
    return _ip_problem(value, _gateway(config)) if kind == "ip" else None


def check(model):
    for config in model.of(ResourceConfiguration):
        kind, value = _definition(config.definition)
        gateway = _gateway(config)
        if kind == "ip":
            problem = ip_resource_problem(config)
            if problem:
                yield Finding(config, f"resource configuration {config.display} defines IP "
                              f"resource {value}, {problem}", field="definition",
                              related=_gateway_related(gateway, "vpc"))
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
        if _is_cidr(config, _definition(config.definition)[0]):
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


def _gateway(config: ResourceConfiguration) -> Any:
    if upper(config.config_type) == "CHILD" and isinstance(config.group, ResourceConfiguration):
        return config.group.gateway
    return config.gateway


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


def _definition(definition: Any) -> tuple[str | None, Any]:
    """(ip | dns | arn | cidr, the address) of a definition in any flavour's spelling
    (``ip_resource { ip_address }``, ``IpResource: 10.0.0.1``, awscc ``ip_resource = "..."``)."""
    definition = _unwrap(definition)
    if not isinstance(definition, dict):
        return None, None
    for key, value in definition.items():
        name = key.replace("_", "").lower()
        body = _unwrap(value)
        if name == "ipresource":
            address = body.get("ip_address") or body.get("IpAddress") \
                if isinstance(body, dict) else body
            return "ip", address
        if name == "cidrresource":
            return "cidr", body
        if name == "arnresource":
            return "arn", body.get("arn") if isinstance(body, dict) else body
        if name == "dnsresource":
            return "dns", body
    return None, None


def _unwrap(value: Any) -> Any:
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _ip_problem(value: Any, gateway: Any) -> str | None:
    """Why no resource gateway can serve this IP, or None (also when it is not known)."""
    if not isinstance(value, str) or isinstance(value, Unknown):
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6:
        for test, what in ((address.is_link_local, "a link-local address"),
                           (address.is_loopback, "the loopback address"),
                           (address.is_multicast, "a multicast address"),
                           (address.is_unspecified, "the unspecified address"),
                           (address.ipv4_mapped is not None, "an IPv4-mapped address")):
            if test:
                return (f"{what}: an IPv6 resource must be an address of the resource gateway's "
                        "VPC, and no VPC subnet holds this one")
        return None
    if any(address in network for network in _PRIVATE_V4) or _in_vpc(address, gateway):
        return None
    return ("a public IPv4 address: AWS accepts IPv4 resources only from 10.0.0.0/8, "
            "100.64.0.0/10, 172.16.0.0/12 and 192.168.0.0/16 (public IPs are not supported), so "
            "the configuration is rejected; name a public service by its domain (a DNS "
            "resource) or use the private address the gateway's VPC reaches it at")


def _in_vpc(address, gateway: Any) -> bool:
    """True when the address may lie in the gateway VPC's CIDR (a VPC may use a non-RFC 1918
    range); also True when that VPC or its CIDR is not known, so the rule stays quiet."""
    vpc = gateway.vpc if isinstance(gateway, ResourceGateway) else None
    if not isinstance(vpc, Vpc):
        return vpc is not None
    if not isinstance(vpc.cidr_blocks, list) or not vpc.cidr_blocks:
        return True  # UNKNOWN, or allocated from IPAM
    for block in vpc.cidr_blocks:
        if not isinstance(block, str):
            return True
        try:
            if address in ipaddress.ip_network(block, strict=False):
                return True
        except ValueError:
            return True
    return False
