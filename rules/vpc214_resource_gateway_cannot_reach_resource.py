"""VPC214 resource-gateway-cannot-reach-resource: a gateway's egress blocks its resources.

## What it does
For each VPC Lattice resource gateway and each resource configuration served through it (SINGLE
and ARN configurations that name it, CHILD configurations of a GROUP that names it), evaluates
the gateway's security-group **egress** (the VPC's default group when none is set, known only when
Terraform adopts it with `aws_default_security_group`):
- toward the resource: its IP for an IP resource; for a DNS or ARN resource, whose address is not
  known, any rule whose CIDR may hold it (`0.0.0.0/0`, the VPC CIDR, a subnet), a prefix list or a
  security group counts;
- on each of the configuration's port ranges (a CHILD inherits its group's), TCP; an ARN resource
  has no configured ports, so any TCP egress toward it counts;
- in an address family both sides speak: an IPV4 gateway reaches IPv4 resources only, an IPV6
  one IPv6 only, a DUALSTACK one either (one whose type is not written is taken to speak both);
  a DNS resource uses its `ip_address_type`. A gateway whose egress allows only the other family
  (a dual-stack gateway toward an IPv6 resource with IPv4-only egress) is reported, and so is an
  address-family mismatch between gateway and resource (an IPV4 gateway, an IPv6 resource).

It also checks the other side: when a configuration names a database, cluster or load balancer
of the scan by reference (`domain_name = aws_db_instance.orders.address`,
`ArnResource: !GetAtt OrdersCluster.DBClusterArn`, a load balancer's DNS name), that resource's
own security groups must admit the gateway's network interfaces (its subnets' addresses, or its
security groups) on the configuration's ports; the finding then points at the resource's
security groups.

It reports only what is certainly blocked: a port range opened in part, unknown rules, groups
outside the scan keep it silent. A configuration whose address no gateway could serve (a public
IP, a private one outside the gateway VPC that no route leads to) is left alone: the address is
what must change.

## Why it matters
The resource gateway is the only way consumers reach the resource: Lattice connects from the
gateway's ENIs, and their security groups must let that connection out. When they do not,
every consumer connection through the service network or Resource endpoint fails, while both
sides look correctly associated.

## Example
Terraform: the database listens on 5432, the gateway may only reach 443:
```hcl
resource "aws_security_group" "gateway" {
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_vpclattice_resource_gateway" "db" {
  name               = "orders-db"
  vpc_id             = aws_vpc.main.id
  subnet_ids         = [aws_subnet.a.id, aws_subnet.b.id]
  security_group_ids = [aws_security_group.gateway.id]
}

resource "aws_vpclattice_resource_configuration" "db" {
  name                        = "orders-db"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.db.id
  port_ranges                 = ["5432"]
  resource_configuration_definition {
    ip_resource {
      ip_address = "10.0.3.10"
    }
  }
}
```
CloudFormation:
```yaml
GatewaySecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: resource gateway
    VpcId: !Ref Vpc
    SecurityGroupEgress:
      - IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        CidrIp: 10.0.0.0/16
ResourceGateway:
  Type: AWS::VpcLattice::ResourceGateway
  Properties:
    Name: orders-db
    VpcIdentifier: !Ref Vpc
    SubnetIds: [!Ref SubnetA, !Ref SubnetB]
    SecurityGroupIds: [!Ref GatewaySecurityGroup]
DatabaseConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: orders-db
    ResourceConfigurationType: SINGLE
    ResourceGatewayId: !Ref ResourceGateway
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      IpResource: 10.0.3.10
```

## Use instead
Terraform:
```hcl
resource "aws_security_group" "gateway" {
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_vpclattice_resource_gateway" "db" {
  name               = "orders-db"
  vpc_id             = aws_vpc.main.id
  subnet_ids         = [aws_subnet.a.id, aws_subnet.b.id]
  security_group_ids = [aws_security_group.gateway.id]
}

resource "aws_vpclattice_resource_configuration" "db" {
  name                        = "orders-db"
  resource_gateway_identifier = aws_vpclattice_resource_gateway.db.id
  port_ranges                 = ["5432"]
  resource_configuration_definition {
    ip_resource {
      ip_address = "10.0.3.10"
    }
  }
}
```
CloudFormation:
```yaml
GatewaySecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: resource gateway
    VpcId: !Ref Vpc
    SecurityGroupEgress:
      - IpProtocol: tcp
        FromPort: 5432
        ToPort: 5432
        CidrIp: 10.0.0.0/16
ResourceGateway:
  Type: AWS::VpcLattice::ResourceGateway
  Properties:
    Name: orders-db
    VpcIdentifier: !Ref Vpc
    SubnetIds: [!Ref SubnetA, !Ref SubnetB]
    SecurityGroupIds: [!Ref GatewaySecurityGroup]
DatabaseConfiguration:
  Type: AWS::VpcLattice::ResourceConfiguration
  Properties:
    Name: orders-db
    ResourceConfigurationType: SINGLE
    ResourceGatewayId: !Ref ResourceGateway
    PortRanges: ["5432"]
    ResourceConfigurationDefinition:
      IpResource: 10.0.3.10
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/resource-configuration.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_resource_configuration
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from typing import Any, Iterable

from ._lattice import upper
from ._resource_definitions import definition_of, unservable
from ._security import group_related, single_cidr, subnet_cidr
from vpclint.analyze.security import (Peer, describe_rules, peer_of, sg_allows,
                                      tri_or)
from vpclint.model.components import (Database, LoadBalancer, ResourceConfiguration,
                                      ResourceGateway, Subnet)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC214", "resource-gateway-cannot-reach-resource", Level.ERROR,
                "A resource gateway's security groups do not let it reach its resource",
                needs_analysis=True)

_GATEWAY_FAMILIES = {"IPV4": {4}, "IPV6": {6}, "DUALSTACK": {4, 6}}
_FAMILY = {4: "IPv4", 6: "IPv6"}


def check(ctx: Context):
    model = ctx.model
    security = ctx.analysis.security
    children = defaultdict(list)
    for config in model.of(ResourceConfiguration):
        if upper(config.config_type) == "CHILD" and isinstance(config.group,
                                                               ResourceConfiguration):
            children[id(config.group)].append(config)
    for gateway in model.of(ResourceGateway):
        served = []
        for config in model.linked_from(gateway, ResourceConfiguration, "gateway"):
            kind = upper(config.config_type)
            if kind in ("SINGLE", "ARN"):
                served.append((config, config))
            elif kind == "GROUP":
                served.extend((child, config) for child in children.get(id(config), []))
        if not served:
            continue
        groups = security.with_default(gateway.security_groups, gateway.vpc)
        # an address no gateway could serve makes reachability moot
        servable = [(config, owner) for config, owner in served
                    if unservable(model, ctx.analysis.routing, config) is None]
        yield from _gateway_side(gateway, groups, servable)
        yield from _resource_side(gateway, groups, servable)


def _gateway_side(gateway: ResourceGateway, groups, served) -> Iterable[Finding]:
    """The gateway's own address family and security-group egress, toward each resource."""
    families = _gateway_families(gateway)
    if families is None:
        return
    mismatched, blocked = [], []
    for config, owner in served:
        problem = _check(gateway, groups, families, config, owner)
        if problem is not None:
            (mismatched if problem[0] == "family" else blocked).append((config, problem[1]))
    if mismatched:
        yield Finding(gateway, f"resource gateway {gateway.display} is "
                      f"{_gateway_type(gateway)} and cannot reach {_join(mismatched)}",
                      field="ip_address_type", related=_related(groups, mismatched))
    if blocked:
        yield Finding(gateway, f"resource gateway {gateway.display} cannot reach "
                      f"{_join(blocked)}: its security groups allow no egress there "
                      f"({describe_rules(groups, 'egress')})", field="security_groups",
                      related=_related(groups, blocked))


def _resource_side(gateway: ResourceGateway, groups, served) -> Iterable[Finding]:
    """The security groups of the database, cluster or load balancer a configuration names by
    reference: they must admit the gateway's network interfaces, from every one of its
    subnets. One finding per resource that admits them on none of the configuration's ports."""
    by_resource: dict[int, tuple[Any, list]] = {}
    for config, owner in served:
        if isinstance(config.denotes, (Database, LoadBalancer)):
            by_resource.setdefault(id(config.denotes), (config.denotes, []))[1].append(
                (config, owner))
    peers = _gateway_interfaces(gateway, groups)
    for resource, configs in by_resource.values():
        refused = []
        for config, owner in configs:
            # an ARN resource has no configured ports: any TCP port counts
            ranges = [None] if definition_of(config)[0] == "arn" \
                else _port_ranges(owner.port_ranges)
            closed = [ports for ports in ranges
                      if all(sg_allows(resource.security_groups, "ingress", "tcp", ports,
                                       peer) is False for peer in peers)]
            if closed:
                refused.append((config, closed))
        if not refused:
            continue
        listed = "; ".join(f"{_ports_of(closed)} for resource configuration {config.display}"
                           for config, closed in refused[:3])
        what = "load balancer" if isinstance(resource, LoadBalancer) else "database"
        yield Finding(resource, f"{what} {resource.display} does not admit resource gateway "
                      f"{gateway.display}: its security groups allow no ingress from the "
                      f"gateway's subnets or security groups on {listed} "
                      f"({describe_rules(resource.security_groups, 'ingress')}), so every "
                      "connection through the gateway is refused", field="security_groups",
                      related=[Related(config, f"resource configuration {config.display} names "
                                       f"{resource.display}", "denotes")
                               for config, _ in refused]
                      + [Related(gateway, f"resource gateway {gateway.display}, whose network "
                                 "interfaces connect to it", "subnets")])


def _gateway_interfaces(gateway: ResourceGateway, groups) -> list[Peer]:
    """The gateway's network interfaces: one per subnet, in its CIDR, with its groups; the
    VPC's CIDR stands in for subnets vpclint cannot see."""
    peers = [peer_of(subnet_cidr(subnet), groups) for subnet in gateway.subnets.items
             if isinstance(subnet, Subnet)]
    if gateway.subnets.open or gateway.subnets.external or not peers:
        peers.append(peer_of(single_cidr(gateway.vpc), groups))
    return peers


def _ports_of(closed: list) -> str:
    return ", ".join(_ports(p) for p in closed)


def _join(problems) -> str:
    texts = [text for _, text in problems]
    return "; ".join(texts[:3]) + (f" and {len(texts) - 3} more" if len(texts) > 3 else "")


def _related(groups, problems) -> list[Related]:
    related = [Related(config, "resource configuration served by the gateway", "definition")
               for config, _ in problems]
    return related + group_related(groups, "security group of the resource gateway")


def _check(gateway, groups, families, config, owner) -> tuple[str, str] | None:
    """("family" | "egress", what is wrong) for one configuration, or None."""
    resource = _resource(config)
    if resource is None:
        return None
    kind, address, resource_families = resource
    ranges = [None] if kind == "arn" else _port_ranges(owner.port_ranges)
    if not ranges:
        return None
    usable = families & resource_families
    described = f"resource configuration {config.display} ({_describe(kind, address)})"
    if not usable:
        family = "/".join(_FAMILY[f] for f in sorted(resource_families))
        return "family", f"{described}, an {family} resource"
    blocked = []
    for ports in ranges:
        answers = [sg_allows(groups, "egress", "tcp", ports,
                             _destination(kind, address, family, gateway)) for family in usable]
        if tri_or(answers) is False:
            blocked.append(ports)
    if not blocked:
        return None
    text = f"{described} on " + ", ".join(_ports(p) for p in blocked)
    other = {4, 6} - usable
    if other and any(sg_allows(groups, "egress", "tcp", ports,
                               _destination(kind, address, family, gateway)) is not False
                     for ports in blocked for family in other):
        text += (f" (it connects over {'/'.join(_FAMILY[f] for f in sorted(usable))}, but the "
                 f"groups allow {'/'.join(_FAMILY[f] for f in sorted(other))} egress only)")
    return "egress", text


def _gateway_families(gateway: ResourceGateway) -> set[int] | None:
    """The families the gateway's ENIs speak; both when the type is not written (AWS picks it
    to fit the subnets), None when it is UNKNOWN."""
    value = gateway.ip_address_type
    if value is None:
        return {4, 6}
    return _GATEWAY_FAMILIES.get(upper(value) or "")


def _gateway_type(gateway: ResourceGateway) -> str:
    return upper(gateway.ip_address_type) or "?"


def _resource(config: ResourceConfiguration) -> tuple[str, Any, set[int]] | None:
    """(kind, address, address families) of the resource: ip / dns / arn; None when not known."""
    kind, body = definition_of(config)
    if kind == "ip":
        if not isinstance(body, str):
            return None
        try:
            version = ipaddress.ip_address(body.strip()).version
        except ValueError:
            return None
        return "ip", body.strip(), {version}
    if kind == "dns":
        if not isinstance(body, dict):
            return None
        address_type = body.get("ip_address_type") or body.get("IpAddressType")
        if isinstance(address_type, Unknown):
            return None
        families = _GATEWAY_FAMILIES.get(upper(address_type) or "", {4, 6})
        return "dns", body.get("domain_name") or body.get("DomainName"), families
    if kind == "arn":
        return "arn", body, {4, 6}
    return None


def _port_ranges(value: Any) -> list[tuple[int, int]]:
    if not isinstance(value, list):
        return []
    ranges = []
    for item in value:
        text = str(item).strip() if isinstance(item, (str, int)) else None
        if not text:
            return []  # an UNKNOWN range: the whole set is not known
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            try:
                ranges.append((int(low), int(high or low)))
            except ValueError:
                return []
    return ranges


def _destination(kind: str, address: Any, family: int, gateway: ResourceGateway) -> Peer:
    """Where the gateway connects: the IP, or somewhere the resource may be."""
    if kind == "ip":
        return Peer(address)
    if family == 6:
        return Peer("::/0")
    if kind == "arn":  # an AWS resource in the gateway's VPC
        return Peer(single_cidr(gateway.vpc) or "0.0.0.0/0")
    return Peer("0.0.0.0/0")  # a DNS name may resolve anywhere


def _describe(kind: str, address: Any) -> str:
    label = {"ip": "IP", "dns": "DNS", "arn": "ARN"}[kind]
    return f"{label} {address}" if isinstance(address, str) else f"{label} resource"


def _ports(ports: Any) -> str:
    if ports is None:
        return "any TCP port"
    low, high = ports
    return f"TCP {low}" if low == high else f"TCP {low}-{high}"
