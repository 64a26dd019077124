"""Which components some values name: by holding them, by a reference, or as an UNKNOWN computed
from one of their attributes.

A private hosted zone record, a workload's environment, a Lattice resource configuration or an
SSM parameter often holds an endpoint's DNS name (``aws_vpc_endpoint.sqs.dns_entry[0]``,
``!GetAtt SqsEndpoint.DnsEntries``): a value known only after apply, so UNKNOWN, which the
evaluators mark with the resources it was computed from (``Unknown.refs``). Reading those back is
how a rule or the analysis learns that the value points at the endpoint; no expression text is
parsed.
"""

from __future__ import annotations

import re
from typing import Any

from vpclint.model.components import Component
from vpclint.values import Unknown, references

# The instance key at the end of an address (``["sqs"]``, ``[0]``, ``[*]``).
_KEY = re.compile(r"\[[^\]]*\]$")


class Mentions:
    """Which components some values refer to, looked up in constant time: a value refers to a
    component when it is (or holds) the component, a reference to it, or an UNKNOWN computed
    from one of its attributes (in any module of the configuration, ``module.endpoints.
    aws_vpc_endpoint.this["sqs"].dns_entry``). A reference to every instance of a resource
    (``aws_vpc_endpoint.this[*]``, an instance key not known) may name any of them."""

    def __init__(self) -> None:
        self.components: set[int] = set()
        self.addresses: set[tuple[str, str]] = set()  # (scope, address)

    def add(self, value: Any) -> None:
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, Component):
                self.components.add(id(item))
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend(item)
            else:
                for scope, address in references(item):
                    self.addresses.add((scope, address[:-3] if address.endswith("[*]")
                                        else address))
                if isinstance(item, Unknown):
                    stack.extend(_components_in(item))

    def __bool__(self) -> bool:
        return bool(self.components or self.addresses)

    def __contains__(self, component: Component) -> bool:
        if id(component) in self.components:
            return True
        resource = component.resource
        return ((resource.scope, resource.address) in self.addresses
                or (resource.scope, _KEY.sub("", resource.address)) in self.addresses)


def _components_in(value: Unknown) -> list:
    """Resolved components inside a partial value (the model resolves the references in the
    holes of a partly known string)."""
    return [part for part in getattr(value, "parts", ()) if isinstance(part, Component)]
