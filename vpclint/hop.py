"""One step of a flow's path, rendered: what the analysis hands the reports.

A flow's hops are all a report needs to show its path (text, JSON, SARIF code flows, the flows
view): each carries its own label, so no report imports the analysis to name a step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.model.components import Component


class Hop(Struct, frozen=True):
    """One step of a flow's path: a model component (None for the public service endpoint, which
    is in no file) and the field of it that makes the step (``"target"`` of a route).

    A route step also names the component the route sends the traffic to (``target``: the NAT
    gateway, internet gateway or GWLB endpoint) and how that reads as a step of its own
    (``target_label``: ``nat a``), so the path reads ``0.0.0.0/0 nat a`` once while code flows
    can still show both places.
    """

    component: "Component | None"
    label: str
    field: str | None = None
    target: "Component | None" = None
    target_label: str | None = None
