"""AWS endpoint service names: which service a name is for, and which have gateway endpoints."""

from __future__ import annotations

import re

from vpclint.values import DEPLOYMENT_REGION

GATEWAY_SERVICES = frozenset({"s3", "dynamodb", "s3express"})
_AWS_SERVICE = re.compile(
    r"^(?:cn\.)?com\.amazonaws\.(?:([a-z]{2}(?:-[a-z]+)+-\d|<region>)\.)?(.+)$")


def aws_service(service_name) -> str | None:
    """``"s3"`` for ``com.amazonaws.us-east-1.s3``; None for other names (PrivateLink, UNKNOWN).

    PrivateLink names (``com.amazonaws.vpce.<region>.vpce-svc-...``) are not AWS services.
    """
    if not isinstance(service_name, str):
        return None
    match = _AWS_SERVICE.match(service_name)
    if not match or service_name.startswith(("com.amazonaws.vpce.", "cn.com.amazonaws.vpce.")):
        return None
    return match.group(2)


def service_region(service_name) -> str | None:
    """``"us-east-1"`` for ``com.amazonaws.us-east-1.s3``; None when the name has no region or
    names the deployment's own (``DEPLOYMENT_REGION``)."""
    if not isinstance(service_name, str):
        return None
    match = _AWS_SERVICE.match(service_name)
    return match.group(1) if match and match.group(1) != DEPLOYMENT_REGION else None
