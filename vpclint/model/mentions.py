"""Which components some values name: by holding them, by a reference, or in the text of an
UNKNOWN computed from one of their attributes.

A private hosted zone record, a workload's environment, a Lattice resource configuration or an
SSM parameter often holds an endpoint's DNS name (``aws_vpc_endpoint.sqs.dns_entry[0]``,
``!GetAtt SqsEndpoint.DnsEntries``): a value known only after apply, so UNKNOWN, whose text still
names the endpoint. Reading those names back is how a rule or the analysis learns that the
value points at the endpoint.
"""

from __future__ import annotations

import re
from typing import Any

from vpclint.model.components import Component
from vpclint.values import Ref, Unknown


class Mentions:
    """Which components some values refer to, per scope, looked up in constant time: a value
    refers to a component when it is (or holds) the component or a reference to it, or is an
    UNKNOWN computed from one of its attributes (``aws_vpc_endpoint.sqs.dns_entry[0]``, a
    module's ``module.endpoints.aws_vpc_endpoint.this["sqs"].dns_entry``, ``!GetAtt
    SqsEndpoint.DnsEntries``): addresses are read from the UNKNOWN's text, in its own scope.
    An instance key that is not a literal (``[each.key]``) may be any instance."""

    _TOKEN = re.compile(r"[A-Za-z_][\w-]*(?:\[[^\]]*\])?(?:\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?)*")
    _PART = re.compile(r"[A-Za-z_][\w-]*(?:\[[^\]]*\])?")
    _LITERAL_KEY = re.compile(r"\[(?:\d+|\"[^\"]*\"|'[^']*')\]$")

    def __init__(self) -> None:
        self.components: set[int] = set()
        self.tokens: set[tuple[str, str]] = set()  # (scope, address as written there)

    def add(self, value: Any, scope: str) -> None:
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, Component):
                self.components.add(id(item))
            elif isinstance(item, Ref):
                self.tokens.add((item.scope, item.target))
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend(item)
            elif isinstance(item, Unknown):
                for token in self._TOKEN.findall(f"{item.reason} {item.expr}"):
                    self._add_token(token, scope)

    def _add_token(self, token: str, scope: str) -> None:
        parts = []
        for part in self._PART.findall(token):
            if "[" in part and not self._LITERAL_KEY.search(part):
                part = part[:part.index("[")]  # [each.key], [count.index]: any instance
            parts.append(part)
        for start in range(len(parts)):
            for end in range(start + 1, min(len(parts), start + 6) + 1):
                self.tokens.add((scope, ".".join(parts[start:end])))

    def __bool__(self) -> bool:
        return bool(self.components or self.tokens)

    def __contains__(self, component: Component) -> bool:
        if id(component) in self.components:
            return True
        scope = component.resource.scope
        return any((scope, name) in self.tokens for name in written_names(component))


def written_names(component: Component) -> list[str]:
    """How a module or template may write the resource's name: the CloudFormation logical ID;
    the Terraform address with and without its module path, with its instance key (and
    without it, which a non-literal key in the text stands for)."""
    resource = component.resource
    address = resource.address
    if resource.flavour != "terraform":
        return [address]
    names = [address]
    start = address.rfind(f"{resource.type}.")
    if start > 0:
        names.append(address[start:])
    names.extend([re.sub(r"\[[^\]]*\]$", "", n) for n in names if n.endswith("]")])
    return names
