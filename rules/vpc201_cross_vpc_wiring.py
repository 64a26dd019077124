"""VPC201 cross-vpc-wiring: parts of one component that are in different VPCs.

## What it does
Finds components whose parts resolve to different VPCs, which AWS rejects:
- a VPC endpoint whose subnets, security groups or route tables (inline or through
  `aws_vpc_endpoint_*_association`) are not in its `vpc_id` / `VpcId`;
- a Lattice resource gateway whose subnets or security groups are not in its VPC;
- a service network VPC association whose security groups are not in the associated VPC;
- a transit gateway VPC attachment whose subnets are not in its VPC;
- a Lambda function, ECS service or EKS cluster whose subnets span VPCs, or whose security
  groups are in another VPC than its subnets (likewise an EC2 instance in one subnet);
- a load balancer whose subnets span VPCs or whose security groups are in another VPC, and a
  target group that a listener of a load balancer forwards to, in another VPC than the load
  balancer's subnets;
- a subnet's route table association or network ACL association naming a route table or ACL of
  another VPC.

A security group that sets no VPC is in the account's default VPC, which is none of the VPCs the
scan creates. VPCs are compared only when both are known: two VPCs of the scan, or two literal
VPC ids; a VPC id from a variable, a parameter or a data source is not reported.

## Why it matters
A security group, a subnet and a route table each belong to exactly one VPC, and every network
interface, route and association lives inside one VPC. A part from another VPC (usually a
copy-pasted reference, or a module input wired to the wrong network) makes the create call fail
(`InvalidParameter`, "security group and subnet belong to different networks", "Target group is
in a different VPC than load balancer"), so the apply or the stack update fails, often only in
the environment where the two VPCs really differ.

## Example
Terraform:
```hcl
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "shared" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "shared_a" {
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.shared_a.id]
}
```
CloudFormation:
```yaml
AppVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
SharedVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.1.0.0/16
SharedSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref SharedVpc
    CidrBlock: 10.1.1.0/24
    AvailabilityZone: us-east-1a
SqsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref AppVpc
    ServiceName: com.amazonaws.us-east-1.sqs
    VpcEndpointType: Interface
    SubnetIds: [!Ref SharedSubnetA]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "app_a" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.app_a.id]
}
```
CloudFormation:
```yaml
AppVpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
AppSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref AppVpc
    CidrBlock: 10.0.1.0/24
    AvailabilityZone: us-east-1a
SqsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref AppVpc
    ServiceName: com.amazonaws.us-east-1.sqs
    VpcEndpointType: Interface
    SubnetIds: [!Ref AppSubnetA]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/resource-gateway.html
- https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
- https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
"""

from __future__ import annotations

from typing import Iterable

from ._vpcs import DEFAULT, Key, differ, key_of, key_of_link, link_name, vpc_name, what
from ._endpoints import endpoint_label
from msgspec import Struct

from vpclint.model.components import (Component, EndpointAssociation, LbListener,
                                      LbListenerRule, LoadBalancer, ResourceGateway,
                                      RouteTableAssociation, ServiceNetworkAssociation,
                                      TargetGroup, TransitGatewayAttachment, VpcEndpoint)
from vpclint.model.workloads import NetworkAcl, NetworkAclAssociation, Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC201", "cross-vpc-wiring",
                Level.ERROR, "Parts of one component (subnets, security groups, route tables, "
                "target groups) are in different VPCs",
                # a target group in another VPC than its load balancer: its targets registered
                # from the load balancer's VPC are that one defect, the group's VPC
                supersedes=("VPC209",))

_FIELD_NOUNS = {"subnets": "subnets", "security_groups": "security groups",
                "route_tables": "route tables", "subnet": "subnet", "gateway": "gateway"}
# Workloads whose subnets must all be in one VPC, and those whose security groups must be in
# their subnets' VPC. An instance may attach network interfaces of several VPCs (multi-VPC
# ENI attachment): it is checked only with a single subnet.
_ONE_VPC_SUBNETS = ("lambda", "ecs_service", "eks_cluster")
_GROUPS_WITH_SUBNETS = ("lambda", "ecs_service", "eks_cluster", "instance")


class _Part(Struct):
    """A member of one of the owner's fields, with where a finding about it points."""

    field: str
    member: Component
    key: Key | None
    at: Component  # the owner, or the association resource that adds the member
    at_field: str | None


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        yield from _endpoint(model, endpoint)
    for gateway in model.of(ResourceGateway):
        parts = _parts(gateway, ("subnets", "security_groups"))
        yield from _against_vpc(gateway, f"resource gateway {gateway.display}",
                                key_of_link(gateway.vpc), gateway.vpc, "vpc", parts)
    for association in model.of(ServiceNetworkAssociation):
        if association.associates != "vpc":
            continue
        parts = _parts(association, ("security_groups",))
        yield from _against_vpc(association, f"service network VPC association "
                                f"{association.display}", key_of_link(association.member),
                                association.member, "member", parts)
    for attachment in model.of(TransitGatewayAttachment):
        parts = _parts(attachment, ("subnets",))
        yield from _against_vpc(attachment, f"transit gateway attachment {attachment.display}",
                                key_of_link(attachment.vpc), attachment.vpc, "vpc", parts)
    for workload in model.of(Workload):
        yield from _workload(workload)
    balancer_vpcs = {}
    for balancer in model.of(LoadBalancer):
        parts = _parts(balancer, ("subnets", "security_groups"))
        yield from _among_themselves(balancer, f"load balancer {balancer.display}", parts)
        # the load balancer's VPC is its subnets', when they agree
        balancer_vpcs[id(balancer)] = _consensus(p for p in parts if p.field == "subnets")
    yield from _target_groups(model, balancer_vpcs)
    for association in model.of(RouteTableAssociation):
        yield from _route_table_association(association)
    for acl in model.of(NetworkAcl):
        yield from _network_acl(model, acl)


# --- owners with a VPC of their own -------------------------------------------------------


def _endpoint(model, endpoint: VpcEndpoint) -> Iterable[Finding]:
    kind = endpoint.intended_type
    # Members of a field the type does not take are an attribute wrong for the type, not a VPC
    # mix-up.
    if kind == "Gateway":
        fields: tuple[str, ...] = ("route_tables",)
    elif isinstance(kind, str):
        fields = ("subnets", "security_groups")
    else:
        fields = ("subnets", "security_groups", "route_tables")
    added = {(a.attaches, id(a.member)): a
             for a in model.linked_from(endpoint, EndpointAssociation, "endpoint")
             if isinstance(a.member, Component)}
    parts = _parts(endpoint, fields, added)
    yield from _against_vpc(endpoint, endpoint_label(endpoint), key_of_link(endpoint.vpc),
                            endpoint.vpc, "vpc", parts)


def _parts(owner: Component, fields: Iterable[str],
           added: dict | None = None) -> list[_Part]:
    parts = []
    for name in fields:
        for member in getattr(owner, name):
            association = (added or {}).get((name, id(member)))
            at, at_field = (association, "member") if association else (owner, name)
            parts.append(_Part(name, member, key_of(member), at, at_field))
    return parts


def _against_vpc(owner: Component, label: str, anchor: Key | None, vpc, vpc_field: str,
                 parts: list[_Part]) -> Iterable[Finding]:
    """One finding when parts of ``owner`` are known to be in another VPC than its own; when
    its VPC is not known, when its parts are known to be in different VPCs."""
    if anchor is None:
        yield from _among_themselves(owner, label, parts)
        return
    wrong = [p for p in parts if differ(p.key, anchor)]
    if not wrong:
        return
    listed = _listing(wrong)
    known = [p for p in parts if p.key is not None]
    fields = {p.field for p in wrong}
    if len(wrong) == len(known) and len(fields) > 1 and len({p.key for p in wrong}) == 1 \
            and wrong[0].key != DEFAULT:
        # every part agrees on one other VPC: the owner's own VPC is the odd one out
        message = (f"{label} is in {link_name(vpc)}, but all its "
                   f"{_and(_FIELD_NOUNS[f] for f in _ordered(fields, wrong))} are in "
                   f"{vpc_name(wrong[0].member)} ({_names(wrong)}): parts of one component "
                   "must be in its VPC, so its VPC looks wrong")
        yield Finding(owner, message, field=vpc_field, related=_related(wrong))
        return
    first = wrong[0]
    message = (f"{label} is in {link_name(vpc)}, but its {listed}: its "
               f"{_and(_FIELD_NOUNS[f] for f in _ordered(fields, wrong))} must be in the same "
               "VPC")
    yield Finding(first.at, message, field=first.at_field, related=_related(wrong, first))


# --- owners whose VPC is that of their parts ----------------------------------------------


def _among_themselves(owner: Component, label: str,
                      parts: list[_Part]) -> Iterable[Finding]:
    """One finding when the known parts of ``owner`` are in different VPCs; the first known
    part (its first subnet) sets the VPC the others are compared with."""
    reference = next((p for p in parts if p.key is not None), None)
    if reference is None:
        return
    wrong = [p for p in parts if differ(p.key, reference.key)]
    if not wrong:
        return
    fields = {p.field for p in wrong}
    first = wrong[0]
    message = (f"{label} has {what(reference.member)} {reference.member.display} in "
               f"{vpc_name(reference.member)}, but {_listing(wrong)}: its "
               f"{_and(_FIELD_NOUNS[f] for f in _ordered(fields | {reference.field}, parts))} "
               "must all be in one VPC")
    yield Finding(first.at, message, field=first.at_field,
                  related=[Related(reference.member, f"{what(reference.member)} "
                                   f"{reference.member.display} is in "
                                   f"{vpc_name(reference.member)}", field="vpc")]
                  + _related(wrong, first))


def _workload(workload: Workload) -> Iterable[Finding]:
    kind = workload.workload_kind
    if kind not in _GROUPS_WITH_SUBNETS:
        return
    subnets = _parts(workload, ("subnets",))
    if kind not in _ONE_VPC_SUBNETS and len(subnets) != 1:
        return
    if kind not in _ONE_VPC_SUBNETS:
        subnets = subnets[:1]
    parts = subnets + _parts(workload, ("security_groups",))
    yield from _among_themselves(workload, workload.label, parts)


def _target_groups(model, balancer_vpcs: dict) -> Iterable[Finding]:
    """Target groups forwarded to by a listener (or listener rule) of a load balancer in
    another VPC."""
    wired: dict[int, tuple[TargetGroup, list]] = {}  # id(group) -> (group, (balancer, ...))
    for action in [*model.of(LbListener), *model.of(LbListenerRule)]:
        balancer = action.balancer
        reference = balancer_vpcs.get(id(balancer))
        for group in action.forwards_to:
            if not isinstance(group, TargetGroup) or reference is None \
                    or not differ(key_of_link(group.vpc), reference.key):
                continue
            entries = wired.setdefault(id(group), (group, []))[1]
            if all(e[0] is not balancer for e in entries):
                entries.append((balancer, reference, action))
    for group, entries in wired.values():
        balancers = _and(f"{b.display} (subnets in {vpc_name(r.member)})"
                         for b, r, _ in entries)
        message = (f"target group {group.display} is in {link_name(group.vpc)}, but load "
                   f"balancer {balancers} forwards to it: a load balancer forwards only to "
                   "target groups of its own VPC")
        related = []
        for balancer, reference, via in entries:
            related.append(Related(via, f"{via.display} forwards to {group.display}",
                                   field="forwards_to"))
            related.append(Related(balancer, f"the subnets of {balancer.display} are in "
                                   f"{vpc_name(reference.member)}", field="subnets"))
        yield Finding(group, message, field="vpc", related=related)


def _consensus(parts: Iterable[_Part]) -> _Part | None:
    """The first part with a known VPC when every known part agrees, else None."""
    known = [p for p in parts if p.key is not None]
    if not known or any(p.key != known[0].key for p in known):
        return None
    return known[0]


# --- associations of subnets with route tables and network ACLs ------------------------


def _route_table_association(association: RouteTableAssociation) -> Iterable[Finding]:
    table = association.route_table
    anchor = key_of(table)
    if anchor is None:
        return
    for name in ("subnet", "gateway"):
        member = getattr(association, name)
        if not isinstance(member, Component) or not differ(key_of(member), anchor):
            continue
        yield Finding(association, f"route table association {association.display} puts "
                      f"{what(member)} {member.display} ({vpc_name(member)}) on route table "
                      f"{table.display} of {vpc_name(table)}: a route table serves only "
                      "its own VPC", field=name,
                      related=[Related(member, f"{member.display} is in "
                                       f"{vpc_name(member)}", field="vpc"),
                               Related(table, f"{table.display} is in {vpc_name(table)}",
                                       field="vpc")])


def _network_acl(model, acl: NetworkAcl) -> Iterable[Finding]:
    added = {id(a.subnet): a for a in model.linked_from(acl, NetworkAclAssociation, "acl")
             if isinstance(a.subnet, Component)}
    parts = []
    for subnet in acl.subnets:
        association = added.get(id(subnet))
        at, at_field = (association, "subnet") if association else (acl, "subnets")
        parts.append(_Part("subnets", subnet, key_of(subnet), at, at_field))
    anchor = key_of(acl)
    if anchor is None:
        return
    for part in parts:
        if not differ(part.key, anchor):
            continue
        yield Finding(part.at, f"network ACL {acl.display} of {vpc_name(acl)} is "
                      f"associated with subnet {part.member.display} of "
                      f"{vpc_name(part.member)}: a network ACL serves only its own VPC",
                      field=part.at_field,
                      related=[Related(part.member, f"{part.member.display} is in "
                                       f"{vpc_name(part.member)}", field="vpc")])


# --- wording ------------------------------------------------------------------------------


def _listing(parts: list[_Part]) -> str:
    shown = [f"{what(p.member)} {p.member.display} is in {vpc_name(p.member)}"
             for p in parts[:3]]
    more = f" and {len(parts) - 3} more" if len(parts) > 3 else ""
    return _and(shown) + more


def _names(parts: list[_Part]) -> str:
    shown = [f"{what(p.member)} {p.member.display}" for p in parts[:4]]
    return _and(shown) + (f" and {len(parts) - 4} more" if len(parts) > 4 else "")


def _related(parts: list[_Part], first: _Part | None = None) -> list[Related]:
    """Each part in the other VPC, and where the parts other than the first are written."""
    related: list[Related] = []
    shown = {(id(first.at), first.at_field)} if first is not None else set()
    for part in parts:
        where = (id(part.at), part.at_field)
        if first is not None and where not in shown:
            shown.add(where)
            related.append(Related(part.at, f"{part.at.display} adds {what(part.member)} "
                                   f"{part.member.display}", field=part.at_field))
        related.append(Related(part.member, f"{what(part.member)} {part.member.display} is in "
                               f"{vpc_name(part.member)}", field="vpc"))
    return related


def _ordered(fields: set[str], parts: list[_Part]) -> list[str]:
    order = []
    for part in parts:
        if part.field in fields and part.field not in order:
            order.append(part.field)
    return order + sorted(fields - set(order))


def _and(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
