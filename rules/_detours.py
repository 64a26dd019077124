"""Shared by the detour rules (VPC301, VPC302, VPC303, VPC305, VPC306): who owns a flow that
is not private, Lambdas in public subnets, and how messages name things.

One defect, one finding. For a flow whose verdict is known and not private:

* an endpoint for the service exists in the flow's VPC, and the fix is on that endpoint:
  a Gateway endpoint on no route table is VPC101's; one on other route tables is VPC302's (add
  this table); an Interface endpoint with private DNS off is VPC303's (turn it on), unless a
  private hosted zone, record or Lattice resource configuration fronts it;
* no endpoint for the service in the VPC: S3 / DynamoDB through NAT is VPC301's (on the route
  table's default route); a VPC Lambda's calls with no path at all, or through NAT for a
  service the design has endpoints for in another VPC, are VPC305's;
* a Lambda whose subnet sends its default route to an internet gateway is VPC306's, and no
  other detour rule speaks of that Lambda: moving it to private subnets is the fix.

Everything here is computed once per model and looked up by id: no pairwise scans.
"""

from __future__ import annotations

import weakref
from typing import Any, Iterable

from ._endpoint_sets import runs_on_fargate
from ._wording import names
from vpclint.analyze import Flow, Verdict, analysis_of
from vpclint.analyze.flows import egress_flow
from vpclint.model.components import Component, Subnet, Vpc, VpcEndpoint
from vpclint.model.services import GATEWAY_SERVICES, aws_service
from vpclint.model.workloads import TaskDefinition, Workload

_AWS_SERVICE_TYPES = ("Gateway", "Interface")
_LABELS = {"s3": "S3", "dynamodb": "DynamoDB", "sqs": "SQS", "sns": "SNS", "kms": "KMS",
           "sts": "STS", "ssm": "SSM", "secretsmanager": "Secrets Manager",
           "logs": "CloudWatch Logs", "monitoring": "CloudWatch", "ecr.api": "ECR API",
           "ecr.dkr": "ECR Docker registry", "states": "Step Functions",
           "events": "EventBridge", "lambda": "Lambda", "kinesis-streams": "Kinesis",
           "kinesis-firehose": "Firehose", "execute-api": "API Gateway",
           "bedrock-runtime": "Bedrock runtime", "xray": "X-Ray"}
_CACHE: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()


def _cached(model, key: str, build):
    entry = _CACHE.setdefault(model, {})
    if key not in entry:
        entry[key] = build(model)
    return entry[key]


# --- endpoints --------------------------------------------------------------------------------


class Endpoints:
    """The scan's AWS-service endpoints (Gateway and Interface) by VPC and by service."""

    def __init__(self, model):
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

    def may_serve(self, flow: Flow) -> bool:
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


def endpoints_of(model) -> Endpoints:
    return _cached(model, "endpoints", Endpoints)


def gateway_endpoint_missing(flow: Flow, endpoints: Endpoints) -> VpcEndpoint | None:
    """The S3 / DynamoDB Gateway endpoint of the flow's VPC that is on other route tables but
    not on the flow's: adding the table to it is the fix (VPC302). None when there is none, or
    when it is on no route table (VPC101) or on tables not all known (UNKNOWN, literal IDs)."""
    if flow.service not in GATEWAY_SERVICES or flow.route_table is None:
        return None
    for endpoint in endpoints.in_vpc(flow.subnet.vpc, flow.service, "Gateway"):
        tables = endpoint.route_tables
        if tables.open or tables.external or not tables.items or flow.route_table in tables:
            continue  # not all known (a literal rtb- ID may be this one), none (VPC101), or on it
        return endpoint
    return None


def endpoint_in_vpc(flow: Flow, endpoints: Endpoints) -> bool:
    """Some endpoint for the flow's service exists in its VPC, or may (its VPC is not known):
    the defect, if any, is on that endpoint (VPC101, VPC302, VPC303), or it is fronted and the
    flow is no detour."""
    if flow.endpoint is not None:
        return True
    return bool(endpoints.in_vpc(flow.subnet.vpc, flow.service)) or endpoints.may_serve(flow)


# --- Lambdas in public subnets (VPC306) -------------------------------------------------------


def public_lambdas(model) -> dict[int, list[Flow]]:
    """id(Lambda) -> its egress paths that end at an internet gateway, with no NAT on the way:
    one per subnet whose default route (after any inspection hop) is an internet gateway."""
    return _cached(model, "public_lambdas", _public_lambdas)


def _public_lambdas(model) -> dict[int, list[Flow]]:
    routing = analysis_of(model).routing
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


# --- evidence and regions ---------------------------------------------------------------------

# AWS managed policies whose services are the platform's image pulls (ECR, and S3 for layers)
_PULL_POLICIES = ("AmazonECSTaskExecutionRolePolicy", "AmazonEC2ContainerRegistryReadOnly",
                  "AmazonEC2ContainerRegistryPullOnly", "AmazonEC2ContainerServiceforEC2Role")
_PULLS_ITSELF = ("instance", "autoscaling_group", "eks_node_group")


def counted_evidence(flow: Flow) -> list:
    """The flow's evidence that the workload's own network interfaces make these calls.

    Image-pull permissions (``ecr:`` actions, the ECS task execution and ECR read-only managed
    policies) and ECR image URIs say the *platform* pulls images: from the workload's subnets
    only for instances, auto-scaling groups and node groups (the host pulls), and for an ECS
    service on Fargate whose containers do use ECR images. A Lambda's image is pulled by the
    Lambda service; an ECS service on EC2 pulls through its container instances.
    """
    workload = flow.workload
    if workload.workload_kind in _PULLS_ITSELF:
        return list(flow.evidence)
    images = [e for e in flow.evidence if _image(e)]
    fargate_pull = bool(images) and runs_on_fargate(workload)
    return [e for e in flow.evidence
            if not (_image(e) or _pull_permission(e)) or (fargate_pull and _image(e))]


def image_layers_only(flow: Flow) -> bool:
    """An S3 flow whose only counted evidence is the workload pulling ECR images (S3 serves
    their layers): part of the ECR endpoint set, judged with it, not a use of S3 of its own."""
    counted = counted_evidence(flow)
    return flow.service == "s3" and bool(counted) and all(
        _image(e) or _pull_permission(e) for e in counted)


def evidence_phrase(flow: Flow) -> str:
    """Why the workload is taken to call the flow's service, for a message: its strongest
    counted evidence; image pulls are named as such (S3 serves ECR's image layers)."""
    counted = counted_evidence(flow) or flow.evidence
    if not counted:
        return "its permissions"
    direct = [e for e in counted if not (_image(e) or _pull_permission(e))]
    if direct:
        return direct[0].reason
    layers = [e for e in counted if _image(e) or (e.action or "").lower() in (
        "ecr:getdownloadurlforlayer", "ecr:batchgetimage")]
    reason = (layers or counted)[0].reason
    return f"ECR image layers: {reason}" if flow.service == "s3" else f"ECR image pulls: {reason}"


def _image(evidence) -> bool:
    return isinstance(evidence.component, TaskDefinition) and "from ECR" in evidence.reason


def _pull_permission(evidence) -> bool:
    if (evidence.action or "").lower().startswith("ecr:"):
        return True
    return evidence.reason.startswith("managed policy ") and any(
        f"managed policy {name}" in evidence.reason for name in _PULL_POLICIES)


def in_deployment_region(flow: Flow) -> bool:
    """False when every piece of evidence names a region known to differ from the workload's:
    an endpoint in this VPC could not carry that traffic (gateway endpoints are same-region)."""
    region = flow.workload.resource.region
    if not isinstance(region, str) or not region or region.startswith("<"):
        return True
    return any(e.region in (None, "", region) for e in flow.evidence) or not flow.evidence


# --- wording ----------------------------------------------------------------------------------


def label(service: str) -> str:
    """How a message names a service: ``S3``, ``DynamoDB``, ``SQS``; else its endpoint name."""
    return _LABELS.get(service, service)


def subnet_phrase(subnets: list) -> str:
    """``subnet a`` or ``subnets a and b``."""
    return ("subnet " if len(subnets) == 1 else "subnets ") + names(s.display for s in subnets)


def unique(items: Iterable[Any]) -> list[Any]:
    """Distinct items (components compare by identity), in order."""
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(id(item), item)
    return list(seen.values())
