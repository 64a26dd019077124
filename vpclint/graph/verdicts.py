"""How each flow verdict is drawn: one colour and line style per ``analyze.Verdict``.

Data, not code: a verdict the flow analysis gains is drawn by its ``private`` property until it
is given a style of its own here (private verdicts green, the rest grey and dashed).
"""

from __future__ import annotations

from typing import Any, Iterable

from msgspec import Struct
from msgspec.structs import asdict


class VerdictStyle(Struct, frozen=True):
    colour: str
    dash: str = ""  # an SVG stroke-dasharray; empty for a solid line
    broken: bool = False  # drawn as a defect (thicker)


STYLES: dict[str, VerdictStyle] = {
    "GATEWAY_ENDPOINT": VerdictStyle("#2e7d32"),
    "INTERFACE_ENDPOINT": VerdictStyle("#43a047"),
    "LATTICE": VerdictStyle("#7cb342"),
    "NAT_DETOUR": VerdictStyle("#ef6c00", broken=True),
    "INTERNET_GATEWAY": VerdictStyle("#d84315", broken=True),
    "LEAVES_VPC": VerdictStyle("#1565c0"),
    "NO_PATH": VerdictStyle("#c62828", "6 4", broken=True),
    "UNKNOWN": VerdictStyle("#757575", "2 4"),
}
PRIVATE_FALLBACK = VerdictStyle("#388e3c")
OTHER_FALLBACK = VerdictStyle("#616161", "4 4")


def style_of(name: str, private: bool) -> VerdictStyle:
    """The style of verdict ``name``; one not listed is styled by whether it is private."""
    return STYLES.get(name) or (PRIVATE_FALLBACK if private else OTHER_FALLBACK)


def legend(verdicts: Iterable[Any]) -> list[dict[str, Any]]:
    """Every verdict of the flow analysis, in its order, with its text and style: what the
    graph's legend and filters list (``verdicts`` is ``analyze.Verdict``)."""
    return [{"name": verdict.name, "text": verdict.value, "private": verdict.private,
             **asdict(style_of(verdict.name, verdict.private))} for verdict in verdicts]
