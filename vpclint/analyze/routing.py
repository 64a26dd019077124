"""Routing: the effective route table of a subnet, and where its default route leads.

A subnet uses its explicitly associated route table, else its VPC's main table (Terraform's
``aws_default_route_table`` or ``aws_main_route_table_association``; CloudFormation's main table
is implicit, so its routes are UNKNOWN). Gateway endpoints add their service's prefix-list route
to every table they are on; those routes are more specific than ``0.0.0.0/0`` and win.
Everything is looked up through the model's reverse index: no pairwise scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpclint.model import Model
from vpclint.model.components import (External, InternetGateway, NatGateway, Route, RouteTable,
                                      RouteTableAssociation, Subnet, Vpc, VpcEndpoint)
from vpclint.values import Unknown

DEFAULT_IPV4 = "0.0.0.0/0"


@dataclass(frozen=True)
class Target:
    """Where a route sends traffic: kind is igw, nat, nat_instance, tgw, peering, gwlb_endpoint,
    endpoint, vgw, egress_only, local, other; component when in the scan."""

    kind: str
    component: Any = None


# Route target kinds whose Target does not depend on which component the target is (an
# interface may be a NAT instance's or a firewall's, so it is not among them).
_KIND_ALONE = {"transit_gateway": "tgw", "peering": "peering", "egress_only_gateway": "egress_only"}


class Routing:
    def __init__(self, model: Model):
        self.model = model
        self._main: dict[int, RouteTable] = {}
        for association in model.of(RouteTableAssociation):
            if isinstance(association.main_of, Vpc) and isinstance(association.route_table,
                                                                    RouteTable):
                self._main[id(association.main_of)] = association.route_table
        for table in model.of(RouteTable):
            if table.is_default and isinstance(table.vpc, Vpc):
                self._main.setdefault(id(table.vpc), table)

    def route_table_of(self, subnet: Subnet) -> RouteTable | Unknown:
        associations = self.model.linked_from(subnet, RouteTableAssociation, "subnet")
        tables = [a.route_table for a in associations]
        if tables:
            table = tables[0]
            return table if isinstance(table, RouteTable) else Unknown(
                "route table outside the scan", getattr(table, "value", ""))
        if associations.open:
            return Unknown("route table association not known", subnet.display)
        vpc = subnet.vpc
        if isinstance(vpc, Vpc) and id(vpc) in self._main:
            return self._main[id(vpc)]
        return Unknown("subnet uses the VPC's main route table, whose routes are not declared",
                       subnet.display)

    def default_route(self, table: RouteTable) -> Route | None | Unknown:
        """The ``0.0.0.0/0`` route, None when the table has none, UNKNOWN when it may."""
        if table.routes_open or self.model.linked_from(table, Route, "route_table").open:
            return Unknown("routes of this table not all known", table.display)
        found = None
        for route in table.routes:
            if isinstance(route.destination, Unknown):
                return Unknown("route destination not known", table.display)
            if route.destination == DEFAULT_IPV4:
                found = route
        return found

    @staticmethod
    def target(route: Route) -> Target | Unknown:
        """Where the route leads. An UNKNOWN value in an attribute that names its kind (a
        parameter in ``TransitGatewayId``) leads there all the same, unless what it leads to
        depends on which one it is (an endpoint may be a GWLB endpoint or not)."""
        value = route.target
        kind = route.target_kind
        if isinstance(value, Unknown):
            return Target(_KIND_ALONE[kind], value) if kind in _KIND_ALONE else value
        if kind == "nat_gateway":
            return Target("nat", value)
        if kind in ("instance", "network_interface"):
            return Target("nat_instance", value)
        if kind == "transit_gateway":
            return Target("tgw", value)
        if kind == "peering":
            return Target("peering", value)
        if kind == "egress_only_gateway":
            return Target("egress_only", value)
        if kind == "vpc_endpoint":
            if isinstance(value, VpcEndpoint) and value.endpoint_type == "GatewayLoadBalancer":
                return Target("gwlb_endpoint", value)
            return Target("endpoint", value)
        if kind == "gateway":
            if isinstance(value, InternetGateway):
                return Target("igw", value)
            text = value.value if isinstance(value, External) else str(value)
            if text == "local":
                return Target("local")
            if text.startswith("vgw-"):
                return Target("vgw", value)
            if text.startswith("igw-") or (isinstance(value, External) and value.type in (
                    "aws_internet_gateway", "AWS::EC2::InternetGateway")):
                return Target("igw", value)
            return Unknown("gateway of unknown kind", text)
        return Target("other", value)

    def nat_egress(self, nat: NatGateway) -> tuple[RouteTable | Unknown, Route | None | Unknown]:
        """The route table of a NAT gateway's subnet and its default route."""
        subnet = nat.subnet
        if not isinstance(subnet, Subnet):
            return Unknown("NAT gateway subnet not known", nat.display), None
        table = self.route_table_of(subnet)
        if isinstance(table, Unknown):
            return table, None
        return table, self.default_route(table)
