"""How each IaC writes what findings say, so that messages speak the user's own words while the
rules that write them never ask which IaC they read.

A rule names a component field (``private_dns``) and, where it suggests a value, the value; the
component knows its attribute (``Component.source_name``) and this module how its IaC writes the
attribute set to the value: ``private_dns_enabled = false`` in HCL, ``PrivateDnsEnabled: false``
in a template.
"""

from __future__ import annotations

import json
from typing import Any, Callable


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _hcl(name: str, value: Any) -> str:
    shown = json.dumps(value) if isinstance(value, str) else _scalar(value)
    return f"{name} = {shown}"


def _yaml(name: str, value: Any) -> str:
    return f"{name}: {_scalar(value)}"


# An attribute set to a value, as each IaC writes it (HCL quotes its strings, YAML need not).
ASSIGNMENTS: dict[str, Callable[[str, Any], str]] = {"terraform": _hcl, "cloudformation": _yaml}

# Where a resource's Region comes from when nothing on it says otherwise.
REGION_SOURCES = {"terraform": "the provider's region", "cloudformation": "the stack's region"}
# The argument that deploys one resource in a Region of its own (AWS provider 6), per IaC.
REGION_ARGUMENTS = {"terraform": "region"}
# Whether the IaC can name a VPC's main route table, and so declare it or add routes to it:
# Terraform can (``aws_default_route_table``, ``aws_vpc.x.main_route_table_id``); a
# CloudFormation template cannot (no attribute of ``AWS::EC2::VPC`` returns it).
MAIN_ROUTE_TABLE_NAMEABLE = {"terraform": True, "cloudformation": False}
