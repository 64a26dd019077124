"""How endpoint rules name an endpoint and its type: one wording for every rule.

Rules judge an endpoint by its intended type (``VpcEndpoint.intended_type``). Where that is not
the type it has as written (a type omitted, so Gateway, for a service with no Gateway endpoint),
a message must not call it an Interface endpoint while another calls it a Gateway one: it says
which type is meant, and that the type is not set.
"""

from __future__ import annotations

from vpclint.model.components import VpcEndpoint


def endpoint_label(endpoint: VpcEndpoint) -> str:
    """``Interface endpoint X``; ``Gateway (the default type) endpoint X`` for an omitted type;
    ``endpoint X (meant as Interface; it sets no VpcEndpointType)`` when the omitted type is
    not the one meant; ``endpoint X`` when the type is UNKNOWN."""
    meant = endpoint.intended_type
    if not isinstance(meant, str):
        return f"endpoint {endpoint.display}"
    if endpoint.written("endpoint_type"):
        return f"{meant} endpoint {endpoint.display}"
    if meant == endpoint.endpoint_type:
        return f"{meant} (the default type) endpoint {endpoint.display}"
    return (f"endpoint {endpoint.display} (meant as {meant}; it sets no "
            f"{endpoint.source_name('endpoint_type')})")
