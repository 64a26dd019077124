"""Shared facts about AWS endpoint service names, used by several endpoint rules."""

from __future__ import annotations

import re

from vpclint.model.components import EndpointService, VpcEndpoint

GATEWAY_SERVICES = frozenset({"s3", "dynamodb", "s3express"})
_AWS_SERVICE = re.compile(r"^(?:cn\.)?com\.amazonaws\.(?:([a-z]{2}(?:-[a-z]+)+-\d)\.)?(.+)$")


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


def gateway_service_or_unknown(endpoint: VpcEndpoint) -> bool:
    """False only when the endpoint's service is known to have no gateway endpoint.

    A custom PrivateLink service (an in-scan endpoint service, or a ``vpce-svc`` name) never
    has one; an UNKNOWN or missing name might be S3 or DynamoDB, so it stays True.
    """
    name = endpoint.service_name
    if isinstance(name, EndpointService):
        return False
    if not isinstance(name, str):
        return True
    return aws_service(name) in GATEWAY_SERVICES
