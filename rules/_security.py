"""Shared wording and small joins for the security-group and network-ACL rules."""

from __future__ import annotations

from typing import Any

from vpclint.analyze.security import peer_of, service_ports
from vpclint.model.components import (Component, EndpointService, LbListener, Links,
                                      LoadBalancer, SecurityGroup, Subnet, Vpc, VpcEndpoint)
from vpclint.model.services import aws_service
from vpclint.rule import Related


def ports_text(ports: Any) -> str:
    """``TCP 443``, ``TCP 1024-65535``, ``TCP 443 or 22``."""
    if ports is None:
        return "any TCP port"
    if isinstance(ports, tuple) and len(ports) == 2 and all(isinstance(p, int) for p in ports) \
            and ports[0] != ports[1] and ports[0] > 0 and ports[1] > 1000:
        return f"TCP {ports[0]}-{ports[1]}"
    if isinstance(ports, (list, tuple)):
        return "TCP " + " or ".join(str(p) for p in ports)
    return f"TCP {ports}"


def group_names(groups: Links) -> str:
    names = [g.display for g in groups.items] + [e.value for e in groups.external]
    return ", ".join(names) or "none"


def group_related(groups: Links, role: str) -> list[Related]:
    return [Related(g, role) for g in groups.items if isinstance(g, SecurityGroup)]


def endpoint_ports(model, endpoint: VpcEndpoint) -> tuple[int, ...] | None:
    """The TCP ports clients use on an interface endpoint (any one of them will do): an AWS
    service's, or for an endpoint service of the scan the ports its Network Load Balancers
    listen on over TCP or TLS, which is where the endpoint forwards. None when not known (a
    name vpclint cannot read, a service outside the scan, a listener or load balancer whose
    port or protocol is not known, listeners that something vpclint cannot see may add)."""
    service = endpoint.service_name
    if isinstance(service, EndpointService):
        return _listener_ports(model, service)
    return service_ports(endpoint)


def service_listeners(model, service: EndpointService) -> list[LbListener]:
    """The listeners of the service's Network Load Balancers; empty when they are not all known
    (see ``endpoint_ports``), or when the service is not fronted by Network Load Balancers
    alone (``EndpointService.fronted_by``: then EC2 cannot create it, and no port is known)."""
    balancers = service.network_load_balancers
    if service.fronted_by != "network" or balancers.external:
        return []
    found: list[LbListener] = []
    for balancer in balancers:
        kind = balancer.lb_type if isinstance(balancer, LoadBalancer) else None
        if not (isinstance(kind, str) and kind.lower() == "network"):
            return []
        listeners = model.linked_from(balancer, LbListener, "load_balancer")
        if listeners.open:
            return []
        found.extend(listeners)
    return found


def _listener_ports(model, service: EndpointService) -> tuple[int, ...] | None:
    ports = set()
    for listener in service_listeners(model, service):
        protocol, port = listener.protocol, _number(listener.port)
        if not isinstance(protocol, str) or port is None:
            return None
        if protocol.upper() != "UDP":  # TCP, TLS, TCP_UDP: clients connect over TCP
            ports.add(port)
    return tuple(sorted(ports)) or None


def _number(value: Any) -> int | None:
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    return int(text) if text.isdigit() else None


def endpoint_label(endpoint: VpcEndpoint) -> str:
    name = endpoint.service_name
    if isinstance(name, EndpointService):
        kind = endpoint.endpoint_type if isinstance(endpoint.endpoint_type, str) else "?"
        return f"{kind.lower()} endpoint {endpoint.display} (endpoint service {name.display})"
    service = aws_service(name) or "custom service"
    kind = endpoint.endpoint_type if isinstance(endpoint.endpoint_type, str) else "?"
    return f"{kind.lower()} endpoint {endpoint.display} ({service})"


def single_cidr(vpc: Any) -> Any:
    """The VPC's one IPv4 CIDR, or None when it has several or none known."""
    if not isinstance(vpc, Vpc):
        return None
    cidrs = [c for c in vpc.cidr_blocks if isinstance(c, str)]
    return cidrs[0] if len(cidrs) == 1 and len(vpc.cidr_blocks) == 1 else None


def subnet_cidr(subnet: Subnet) -> Any:
    """A subnet's CIDR, or its VPC's (the address is somewhere in it), or None."""
    if isinstance(subnet.cidr_block, str):
        return subnet.cidr_block
    return single_cidr(subnet.vpc)


def endpoint_interfaces(endpoint: VpcEndpoint, groups: Links) -> tuple:
    """The endpoint's ENIs as peers: one per subnet, in that subnet's CIDR with the endpoint's
    groups; the VPC's CIDR stands in for subnets vpclint cannot see."""
    peers = []
    for subnet in endpoint.subnets.items:
        if isinstance(subnet, Subnet):
            peers.append(peer_of(subnet_cidr(subnet), groups))
    if endpoint.subnets.open or endpoint.subnets.external or not peers:
        peers.append(peer_of(single_cidr(endpoint.vpc), groups))
    return tuple(peers)


def client_label(workload: Component, subnet: Subnet) -> str:
    cidr = f" {subnet.cidr_block}" if isinstance(subnet.cidr_block, str) else ""
    return f"{workload.label} (subnet {subnet.display}{cidr})"  # type: ignore[attr-defined]


__all__ = ["client_label", "endpoint_interfaces", "endpoint_label", "endpoint_ports",
           "group_names", "group_related", "ports_text", "service_listeners", "single_cidr",
           "subnet_cidr"]
