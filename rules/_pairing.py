"""Shared helpers for the PrivateLink, GWLB, target-group and resource-configuration pairing rules
(VPC105, VPC107, VPC109, VPC113, VPC114, VPC115).

"Which components point at X" is ``Model.linked_from`` / ``Model.referrers``;
``unmodelled_resource`` is the ``maybe`` those rules pass: a reference to an in-scan resource
vpclint does not model (a CloudFormation custom resource returning a service name, say) might
point at X.

The AWS endpoint service names come from ``vpclint/model/data/aws_endpoint_services.txt``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from vpclint.model.components import External
from vpclint.model.data_files import read_data_file

def unmodelled_resource(value: Any) -> bool:
    """True for a reference to an in-scan resource vpclint has no component for (a custom
    resource, a Lambda-backed lookup): its attributes are not known, so it may name anything."""
    return isinstance(value, External) and value.type is not None


def flag(value: Any) -> bool | None:
    """A known boolean, or None when unset or UNKNOWN."""
    return value if isinstance(value, bool) else None


# --- AWS endpoint service names --------------------------------------------------------------


@lru_cache(maxsize=1)
def known_services() -> frozenset[str]:
    """Every ``<svc>`` of ``com.amazonaws.<region>.<svc>`` vpclint knows of."""
    text = read_data_file("aws_endpoint_services.txt")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


# Names people write for a service whose endpoint has another name (the IAM prefix, the product
# name). None of them is an endpoint service.
MISNAMED = {
    "cloudwatch": "monitoring", "cloudwatch-logs": "logs", "cloudwatchlogs": "logs",
    "kinesis": "kinesis-streams", "firehose": "kinesis-firehose", "ecr": "ecr.api and ecr.dkr",
    "ecr-api": "ecr.api", "ecr-dkr": "ecr.dkr", "ses": "email-smtp", "stepfunctions": "states",
    "step-functions": "states", "eventbridge": "events", "elb": "elasticloadbalancing",
    "elbv2": "elasticloadbalancing", "efs": "elasticfilesystem", "emr": "elasticmapreduce",
    "sagemaker": "sagemaker.api and sagemaker.runtime", "dynamo": "dynamodb",
    "secrets-manager": "secretsmanager", "ssm-messages": "ssmmessages",
    "ec2-messages": "ec2messages", "api-gateway": "execute-api", "x-ray": "xray",
}


def misspelling(service: str) -> str | None:
    """The known service ``service`` is most likely a misspelling of, or None when ``service``
    is a known service, a FIPS variant of one, or too far from every known name to be a typo
    (then it may be a service newer than vpclint's list, and no typo is reported)."""
    known = known_services()
    name = service[:-3] if service.endswith(".cn") else service  # China: <svc>.cn
    if name in known:
        return None
    base = name[:-5] if name.endswith("-fips") else name
    if base in known:
        return None  # a FIPS variant of a known service
    if name in MISNAMED:
        return MISNAMED[name]
    if len(name) <= 3:
        return None  # one letter off a two- or three-letter name is no evidence of a typo
    limit = 1 if len(name) <= 5 else 2
    best, best_distance = None, limit + 1
    for candidate in sorted(known):
        if abs(len(candidate) - len(name)) > limit:
            continue
        distance = _distance(name, candidate, limit)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best or _stems().get(_stem(name))


# Word endings that make another form of the same word (elasticloadbalanc-ing / -er / -ers).
_ENDINGS = ("ions", "ion", "ings", "ing", "ers", "er", "ors", "or", "es", "s")
_MIN_STEM = 6  # shorter stems are no evidence: many short names end alike


def _stem(name: str) -> str:
    """``name`` without its word ending, so that two forms of one word compare equal."""
    for ending in _ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= _MIN_STEM:
            return name[:-len(ending)]
    return name


@lru_cache(maxsize=1)
def _stems() -> dict[str, str]:
    """Known services by stem: another form of a long name's last word (``elasticloadbalancer``
    for ``elasticloadbalancing``) is three or more letters away, but no other service has
    that stem (no two known services share one), so it is a typo, not a new service."""
    return {_stem(service): service for service in known_services()}


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions, cut off above ``limit``."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (previous2 is not None and i > 1 and j > 1 and ca == b[j - 2]
                    and a[i - 2] == cb):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
