"""Flows on the picture: each workload's traffic to each AWS service it uses, along the hops
``vpclint flows`` shows, as one path per (workload, service, onward path) with its verdict."""

from __future__ import annotations

from typing import Any, Iterable

from vpclint.analyze import Flow, Verdict
from vpclint.analyze.flows import public_host
from vpclint.graph.canvas import Canvas
from vpclint.graph.graph import Flow as GraphFlow
from vpclint.graph.network import route_target_node
from vpclint.model.components import Route, Subnet

# Where a path that does not reach its last hop stops: drawn as a broken or uncertain line.
_ENDS = {Verdict.NO_PATH: "no_path", Verdict.UNKNOWN: "unknown"}


def draw_flows(canvas: Canvas, flows: Iterable[Flow]) -> dict[int, str]:
    """Adds the flows to the graph; answers which graph flow each analysed flow became (by
    ``id()``), so findings that carry a flow can point at it."""
    groups: dict[tuple, GraphFlow] = {}
    became: dict[int, tuple] = {}
    for flow in flows:
        workload = canvas.id_of(flow.workload)
        if workload is None:
            continue
        path = _path(canvas, flow, workload)
        key = (workload, flow.service, tuple(path), flow.verdict.name)
        drawn = groups.get(key)
        if drawn is None:
            drawn = groups[key] = GraphFlow(
                "", workload, flow.service, flow.verdict.name, flow.verdict.value,
                flow.verdict.private, path, [], [], flow.reason,
                _ENDS.get(flow.verdict, "reached"))
        subnet = canvas.id_of(flow.subnet)
        if subnet is not None and subnet not in drawn.subnets:
            drawn.subnets.append(subnet)
        if flow.path not in drawn.path_text:
            drawn.path_text.append(flow.path)
        became[id(flow)] = key
    ids = {}
    for number, key in enumerate(sorted(groups), 1):
        drawn = groups[key]
        drawn.id = f"flow{number}"
        drawn.subnets.sort()
        drawn.path_text.sort()
        canvas.graph.flows.append(drawn)
        ids[key] = drawn.id
    return {flow_id: ids[key] for flow_id, key in became.items()}


def _path(canvas: Canvas, flow: Flow, workload: str) -> list[str]:
    """The nodes a flow passes: the workload, then each drawn hop (a route's target rather than
    the route; the subnet is where the workload is drawn), then the AWS service when the
    traffic goes to its public endpoint or cannot be followed further."""
    path = [workload]
    for hop in flow.hops[1:]:
        component = hop.component
        if isinstance(component, Subnet):
            continue
        if isinstance(component, Route):
            node = canvas.id_of(hop.target) or route_target_node(canvas, component)
        elif component is None:
            node = _service_node(canvas, flow)
        else:
            node = canvas.id_of(component)
        if node is not None and node != path[-1]:
            path.append(node)
    if flow.verdict is Verdict.UNKNOWN:
        path.append(_service_node(canvas, flow))
    return path


def _service_node(canvas: Canvas, flow: Flow) -> str:
    """The node of an AWS service's public endpoint (or of the internet), drawn once."""
    node_id = f"aws:{flow.service}"
    if not canvas.has(node_id):
        internet = flow.service == "internet"
        host = "the internet" if internet else public_host(flow.service,
                                                           flow.workload.resource.region)
        canvas.add(None, "aws_service", flow.service, node_id=node_id,
                   detail=[host if internet else f"{host} (public)"])
    return node_id


def finding_flows(findings: Iterable[Any], known: Iterable[Flow]) -> list[Flow]:
    """Flows that findings carry and the analysis does not list (a rule's own egress path)."""
    seen = {id(flow) for flow in known}
    extra = []
    for finding in findings:
        flow = finding.flow
        if isinstance(flow, Flow) and id(flow) not in seen:
            seen.add(id(flow))
            extra.append(flow)
    return extra
