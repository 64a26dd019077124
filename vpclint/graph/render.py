"""One entry point for every format the graph is written in."""

from __future__ import annotations

from vpclint.graph.graph import Graph

FORMATS = ("html", "mermaid", "dot", "json")


def render(graph: Graph, fmt: str) -> str:
    if fmt == "mermaid":
        from vpclint.graph.mermaid import render_mermaid

        return render_mermaid(graph)
    if fmt == "dot":
        from vpclint.graph.dot import render_dot

        return render_dot(graph)
    if fmt == "json":
        from vpclint.graph.json_format import render_json

        return render_json(graph)
    if fmt == "html":
        from vpclint.graph.html import render_html

        return render_html(graph)
    raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
