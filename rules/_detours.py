"""Shared by the detour rules (VPC301, VPC302, VPC303, VPC305, VPC306): which flows are a
rule's to report, and how messages name things.

One defect, one finding. A flow whose verdict is known and not private is judged by where its
fix is, a fact of the analysis, never by whether another rule fires:

* an endpoint for the service is in the flow's VPC (``ServiceEndpoints.in_flow_vpc``): the
  fix is on that endpoint: a Gateway endpoint on no route table (VPC101), one on other route
  tables (add this one, VPC302, ``gateway_endpoint_missing``), an Interface endpoint with
  private DNS off (``Flow.endpoint_unused``: turn it on, VPC303), unless a private hosted zone,
  record or Lattice resource configuration fronts it;
* no endpoint for the service in the VPC: S3 / DynamoDB through NAT lack a gateway endpoint on
  the route table (VPC301); a VPC Lambda's calls with no path at all, or through NAT for a
  service the design has endpoints for in another VPC, lack Interface endpoints (VPC305);
* a Lambda with a subnet whose default route is an internet gateway (``public_lambdas``):
  moving it to private subnets is the fix (VPC306, which supersedes VPC305 on that Lambda). Its
  other subnets' S3 / DynamoDB traffic through NAT is another defect, on another route: VPC301
  reports it (moving the Lambda to private subnets with NAT leaves that detour in place).

These rules report flows grouped differently (per route, per endpoint, per workload), so the
split is made per flow by these facts; a finding-level ``supersedes`` would drop the other flows
a finding groups. The indexes are the analysis', built once per scan: no pairwise scans.
"""

from __future__ import annotations

from typing import Any, Iterable

from ._endpoint_sets import runs_on_fargate
from ._wording import names
from vpclint.analyze import Flow
from vpclint.analyze.endpoints import ServiceEndpoints
from vpclint.model.components import VpcEndpoint
from vpclint.model.services import GATEWAY_SERVICES
from vpclint.model.workloads import TaskDefinition
_LABELS = {"s3": "S3", "dynamodb": "DynamoDB", "sqs": "SQS", "sns": "SNS", "kms": "KMS",
           "sts": "STS", "ssm": "SSM", "secretsmanager": "Secrets Manager",
           "logs": "CloudWatch Logs", "monitoring": "CloudWatch", "ecr.api": "ECR API",
           "ecr.dkr": "ECR Docker registry", "states": "Step Functions",
           "events": "EventBridge", "lambda": "Lambda", "kinesis-streams": "Kinesis",
           "kinesis-firehose": "Firehose", "execute-api": "API Gateway",
           "bedrock-runtime": "Bedrock runtime", "xray": "X-Ray"}
def gateway_endpoint_missing(flow: Flow, endpoints: ServiceEndpoints) -> VpcEndpoint | None:
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
