"""The network layer of the picture: VPCs, their subnets by Availability Zone (public, private
or isolated by their effective default route), route tables and their routes, internet, NAT
and egress-only gateways, transit gateways and peering connections between VPCs."""

from __future__ import annotations

from typing import Any

from vpclint.analyze.routing import DEFAULT_IPV4, Target
from vpclint.graph.canvas import Canvas, short, text_of
from vpclint.model.components import (External, GatewayAttachment, InternetGateway, NatGateway,
                                      RouteTable, Subnet, TransitGatewayAttachment, Vpc,
                                      VpcEndpoint)
from vpclint.values import Unknown

TRANSIT_GATEWAYS = ("aws_ec2_transit_gateway", "AWS::EC2::TransitGateway")
PEERINGS = ("aws_vpc_peering_connection", "AWS::EC2::VPCPeeringConnection")
EGRESS_ONLY = ("aws_egress_only_internet_gateway", "AWS::EC2::EgressOnlyInternetGateway")
_PEER_VPCS = {"terraform": ("vpc_id", "peer_vpc_id"), "cloudformation": ("VpcId", "PeerVpcId")}
_EIGW_VPC = {"terraform": "vpc_id", "cloudformation": "VpcId"}

# How a subnet is called by where its default route leads.
_TIERS = {"igw": "public", "nat": "private", "nat_instance": "private", "tgw": "private",
          "peering": "private", "vgw": "private", "gwlb_endpoint": "private",
          "egress_only": "private"}


def draw_network(canvas: Canvas) -> None:
    model = canvas.model
    for vpc in model.of(Vpc):
        region = vpc.resource.region
        cidrs = vpc.cidr_blocks if isinstance(vpc.cidr_blocks, list) else [vpc.cidr_blocks]
        canvas.add(vpc, "vpc", short(vpc), detail=[text_of(cidrs), _region(region)],
                   cidrs=[text_of(c) for c in cidrs], region=_region(region) or None)
    for subnet in model.of(Subnet):
        _subnet(canvas, subnet)
    _unmodelled(canvas)
    _internet_gateways(canvas)
    for nat in model.of(NatGateway):
        connectivity = nat.connectivity if isinstance(nat.connectivity, str) else "?"
        parent = canvas.id_of(nat.subnet) or _vpc_of_subnet(canvas, nat.subnet)
        canvas.add(nat, "nat_gateway", short(nat), parent,
                   detail=[f"NAT gateway ({connectivity})"], connectivity=connectivity)
    for table in model.of(RouteTable):
        canvas.add(table, "route_table", short(table), canvas.id_of(table.vpc),
                   detail=["main route table" if table.is_default else ""],
                   routes=_routes(canvas, table), main=table.is_default or None)
    for attachment in model.of(TransitGatewayAttachment):
        tgw = _transit_gateway(canvas, attachment.transit_gateway, attachment.resource.scope)
        canvas.edge("attachment", canvas.id_of(attachment.vpc), tgw, "TGW attachment")


def draw_routes(canvas: Canvas) -> None:
    """Route edges, once every target (endpoints included) is drawn."""
    for table in canvas.model.of(RouteTable):
        source = canvas.id_of(table)
        for route in table.routes:
            target = route_target_node(canvas, route)
            if target is not None:
                canvas.edge("route", source, target, text_of(route.destination))
    for endpoint in canvas.model.of(VpcEndpoint):
        for table in endpoint.route_tables:
            canvas.edge("endpoint_route_table", canvas.id_of(table), canvas.id_of(endpoint),
                        "prefix list")


def route_target_node(canvas: Canvas, route: Any) -> str | None:
    """The node a route sends its traffic to, when it is drawn."""
    target = canvas.routing.target(route)
    value = target.component if isinstance(target, Target) else target
    drawn = canvas.id_of(value)
    if drawn is not None:
        return drawn
    if isinstance(target, Target) and target.kind == "tgw":
        return _transit_gateway(canvas, value, route.resource.scope)
    resource = canvas.external_resource(value, route.resource.scope)
    return canvas.resource_id(resource) if resource is not None and canvas.has(
        canvas.resource_id(resource)) else None


def _subnet(canvas: Canvas, subnet: Subnet) -> None:
    vpc = canvas.id_of(subnet.vpc)
    zone = _zone(subnet)
    parent = None
    if vpc is not None:
        parent = f"{vpc}/az:{zone}"
        if not canvas.has(parent):
            canvas.add(None, "az", zone if zone != "?" else "AZ not known", vpc, node_id=parent)
    tier, egress, table = _tier(canvas, subnet)
    cidr = subnet.cidr_block if isinstance(subnet.cidr_block, str) else ""
    canvas.add(subnet, "subnet", short(subnet), parent,
               detail=[f"{cidr} · {tier}".strip(" ·"), f"0.0.0.0/0 → {egress}" if egress else ""],
               tier=tier, az=zone, cidr=cidr or None, egress=egress or None,
               route_table=short(table) if isinstance(table, RouteTable) else None)


def _zone(subnet: Subnet) -> str:
    """The AZ a subnet is in: its name or ID, the expression that picks it, or ``?``."""
    for value in (subnet.availability_zone, subnet.availability_zone_id):
        if isinstance(value, str) and value:
            return value
    for value in (subnet.availability_zone, subnet.availability_zone_id):
        if isinstance(value, Unknown) and value.expr:
            return value.expr
    return "?"


def _tier(canvas: Canvas, subnet: Subnet) -> tuple[str, str, Any]:
    """public / private / isolated / unknown by the subnet's effective default route, with
    where that route leads and the table it is in."""
    routing = canvas.routing
    table = routing.route_table_of(subnet)
    if isinstance(table, Unknown):
        return "unknown", "", table
    route = routing.default_route(table)
    if route is None:
        return "isolated", "", table
    if isinstance(route, Unknown):
        return "unknown", "?", table
    target = routing.target(route)
    if isinstance(target, Unknown):
        return "unknown", "?", table
    return _TIERS.get(target.kind, "private"), _target_text(target), table


def _target_text(target: Target) -> str:
    words = {"igw": "igw", "nat": "nat", "nat_instance": "NAT instance", "tgw": "tgw",
             "peering": "peering", "vgw": "vgw", "gwlb_endpoint": "gwlb endpoint",
             "egress_only": "egress-only igw", "endpoint": "endpoint"}
    name = text_of(target.component)
    return f"{words.get(target.kind, target.kind)} {name}".strip()


def _routes(canvas: Canvas, table: RouteTable) -> list[str]:
    lines = []
    for route in table.routes:
        target = canvas.routing.target(route)
        where = _target_text(target) if isinstance(target, Target) else text_of(route.target)
        lines.append(f"{text_of(route.destination) or '?'} → {where or '?'}")
    if table.routes_open:
        lines.append("… (routes not all known)")
    return sorted(lines, key=lambda line: (not line.startswith(DEFAULT_IPV4), line))


def _internet_gateways(canvas: Canvas) -> None:
    vpc_of = {id(a.gateway): a.vpc for a in canvas.model.of(GatewayAttachment)}
    for gateway in canvas.model.of(InternetGateway):
        vpc = gateway.vpc if isinstance(gateway.vpc, Vpc) else vpc_of.get(id(gateway))
        canvas.add(gateway, "internet_gateway", short(gateway), canvas.id_of(vpc),
                   detail=["internet gateway"])


def _unmodelled(canvas: Canvas) -> None:
    """Transit gateways, peering connections and egress-only gateways: the model has no
    component for them, but they are resources of the scan and routes lead to them."""
    for (scope, _), resource in sorted(canvas.resources.items()):
        if resource.type in TRANSIT_GATEWAYS:
            canvas.add(None, "transit_gateway", short(resource), resource=resource,
                       detail=["transit gateway"])
        elif resource.type in EGRESS_ONLY:
            vpc = canvas.referenced(resource.values.get(_EIGW_VPC[resource.flavour]), scope)
            canvas.add(None, "egress_only_gateway", short(resource), canvas.id_of(vpc),
                       resource=resource, detail=["egress-only internet gateway"])
        elif resource.type in PEERINGS:
            node = canvas.add(None, "peering", short(resource), resource=resource,
                              detail=["VPC peering"])
            for key in _PEER_VPCS[resource.flavour]:
                vpc = canvas.referenced(resource.values.get(key), scope)
                canvas.edge("peering", node.id, canvas.id_of(vpc), key)


def _transit_gateway(canvas: Canvas, value: Any, scope: str) -> str | None:
    """The node of the transit gateway a route or attachment names: the scan's own, or one
    drawn for an ID or parameter from outside the scan (``tgw-0abc``, ``TransitGatewayId``)."""
    resource = canvas.external_resource(value, scope)
    if resource is not None:
        node_id = canvas.resource_id(resource)
        return node_id if canvas.has(node_id) else None
    if isinstance(value, External):
        node_id, label = f"tgw:{value.value}", value.value
    elif isinstance(value, Unknown) and value.expr:
        node_id, label = f"tgw:{canvas.scope_id(scope)}:{value.expr}", value.expr
    else:
        return None
    if not canvas.has(node_id):
        canvas.add(None, "transit_gateway", label, node_id=node_id,
                   detail=["transit gateway (outside the scan)"])
    return node_id


def _vpc_of_subnet(canvas: Canvas, subnet: Any) -> str | None:
    return canvas.id_of(subnet.vpc) if isinstance(subnet, Subnet) else None


def _region(region: Any) -> str:
    return region if isinstance(region, str) and not region.startswith("<") else ""
