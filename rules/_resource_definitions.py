"""What a VPC Lattice resource configuration defines, and whether its gateway can serve it.

Shared by the resource-gateway rules. A configuration defines one resource (an IP address, a
DNS name, an ARN, a CIDR range) that its resource gateway, in its VPC, connects to. Whether the
gateway can reach an IP address at all is one fact: a public IPv4 address, an IPv6 address no
VPC holds, or a private address outside the gateway VPC that no route of the gateway's subnets
leads to, cannot be served, and reachability through security groups is then moot.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ._lattice import upper
from msgspec import Struct

from vpclint.analyze.routing import Routing
from vpclint.model.components import (ResourceConfiguration, ResourceGateway, Route,
                                      RoutePropagation, RouteTable, Subnet, Vpc, VpcCidrBlock)

# The IPv4 ranges AWS accepts for an IP resource ("Public IPs aren't supported").
_PRIVATE_V4 = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"))


def kind_of(config: ResourceConfiguration) -> str | None:
    """ip | dns | arn | cidr: the kind of resource the configuration defines, if known."""
    return config.definition.kind if config.definition is not None else None


def gateway_of(config: ResourceConfiguration) -> Any:
    """The gateway that serves the configuration: its group's, for a CHILD."""
    if upper(config.config_type) == "CHILD" and isinstance(config.group, ResourceConfiguration):
        return config.group.gateway
    return config.gateway


class Unservable(Struct, frozen=True):
    """Why the gateway cannot serve an IP resource; ``tables`` are the route tables that lead
    nowhere near it (for a private address outside the gateway VPC)."""

    reason: str
    tables: tuple[RouteTable, ...] = ()


def unservable(model, routing: Routing, config: ResourceConfiguration) -> Unservable | None:
    """Why the configuration's IP resource cannot be served by its gateway, or None (also for
    other kinds of resource, and whenever vpclint cannot tell). Only a private address outside
    the gateway VPC needs the analysis' routing."""
    definition = config.definition
    if definition is None or definition.kind != "ip" or not isinstance(definition.value, str):
        return None
    value = definition.value
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    gateway = gateway_of(config)
    if address.version == 6:
        return _ipv6_problem(address)
    if not any(address in network for network in _PRIVATE_V4):
        if _in_vpc(model, address, gateway):
            return None  # a VPC may use a non-RFC 1918 range
        return Unservable(
            "a public IPv4 address: AWS accepts IPv4 resources only from 10.0.0.0/8, "
            "100.64.0.0/10, 172.16.0.0/12 and 192.168.0.0/16 (public IPs are not supported), so "
            "the configuration is rejected; name a public service by its domain (a DNS "
            "resource) or use the private address the gateway's VPC reaches it at")
    if not isinstance(gateway, ResourceGateway) or _in_vpc(model, address, gateway):
        return None
    tables = _tables_missing(model, address, gateway, routing)
    if tables is None:
        return None
    return Unservable(
        f"a private address outside the gateway's VPC {gateway.vpc.display} "
        f"({', '.join(gateway.vpc.cidr_blocks)}) that no route of its subnets' route tables "
        f"({', '.join(t.display for t in tables)}) covers: the gateway cannot connect to it "
        "(add a route through the VPN gateway, transit gateway or peering connection that "
        "reaches it, or use its address in the VPC)", tables)


def _ipv6_problem(address) -> Unservable | None:
    for test, what in ((address.is_link_local, "a link-local address"),
                       (address.is_loopback, "the loopback address"),
                       (address.is_multicast, "a multicast address"),
                       (address.is_unspecified, "the unspecified address"),
                       (address.ipv4_mapped is not None, "an IPv4-mapped address")):
        if test:
            return Unservable(f"{what}: an IPv6 resource must be an address of the resource "
                              "gateway's VPC, and no VPC subnet holds this one")
    return None


def _in_vpc(model, address, gateway: Any) -> bool:
    """True when the address may lie in the gateway VPC's CIDRs; also True when that VPC or its
    CIDRs are not all known (a secondary block from a variable, IPAM), so rules stay quiet."""
    vpc = gateway.vpc if isinstance(gateway, ResourceGateway) else None
    if not isinstance(vpc, Vpc):
        return vpc is not None  # a VPC outside the scan may hold it; with no gateway, none does
    if not vpc.cidr_blocks or model.linked_from(vpc, VpcCidrBlock, "vpc").open:
        return True  # allocated from IPAM, or a secondary block vpclint cannot see
    for block in vpc.cidr_blocks:
        if not isinstance(block, str):
            return True
        try:
            if address in ipaddress.ip_network(block, strict=False):
                return True
        except ValueError:
            return True
    return False


def _tables_missing(model, address, gateway: ResourceGateway,
                    routing) -> tuple[RouteTable, ...] | None:
    """The route tables of the gateway's subnets when none has a route other than the local one
    covering ``address``; None when one does or may (a table or route not known, routes a VPN
    gateway propagates, a destination that is a prefix list or UNKNOWN)."""
    subnets = gateway.subnets
    if subnets.open or subnets.external or not subnets.items:
        return None
    tables: list[RouteTable] = []
    for subnet in subnets:
        table = routing.route_table_of(subnet) if isinstance(subnet, Subnet) else None
        if not isinstance(table, RouteTable) or not _routes_known(model, table):
            return None
        if any(_may_cover(route, address) for route in table.routes):
            return None
        if table not in tables:
            tables.append(table)
    return tuple(tables)


def _routes_known(model, table: RouteTable) -> bool:
    return not (table.routes_open or model.linked_from(table, Route, "route_table").open
                or not table.propagating.known_empty
                or not model.linked_from(table, RoutePropagation, "route_tables").known_empty)


def _may_cover(route: Route, address) -> bool:
    destination = route.destination
    if not isinstance(destination, str):
        return True  # UNKNOWN, or none vpclint can read
    try:
        network = ipaddress.ip_network(destination.strip(), strict=False)
    except ValueError:
        return True  # a prefix list: what it holds is not known
    return network.version == address.version and address in network
