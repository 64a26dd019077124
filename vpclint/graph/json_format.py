"""``--format json``: the graph as data for other tools (docs/graph-schema.md)."""

from __future__ import annotations

import json

from vpclint.graph.graph import Graph


def render_json(graph: Graph) -> str:
    return json.dumps(graph.to_dict(), indent=2, ensure_ascii=False) + "\n"
