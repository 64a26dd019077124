"""The analysis of a scan: everything several rules (and the flow and graph views) need to know
about the network beyond the model itself, computed once, from the frozen model, by the engine.

``analyze(model)`` is the whole stage. Nothing here is computed on demand or cached on the side:
a rule that needs the analysis declares it (``RuleMeta.needs_analysis``) and reads it from its
context; if the analysis fails, the engine reports one internal error and skips those rules.
"""

from __future__ import annotations

from msgspec import Struct

from vpclint.analyze.endpoints import ServiceEndpoints
from vpclint.analyze.flows import Flow, public_lambdas, trace_flows
from vpclint.analyze.lattice import LatticeIndex
from vpclint.analyze.routing import Routing
from vpclint.analyze.security import Security
from vpclint.analyze.usage import Usage
from vpclint.model import Model


class Analysis(Struct, frozen=True, eq=False):
    """The network as traffic sees it.

    ``routing``: the effective route table of each subnet and where routes lead;
    ``lattice``: which VPC Lattice resource configurations answer which names;
    ``security``: default security groups and ACLs, the effective groups of an interface;
    ``usage``: the AWS services each workload calls, by ``id(workload)``;
    ``flows``: for every workload, subnet and service it calls, the path the traffic takes;
    ``endpoints``: the AWS-service endpoints by VPC, service and scope;
    ``public_lambdas``: by ``id(lambda)``, its egress paths that end at an internet gateway.
    """

    routing: Routing
    lattice: LatticeIndex
    security: Security
    usage: dict[int, Usage]
    flows: list[Flow]
    endpoints: ServiceEndpoints
    public_lambdas: dict[int, list[Flow]]


def analyze(model: Model) -> Analysis:
    """The analysis of ``model`` (a model built by ``build_model``, which no stage changes)."""
    routing = Routing(model)
    lattice = LatticeIndex(model)
    flows, usage = trace_flows(model, routing, lattice)
    return Analysis(routing=routing, lattice=lattice, security=Security(model), usage=usage,
                    flows=flows, endpoints=ServiceEndpoints(model),
                    public_lambdas=public_lambdas(model, routing))
