"""``--format dot``: Graphviz, for ``dot -Tsvg``.

VPCs, AZs, subnets and Lattice services that hold something are clusters; flows are edges
coloured by verdict; each finding is a note beside its component, whose border takes the
finding's colour and whose tooltip holds the message and where it is.
"""

from __future__ import annotations

import textwrap

from vpclint.graph.graph import Graph, Node
from vpclint.graph.style import (HIDDEN_EDGES, LEVEL_COLOURS, containers, fill, lines, note,
                                 segments, worst_level)
from vpclint.graph.verdicts import style_of

_SHAPES = {"route_table": "note", "internet_gateway": "hexagon", "nat_gateway": "hexagon",
           "egress_only_gateway": "hexagon", "transit_gateway": "hexagon", "peering": "hexagon",
           "vpc_endpoint": "box", "workload": "component", "aws_service": "ellipse",
           "service_network": "trapezium", "endpoint_service": "invtrapezium"}
NOTE_WIDTH = 60  # characters a finding's note is wrapped at, so it is a card, not a banner


def quote(text: str) -> str:
    """A DOT double-quoted string; backslashes and quotes escaped, lines joined by ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def render_dot(graph: Graph) -> str:
    ids = {node.id: f"n{number}" for number, node in enumerate(graph.nodes, 1)}
    boxes = containers(graph)
    levels = {finding.id: finding.level for finding in graph.findings}
    children = graph.children()
    out = ["digraph vpclint {",
           '  graph [rankdir=LR, compound=true, fontname="Helvetica", fontsize=11, '
           'newrank=true, nodesep=0.3, ranksep=0.6];',
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=9];']

    def emit(node: Node, depth: int) -> None:
        pad = "  " * depth
        text = quote("\n".join(filter(None, lines(node))))
        tooltip = quote("\n".join(filter(None, [node.address, node.where] + [
            note(f) for f in graph.findings if f.id in node.findings])))
        if node.id in boxes:
            out.append(f"{pad}subgraph cluster_{ids[node.id]} {{")
            border = "; ".join(_border(node, levels))
            out.append(f'{pad}  label={text}; tooltip={tooltip}; style="rounded,filled"; '
                       f'fillcolor="{fill(node)}"; {border};')
            for child in children.get(node.id, []):
                emit(child, depth + 1)
            out.append(f"{pad}}}")
        else:
            shape = _SHAPES.get(node.kind, "box")
            out.append(f'{pad}{ids[node.id]} [label={text}, tooltip={tooltip}, shape={shape}, '
                       f'fillcolor="{fill(node)}", {", ".join(_border(node, levels))}];')

    for node in children.get(None, []):
        emit(node, 1)
    for edge in graph.edges:
        if edge.kind not in HIDDEN_EDGES:
            out.append(f"  {ids[edge.source]} -> {ids[edge.target]} [label={quote(edge.label)}, "
                       'style=dashed, color="#9e9e9e", fontcolor="#757575", arrowsize=0.6];')
    for segment in segments(graph, "\n"):
        flow = segment.flow
        style = style_of(flow.verdict, flow.private)
        dashed = ", style=dashed" if style.dash or segment.broken_end else ""
        out.append(f"  {ids[segment.source]} -> {ids[segment.target]} "
                   f'[label={quote(segment.text)}, color="{style.colour}", '
                   f'fontcolor="{style.colour}", penwidth={2.5 if style.broken else 1.8}'
                   f"{dashed}, tooltip={quote(flow.path_text[0] if flow.path_text else '')}];")
    for number, finding in enumerate(graph.findings, 1):
        if finding.node is None or finding.node not in ids:
            continue
        colour = LEVEL_COLOURS[finding.level]
        out.append(f'  note{number} [shape=note, style=filled, fillcolor="#fff5f5", '
                   f'color="{colour}", fontcolor="#3e2723", '
                   f"label={quote(_wrapped(note(finding)))}];")
        out.append(f'  note{number} -> {ids[finding.node]} [style=dotted, color="{colour}", '
                   "arrowhead=none];")
    out.append("}")
    return "\n".join(out) + "\n"


def _border(node: Node, levels: dict[str, str]) -> list[str]:
    """The border attributes: the colour of its worst finding, thick, or a quiet grey."""
    if not node.findings:
        return ['color="#90a4ae"']
    colour = LEVEL_COLOURS[worst_level([levels[f] for f in node.findings])]
    return [f'color="{colour}"', "penwidth=2.5"]


def _wrapped(text: str) -> str:
    """A note in lines of about ``NOTE_WIDTH`` characters, names and paths left whole."""
    return textwrap.fill(text, NOTE_WIDTH, break_on_hyphens=False, break_long_words=False)
