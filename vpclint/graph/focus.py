"""Narrowing a picture to what matters: one VPC, one workload or one finding, and its
neighbourhood (what it is wired to, the flows through it, and the containers around them)."""

from __future__ import annotations

import re

from msgspec.structs import replace

from vpclint.graph.graph import Graph

_RULE_ID = re.compile(r"^[A-Za-z]+\d{3}$")
_FOCUSABLE = ("vpc", "workload")


class NoFocus(ValueError):
    """``--focus`` named nothing in the picture."""


def focus(graph: Graph, wanted: list[str]) -> Graph:
    """The neighbourhood of what ``wanted`` names, each entry being a rule ID (its findings),
    ``FILE:LINE`` (the findings there), or text found in the id, address or name of a VPC or
    workload (case-insensitive)."""
    seeds: set[str] = set()
    flows: set[str] = set()
    for text in wanted:
        found_nodes, found_flows = _matches(graph, text.strip())
        if not found_nodes and not found_flows:
            raise NoFocus(text)
        seeds |= found_nodes
        flows |= found_flows
    return narrow(graph, seeds, flows)


def problem_flows(graph: Graph) -> Graph:
    """Only the flows some finding is about, and what they pass."""
    flows = {flow.id for flow in graph.flows if flow.findings}
    return narrow(graph, set(), flows, neighbours=False)


def _matches(graph: Graph, text: str) -> tuple[set[str], set[str]]:
    if _RULE_ID.match(text):
        chosen = [f for f in graph.findings if f.rule.lower() == text.lower()]
    else:
        chosen = [f for f in graph.findings if f"{f.file}:{f.line}" == text]
    if chosen:
        seeds = {n for f in chosen for n in ([f.node] if f.node else []) + f.related}
        return seeds, {flow for f in chosen for flow in f.flows}
    needle = text.lower()
    return {node.id for node in graph.nodes if node.kind in _FOCUSABLE and any(
        needle in (value or "").lower() for value in (node.id, node.address, node.label))}, set()


def narrow(graph: Graph, seeds: set[str], flow_ids: set[str], neighbours: bool = True) -> Graph:
    """The part of ``graph`` around ``seeds`` (with everything inside a seed container) and the
    flows ``flow_ids``: with ``neighbours``, also the nodes one edge away and every flow that
    passes a kept seed; always the containers of what is kept."""
    children = graph.children()
    keep = set()
    stack = list(seeds)
    while stack:  # a VPC brings its AZs, subnets and what is in them
        node_id = stack.pop()
        if node_id not in keep:
            keep.add(node_id)
            stack.extend(child.id for child in children.get(node_id, []))
    core = set(keep)
    flows = [flow for flow in graph.flows if flow.id in flow_ids or neighbours and core & set(
        flow.path + flow.subnets)]
    kept_flows = {flow.id for flow in flows}
    for flow in flows:
        keep.update(flow.path, flow.subnets)
    for finding in graph.findings:  # what a kept flow's findings are about
        if set(finding.flows) & kept_flows and finding.node is not None:
            keep.add(finding.node)
    if neighbours:
        for edge in graph.edges:
            if edge.source in core or edge.target in core:
                keep.update((edge.source, edge.target))
    index = graph.index()
    for node_id in list(keep):  # and the containers around them
        parent = index[node_id].parent
        while parent is not None and parent not in keep:
            keep.add(parent)
            parent = index[parent].parent
    findings = [replace(f, related=[n for n in f.related if n in keep],
                        flows=[flow for flow in f.flows if flow in kept_flows])
                for f in graph.findings if f.node in keep or set(f.flows) & kept_flows]
    kept_findings = {f.id for f in findings}
    nodes = [replace(node, findings=[f for f in node.findings if f in kept_findings])
             for node in graph.nodes if node.id in keep]
    return replace(graph, nodes=nodes,
                   edges=[e for e in graph.edges if e.source in keep and e.target in keep],
                   flows=[replace(flow, findings=[f for f in flow.findings if f in kept_findings])
                          for flow in flows],
                   findings=findings,
                   rules={rule: meta for rule, meta in graph.rules.items()
                          if any(f.rule == rule for f in findings)})
