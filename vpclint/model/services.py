"""AWS endpoint service names: which service a name is for, and which have gateway endpoints."""

from __future__ import annotations

import re

from vpclint.values import DEPLOYMENT_REGION, HOLE, PartialString

GATEWAY_SERVICES = frozenset({"s3", "dynamodb", "s3express"})
_AWS_SERVICE = re.compile(
    r"^(?:cn\.)?com\.amazonaws\.(?:([a-z]{2}(?:-[a-z]+)+-\d|<region>)\.)?(.+)$")
# A service name built around unknowns: what comes before its last unknown part (nothing, the
# reverse DNS prefix, or an unknown prefix and a dot), and after it (the region and service).
_PARTIAL_HEAD = re.compile(rf"^(?:(?:cn\.)?com\.amazonaws\.|{HOLE}\.)?$")
_PARTIAL_TAIL = re.compile(
    r"^\.(?:(?:[a-z]{2}(?:-[a-z]+)+-\d|<region>)\.)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*)$")


def aws_service(service_name) -> str | None:
    """``"s3"`` for ``com.amazonaws.us-east-1.s3``; None for other names (PrivateLink, UNKNOWN).

    PrivateLink names (``com.amazonaws.vpce.<region>.vpce-svc-...``) are not AWS services. A
    name whose prefix or region is unknown still names its service when the known end does:
    ``com.amazonaws.${var.region}.s3``, ``${partition.reverse_dns_prefix}.${region}.s3``.
    """
    if isinstance(service_name, PartialString):
        return _partial_service(service_name.text)
    if not isinstance(service_name, str):
        return None
    match = _AWS_SERVICE.match(service_name)
    if not match or service_name.startswith(("com.amazonaws.vpce.", "cn.com.amazonaws.vpce.")):
        return None
    return match.group(2)


def _partial_service(text: str) -> str | None:
    last = text.rfind(HOLE)
    tail = _PARTIAL_TAIL.match(text[last + 1:])
    if not tail or not _PARTIAL_HEAD.match(text[:last]) or tail.group(1).startswith("vpce"):
        return None
    return tail.group(1)


def service_region(service_name) -> str | None:
    """``"us-east-1"`` for ``com.amazonaws.us-east-1.s3``; None when the name has no region or
    names the deployment's own (``DEPLOYMENT_REGION``)."""
    if not isinstance(service_name, str):
        return None
    match = _AWS_SERVICE.match(service_name)
    return match.group(1) if match and match.group(1) != DEPLOYMENT_REGION else None


# services whose public hostname is not their endpoint name (``kinesis.us-east-1.amazonaws.com``
# is kinesis-streams'); dotted names read backwards (``api.ecr.<region>`` is ecr.api's)
_HOST_SERVICES = {("kinesis",): "kinesis-streams", ("firehose",): "kinesis-firehose"}
_REGION = re.compile(r"^(?:[a-z]{2}(?:-[a-z]+)+-\d|<region>)$")


def domain_service(domain) -> tuple[str, str | None] | None:
    """``("sqs", "us-east-1")`` for ``sqs.us-east-1.amazonaws.com`` (a private hosted zone's or
    a record's name), ``("ecr.api", "<region>")`` for ``api.ecr.<region>.amazonaws.com``,
    ``("s3", ...)`` for ``*.s3.us-east-1.amazonaws.com``; the region is None when the name has
    none. None for names that are not an AWS service's hostname."""
    if not isinstance(domain, str):
        return None
    labels = domain.lower().rstrip(".").split(".")
    if labels and labels[0] == "*":
        labels = labels[1:]
    for suffix in (["amazonaws", "com", "cn"], ["amazonaws", "com"]):
        if len(labels) > len(suffix) and labels[-len(suffix):] == suffix:
            labels = labels[:-len(suffix)]
            break
    else:
        return None
    region = labels.pop() if _REGION.match(labels[-1]) else None
    if not labels or not all(labels):
        return None
    key = tuple(labels)
    return _HOST_SERVICES.get(key, ".".join(reversed(key))), region


def domain_serves(domain, service: str, region=None) -> bool:
    """True when ``domain`` is the public hostname of ``service`` (see ``domain_service``);
    when both the name's region and ``region`` are known they must be the same."""
    found = domain_service(domain)
    if found is None or found[0] != service:
        return False
    named = found[1]
    known = [r for r in (named, region) if isinstance(r, str) and r and r != DEPLOYMENT_REGION]
    return len(known) < 2 or known[0] == known[1]
