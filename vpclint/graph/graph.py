"""The picture of a network as plain data: nodes, structural edges, flows and findings.

This is what every renderer draws and what ``--format json`` writes (documented in
``docs/graph-schema.md``, validated by ``vpclint/schemas/graph.schema.json``). It knows nothing
of the model it was drawn from: renderers depend on this module only.

Nodes nest through ``parent`` (a subnet in its Availability Zone in its VPC); a flow is a
workload's traffic to one AWS service, ``path`` naming the nodes it passes in order.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field
from msgspec.structs import asdict


SCHEMA_VERSION = 1

# Node kinds that hold other nodes; a renderer draws them as boxes around their children.
CONTAINER_KINDS = ("vpc", "az", "subnet", "lattice_service")


class Node(Struct):
    id: str
    kind: str  # vpc, az, subnet, route_table, internet_gateway, ... (docs/graph-schema.md)
    label: str
    parent: str | None = None
    address: str | None = None  # Terraform address or CloudFormation logical ID
    file: str | None = None  # relative to the repository root
    line: int | None = None
    detail: list[str] = field(default_factory=list)  # short lines a card shows under the label
    attrs: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # ids of the findings that mark it

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else ""


class Edge(Struct):
    id: str
    kind: str  # route, attachment, peering, consumer, load_balancer, association, ...
    source: str
    target: str
    label: str = ""


class Flow(Struct):
    """One (workload, service) path; workloads in several subnets with the same onward path
    are one flow listing its ``subnets``."""

    id: str
    workload: str  # node id
    service: str  # the endpoint service name: sqs, s3, ecr.api ...
    verdict: str  # analyze.Verdict name: NAT_DETOUR, ...
    verdict_text: str
    private: bool
    path: list[str]  # node ids, the workload first; the subnets are in ``subnets``
    subnets: list[str]
    path_text: list[str]  # the hops as ``vpclint flows`` prints them, one line per subnet
    reason: str = ""
    ends: str = "reached"  # reached | no_path | unknown: whether the path reaches its last node
    findings: list[str] = field(default_factory=list)


class Finding(Struct):
    id: str
    rule: str
    level: str
    message: str
    file: str
    line: int
    column: int
    node: str | None  # the node it marks (None: a file-level finding such as a parse error)
    related: list[str] = field(default_factory=list)  # partner nodes
    flows: list[str] = field(default_factory=list)


class Graph(Struct):
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rules: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> level, slug, summary
    verdicts: list[dict[str, Any]] = field(default_factory=list)  # name, text, private, colour
    tool_version: str = ""

    def index(self) -> dict[str, Node]:
        """Nodes by id."""
        return {node.id: node for node in self.nodes}

    def children(self) -> dict[str | None, list[Node]]:
        """Nodes by parent id (None for the top level), in graph order."""
        found: dict[str | None, list[Node]] = {}
        for node in self.nodes:
            found.setdefault(node.parent, []).append(node)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "vpclint", "version": self.tool_version},
            "verdicts": self.verdicts,
            "rules": self.rules,
            "nodes": [_plain(node) for node in self.nodes],
            "edges": [_plain(edge) for edge in self.edges],
            "flows": [_plain(flow) for flow in self.flows],
            "findings": [_plain(finding) for finding in self.findings],
        }


def _plain(item: Any) -> dict[str, Any]:
    return {name: value for name, value in asdict(item).items() if not name.startswith("_")}
