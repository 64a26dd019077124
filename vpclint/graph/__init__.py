"""``vpclint graph``: the scanned network as a picture (Mermaid, Graphviz DOT, JSON, or a
self-contained HTML map), with flows coloured by verdict and findings on their components.

Stages: ``build`` turns the model, flows and findings into a ``Graph`` (plain data);
``focus`` narrows it; one module per format renders it. Nothing here imports the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpclint.graph.build import graph_of
from vpclint.graph.focus import narrow, problem_flows
from vpclint.graph.graph import Graph
from vpclint.graph.render import FORMATS, render

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

__all__ = ["FORMATS", "Graph", "graph_of", "graph_of_result", "narrow", "problem_flows",
           "problem_flows_mermaid", "render"]


def graph_of_result(result: "ScanResult") -> Graph:
    """The picture of a scan: its model and the flows of its analysis (a scan runs the
    analysis when a rule needs it, or when asked: ``scan(..., with_analysis=True)``), with its
    findings (baseline-filtered as the result holds them) on their components."""
    if result.built is None:
        raise ValueError("the scan result holds no model (ScanResult.built)")
    flows = result.analysis.flows if result.analysis is not None else []
    return graph_of(result.built.model, flows, result.findings, result.built.resources,
                    result.root)


def problem_flows_mermaid(result: "ScanResult") -> str:
    """Mermaid of the flows that have problems (those a finding is about), with the nodes
    they pass and the VPCs, AZs and subnets around them: for a CI job summary or a pull
    request comment. Empty when no finding is about a flow."""
    graph = problem_flows(graph_of_result(result))
    return render(graph, "mermaid") if graph.flows else ""
