"""``--format mermaid``: a flowchart GitHub and GitLab render in Markdown (a job summary, a
pull request comment).

VPCs, AZs and subnets that hold something are subgraphs; flows are arrows coloured by verdict
(``linkStyle``), broken at the end when there is no path; each finding is a note beside its
component, which gets a red (or amber, blue) border. Node ids are ``n1, n2 ...`` in graph
order and every label is quoted and escaped, so no name can break the syntax.
"""

from __future__ import annotations

from vpclint.graph.graph import Graph, Node
from vpclint.graph.style import (HIDDEN_EDGES, LEVEL_COLOURS, containers, fill, heading, lines,
                                 note, segments, worst_level)
from vpclint.graph.verdicts import style_of

# characters that end a quoted label or that Mermaid reads as HTML or as an entity
_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;",
            "\n": " ", "\r": " ", "\t": " "}
_SHAPES = {  # open, close
    "route_table": ('[/"', '"/]'), "internet_gateway": ('{{"', '"}}'),
    "egress_only_gateway": ('{{"', '"}}'), "nat_gateway": ('{{"', '"}}'),
    "transit_gateway": ('{{"', '"}}'), "peering": ('{{"', '"}}'),
    "vpc_endpoint": ('(["', '"])'), "workload": ('[["', '"]]'), "aws_service": ('(("', '"))'),
    "service_network": ('[/"', '"\\]'), "endpoint_service": ('[\\"', '"/]'),
}


def escape(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def label(texts: list[str]) -> str:
    return "<br/>".join(escape(text) for text in texts if text)


def render_mermaid(graph: Graph) -> str:
    ids = {node.id: f"n{number}" for number, node in enumerate(graph.nodes, 1)}
    boxes = containers(graph)
    out = [f"%% vpclint graph: {len(graph.nodes)} nodes, {len(graph.flows)} flows, "
           f"{len(graph.findings)} findings",
           "flowchart LR"]
    children = graph.children()

    def emit(node: Node, depth: int) -> None:
        pad = "  " * depth
        if node.id in boxes:
            # one line: Mermaid draws a subgraph's title over what it holds past the first
            out.append(f'{pad}subgraph {ids[node.id]} ["{escape(heading(node))}"]')
            for child in children.get(node.id, []):
                emit(child, depth + 1)
            out.append(f"{pad}end")
        else:
            opening, closing = _SHAPES.get(node.kind, ('["', '"]'))
            out.append(f"{pad}{ids[node.id]}{opening}{label(lines(node))}{closing}")

    for node in children.get(None, []):
        emit(node, 1)
    links: list[tuple[str, str]] = []  # (link line, linkStyle) in order
    for edge in graph.edges:
        if edge.kind not in HIDDEN_EDGES:
            text = f'|"{escape(edge.label)}"|' if edge.label else ""
            links.append((f"  {ids[edge.source]} -.->{text} {ids[edge.target]}",
                          "stroke:#9e9e9e,stroke-width:1px"))
    for segment in segments(graph):
        style = style_of(segment.flow.verdict, segment.flow.private)
        dash = f",stroke-dasharray:{style.dash}" if style.dash else ""
        css = f"stroke:{style.colour},stroke-width:{3 if style.broken else 2}px{dash}"
        arrow = "-.->" if segment.broken_end else "-->"
        shown = f'|"{escape(segment.text)}"|' if segment.text else ""
        links.append((f"  {ids[segment.source]} {arrow}{shown} {ids[segment.target]}", css))
    for number, finding in enumerate(graph.findings, 1):
        if finding.node is None or finding.node not in ids:
            continue
        note_id = f"f{number}"
        out.append(f'  {note_id}>"{escape(note(finding))}"]')
        out.append(f"  style {note_id} fill:#fff5f5,stroke:{LEVEL_COLOURS[finding.level]},"
                   "color:#3e2723")
        links.append((f"  {note_id} -.- {ids[finding.node]}",
                      f"stroke:{LEVEL_COLOURS[finding.level]},stroke-width:1px"))
    out.extend(link for link, _ in links)
    for number, (_, css) in enumerate(links):
        out.append(f"  linkStyle {number} {css}")
    levels = {finding.id: finding.level for finding in graph.findings}
    for node in graph.nodes:
        style = f"fill:{fill(node)}"
        if node.findings:
            worst = worst_level([levels[f] for f in node.findings])
            style += f",stroke:{LEVEL_COLOURS[worst]},stroke-width:3px"
        out.append(f"  style {ids[node.id]} {style}")
    return "\n".join(out) + "\n"
