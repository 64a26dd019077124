"""Flows: for every workload, subnet and AWS service it uses, the path the traffic takes.

The verdict is one of: private through a gateway endpoint on the subnet's route table; private
through an interface endpoint whose private DNS (or a private hosted zone) answers the service
name; a detour through NAT and an internet gateway; straight to an internet gateway; out of the
VPC (transit gateway, peering, VPN); no path at all; or UNKNOWN when any step cannot be known.
Each flow keeps its hops, every hop a model component, so reports can show the path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from vpclint.analyze.routing import DEFAULT_IPV4, Routing, Target
from vpclint.analyze.usage import Evidence, Usage, usage_of
from vpclint.model import Model
from vpclint.model.components import Component, NatGateway, RouteTable, Subnet, Vpc, VpcEndpoint
from vpclint.model.services import GATEWAY_SERVICES, aws_service
from vpclint.model.workloads import DnsRecord, Route53Zone, Workload
from vpclint.values import Unknown

_MAX_HOPS = 6
# endpoint types that never carry calls to AWS service APIs
_NOT_FOR_AWS_SERVICES = ("GatewayLoadBalancer", "Resource", "ServiceNetwork", "Tunnel")


class Verdict(str, Enum):
    GATEWAY_ENDPOINT = "private via gateway endpoint"
    INTERFACE_ENDPOINT = "private via interface endpoint"
    NAT_DETOUR = "detour via NAT and internet gateway"
    INTERNET_GATEWAY = "internet gateway"
    LEAVES_VPC = "leaves the VPC"
    NO_PATH = "no path"
    UNKNOWN = "unknown"

    @property
    def private(self) -> bool:
        return self in (Verdict.GATEWAY_ENDPOINT, Verdict.INTERFACE_ENDPOINT)


@dataclass(frozen=True)
class Hop:
    component: Component | None
    label: str
    field: str | None = None


@dataclass
class Flow:
    workload: Workload
    subnet: Subnet
    service: str
    verdict: Verdict
    hops: list[Hop]
    evidence: list[Evidence]
    reason: str = ""  # why UNKNOWN or no path
    endpoint: VpcEndpoint | None = None  # the endpoint that carries it, or that exists unused
    nat: NatGateway | None = None
    default_route: Any = None
    route_table: RouteTable | None = None

    @property
    def path(self) -> str:
        return " -> ".join(hop.label for hop in self.hops)


@dataclass
class Analysis:
    routing: Routing
    flows: list[Flow] = field(default_factory=list)
    usage: dict[int, Usage] = field(default_factory=dict)  # id(workload) -> usage

    def flows_of(self, workload: Workload) -> list[Flow]:
        return [f for f in self.flows if f.workload is workload]


def analyze(model: Model) -> Analysis:
    routing = Routing(model)
    analysis = Analysis(routing)
    endpoints = _EndpointIndex(model)
    for workload in model.of(Workload):
        usage = usage_of(workload)
        analysis.usage[id(workload)] = usage
        for subnet in workload.subnets:
            if not isinstance(subnet, Subnet):
                continue
            for service, evidence in usage.services.items():
                analysis.flows.append(_flow(workload, subnet, service, evidence, routing,
                                            endpoints))
    return analysis


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
        self.records = [r.name.rstrip(".").lower() for r in model.of(DnsRecord)
                        if isinstance(r.name, str)]

    def for_service(self, vpc: Vpc, service: str) -> tuple[list[VpcEndpoint], bool]:
        """Endpoints of ``vpc`` for ``service``; True when another may be (UNKNOWN name)."""
        found, maybe = [], vpc.resource.scope in self.unplaced
        for endpoint in self.by_vpc.get(id(vpc), []):
            if endpoint.endpoint_type in _NOT_FOR_AWS_SERVICES:
                continue
            name = endpoint.service_name
            if isinstance(name, str):
                if aws_service(name) == service:
                    found.append(endpoint)
            elif isinstance(name, Unknown):
                maybe = True
        return found, maybe

    def zone_fronts(self, vpc: Vpc, service: str) -> bool:
        """A private hosted zone in the VPC answering ``<service>.<region>.amazonaws.com``."""
        names = self.zones.get(id(vpc), [])
        return any(name.startswith(f"{service}.") and name.endswith("amazonaws.com")
                   for name in names)


def _flow(workload: Workload, subnet: Subnet, service: str, evidence: list[Evidence],
          routing: Routing, endpoints: _EndpointIndex) -> Flow:
    hops = [Hop(workload, workload.label),
            Hop(subnet, f"subnet {subnet.display}" + (
                f" {subnet.cidr_block}" if isinstance(subnet.cidr_block, str) else ""))]
    flow = Flow(workload, subnet, service, Verdict.UNKNOWN, hops, evidence)
    table = routing.route_table_of(subnet)
    if isinstance(table, Unknown):
        flow.reason = table.reason
        return flow
    flow.route_table = table
    hops.append(Hop(table, f"rtb {table.display}"))
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
                    endpoint, f"{service} prefix list -> gateway endpoint {endpoint.display}"))
            if endpoint.route_tables.open:
                maybe = True
    for endpoint in candidates:
        if endpoint.endpoint_type == "Interface":
            flow.endpoint = endpoint
            if endpoint.private_dns is True or endpoints.zone_fronts(vpc, service):
                return _done(flow, Verdict.INTERFACE_ENDPOINT, Hop(
                    endpoint, f"interface endpoint {endpoint.display}"))
            if isinstance(endpoint.private_dns, Unknown):
                maybe = True
        elif isinstance(endpoint.endpoint_type, Unknown):
            maybe = True
    if maybe:
        flow.reason = "an endpoint in this VPC may serve the service (UNKNOWN name or type)"
        return flow
    return _follow(flow, table, routing, public=f"{service}.amazonaws.com (public)")


def _done(flow: Flow, verdict: Verdict, *hops: Hop) -> Flow:
    flow.verdict = verdict
    flow.hops.extend(hops)
    return flow


def _follow(flow: Flow, table: RouteTable, routing: Routing, public: str) -> Flow:
    """Follow default routes from ``table`` until the traffic leaves or dies."""
    for _ in range(_MAX_HOPS):
        route = routing.default_route(table)
        if isinstance(route, Unknown):
            flow.reason = route.reason
            return flow
        if route is None:
            flow.reason = f"route table {table.display} has no default route"
            return _done(flow, Verdict.NO_PATH)
        if flow.default_route is None:
            flow.default_route = route
        target = routing.target(route)
        if isinstance(target, Unknown):
            flow.reason = target.reason
            return flow
        label = f"{DEFAULT_IPV4} {_name(target.component)}"
        flow.hops.append(Hop(route, label, "target"))
        if target.kind == "igw":
            verdict = Verdict.NAT_DETOUR if flow.nat is not None else Verdict.INTERNET_GATEWAY
            return _done(flow, verdict, Hop(_component(target), f"igw {_name(target.component)}"),
                         Hop(None, public))
        if target.kind == "nat":
            nat = target.component
            if not isinstance(nat, NatGateway):
                flow.reason = "NAT gateway outside the scan"
                return flow
            if flow.nat is not None:
                flow.reason = "NAT behind NAT"
                return flow
            flow.nat = nat
            flow.hops.append(Hop(nat, f"nat {nat.display}"))
            if nat.connectivity != "public":
                flow.reason = "private NAT gateway"
                return _done(flow, Verdict.LEAVES_VPC) if nat.connectivity == "private" else flow
            next_table, _ = routing.nat_egress(nat)
            if isinstance(next_table, Unknown):
                flow.reason = next_table.reason
                return flow
            flow.hops.append(Hop(next_table, f"rtb {next_table.display}"))
            table = next_table
            continue
        if target.kind == "nat_instance":
            flow.hops.append(Hop(_component(target), "NAT instance"))
            flow.reason = "NAT instance"
            return _done(flow, Verdict.NAT_DETOUR, Hop(None, public))
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
            flow.hops.append(Hop(endpoint, f"inspection via {endpoint.display}"))
            flow.hops.append(Hop(next_table, f"rtb {next_table.display}"))
            table = next_table
            continue
        flow.reason = f"default route to {target.kind}"
        return flow
    flow.reason = "routing loop"
    return flow


def _component(target: Target) -> Component | None:
    return target.component if isinstance(target.component, Component) else None


def _name(value: Any) -> str:
    if isinstance(value, Component):
        return value.display
    return str(getattr(value, "value", value))

