"""The service layer of the picture: VPC endpoints by type, PrivateLink endpoint services with
their load balancers and consumers, VPC Lattice (service networks and what is associated with
them, services, listeners, target groups, resource configurations and gateways), and the
workloads in their subnets."""

from __future__ import annotations

from typing import Any

from vpclint.graph.canvas import Canvas, short, text_of
from vpclint.model.components import (AuthPolicy, Component, EndpointService, LatticeService,
                                      LatticeTargetGroup, Listener, ListenerRule, LoadBalancer,
                                      ResourceConfiguration, ResourceGateway, ServiceNetwork,
                                      ServiceNetworkAssociation, Subnet, Vpc, VpcEndpoint)
from vpclint.model.services import aws_service
from vpclint.model.workloads import Workload

_ENDPOINT_WORDS = {"Gateway": "gateway endpoint", "Interface": "interface endpoint",
                   "GatewayLoadBalancer": "GWLB endpoint", "Resource": "resource endpoint",
                   "ServiceNetwork": "service network endpoint", "Tunnel": "tunnel endpoint"}


def draw_services(canvas: Canvas) -> None:
    model = canvas.model
    for balancer in model.of(LoadBalancer):
        kind = balancer.lb_type if isinstance(balancer.lb_type, str) else "?"
        canvas.add(balancer, "load_balancer", short(balancer), _vpc_of(canvas, balancer.subnets),
                   detail=[f"{kind} load balancer"], lb_type=kind)
    for service in model.of(EndpointService):
        _endpoint_service(canvas, service)
    for gateway in model.of(ResourceGateway):
        canvas.add(gateway, "resource_gateway", short(gateway),
                   canvas.id_of(gateway.vpc) or _vpc_of(canvas, gateway.subnets),
                   detail=["resource gateway"])
    _lattice(canvas)
    for endpoint in model.of(VpcEndpoint):
        _endpoint(canvas, endpoint)
    for workload in model.of(Workload):
        _workload(canvas, workload)
    _lattice_links(canvas)


def _endpoint(canvas: Canvas, endpoint: VpcEndpoint) -> None:
    kind = endpoint.endpoint_type if isinstance(endpoint.endpoint_type, str) else "?"
    service = _endpoint_service_name(endpoint)
    dns = ""
    if kind == "Interface":
        dns = "private DNS on" if endpoint.private_dns is True else \
            "private DNS ?" if not isinstance(endpoint.private_dns, bool) else "private DNS off"
    node = canvas.add(endpoint, "vpc_endpoint", short(endpoint),
                      canvas.id_of(endpoint.vpc) or _vpc_of(canvas, endpoint.subnets),
                      detail=[f"{_ENDPOINT_WORDS.get(kind, 'endpoint')} · {service}", dns],
                      endpoint_type=kind, service=service)
    for subnet in endpoint.subnets:
        canvas.edge("endpoint_subnet", node.id, canvas.id_of(subnet), "ENI")
    if isinstance(endpoint.service_name, EndpointService):
        canvas.edge("consumer", node.id, canvas.id_of(endpoint.service_name), "PrivateLink")
    canvas.edge("endpoint_target", node.id, canvas.id_of(endpoint.resource_configuration),
                "resource endpoint")
    canvas.edge("endpoint_target", node.id, canvas.id_of(endpoint.service_network),
                "service network endpoint")


def _endpoint_service_name(endpoint: VpcEndpoint) -> str:
    name = endpoint.service_name
    if isinstance(name, Component):
        return short(name)
    service = aws_service(name)
    if service is not None:
        return service
    return text_of(name) or (text_of(endpoint.resource_configuration)
                             or text_of(endpoint.service_network))


def _endpoint_service(canvas: Canvas, service: EndpointService) -> None:
    balancers = list(service.network_load_balancers) + list(service.gateway_load_balancers)
    drawn = [canvas.id_of(balancer) for balancer in balancers]
    parent = next((canvas.node(i).parent for i in drawn if i and canvas.node(i).parent), None)
    acceptance = service.acceptance_required
    node = canvas.add(service, "endpoint_service", short(service), parent,
                      detail=["endpoint service (PrivateLink)",
                              "acceptance required" if acceptance is True else
                              "auto-accept" if acceptance is False else ""])
    for balancer in balancers:
        canvas.edge("load_balancer", node.id, canvas.id_of(balancer), "NLB/GWLB")


def _lattice(canvas: Canvas) -> None:
    model = canvas.model
    policies = {id(p.target): p for p in model.of(AuthPolicy)}
    for network in model.of(ServiceNetwork):
        canvas.add(network, "service_network", short(network),
                   detail=["service network", _auth(network.auth_type, policies.get(id(network)))],
                   auth_type=text_of(network.auth_type))
    for service in model.of(LatticeService):
        canvas.add(service, "lattice_service", short(service),
                   detail=["Lattice service", _auth(service.auth_type, policies.get(id(service)))],
                   auth_type=text_of(service.auth_type))
    for group in model.of(LatticeTargetGroup):
        canvas.add(group, "lattice_target_group", short(group), canvas.id_of(group.vpc),
                   detail=[f"Lattice target group · {text_of(group.target_type) or '?'}"])
    for listener in model.of(Listener):
        protocol = f"{text_of(listener.protocol) or '?'}:{text_of(listener.port) or '?'}"
        canvas.add(listener, "listener", short(listener), canvas.id_of(listener.service),
                   detail=[f"listener {protocol}"])
    for configuration in model.of(ResourceConfiguration):
        canvas.add(configuration, "resource_configuration", short(configuration),
                   detail=[f"resource configuration · {text_of(configuration.config_type)}"])


def _lattice_links(canvas: Canvas) -> None:
    model = canvas.model
    for association in model.of(ServiceNetworkAssociation):
        canvas.edge("association", canvas.id_of(association.service_network),
                    canvas.id_of(association.member), association.associates)
    for listener in model.of(Listener):
        for group in listener.forwards_to:
            canvas.edge("forward", canvas.id_of(listener), canvas.id_of(group), "forwards")
    for rule in model.of(ListenerRule):
        for group in rule.forwards_to:
            canvas.edge("forward", canvas.id_of(rule.listener), canvas.id_of(group), "rule")
    for group in model.of(LatticeTargetGroup):
        for target in group.targets:
            canvas.edge("target", canvas.id_of(group), canvas.id_of(target.target), "target")
    for configuration in model.of(ResourceConfiguration):
        canvas.edge("gateway", canvas.id_of(configuration), canvas.id_of(configuration.gateway),
                    "resource gateway")
        canvas.edge("group", canvas.id_of(configuration), canvas.id_of(configuration.group),
                    "child of")


def _workload(canvas: Canvas, workload: Workload) -> None:
    subnets = sorted(i for i in (canvas.id_of(s) for s in workload.subnets if
                                 isinstance(s, Subnet)) if i is not None)
    parent = subnets[0] if subnets else None
    label = workload.label[:len(workload.label) - len(workload.display)].strip()
    count = len(subnets)
    node = canvas.add(workload, "workload", short(workload), parent,
                      detail=[label, f"in {count} subnets" if count > 1 else ""],
                      workload_kind=workload.workload_kind, subnets=subnets or None)
    for group in workload.lattice_target_groups:
        canvas.edge("target", canvas.id_of(group), node.id, "registers in")


def _vpc_of(canvas: Canvas, subnets: Any) -> str | None:
    """The VPC node of the first drawn subnet of a component that spans subnets."""
    for subnet in subnets:
        if isinstance(subnet, Subnet) and isinstance(subnet.vpc, Vpc):
            found = canvas.id_of(subnet.vpc)
            if found is not None:
                return found
    return None


def _auth(auth_type: Any, policy: AuthPolicy | None) -> str:
    text = f"auth {text_of(auth_type) or '?'}"
    return f"{text} + policy" if policy is not None else text
