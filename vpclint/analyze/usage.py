"""Which AWS services a workload calls from inside the VPC, with the evidence (DOMAIN.md §4).

Evidence, strongest first: IAM actions of the workload's roles (inline and attached, AWS managed
policies through the table generated from their documents, SAM policy templates), references in
its environment (in-scan queues, topics, buckets, tables, secrets; literal ARNs; service
hostnames), its containers' images, log driver and secrets, and EC2 user data. ``Action: "*"``
is not "every service": it says nothing. Calls the Lambda service makes on a function's behalf
(its logs, image pulls, event-source polling, its network interfaces) do not leave the VPC and
are not counted.

A string built around values not known statically (a ``PartialString``: an image URI with the
account as a parameter, a secret reference ``${DbSecret}:password::``) is evidence through its
known text and the resources its unknown parts name; an unknown part is matched where the
patterns below accept ``HOLE``.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from functools import cache
from typing import Any, Iterator

from msgspec import Struct

from vpclint.model.components import Component, External
from vpclint.model.managed_policies import grants, managed_policy_name
from vpclint.model.workloads import IamPolicy, IamRole, InstanceProfile, LaunchTemplate
from vpclint.model.workloads import ContainerDefinition, TaskDefinition, Workload
from vpclint.values import HOLE, PartialJson, PartialString, Unknown

# IAM action prefix -> endpoint service names (DOMAIN.md §4 table)
ACTION_SERVICES = {
    "s3": ("s3",), "dynamodb": ("dynamodb",), "sqs": ("sqs",), "sns": ("sns",),
    "secretsmanager": ("secretsmanager",), "ssm": ("ssm",), "kms": ("kms",), "sts": ("sts",),
    "logs": ("logs",), "cloudwatch": ("monitoring",), "events": ("events",),
    "states": ("states",), "kinesis": ("kinesis-streams",), "firehose": ("kinesis-firehose",),
    "ecr": ("ecr.api", "ecr.dkr", "s3"), "execute-api": ("execute-api",), "lambda": ("lambda",),
    "xray": ("xray",), "ssmmessages": ("ssmmessages",), "ec2messages": ("ec2messages",),
    "ecs": ("ecs",), "elasticloadbalancing": ("elasticloadbalancing",),
    "autoscaling": ("autoscaling",), "ec2": ("ec2",), "athena": ("athena",), "glue": ("glue",),
    "sagemaker": ("sagemaker.api",), "bedrock": ("bedrock",), "rds-data": ("rds-data",),
}
# SAM policy template name prefixes -> services
SAM_TEMPLATES = (
    ("SQS", "sqs"), ("SNS", "sns"), ("DynamoDB", "dynamodb"), ("S3", "s3"), ("KMS", "kms"),
    ("AWSSecretsManager", "secretsmanager"), ("SSMParameter", "ssm"), ("Kinesis", "kinesis-streams"),
    ("Firehose", "kinesis-firehose"), ("StepFunctions", "states"), ("EventBridge", "events"),
    ("CloudWatchPutMetric", "monitoring"), ("LambdaInvoke", "lambda"), ("SES", "email"),
    ("Athena", "athena"), ("ECRPull", "ecr.api"), ("EKSDescribe", "eks"),
)
RESOURCE_SERVICES = {
    "aws_sqs_queue": "sqs", "aws_sns_topic": "sns", "aws_s3_bucket": "s3",
    "aws_dynamodb_table": "dynamodb", "aws_secretsmanager_secret": "secretsmanager",
    "aws_ssm_parameter": "ssm", "aws_kms_key": "kms", "aws_kinesis_stream": "kinesis-streams",
    "aws_sfn_state_machine": "states", "AWS::SQS::Queue": "sqs", "AWS::SNS::Topic": "sns",
    "AWS::S3::Bucket": "s3", "AWS::DynamoDB::Table": "dynamodb",
    "AWS::SecretsManager::Secret": "secretsmanager", "AWS::SSM::Parameter": "ssm",
    "AWS::KMS::Key": "kms", "AWS::Kinesis::Stream": "kinesis-streams",
    "AWS::StepFunctions::StateMachine": "states",
}
ARN_SERVICES = {"kinesis": "kinesis-streams", "firehose": "kinesis-firehose",
                "states": "states", "cloudwatch": "monitoring"}
_ARN = re.compile(rf"^arn:(?:aws[a-z-]*|<partition>|{HOLE}):([a-z0-9-]+):([a-z0-9-]*|<region>|{HOLE}):")
_HOST = re.compile(r"(?:^|[/.])(sqs|sns|s3|dynamodb|secretsmanager|ssm|kms|sts|logs|monitoring|"
                   rf"events|states|lambda)\.([a-z]{{2}}(?:-[a-z]+)+-\d|<region>|{HOLE})\."
                   rf"(?:amazonaws\.com|{HOLE})")
_ECR_IMAGE = re.compile(rf"^(?:\d{{12}}|{HOLE})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+|<region>|{HOLE})\."
                        rf"(?:amazonaws\.com(?:\.cn)?|{HOLE})/")
_LAMBDA_SIDE = {"logs"}  # Lambda's own logging does not use the function's ENIs
_POLLER_TEMPLATES = {"SQSPollerPolicy", "DynamoDBStreamReadPolicy", "KinesisStreamReadPolicy"}
# What the Lambda service does with the function's role, outside the VPC: an event source
# mapping's poller reads the queue or stream, and Lambda manages the function's network
# interfaces. Alone these say nothing about what the function's code calls.
_LAMBDA_SERVICE_ACTIONS = frozenset(a.lower() for a in (
    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility", "kinesis:GetRecords", "kinesis:GetShardIterator",
    "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:ListShards",
    "kinesis:ListStreams", "kinesis:SubscribeToShard", "dynamodb:GetRecords",
    "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams",
    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
    "ec2:DescribeSubnets", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))
# Actions served by another endpoint than the rest of their prefix. Bedrock's model invocation
# goes to bedrock-runtime, and a pattern that grants it (bedrock:*, bedrock:Invoke*) reaches it
# too. The ECS container agent's two count only when named: ecs:* on a role is an application
# managing ECS, while the agent's own policies name ecs:Poll and ecs:StartTelemetrySession.
_RUNTIME_ACTIONS = {"bedrock:invokemodel*": ("bedrock-runtime",)}
_ECS_AGENT_ACTIONS = {"ecs:poll": ("ecs", "ecs-agent"),
                      "ecs:starttelemetrysession": ("ecs", "ecs-telemetry")}
# Every action (or pattern) inference reads apart from the rest of its prefix: the AWS managed
# policy table (model/managed_policies.py) writes out the actions that meet one of these, and
# must be regenerated when this list changes (a test compares it with the table's header).
DISTINCT_ACTIONS = tuple(sorted({*_RUNTIME_ACTIONS, *_ECS_AGENT_ACTIONS,
                                 *_LAMBDA_SERVICE_ACTIONS}))
# An AWS managed policy granting actions of more services than this is a look-at-everything
# grant (ReadOnlyAccess, SecurityAudit, ViewOnlyAccess, the support and audit policies): like
# Action "*", it names no service the workload calls in particular.
_BROAD_POLICY_SERVICES = 50


class Evidence(Struct, frozen=True):
    """Why vpclint thinks a workload calls a service; ``component`` is where it is written."""

    service: str
    reason: str
    component: Component
    region: str | None = None  # when the evidence names one (an ARN, an image URI)
    action: str | None = None  # the IAM action, for evidence from a policy statement


class Usage(Struct):
    """The services a workload uses, and whether the list may be incomplete."""

    evidence: list[Evidence]
    incomplete: bool  # some policy or reference could not be read (UNKNOWN, Action "*")

    @property
    def services(self) -> dict[str, list[Evidence]]:
        found: dict[str, list[Evidence]] = {}
        for item in self.evidence:
            found.setdefault(item.service, []).append(item)
        return found


def usage_of(workload: Workload) -> Usage:
    evidence: list[Evidence] = []
    incomplete = False
    for role in roles_of(workload):
        if isinstance(role, IamRole):
            found, unsure = _role_evidence(role)
            evidence.extend(found)
            incomplete |= unsure
        else:
            incomplete = True
    found, unsure = _template_evidence(workload)
    evidence.extend(found)
    incomplete |= unsure
    evidence.extend(_reference_evidence(workload, workload.environment, "environment variable"))
    task = workload.task_definition
    if isinstance(task, TaskDefinition):
        evidence.extend(_container_evidence(task))
        incomplete |= isinstance(task.containers, Unknown)
    for text in (workload.user_data, _launch_template(workload, "user_data")):
        evidence.extend(_user_data_evidence(workload, text))
    if workload.workload_kind == "lambda":
        evidence = [e for e in evidence if e.service not in _LAMBDA_SIDE
                    and (e.action or "").lower() not in _LAMBDA_SERVICE_ACTIONS]
    return Usage(evidence, incomplete)


def roles_of(workload: Workload) -> list[Any]:
    """The roles whose permissions the workload's code (or its platform, for ECS) uses. An EKS
    cluster's role is the EKS control plane's, which calls AWS from outside the VPC."""
    roles: list[Any] = []
    if workload.role is not None and workload.workload_kind != "eks_cluster":
        roles.append(workload.role)
    task = workload.task_definition
    if isinstance(task, TaskDefinition):
        roles.extend(r for r in (task.task_role, task.execution_role) if r is not None)
    profile = workload.instance_profile or _launch_template(workload, "instance_profile")
    if isinstance(profile, InstanceProfile):
        roles.extend(profile.roles)
        if profile.roles.open:
            roles.append(Unknown("instance profile role"))
    elif profile is not None:
        roles.append(profile)
    return roles


def _launch_template(workload: Workload, name: str) -> Any:
    template = workload.launch_template
    return getattr(template, name) if isinstance(template, LaunchTemplate) else None


def _role_evidence(role: IamRole) -> tuple[list[Evidence], bool]:
    evidence: list[Evidence] = []
    unsure = False
    for document in role.inline_policies:
        found, bad = _document_evidence(document, role, "inline policy")
        evidence.extend(found)
        unsure |= bad
    for policy in role.managed_policies:
        if isinstance(policy, IamPolicy):
            found, bad = _document_evidence(policy.document, policy, "policy")
            evidence.extend(found)
            unsure |= bad
        elif isinstance(policy, (str, PartialString)):
            found, bad = _managed_evidence(policy, role, f" on role {role.display}")
            evidence.extend(found)
            unsure |= bad
        else:
            unsure = True
    return evidence, unsure


def _document_evidence(document: Any, owner: Component, what: str) -> tuple[list[Evidence], bool]:
    if isinstance(document, PartialJson):  # jsonencode() around ARNs known only after apply
        document = document.data
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return [], True
    if not isinstance(document, dict):
        return [], True
    statements = document.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    evidence, unsure = [], False
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect", "Allow") != "Allow":
            continue
        actions = statement.get("Action")
        for action in actions if isinstance(actions, list) else [actions]:
            if not isinstance(action, str) or action == "*" or ":" not in action:
                unsure = True
                continue
            for service in _action_services(action):
                evidence.append(Evidence(service, f"IAM action {action} in the {what} of "
                                         f"{owner.display}", owner, action=action))
    return evidence, unsure


def _action_services(action: str) -> tuple[str, ...]:
    """The endpoint services an allowed action (or action pattern) reaches."""
    action = action.lower()
    if action in _ECS_AGENT_ACTIONS:
        return _ECS_AGENT_ACTIONS[action]
    services: list[str] = []
    generic = True  # the action may name one that is not among the runtime actions
    for pattern, named in _RUNTIME_ACTIONS.items():
        if actions_meet(action, pattern):
            services.extend(named)
            generic = generic and not _within(action, pattern)
    if generic:
        services.extend(ACTION_SERVICES.get(action.split(":", 1)[0], ()))
    return tuple(services)


@cache
def actions_meet(first: str, second: str) -> bool:
    """True when two IAM action patterns (``*`` and ``?`` wildcards, lower case) can name one
    action: ``bedrock:*`` and ``bedrock:invokemodel*`` do, ``ecs:submit*`` and ``ecs:poll``
    do not."""
    if not first or not second:
        return not (first + second).strip("*")
    if first[0] == "*":
        return actions_meet(first[1:], second) or actions_meet(first, second[1:])
    if second[0] == "*":
        return actions_meet(first, second[1:]) or actions_meet(first[1:], second)
    same = first[0] == second[0] or "?" in (first[0], second[0])
    return same and actions_meet(first[1:], second[1:])


def _within(action: str, pattern: str) -> bool:
    """Every action ``action`` names matches ``pattern`` (a pattern ending in one ``*``)."""
    if "*" not in action and "?" not in action:
        return fnmatchcase(action, pattern)
    stem = pattern[:-1]
    return pattern.endswith("*") and "*" not in stem and action.startswith(stem)


def _managed_evidence(value: Any, owner: Component, where: str) -> tuple[list[Evidence], bool]:
    """Evidence from the AWS managed policy ``value`` (an ARN or a name) names; unsure when it
    names none vpclint knows, or a grant of every service (see ``_BROAD_POLICY_SERVICES``)."""
    name = managed_policy_name(value)
    tokens = grants(name) if name is not None else None
    if (tokens is None or "*" in tokens
            or len({token.split(":", 1)[0] for token in tokens}) > _BROAD_POLICY_SERVICES):
        return [], True
    evidence = []
    for token in tokens:
        action = token if ":" in token else None
        services = _action_services(token) if action else ACTION_SERVICES.get(token, ())
        evidence.extend(Evidence(service, f"managed policy {name}{where}", owner, action=action)
                        for service in services)
    return evidence, False


def _template_evidence(workload: Workload) -> tuple[list[Evidence], bool]:
    evidence, unsure = [], False
    for item in workload.managed_policy_templates:
        if isinstance(item, dict) and "document" in item:
            found, bad = _document_evidence(item["document"], workload, "SAM policies")
            evidence.extend(found)
            unsure |= bad
        elif isinstance(item, dict):
            found, bad = _managed_evidence(item.get("managed"), workload, "")
            evidence.extend(found)
            unsure |= bad
        elif isinstance(item, str):
            if item in _POLLER_TEMPLATES:
                continue  # the event source mapping's permissions (see _LAMBDA_SERVICE_ACTIONS)
            service = next((s for prefix, s in SAM_TEMPLATES if item.startswith(prefix)), None)
            if service is None:
                unsure = True
            else:
                evidence.append(Evidence(service, f"SAM policy template {item}", workload))
    return evidence, unsure


def _reference_evidence(owner: Component, values: Any, what: str) -> Iterator[Evidence]:
    items = values.items() if isinstance(values, dict) else []
    for name, value in items:
        if isinstance(value, External) and value.type in RESOURCE_SERVICES:
            yield Evidence(RESOURCE_SERVICES[value.type], f"{what} {name} references "
                           f"{value.value}", owner)
        elif isinstance(value, (str, PartialString)):
            yield from _string_evidence(owner, value, f"{what} {name}")


def _string_evidence(owner: Component, value: Any, what: str) -> Iterator[Evidence]:
    text = _text(value)
    arn = _ARN.match(text)
    if arn:
        service = ARN_SERVICES.get(arn.group(1), arn.group(1))
        if service in _KNOWN_SERVICES:
            yield Evidence(service, f"{what} is an ARN of {arn.group(1)}", owner,
                           _region(arn.group(2)))
        return
    for match in _HOST.finditer(text):
        yield Evidence(match.group(1), f"{what} names {_shown(match.group(0)).lstrip('/.')}",
                       owner, _region(match.group(2)))


def _text(value: Any) -> str:
    """The text patterns are matched on: a partly known string's, its unknowns as ``HOLE``."""
    return value.text if isinstance(value, PartialString) else value


def _shown(text: str) -> str:
    return text.replace(HOLE, "${...}")


def _region(text: str) -> str | None:
    return None if not text or text == HOLE else text


_KNOWN_SERVICES = {s for services in ACTION_SERVICES.values() for s in services} | {
    "kinesis-streams", "kinesis-firehose"}


def _container_evidence(task: TaskDefinition) -> Iterator[Evidence]:
    if not isinstance(task.containers, list):
        return
    for container in task.containers:
        if not isinstance(container, ContainerDefinition):
            continue
        name = container.name or "container"
        image = container.image
        if isinstance(image, (str, PartialString)):
            match = _ECR_IMAGE.match(_text(image))
            if match:
                shown = image.expr if isinstance(image, PartialString) else image
                for service in ("ecr.api", "ecr.dkr", "s3"):
                    yield Evidence(service, f"container {name} pulls {shown} from ECR", task,
                                   _region(match.group(1)))
        if container.log_driver == "awslogs":
            yield Evidence("logs", f"container {name} logs with the awslogs driver", task)
        for source in container.secret_sources:
            service = secret_service(source)
            if service is not None:
                shown = source.expr if isinstance(source, PartialString) else getattr(
                    source, "display", None) or getattr(source, "value", source)
                yield Evidence(service, f"container {name} reads secret {shown}", task)
        for value in container.environment_values:
            if isinstance(value, (str, PartialString)):
                yield from _string_evidence(task, value, f"container {name} environment")


_SECRET_SERVICES = ("secretsmanager", "ssm")


def secret_service(source: Any) -> str | None:
    """Where an ECS secret's ``valueFrom`` is read: ``secretsmanager`` or ``ssm`` (Parameter
    Store), None when not known. A plain name is a parameter's; an ARN names its service; a
    reference (or a string starting with one, as ``${DbSecret}:password::``) names the secret
    or parameter it is."""
    if isinstance(source, str) and not source.startswith("arn:"):
        return "ssm"
    if isinstance(source, (str, PartialString)):
        arn = _ARN.match(_text(source))
        if arn or not isinstance(source, PartialString):
            service = arn.group(1) if arn else None
            return service if service in _SECRET_SERVICES else None
        source = source.parts[0]
    kind = getattr(source, "type", None) or getattr(getattr(source, "resource", None), "type",
                                                      None)
    service = RESOURCE_SERVICES.get(kind or "")
    return service if service in _SECRET_SERVICES else None


def _user_data_evidence(workload: Workload, text: Any) -> Iterator[Evidence]:
    if not isinstance(text, str):
        return
    if "s3://" in text or "aws s3 " in text:
        yield Evidence("s3", "user data copies from S3", workload)
    if "aws ssm" in text:
        yield Evidence("ssm", "user data calls SSM", workload)
    if "amazon-cloudwatch-agent" in text:
        yield Evidence("monitoring", "user data runs the CloudWatch agent", workload)
        yield Evidence("logs", "user data runs the CloudWatch agent", workload)
