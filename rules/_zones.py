"""Availability-zone comparisons for the rules that care where a subnet is (VPC207, VPC213,
VPC216, VPC218, VPC308).

A subnet names its AZ by ID (``use1-az1``), by name (``us-east-1a``), or by an element of a
list of distinct AZs whose names vpclint cannot know (``!Select [0, !GetAZs ""]``,
``data.aws_availability_zones.available.names[0]``: a ``ListElement``). IDs are the same in
every account, names are mapped per account. Two subnets are compared by ID when both IDs are
known, else by name when both names are, else by list element when both are elements of one
list (same index, same AZ; another index, another AZ); anything else is UNKNOWN (None), and the
rules stay silent on it. Where the name and the ID are set by conditionals on one condition
(``c ? az : null`` and ``c ? null : az``, as modules that take either do), each is read in
both worlds of the condition, and the AZ is what both worlds agree on.
"""

from __future__ import annotations

from typing import Any

from vpclint.model.components import Subnet
from vpclint.values import ListElement, conditions_of, decide

Zone = tuple[str, Any]  # ("id", "use1-az1") | ("name", "us-east-1a") | ("element", ListElement)


def zone_forms(subnet: Subnet) -> list[Zone]:
    """The comparable forms of the subnet's AZ, ID first; empty when none is known."""
    name, zone_id = subnet.availability_zone, subnet.availability_zone_id
    conditions = conditions_of([name, zone_id])
    if len(conditions) == 1:
        worlds = [_forms(decide(name, conditions[0], truth), decide(zone_id, conditions[0], truth))
                  for truth in (True, False)]
        return worlds[0] if worlds[0] == worlds[1] else []
    return _forms(name, zone_id)


def _forms(name: Any, zone_id: Any) -> list[Zone]:
    forms: list[Zone] = []
    if isinstance(zone_id, str) and zone_id:
        forms.append(("id", zone_id))
    if isinstance(name, str) and name:
        forms.append(("name", name))
    for value in (zone_id, name):
        if isinstance(value, ListElement) and ("element", value) not in forms:
            forms.append(("element", value))
    return forms


def same_az(a: Subnet, b: Subnet) -> bool | None:
    """True / False when both subnets' AZs are known in a comparable form, else None."""
    mine, theirs = dict(zone_forms(a)), dict(zone_forms(b))
    for form in ("id", "name"):
        if form in mine and form in theirs:
            return mine[form] == theirs[form]
    first, second = mine.get("element"), theirs.get("element")
    if first is not None and second is not None and first.source == second.source:
        return first.index == second.index
    return None


def zone_text(zone: Zone) -> str:
    """How a message names one form of an AZ."""
    return zone[1].expr if zone[0] == "element" else zone[1]


def az_label(subnet: Subnet) -> str:
    """How a message names the subnet's AZ (its ID, name or list element; "an unknown AZ")."""
    forms = zone_forms(subnet)
    return zone_text(forms[0]) if forms else "an unknown AZ"
