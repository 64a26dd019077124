"""Availability-zone comparisons for the rules that care where a subnet is (VPC216, VPC308).

A subnet names its AZ by name (``us-east-1a``) or by ID (``use1-az1``); names are mapped per
account, IDs are not. Two subnets are compared by name when both names are known, else by ID
when both IDs are known; anything else is UNKNOWN (None), and the rules stay silent on it.
"""

from __future__ import annotations

from vpclint.model.components import Subnet


def _known(value) -> str | None:
    return value if isinstance(value, str) and value else None


def same_az(a: Subnet, b: Subnet) -> bool | None:
    """True / False when both subnets' AZs are known in a comparable form, else None."""
    names = _known(a.availability_zone), _known(b.availability_zone)
    if all(names):
        return names[0] == names[1]
    ids = _known(a.availability_zone_id), _known(b.availability_zone_id)
    if all(ids):
        return ids[0] == ids[1]
    return None


def az_label(subnet: Subnet) -> str:
    """How a message names the subnet's AZ (its name, else its ID, else "an unknown AZ")."""
    return (_known(subnet.availability_zone) or _known(subnet.availability_zone_id)
            or "an unknown AZ")
