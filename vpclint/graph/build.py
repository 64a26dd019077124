"""The model, its flows and its findings -> a ``Graph``: the network as an engineer would draw
it, with the broken parts marked."""

from __future__ import annotations

from typing import Any, Iterable

import vpclint
from vpclint.analyze import Flow, Verdict
from vpclint.graph.canvas import Canvas
from vpclint.graph.flows import draw_flows, finding_flows
from vpclint.graph.graph import Graph
from vpclint.graph.marks import mark_findings
from vpclint.graph.network import draw_network, draw_routes
from vpclint.graph.services import draw_services
from vpclint.graph.verdicts import legend
from vpclint.model import Model
from vpclint.rule import Finding
from vpclint.source import Resource


def graph_of(model: Model, analysed: list[Flow], findings: Iterable[Finding],
             resources: Iterable[Resource], root: Any) -> Graph:
    """Draw ``model`` and the flows the analysis ``analysed``: ``findings`` (those not
    suppressed) mark their components, and the unmodelled ``resources`` of the scan give
    transit gateways, peerings and egress-only gateways; files are named relative to
    ``root``."""
    canvas = Canvas(model, resources, root)
    draw_network(canvas)
    draw_services(canvas)
    draw_routes(canvas)
    active = [f for f in findings if f.suppressed_by is None]
    became = draw_flows(canvas, list(analysed) + finding_flows(active, analysed))
    mark_findings(canvas, active, became)
    return _tidy(canvas.graph)


def _tidy(graph: Graph) -> Graph:
    """The same picture whatever order the scan found things in: nodes by id, edges by their
    ends, each with an id."""
    graph.nodes.sort(key=lambda node: node.id)
    graph.edges.sort(key=lambda edge: (edge.source, edge.target, edge.kind, edge.label))
    for number, edge in enumerate(graph.edges, 1):
        edge.id = f"edge{number}"
    graph.rules = dict(sorted(graph.rules.items()))
    graph.verdicts = legend(Verdict)
    graph.tool_version = vpclint.__version__
    return graph
