"""What the drawing steps share: the graph being drawn, node ids, and the model's links.

A node's id is where its resource lives and its address (``examples/terraform#aws_vpc.main``,
``stacks/net.yaml#Vpc``): stable across runs and machines, unique across root modules that
share a module file, readable in the JSON.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from msgspec import Struct

from vpclint.analyze.flows import short_name
from vpclint.analyze.routing import Routing
from vpclint.graph.graph import Edge, Graph, Node
from vpclint.model import Model
from vpclint.model.components import Component, External
from vpclint.paths import relative_uri
from vpclint.source import Resource
from vpclint.values import Ref, Unknown


class Canvas:
    def __init__(self, model: Model, resources: Iterable[Resource], root: Any):
        self.model = model
        self.root = root
        self.routing = Routing(model)
        self.graph = Graph()
        self._nodes: dict[str, Node] = {}
        self._of: dict[int, str] = {}  # id(component) -> node id
        self._edges: set[tuple[str, str, str, str]] = set()
        # every resource of the scan by (scope, address): unmodelled ones (transit gateways,
        # peerings, egress-only gateways) are drawn from it, and their references resolved
        self.resources = {(r.scope, r.address): r for r in resources}
        self.components = {(c.resource.scope, c.resource.address): c for c in model}

    # --- nodes ---------------------------------------------------------------------------

    def resource_id(self, resource: Resource) -> str:
        return f"{self.scope_id(resource.scope)}#{resource.address}"

    def scope_id(self, scope: str) -> str:
        """A template or root module, named relative to the repository root (``.`` for a
        root module at the root itself)."""
        if os.path.abspath(scope) == os.path.abspath(self.root):
            return "."
        return relative_uri(scope, self.root)

    def add(self, component: Component | None, kind: str, label: str, parent: str | None = None,
            detail: Iterable[str] = (), resource: Resource | None = None,
            node_id: str | None = None, **attrs: Any) -> Node:
        """A node for ``component`` (or for an unmodelled ``resource``, or a synthetic one with
        ``node_id``); located at its resource's declaration."""
        resource = resource or (component.resource if component is not None else None)
        if node_id is None:
            assert resource is not None
            node_id = self.resource_id(resource)
            if node_id in self._nodes:  # two components of one resource
                node_id = f"{node_id}~{kind}"
        node = Node(node_id, kind, label, parent, detail=[d for d in detail if d],
                    attrs={k: v for k, v in attrs.items() if v is not None})
        if resource is not None:
            span = component.span() if component is not None else resource.locate(())
            node.address = resource.label or resource.address
            node.file = relative_uri(span.file, self.root)
            node.line = span.line
        self._nodes[node_id] = node
        self.graph.nodes.append(node)
        if component is not None:
            self._of[id(component)] = node_id
        return node

    def id_of(self, value: Any) -> str | None:
        """The node drawn for a model component (None for anything else or undrawn)."""
        return self._of.get(id(value)) if isinstance(value, Component) else None

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def has(self, node_id: str | None) -> bool:
        return node_id is not None and node_id in self._nodes

    # --- edges ---------------------------------------------------------------------------

    def edge(self, kind: str, source: str | None, target: str | None, label: str = "") -> None:
        if source is None or target is None or source == target:
            return
        key = (kind, source, target, label)
        if key not in self._edges:
            self._edges.add(key)
            self.graph.edges.append(Edge("", kind, source, target, label))

    # --- references in unmodelled resources ----------------------------------------------

    def referenced(self, value: Any, scope: str) -> Any:
        """What a raw resource value names: the component or resource of a ``Ref``, else the
        value itself."""
        if isinstance(value, Ref):
            key = (value.scope, value.target)
            return self.components.get(key) or self.resources.get(key)
        return value

    def external_resource(self, value: Any, scope: str) -> Resource | None:
        """The in-scan resource an ``External`` link names (a transit gateway of the scan)."""
        if isinstance(value, External) and value.type is not None:
            return self.resources.get((scope, value.value))
        return None


def text_of(value: Any) -> str:
    """A value as a card shows it: the known text, a component's name, or ``?`` with the
    expression it comes from."""
    if isinstance(value, Component):
        return short(value)
    if isinstance(value, External):
        return value.value
    if isinstance(value, Unknown):
        return f"? {value.expr}".strip() if value.expr else "?"
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(text_of(item) for item in value)
    return str(value)


def short(component: Component | Resource) -> str:
    """A component's (or resource's) name without its resource type
    (``module.net.private["a"]``), as the paths of ``vpclint flows`` name it."""
    if isinstance(component, Resource):
        return short_name(_Named(component))
    return short_name(component)


class _Named(Struct, frozen=True):
    """A resource the model has no component for, as ``short_name`` reads one."""

    resource: Resource
