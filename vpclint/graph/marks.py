"""Findings on the picture: each marks the node of its component (or of the component that
owns it: a route marks its route table, an association its service network), its partners,
and the flow it is about."""

from __future__ import annotations

from typing import Any, Iterable

from vpclint.graph.canvas import Canvas
from vpclint.graph.graph import Finding as GraphFinding
from vpclint.model.components import Component, Links
from vpclint.paths import relative_uri
from vpclint.reporters.common import level_of, rule_id, sort_key
from vpclint.rule import Finding

# The links through which a component that is no node of its own reaches the node it belongs
# to, most specific first.
_OWNERS = ("route_table", "endpoint", "service_network", "service", "listener", "target_group",
           "gateway", "group", "target", "acl", "subnet", "subnets", "vpc")


def mark_findings(canvas: Canvas, findings: Iterable[Finding], flows: dict[int, str]) -> None:
    graph = canvas.graph
    by_id = {flow.id: flow for flow in graph.flows}
    ordered = sorted(findings, key=lambda f: sort_key(f, canvas.root))
    for number, finding in enumerate(ordered, 1):
        span = finding.location
        node = owner(canvas, finding.component)
        related = []
        for partner in finding.related:
            found = owner(canvas, partner.component)
            if found is not None and found != node and found not in related:
                related.append(found)
        flow = flows.get(id(finding.flow)) if finding.flow is not None else None
        mark = GraphFinding(f"finding{number}", rule_id(finding), level_of(finding).value,
                            finding.message, relative_uri(span.file, canvas.root), span.line,
                            span.column, node, related, [flow] if flow else [])
        graph.findings.append(mark)
        if node is not None:
            canvas.node(node).findings.append(mark.id)
        if flow is not None:
            by_id[flow].findings.append(mark.id)
        if finding.rule is not None:
            meta = finding.rule
            graph.rules[meta.id] = {"slug": meta.slug, "level": meta.level.value,
                                    "summary": meta.summary}


def owner(canvas: Canvas, component: Any, depth: int = 0) -> str | None:
    """The node that stands for ``component`` on the picture."""
    if not isinstance(component, Component):
        return None
    drawn = canvas.id_of(component)
    if drawn is not None or depth > 2:
        return drawn
    for name in _OWNERS:
        value = getattr(component, name, None)
        for item in (value.items if isinstance(value, Links) else [value]):
            found = owner(canvas, item, depth + 1)
            if found is not None:
                return found
    return None
