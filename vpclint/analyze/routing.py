"""Routing: the effective route table of a subnet, and where its default route leads.

A subnet uses its explicitly associated route table, else its VPC's main table. Terraform can
declare the main table (``aws_default_route_table``, ``aws_main_route_table_association``) and
add routes to it (``aws_route`` on ``main_route_table_id``), so an undeclared one is UNKNOWN.
CloudFormation cannot name a VPC's main table: for a VPC its template creates, the main table
holds the local route only, and a subnet of that template with no association uses it (unless a
route or gateway endpoint of the template names a table vpclint cannot see, which may be it).
Gateway endpoints add their service's prefix-list route to every table they are on; those
routes are more specific than ``0.0.0.0/0`` and win.

A route whose table is not known (a parameter, an import with no export in the scan) may be on
any table of its own template or module (an unknown stands for nothing outside it), and other
stacks may add routes to an exported table (a pipeline may pass the export on as a parameter).
Such a route only matters for traffic its destination may cover: the flows here go to public
IPv4 addresses (AWS service endpoints, the internet), which a route to private or IPv6 addresses
never takes.
Everything is looked up through the model's reverse index: no pairwise scans.
"""

from __future__ import annotations

import functools
from ipaddress import IPv4Network, ip_network
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from vpclint.model import Model
from vpclint.model.components import (External, InternetGateway, NatGateway, Route, RouteTable,
                                      RouteTableAssociation, Subnet, Vpc, VpcEndpoint)
from vpclint.values import Unknown

DEFAULT_IPV4 = "0.0.0.0/0"
# IPv4 ranges with no public address (RFC 1918, shared address space, link-local, loopback)
_NOT_PUBLIC = tuple(ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                            "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"))


class Target(Struct, frozen=True):
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
        # routes whose table is not known, by scope; and the scopes where a gateway endpoint is
        # on a table vpclint cannot see (either may be on a CloudFormation main table)
        self._floating: dict[str, list[Route]] = {}
        self._unseen_tables: set[str] = set()
        for route in model.of(Route):
            if _unseen(route.route_table):
                self._floating.setdefault(route.resource.scope, []).append(route)
        for endpoint in model.of(VpcEndpoint):
            tables = endpoint.route_tables
            if tables.open or any(e.type is not None for e in tables.external):
                self._unseen_tables.add(endpoint.resource.scope)
        self._implicit_main: dict[int, RouteTable] = {}  # id(vpc) -> its main table
        self._implicit_ids: set[int] = set()
        self._floating_cache: dict[int, tuple[list[Route], bool] | None] = {}

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
        main = self._unnameable_main(subnet)
        if main is not None:
            return main
        return Unknown("subnet uses the VPC's main route table, whose routes are not declared",
                       subnet.display)

    def _unnameable_main(self, subnet: Subnet) -> RouteTable | None:
        """The main route table of the subnet's VPC when the subnet's template creates that VPC
        and no code can name the table (``Vpc.main_table_nameable``): the local route only
        (routes that may be on it come from ``default_route``). None when a gateway endpoint of
        the template is on a table vpclint cannot see."""
        vpc = subnet.vpc
        scope = subnet.resource.scope
        if (not isinstance(vpc, Vpc) or vpc.main_table_nameable
                or vpc.resource.scope != scope or scope in self._unseen_tables):
            return None
        if id(vpc) not in self._implicit_main:
            resource = replace(vpc.resource, address=f"{vpc.address} (main)")
            table = RouteTable(resource=resource, vpc=vpc)
            self._implicit_main[id(vpc)] = table
            self._implicit_ids.add(id(table))
        return self._implicit_main[id(vpc)]

    def default_route(self, table: RouteTable) -> Route | None | Unknown:
        """The ``0.0.0.0/0`` route, None when the table has none, UNKNOWN when it may.

        Routes vpclint does not see on the table may still be there: a route of its template
        whose table is not known, or one another stack adds to an exported table. Neither can
        have a destination the table already routes (AWS rejects a second route to it). One whose
        destination may hold public addresses may be, or beat, the default route: UNKNOWN. When
        the table has no default route, any of them keeps it UNKNOWN: it may be the default
        route, or lead out of the VPC to a central endpoint VPC whose private hosted zones
        answer the service's name. Another stack is taken to add what such stacks add, the
        default route a table lacks or routes to private ranges: a public destination is only
        assumed for a route of the table's own template."""
        if table.routes_open:
            return Unknown("routes of this table not all known", table.display)
        found = None
        for route in table.routes:
            if isinstance(route.destination, Unknown):
                return Unknown("route destination not known", table.display)
            if route.destination == DEFAULT_IPV4:
                found = route
        extra = self._floating_on(table)
        if extra is None:
            return Unknown("code vpclint cannot read (a custom resource, nested stack or module) "
                           "may change the routes of this table", table.display)
        floating, exported = extra
        taken = {_cidr(r.destination) for r in table.routes}
        floating = [r for r in floating if _cidr(r.destination) not in taken]
        public = next((r for r in floating if _may_hold_public(r.destination)), None)
        if public is not None or (floating and found is None):
            route = public or floating[0]
            return Unknown(f"route {route.display} to {_shown(route.destination)} may be on "
                           "this table (its route table is not known)", table.display)
        if exported and found is None:
            return Unknown("the table is exported: another stack may add its default route",
                           table.display)
        return found

    def _floating_on(self, table: RouteTable) -> tuple[list[Route], bool] | None:
        """The routes whose table is not known that may be on ``table`` (those of its own
        template or module: an unknown stands for nothing outside it), and whether other stacks
        may add routes to it (it is exported); None when something vpclint cannot read may
        change it (a template it cannot see into, a custom resource, nested stack or module
        handed the table or its VPC). Computed once per table."""
        if id(table) not in self._floating_cache:
            self._floating_cache[id(table)] = self._find_floating(table)
        return self._floating_cache[id(table)]

    def _find_floating(self, table: RouteTable) -> tuple[list[Route], bool] | None:
        scope = table.resource.scope
        if id(table) in self._implicit_ids:
            return self._floating.get(scope, []), False
        if not self.model.linked_from(table, Route, "route_table").open:
            return [], False
        key = (scope, table.address)
        exported = key in self.model.exported
        if key in self.model.opaque_inputs or (self.model.open_to_unseen(table)
                                               and not exported):
            return None
        return self._floating.get(scope, []), exported

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


def _unseen(table: Any) -> bool:
    """A route's table that vpclint does not know: UNKNOWN, or an in-scan resource it does not
    model (a custom resource's attribute)."""
    return isinstance(table, Unknown) or (isinstance(table, External) and table.type is not None)


def _cidr(destination: Any) -> Any:
    """A destination in canonical form (``10.0.0.0/8`` for ``10.0.0.0/08``), to compare."""
    if isinstance(destination, str):
        return _canonical(destination)
    return id(destination)  # UNKNOWN or a reference: equal to nothing else


def _may_hold_public(destination: Any) -> bool:
    """Whether a route to ``destination`` may take traffic to a public IPv4 address: not for an
    IPv6 CIDR or one inside private ranges; yes for a prefix list (any addresses) or UNKNOWN."""
    return _public_possible(destination) if isinstance(destination, str) else True


# Each destination text is parsed once: every default-route question reads all the routes of
# its table again, and a scan asks one per flow.
@functools.lru_cache(maxsize=4096)
def _canonical(text: str) -> str:
    try:
        return str(ip_network(text, strict=False))
    except ValueError:
        return text


@functools.lru_cache(maxsize=4096)
def _public_possible(text: str) -> bool:
    try:
        network = ip_network(text, strict=False)
    except ValueError:
        return True  # a prefix list ID
    return isinstance(network, IPv4Network) and not any(
        network.subnet_of(private) for private in _NOT_PUBLIC)


def _shown(destination: Any) -> str:
    if isinstance(destination, str):
        return destination
    if isinstance(destination, Unknown):
        return destination.expr or "?"
    return getattr(destination, "display", None) or getattr(destination, "value", "?")
