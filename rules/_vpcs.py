"""Which VPC a component is in, for the rules that compare VPCs (VPC201, VPC212, VPC217).

A VPC is known in three forms:
- an in-scan ``Vpc`` component (``aws_vpc.main``, ``!Ref Vpc``): compared by identity;
- a literal VPC id outside the scan (``"vpc-0abc..."``): compared by its text;
- the account's default VPC, where a security group without ``vpc_id`` / ``VpcId`` lands: it
  is never a VPC the scan creates, but may be any literal id.

Anything else (UNKNOWN, a VPC id read from a data source, an in-scan resource vpclint does not
model such as ``aws_default_vpc``) is unknown, and ``differ`` answers False for it: the rules
built on it never fire on an unknown.
"""

from __future__ import annotations

from typing import Any

from vpclint.model.components import (Component, External, InternetGateway, NatGateway,
                                      RouteTable, SecurityGroup, Subnet, Vpc, VpcEndpoint)
from vpclint.model.components import TransitGatewayAttachment
from vpclint.model.workloads import NetworkAcl

Key = tuple  # ("vpc", id) | ("id", "vpc-0abc") | ("default",)
DEFAULT = ("default",)

# Components whose ``vpc`` field names their VPC.
_HAS_VPC = (Subnet, SecurityGroup, RouteTable, VpcEndpoint, InternetGateway, NetworkAcl,
            TransitGatewayAttachment)


def key_of_link(link: Any) -> Key | None:
    """The identity of a VPC link (a ``vpc_id`` value), or None when it is not known."""
    if isinstance(link, Vpc):
        return ("vpc", id(link))
    if isinstance(link, External) and link.type is None and link.value:
        text = link.value.rsplit("/", 1)[-1]  # an ARN names the VPC by its id at the end
        return ("id", text) if text.startswith("vpc-") else None
    return None


def vpc_link(component: Any) -> Any:
    """The VPC link of a subnet, security group, route table, endpoint, internet gateway,
    network ACL, TGW attachment or NAT gateway (through its subnet); a Vpc is its own."""
    if isinstance(component, Vpc):
        return component
    if isinstance(component, NatGateway):
        subnet = component.subnet
        return subnet.vpc if isinstance(subnet, Subnet) else None
    if isinstance(component, _HAS_VPC):
        return component.vpc
    return None


def key_of(component: Any) -> Key | None:
    """The identity of the VPC ``component`` is in, or None when it is not known."""
    if isinstance(component, SecurityGroup) and component.vpc is None \
            and not component.is_default:
        return DEFAULT  # no vpc_id / VpcId: AWS puts the group in the default VPC
    return key_of_link(vpc_link(component))


def differ(a: Key | None, b: Key | None) -> bool:
    """True only when both VPCs are known and known to be different ones."""
    if a is None or b is None or a == b:
        return False
    if a[0] == b[0]:
        return True  # two in-scan VPCs, or two literal ids
    # the default VPC is none of the VPCs the scan creates, but may be any literal id
    return {a[0], b[0]} == {"default", "vpc"}


def vpc_name(component: Any) -> str:
    """How a message names the VPC ``component`` is in: "VPC aws_vpc.main", "VPC vpc-0abc",
    "the default VPC (...)" or "an unknown VPC"."""
    if isinstance(component, SecurityGroup) and key_of(component) == DEFAULT:
        return "the default VPC (the group sets no VPC id)"
    return link_name(vpc_link(component))


def link_name(link: Any) -> str:
    """How a message names a VPC link (a ``vpc_id`` value)."""
    if isinstance(link, Component):
        return f"VPC {link.display}"
    if isinstance(link, External):
        return f"VPC {link.value}"
    return "an unknown VPC"


def what(component: Component) -> str:
    """A short noun for a member: "subnet", "security group" ..."""
    return component.kind.replace("_", " ")
