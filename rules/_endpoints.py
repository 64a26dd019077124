"""Shared facts about AWS endpoint service names, used by several endpoint rules."""

from __future__ import annotations

from vpclint.model.components import EndpointService, VpcEndpoint
from vpclint.model.services import GATEWAY_SERVICES, aws_service

__all__ = ["aws_service", "gateway_service_or_unknown"]


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
