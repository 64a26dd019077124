"""``--format html``: one self-contained page (no CDN, no network) that draws the graph.

The page is a template with the stylesheet, the script and the graph's JSON written into it;
the script lays the picture out in the browser (a deterministic layout of its own: VPCs as
boxes with their AZs side by side and subnets stacked public to isolated), so folding a VPC
re-flows the rest. The files are package data under ``assets/``.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources

from vpclint.graph.graph import Graph

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render_html(graph: Graph) -> str:
    assets = resources.files("vpclint.graph") / "assets"
    parts = {
        "title": html.escape(_title(graph)),
        "css": (assets / "graph.css").read_text(encoding="utf-8"),
        "js": (assets / "graph.js").read_text(encoding="utf-8"),
        "data": script_json(graph.to_dict()),
    }
    template = (assets / "graph.html").read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda match: parts[match.group(1)], template)


def script_json(data: object) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``</script>``, no
    ``<!--``, and no line separators that older engines read as line ends."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _title(graph: Graph) -> str:
    vpcs = sum(1 for node in graph.nodes if node.kind == "vpc")
    return (f"vpclint graph: {vpcs} VPC{'s' if vpcs != 1 else ''}, {len(graph.flows)} "
            f"flow{'s' if len(graph.flows) != 1 else ''}, {len(graph.findings)} "
            f"finding{'s' if len(graph.findings) != 1 else ''}")
