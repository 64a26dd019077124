"""What the static formats (Mermaid, DOT) share: how each kind of node is named and filled,
which edges they draw, and how a finding's note reads."""

from __future__ import annotations

from typing import Iterator

from msgspec import Struct

from vpclint.graph.graph import CONTAINER_KINDS, Finding, Flow, Graph, Node

KIND_WORDS = {
    "vpc": "VPC", "az": "AZ", "subnet": "subnet", "route_table": "route table",
    "internet_gateway": "internet gateway", "egress_only_gateway": "egress-only gateway",
    "nat_gateway": "NAT gateway", "transit_gateway": "transit gateway", "peering": "peering",
    "vpc_endpoint": "endpoint", "endpoint_service": "endpoint service",
    "load_balancer": "load balancer", "service_network": "service network",
    "lattice_service": "Lattice service", "listener": "listener",
    "lattice_target_group": "target group", "resource_gateway": "resource gateway",
    "resource_configuration": "resource configuration", "workload": "workload",
    "aws_service": "AWS service",
}
FILLS = {
    "vpc": "#f4f8fd", "az": "#fafafa", "subnet": "#e8f0fb", "route_table": "#fffde7",
    "internet_gateway": "#ede7f6", "egress_only_gateway": "#ede7f6", "nat_gateway": "#ede7f6",
    "transit_gateway": "#e0f2f1", "peering": "#e0f2f1", "vpc_endpoint": "#e8f5e9",
    "endpoint_service": "#fce4ec", "load_balancer": "#fce4ec", "service_network": "#f3e5f5",
    "lattice_service": "#f3e5f5", "listener": "#f3e5f5", "lattice_target_group": "#f3e5f5",
    "resource_gateway": "#f3e5f5", "resource_configuration": "#f3e5f5",
    "workload": "#fff3e0", "aws_service": "#eceff1",
}
TIER_FILLS = {"public": "#e6f4ea", "private": "#e8f0fb", "isolated": "#f1f1f1",
              "unknown": "#fafafa"}
LEVEL_COLOURS = {"error": "#c62828", "warning": "#ef6c00", "note": "#1565c0"}
# Edges a static picture leaves out: an interface endpoint's ENIs (its subnets are listed on
# its card, and one line per subnet hides the flows)
HIDDEN_EDGES = ("endpoint_subnet",)
NOTE_LENGTH = 160


def title(node: Node) -> str:
    """The first line of a node: the kind and its name (``subnet private_a``)."""
    if node.kind in ("az", "aws_service"):
        return node.label if node.kind == "az" else f"{node.label} (AWS)"
    return f"{KIND_WORDS.get(node.kind, node.kind)} {node.label}"


def lines(node: Node) -> list[str]:
    """What a node shows: its title, its details, a route table's routes, and where it is
    defined (``network.tf:82``: the file's name, the whole path being in the tooltip of DOT and
    HTML and in the JSON, as long paths would make every box of a picture too wide)."""
    shown = [title(node), *node.detail]
    if node.kind == "route_table":
        shown.extend(node.attrs.get("routes", []))
    if node.file:
        shown.append(f"{node.file.rsplit('/', 1)[-1]}:{node.line}")
    return shown


def heading(node: Node) -> str:
    """A box's title on one line, short enough not to outgrow the box: its title, a VPC's CIDRs
    and region or another box's first detail (a subnet's CIDR and tier; its default route is
    the arrow of its route table), and where it is defined."""
    details = node.detail if node.kind == "vpc" else node.detail[:1]
    where = lines(node)[-1] if node.file else ""
    return " · ".join(filter(None, [title(node), *details, where]))


def containers(graph: Graph) -> set[str]:
    """Nodes drawn as boxes: container kinds that hold something in this graph."""
    parents = {node.parent for node in graph.nodes if node.parent is not None}
    return {node.id for node in graph.nodes if node.kind in CONTAINER_KINDS and node.id in parents}


def fill(node: Node) -> str:
    if node.kind == "subnet":
        return TIER_FILLS.get(node.attrs.get("tier", ""), FILLS["subnet"])
    return FILLS.get(node.kind, "#ffffff")


def note(finding: Finding) -> str:
    message = finding.message
    if len(message) > NOTE_LENGTH:
        message = message[:NOTE_LENGTH - 1].rstrip() + "…"
    return f"{finding.rule} [{finding.level}] {message} ({finding.file}:{finding.line})"


def worst_level(levels: list[str]) -> str:
    for level in ("error", "warning", "note"):
        if level in levels:
            return level
    return "note"


class Segment(Struct, frozen=True):
    """One arrow of a flow between two consecutive nodes of its path."""

    flow: Flow
    source: str
    target: str
    text: str  # the first arrow names the service and verdict
    broken_end: bool  # the last arrow of a path that does not reach (no path, unknown)


def stops(graph: Graph, flow: Flow) -> list[str]:
    """The places a flow's traffic passes, as a whiteboard draws it: its path without the
    route tables (the why of each hop, drawn beside it with their routes), except the one
    where a path that does not reach ends, which is where it breaks."""
    kinds = {node.id: node.kind for node in graph.nodes}
    broken_at = flow.path[-2] if flow.ends != "reached" and len(flow.path) > 1 else None
    return [node for node in flow.path
            if kinds.get(node) != "route_table" or node == broken_at]


def segments(graph: Graph, line_break: str = " ") -> Iterator[Segment]:
    """Every flow's arrows between the places it passes (``stops``), each drawn once: flows
    from several subnets share their onward hops (the same NAT, the same internet gateway),
    and a picture repeats none."""
    seen = set()
    for flow in graph.flows:
        path = stops(graph, flow)
        for index in range(len(path) - 1):
            last = index == len(path) - 2
            text = f"{flow.service}: {flow.verdict_text}" if index == 0 else ""
            if last and flow.ends == "no_path":
                text = (text + line_break if text else "") + "✕ no route"
            broken = last and flow.ends != "reached"
            segment = Segment(flow, path[index], path[index + 1], text, broken)
            key = (segment.source, segment.target, flow.verdict, text, broken)
            if key not in seen:
                seen.add(key)
                yield segment
