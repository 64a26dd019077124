"""Shared by VPC304 and VPC307: the endpoint sets a workload's platform needs, and its gaps.

Both rules ask the same question of the flow analysis: for the services a workload's platform
(image pulls, log shipping, secrets injection, the SSM and ECS agents) must reach, which flows
are not private? A flow counts as a gap when its verdict is known and not private:

* NO_PATH: the subnet has no default route and no endpoint: the call fails;
* NAT_DETOUR: the call leaves through NAT and an internet gateway.

Never gaps: private flows (through an endpoint or VPC Lattice), UNKNOWN flows, flows straight to an internet gateway (a public
subnet: reaching the public endpoint is the design), flows leaving the VPC (transit gateway,
peering, VPN: a central endpoint VPC or an on-premises egress is out of sight), and flows whose
service has an Interface endpoint in the VPC with private DNS off (``Flow.endpoint_unused``):
the endpoint of the set is there, and what is missing is its private DNS (VPC303's finding),
so "add an endpoint" would be wrong.
"""

from __future__ import annotations

from typing import Iterable

from ._wording import names
from msgspec import Struct, field

from vpclint.analyze import Flow, Verdict
from vpclint.model.components import Subnet
from vpclint.model.workloads import ContainerDefinition, TaskDefinition, Workload
from vpclint.values import Unknown

INSTANCE_KINDS = ("instance", "autoscaling_group", "eks_node_group")


def flows_by_workload(analysis) -> dict[int, list[Flow]]:
    """id(workload) -> its flows, in one pass over all flows (no per-workload scans)."""
    index: dict[int, list[Flow]] = {}
    for flow in analysis.flows:
        index.setdefault(id(flow.workload), []).append(flow)
    return index


def gap(flow: Flow) -> Verdict | None:
    """NO_PATH or NAT_DETOUR when the flow is a gap (see the module docstring), else None."""
    if flow.verdict not in (Verdict.NO_PATH, Verdict.NAT_DETOUR) or flow.endpoint_unused:
        return None  # private, UNKNOWN, ...; or the endpoint exists and lacks its private DNS
    return flow.verdict


class Gaps(Struct):
    """The gaps among a workload's flows for a set of services, per verdict."""

    no_path: list[Flow] = field(default_factory=list)
    detour: list[Flow] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.no_path or self.detour)


def collect(flows: Iterable[Flow], services: Iterable[str], *,
            detour_services: Iterable[str] = ()) -> Gaps:
    """Gaps among ``flows`` for ``services`` (no path), and for ``detour_services`` (detours)."""
    wanted, detours = set(services), set(detour_services)
    found = Gaps()
    for flow in flows:
        verdict = gap(flow)
        if verdict is Verdict.NO_PATH and flow.service in wanted:
            found.no_path.append(flow)
        elif verdict is Verdict.NAT_DETOUR and flow.service in detours:
            found.detour.append(flow)
    return found


def services_of(flows: Iterable[Flow], order: Iterable[str]) -> list[str]:
    """The distinct services of ``flows``, in the order given."""
    present = {flow.service for flow in flows}
    return [service for service in dict.fromkeys(order) if service in present]


def subnets_of(flows: Iterable[Flow]) -> list[Subnet]:
    seen: list[Subnet] = []
    for flow in flows:
        if flow.subnet not in seen:
            seen.append(flow.subnet)
    return seen


def runs_on_fargate(workload: Workload) -> bool:
    """An ECS service known to run on Fargate: its tasks' ENIs (in the service's subnets) pull
    images, ship logs and fetch secrets. On EC2 the container instance does, from its own
    subnet, and the instance is the workload to look at."""
    if workload.workload_kind != "ecs_service":
        return False
    launch_type = workload.launch_type
    if isinstance(launch_type, str):
        return launch_type.upper() == "FARGATE"
    if isinstance(launch_type, Unknown):
        return False
    # no launch type: a capacity provider strategy; a FARGATE-only task definition runs on
    # Fargate (FARGATE or FARGATE_SPOT) whatever the strategy
    task = workload.task_definition
    kinds = task.launch_types if isinstance(task, TaskDefinition) else None
    return (isinstance(kinds, list) and bool(kinds)
            and all(isinstance(k, str) and k.upper() == "FARGATE" for k in kinds))


def containers(workload: Workload) -> list[ContainerDefinition]:
    """The task definition's container definitions, when known."""
    task = workload.task_definition
    if isinstance(task, TaskDefinition) and isinstance(task.containers, list):
        return [c for c in task.containers if isinstance(c, ContainerDefinition)]
    return []


def route_table_notes(flows: list[Flow], order: Iterable[str]):
    """(route table, note) for each route table the failing ``flows`` go through."""
    tables: dict = {}
    for flow in flows:
        if flow.route_table is not None:
            tables.setdefault(flow.route_table, []).append(flow)
    for table, through in tables.items():
        missing = names(services_of(through, order), limit=None)
        if through[0].verdict is Verdict.NO_PATH:
            yield table, (f"route table {table.display} has no default route, and no endpoint "
                          f"serves {missing} there")
        else:
            nat = through[0].nat.display if through[0].nat is not None else "a NAT device"
            yield table, (f"route table {table.display} sends {missing} through {nat} to the "
                          "internet")
