"""The scan's AWS-service endpoints (Gateway and Interface) indexed by VPC, service and scope:
built once by the analysis, so the detour rules look an endpoint up instead of scanning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpclint.model import Model
from vpclint.model.components import Component, Vpc, VpcEndpoint
from vpclint.model.services import aws_service

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.analyze.flows import Flow

_AWS_SERVICE_TYPES = ("Gateway", "Interface")


class ServiceEndpoints:
    """The scan's AWS-service endpoints (Gateway and Interface) by VPC and by service."""

    def __init__(self, model: Model):
        self.by_vpc: dict[tuple[int, str], list[VpcEndpoint]] = {}
        self.by_service: dict[str, list[VpcEndpoint]] = {}
        self.by_scope: dict[tuple[str, str], list[VpcEndpoint]] = {}
        self.unplaced: dict[str, list[VpcEndpoint]] = {}  # VPC UNKNOWN or outside the scan
        self.exported = model.exported
        for endpoint in model.of(VpcEndpoint):
            if endpoint.endpoint_type not in _AWS_SERVICE_TYPES:
                continue
            service = aws_service(endpoint.service_name)
            if service is None:
                continue
            self.by_service.setdefault(service, []).append(endpoint)
            self.by_scope.setdefault((endpoint.resource.scope, service), []).append(endpoint)
            if isinstance(endpoint.vpc, Vpc):
                self.by_vpc.setdefault((id(endpoint.vpc), service), []).append(endpoint)
            else:
                self.unplaced.setdefault(service, []).append(endpoint)

    def in_vpc(self, vpc: Any, service: str, kind: str | None = None) -> list[VpcEndpoint]:
        """Endpoints for ``service`` in ``vpc`` (of type ``kind`` when given)."""
        found = self.by_vpc.get((id(vpc), service), []) if isinstance(vpc, Vpc) else []
        return [e for e in found if kind is None or e.endpoint_type == kind]

    def elsewhere(self, vpc: Any, service: str, scope: str, limit: int = 3) -> list[VpcEndpoint]:
        """Up to ``limit`` endpoints for ``service`` in VPCs other than ``vpc`` deployed with it
        (the same template or Terraform root module: separately deployed scopes are taken as
        unrelated designs). Stops early: the endpoints skipped are only those of ``vpc``."""
        found: list[VpcEndpoint] = []
        for endpoint in self.by_scope.get((scope, service), []):
            if isinstance(endpoint.vpc, Vpc) and endpoint.vpc is not vpc:
                found.append(endpoint)
                if len(found) == limit:
                    break
        return found

    def in_flow_vpc(self, flow: "Flow") -> bool:
        """Some endpoint for the flow's service is in its VPC (whether or not it serves the
        flow), or may be (an endpoint whose VPC is not known, see ``may_serve``). A flow that
        is not private then lacks something on that endpoint (a route table, its private DNS)
        or is fronted another way; it does not lack an endpoint."""
        if flow.endpoint is not None:
            return True
        return bool(self.in_vpc(flow.subnet.vpc, flow.service)) or self.may_serve(flow)

    def may_serve(self, flow: "Flow") -> bool:
        """An endpoint of another stack or root module, for the flow's service, whose VPC is
        not known (``!ImportValue``, remote state) may serve the flow when what it would need
        is handed out: a Gateway endpoint on route tables not all known, when the flow's route
        table is exported (a stack output); an Interface endpoint whose private DNS may be on,
        when the flow's VPC is. (Endpoints of the flow's own scope are the flow analysis'
        business already.)"""
        table, vpc = flow.route_table, flow.subnet.vpc
        for endpoint in self.unplaced.get(flow.service, []):
            if endpoint.endpoint_type == "Gateway":
                if endpoint.route_tables.open and _exported(self.exported, table):
                    return True
            elif endpoint.private_dns is not False and _exported(self.exported, vpc):
                return True
        return False


def _exported(exported: set, component: Any) -> bool:
    return isinstance(component, Component) and (
        component.resource.scope, component.resource.address) in exported
