"""``--format json``: the graph as data for other tools (docs/graph-schema.md)."""

from __future__ import annotations

from vpclint.graph.graph import Graph
from vpclint.json_text import json_text


def render_json(graph: Graph) -> str:
    return json_text(graph.to_dict())
