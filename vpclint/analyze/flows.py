"""Flows: for every workload, subnet and AWS service it uses, the path the traffic takes.

The verdict is one of: private through a gateway endpoint on the subnet's route table; private
through an interface endpoint whose private DNS (or a private hosted zone) answers the service
name; private through VPC Lattice, when a resource configuration the VPC reaches answers the
service's name (see ``lattice``); a detour through NAT and an internet gateway; straight to an
internet gateway; out of the VPC (transit gateway, peering, VPN); no path at all; or UNKNOWN
when any step cannot be known.
Each flow keeps its hops, every hop a model component, so reports can show the path.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from msgspec import Struct

from vpclint.analyze.lattice import LatticeIndex, LatticeMiss, LatticeRoute
from vpclint.analyze.routing import DEFAULT_IPV4, Routing, Target
from vpclint.analyze.usage import Evidence, Usage, usage_of
from vpclint.hop import Hop
from vpclint.model import Model
from vpclint.model.components import (Component, External, InternetGateway, NatGateway, Route,
                                      RouteTable, Subnet, Vpc, VpcEndpoint)
from vpclint.model.services import GATEWAY_SERVICES, aws_service, domain_serves
from vpclint.model.workloads import Route53Zone, Workload
from vpclint.values import DEPLOYMENT_REGION, Unknown

_MAX_HOPS = 6
# endpoint types that never carry calls to AWS service APIs
_NOT_FOR_AWS_SERVICES = ("GatewayLoadBalancer", "Resource", "ServiceNetwork", "Tunnel")


class Verdict(str, Enum):
    GATEWAY_ENDPOINT = "private via gateway endpoint"
    INTERFACE_ENDPOINT = "private via interface endpoint"
    LATTICE = "private via VPC Lattice"
    NAT_DETOUR = "detour via NAT and internet gateway"
    INTERNET_GATEWAY = "internet gateway"
    LEAVES_VPC = "leaves the VPC"
    NO_PATH = "no path"
    UNKNOWN = "unknown"

    @property
    def private(self) -> bool:
        return self in (Verdict.GATEWAY_ENDPOINT, Verdict.INTERFACE_ENDPOINT, Verdict.LATTICE)


class Flow(Struct):
    workload: Workload
    subnet: Subnet
    service: str
    verdict: Verdict
    hops: list[Hop]
    evidence: list[Evidence]
    reason: str = ""  # why UNKNOWN or no path
    endpoint: VpcEndpoint | None = None  # the endpoint that carries it, or that exists unused
    nat: NatGateway | None = None
    default_route: Route | None = None
    route_table: RouteTable | None = None
    # no path or a detour although a Lattice resource configuration the VPC reaches carries the
    # service's name: the setting that keeps Lattice from answering it
    lattice_miss: LatticeMiss | None = None

    @property
    def endpoint_unused(self) -> bool:
        """No path or a detour although an Interface endpoint for the service is in the flow's
        VPC: its private DNS is off and nothing else answers the service's name there. What
        the flow lacks is that endpoint's DNS, not an endpoint."""
        return self.verdict in (Verdict.NO_PATH, Verdict.NAT_DETOUR) and isinstance(
            self.endpoint, VpcEndpoint) and self.endpoint.endpoint_type == "Interface"

    @property
    def path(self) -> str:
        """The path on one line: ``lambda orders (subnet private_a 10.0.1.0/24) -> rtb private
        -> 0.0.0.0/0 nat a -> rtb public -> 0.0.0.0/0 igw main -> sqs.us-east-1.amazonaws.com
        (public)``."""
        return path_text(self.hops)


def trace_flows(model: Model, routing: Routing, lattice: LatticeIndex
                ) -> tuple[list[Flow], dict[int, Usage]]:
    """Every workload's flows (one per subnet and AWS service it uses), and its usage by
    ``id(workload)``."""
    flows: list[Flow] = []
    usages: dict[int, Usage] = {}
    endpoints = _EndpointIndex(model)
    for workload in model.of(Workload):
        usage = usage_of(workload)
        usages[id(workload)] = usage
        for subnet in workload.subnets:
            if not isinstance(subnet, Subnet):
                continue
            for service, evidence in usage.services.items():
                flows.append(_flow(workload, subnet, service, evidence, routing, lattice,
                                   endpoints))
    return flows, usages


def public_lambdas(model: Model, routing: Routing) -> dict[int, list[Flow]]:
    """id(Lambda) -> its egress paths that end at an internet gateway, with no NAT on the way:
    one per subnet whose default route (after any inspection hop) is an internet gateway."""
    found: dict[int, list[Flow]] = {}
    for workload in model.of(Workload):
        if workload.workload_kind != "lambda":
            continue
        for subnet in workload.subnets:
            if not isinstance(subnet, Subnet):
                continue
            flow = egress_flow(workload, subnet, routing)
            if flow.verdict is Verdict.INTERNET_GATEWAY:
                found.setdefault(id(workload), []).append(flow)
    return found


class _EndpointIndex:
    """Endpoints and private hosted zones per VPC, built once."""

    def __init__(self, model: Model):
        self.by_vpc: dict[int, list[VpcEndpoint]] = {}
        # Scopes (template, Terraform root) holding an endpoint whose VPC is UNKNOWN: it may be
        # in any VPC of that scope. Separately deployed scopes are taken as unrelated.
        self.unplaced: set[str] = set()
        for endpoint in model.of(VpcEndpoint):
            if isinstance(endpoint.vpc, Vpc):
                self.by_vpc.setdefault(id(endpoint.vpc), []).append(endpoint)
            elif isinstance(endpoint.vpc, Unknown):
                self.unplaced.add(endpoint.resource.scope)
        self.zones: dict[int, list[str]] = {}
        for zone in model.of(Route53Zone):
            if isinstance(zone.name, str):
                for vpc in zone.vpcs:
                    self.zones.setdefault(id(vpc), []).append(zone.name.rstrip(".").lower())

    def for_service(self, vpc: Vpc, service: str) -> tuple[list[VpcEndpoint], bool]:
        """Endpoints of ``vpc`` for ``service``; True when another may be (UNKNOWN name)."""
        found, maybe = [], vpc.resource.scope in self.unplaced
        for endpoint in self.by_vpc.get(id(vpc), []):
            if endpoint.endpoint_type in _NOT_FOR_AWS_SERVICES:
                continue
            name = endpoint.service_name
            named = aws_service(name)  # also of a name with unknown parts that still says it
            if named is not None or isinstance(name, str):
                if named == service:
                    found.append(endpoint)
            elif isinstance(name, Unknown):
                maybe = True
        return found, maybe

    def zone_fronts(self, vpc: Vpc, service: str) -> bool:
        """A private hosted zone in the VPC answering the service's public hostname
        (``sqs.<region>.amazonaws.com``, ``api.ecr.<region>.amazonaws.com``)."""
        return any(domain_serves(name, service) for name in self.zones.get(id(vpc), []))


def _start(workload: Workload, subnet: Subnet, service: str, evidence: list[Evidence],
           routing: Routing) -> Flow:
    """A flow's first hops: the workload, its subnet and the subnet's route table (the flow
    stays UNKNOWN, with the reason, when that table is not known)."""
    hops = [Hop(workload, describe(workload), "subnets"), Hop(subnet, describe(subnet))]
    flow = Flow(workload, subnet, service, Verdict.UNKNOWN, hops, evidence)
    table = routing.route_table_of(subnet)
    if isinstance(table, Unknown):
        flow.reason = table.reason
    else:
        flow.route_table = table
        hops.append(Hop(table, describe(table)))
    return flow


def _flow(workload: Workload, subnet: Subnet, service: str, evidence: list[Evidence],
          routing: Routing, lattice_index: LatticeIndex, endpoints: _EndpointIndex) -> Flow:
    flow = _start(workload, subnet, service, evidence, routing)
    table = flow.route_table
    if table is None:
        return flow
    vpc = subnet.vpc
    if not isinstance(vpc, Vpc):
        flow.reason = "subnet's VPC not known"
        return flow
    candidates, maybe = endpoints.for_service(vpc, service)
    for endpoint in candidates:
        if endpoint.endpoint_type == "Gateway" and service in GATEWAY_SERVICES:
            if table in endpoint.route_tables.items:
                flow.endpoint = endpoint
                return _done(flow, Verdict.GATEWAY_ENDPOINT, Hop(
                    endpoint, f"{describe(endpoint)} ({service} prefix list)", "route_tables"))
            if endpoint.route_tables.open:
                maybe = True
    for endpoint in candidates:
        if endpoint.endpoint_type == "Interface":
            flow.endpoint = endpoint
            if endpoint.private_dns is True:
                return _done(flow, Verdict.INTERFACE_ENDPOINT, Hop(
                    endpoint, f"{describe(endpoint)} (private DNS)", "private_dns"))
            if endpoints.zone_fronts(vpc, service):
                return _done(flow, Verdict.INTERFACE_ENDPOINT, Hop(
                    endpoint, f"{describe(endpoint)} (private hosted zone)"))
            if isinstance(endpoint.private_dns, Unknown):
                maybe = True
        elif isinstance(endpoint.endpoint_type, Unknown):
            maybe = True
    lattice = lattice_index.route(vpc, service, workload.resource.region)
    if isinstance(lattice, LatticeRoute):
        return _done(flow, Verdict.LATTICE, *_lattice_hops(lattice))
    if isinstance(lattice, Unknown):
        flow.reason = lattice.reason
        return flow
    if maybe:
        flow.reason = "an endpoint in this VPC may serve the service (UNKNOWN name or type)"
        return flow
    if flow.endpoint is None and endpoints.zone_fronts(vpc, service):
        # hub-and-spoke: the zone points at an endpoint in another VPC, reached by TGW/peering
        flow.reason = "a private hosted zone in this VPC answers the service's name"
        return flow
    flow = _follow(flow, table, routing, public_host(service, workload.resource.region))
    if flow.verdict in (Verdict.NO_PATH, Verdict.NAT_DETOUR):
        flow.lattice_miss = lattice_index.miss(vpc, service, workload.resource.region)
    return flow


def egress_flow(workload: Workload, subnet: Subnet, routing: Routing) -> Flow:
    """Where ``workload``'s internet-bound traffic from ``subnet`` goes, for no service in
    particular (``service`` is ``"internet"``): the path a rule about the subnet's own egress
    shows, e.g. a Lambda in a subnet whose default route is an internet gateway."""
    flow = _start(workload, subnet, "internet", [], routing)
    if flow.route_table is None:
        return flow
    return _follow(flow, flow.route_table, routing, "the internet")


def _lattice_hops(route: LatticeRoute) -> list[Hop]:
    """The access point, the service network, the resource configuration answering the
    service's name, its resource gateway and what it points at (a literal is in no file)."""
    hops = [Hop(route.access, f"{describe(route.access)} (private DNS)", "private_dns")]
    if route.service_network is not None:
        hops.append(Hop(route.service_network, describe(route.service_network)))
    configuration = route.configuration
    hops.append(Hop(configuration, f"{describe(configuration)} ({configuration.custom_domain})",
                    "custom_domain"))
    if route.gateway is not None:
        hops.append(Hop(route.gateway, describe(route.gateway)))
    target = route.target
    hops.append(Hop(target, describe(target)) if isinstance(target, Component)
                else Hop(None, str(target)))
    return hops


def _route_out_of_vpc(table: RouteTable, routing: Routing) -> Route | None:
    """A route of ``table`` to a transit gateway, peering connection, virtual private gateway
    or Cloud WAN core network, if any."""
    for route in table.routes:
        if route.target_kind == "core_network":
            return route
        target = routing.target(route)
        if isinstance(target, Target) and target.kind in ("tgw", "peering", "vgw"):
            return route
    return None


def _done(flow: Flow, verdict: Verdict, *hops: Hop) -> Flow:
    flow.verdict = verdict
    flow.hops.extend(hops)
    return flow


def _follow(flow: Flow, table: RouteTable, routing: Routing, host: str) -> Flow:
    """Follow default routes from ``table`` until the traffic leaves or dies."""
    for _ in range(_MAX_HOPS):
        route = routing.default_route(table)
        if isinstance(route, Unknown):
            flow.reason = route.reason
            return flow
        if route is None:
            private = _route_out_of_vpc(table, routing)
            if private is not None:
                # hub and spoke: a central endpoint VPC behind the transit gateway (or peering),
                # with private hosted zones associated from elsewhere, may answer the service
                flow.reason = (f"route table {table.display} has no default route but routes "
                               f"{private.destination} out of the VPC")
                return flow
            flow.reason = f"route table {table.display} has no default route"
            return _done(flow, Verdict.NO_PATH, Hop(None, f"no route to {host}"))
        if flow.default_route is None:
            flow.default_route = route
        target = routing.target(route)
        if isinstance(target, Unknown):
            flow.reason = target.reason
            flow.hops.append(Hop(route, f"{DEFAULT_IPV4} ?", "target"))
            return flow
        component = _component(target)
        flow.hops.append(Hop(route, f"{DEFAULT_IPV4} {_target_label(target)}", "target",
                             component, describe(component) if component is not None else None))
        if target.kind == "igw":
            verdict = Verdict.NAT_DETOUR if flow.nat is not None else Verdict.INTERNET_GATEWAY
            return _done(flow, verdict, Hop(None, f"{host} (public)"))
        if target.kind == "nat":
            nat = target.component
            if not isinstance(nat, NatGateway):
                flow.reason = "NAT gateway outside the scan"
                return flow
            if flow.nat is not None:
                flow.reason = "NAT behind NAT"
                return flow
            flow.nat = nat
            if nat.connectivity != "public":
                flow.reason = "private NAT gateway"
                return _done(flow, Verdict.LEAVES_VPC) if nat.connectivity == "private" else flow
            next_table, _ = routing.nat_egress(nat)
            if isinstance(next_table, Unknown):
                flow.reason = next_table.reason
                return flow
            flow.hops.append(Hop(next_table, describe(next_table)))
            table = next_table
            continue
        if target.kind == "nat_instance":
            flow.reason = "NAT instance"
            return _done(flow, Verdict.NAT_DETOUR, Hop(None, f"{host} (public)"))
        if target.kind in ("tgw", "peering", "vgw"):
            return _done(flow, Verdict.LEAVES_VPC)
        if target.kind == "gwlb_endpoint":
            endpoint = target.component
            subnets = endpoint.subnets.items if isinstance(endpoint, VpcEndpoint) else []
            if len(subnets) != 1 or not isinstance(subnets[0], Subnet):
                flow.reason = "GWLB endpoint subnet not known"
                return flow
            next_table = routing.route_table_of(subnets[0])
            if isinstance(next_table, Unknown):
                flow.reason = next_table.reason
                return flow
            flow.hops.append(Hop(next_table, describe(next_table)))
            table = next_table
            continue
        flow.reason = f"default route to {target.kind}"
        return flow
    flow.reason = "routing loop"
    return flow


# --- labels -----------------------------------------------------------------------------------

_WORKLOAD_WORDS = {"lambda": "lambda", "ecs_service": "ecs service", "instance": "instance",
                   "autoscaling_group": "asg", "eks_cluster": "eks cluster",
                   "eks_node_group": "eks node group"}
_TARGET_WORDS = {"nat": "nat", "igw": "igw", "nat_instance": "NAT instance", "tgw": "tgw",
                 "peering": "peering", "vgw": "vgw", "egress_only": "egress-only igw",
                 "gwlb_endpoint": "gwlb endpoint", "endpoint": "endpoint"}
# public hostnames that are not <service>.<region>.amazonaws.com
_PUBLIC_HOSTS = {
    "ecr.api": "api.ecr.{region}", "ecr.dkr": "*.dkr.ecr.{region}",
    "kinesis-streams": "kinesis.{region}", "kinesis-firehose": "firehose.{region}",
    "sagemaker.api": "api.sagemaker.{region}", "execute-api": "*.execute-api.{region}",
    "ecs-agent": "ecs-a-*.{region}", "ecs-telemetry": "ecs-t-*.{region}",
}


def short_name(component: Component) -> str:
    """The name a path shows: the Terraform address without its resource type
    (``module.net.private["a"]`` for ``module.net.aws_subnet.private["a"]``, since the hop
    already says "subnet"), or the CloudFormation logical ID (which never holds its type,
    ``AWS::EC2::Subnet``: a logical ID is alphanumeric)."""
    resource = component.resource
    address = resource.address
    if resource.type:
        head, sep, tail = address.partition(f"{resource.type}.")
        if sep and (not head or head.endswith(".")):
            return head + tail
    return address


def describe(component: Component) -> str:
    """A component as one step of a path: ``lambda orders``, ``subnet private_a 10.0.1.0/24``,
    ``rtb private``, ``nat a``, ``igw main``, ``interface endpoint sqs``."""
    name = short_name(component)
    if isinstance(component, Workload):
        return f"{_WORKLOAD_WORDS.get(component.workload_kind, component.workload_kind)} {name}"
    if isinstance(component, Subnet):
        cidr = component.cidr_block
        return f"subnet {name}" + (f" {cidr}" if isinstance(cidr, str) else "")
    if isinstance(component, RouteTable):
        return f"rtb {name}"
    if isinstance(component, NatGateway):
        return f"nat {name}"
    if isinstance(component, InternetGateway):
        return f"igw {name}"
    if isinstance(component, VpcEndpoint):
        kind = component.endpoint_type
        words = {"Gateway": "gateway endpoint", "Interface": "interface endpoint",
                 "GatewayLoadBalancer": "gwlb endpoint", "Resource": "resource endpoint",
                 "ServiceNetwork": "service network endpoint"}.get(
                     kind if isinstance(kind, str) else "", "endpoint")
        return f"{words} {name}"
    if isinstance(component, Route):
        destination = component.destination
        return f"route {destination if isinstance(destination, str) else '?'}"
    return f"{component.kind.replace('_', ' ')} {name}"


def public_host(service: str, region: Any) -> str:
    """The public name an SDK calls for ``service``: ``sqs.us-east-1.amazonaws.com``;
    ``sqs.<region>.amazonaws.com`` when the region is not known."""
    region = region if isinstance(region, str) and region else DEPLOYMENT_REGION
    return _PUBLIC_HOSTS.get(service, f"{service}.{{region}}").format(region=region) + \
        ".amazonaws.com"


def path_text(hops: list[Hop]) -> str:
    """Hops joined by arrows; the workload's subnet goes in parentheses after the workload."""
    labels = [hop.label for hop in hops]
    if (len(hops) > 1 and isinstance(hops[0].component, Workload)
            and isinstance(hops[1].component, Subnet)):
        labels = [f"{labels[0]} ({labels[1]})", *labels[2:]]
    return " -> ".join(labels)


def _target_label(target: Target) -> str:
    word = _TARGET_WORDS.get(target.kind, target.kind)
    value = target.component
    if isinstance(value, Component):
        inspection = " (inspection)" if target.kind == "gwlb_endpoint" else ""
        return f"{word} {short_name(value)}{inspection}"
    if isinstance(value, External):
        return f"{word} {value.value}"
    if isinstance(value, Unknown):  # a transit gateway given as a parameter ...
        return f"{word} {value.expr}" if value.expr else word
    return word if value is None else f"{word} {value}"


def _component(target: Target) -> Component | None:
    return target.component if isinstance(target.component, Component) else None
