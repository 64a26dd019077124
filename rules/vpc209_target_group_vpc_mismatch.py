"""VPC209 target-group-vpc-mismatch: a target registered in a target group of another VPC.

## What it does
For each ELBv2 target group (`aws_lb_target_group`, `AWS::ElasticLoadBalancingV2::TargetGroup`)
and each VPC Lattice target group whose VPC is known, follows every registration vpclint can see
and reports the ones whose target lives in another VPC:
- an instance target (attachment, inline `Targets`, or an `ip` target written as an instance's
  private IP) whose subnet belongs to another VPC;
- an Application Load Balancer target (`alb` / `ALB` target groups) whose subnets belong to
  another VPC;
- an ECS service (`load_balancer` / `LoadBalancers`, `vpc_lattice_configurations` /
  `VpcLatticeConfigurations`) or an auto-scaling group (`target_group_arns`, `traffic_source`,
  `aws_autoscaling_attachment`) registering into the target group from subnets of another VPC;
- a literal IP target outside the VPC's CIDR blocks (and outside every subnet of the scan in
  that VPC) that is publicly routable (only RFC 1918 and RFC 6598 addresses can be registered
  outside the VPC); or, for an ELBv2 target group, a private one registered without
  `availability_zone` / `AvailabilityZone` (AWS requires it, usually `all`, for an address
  outside the VPC: a peered VPC or on-premises).

The finding points at the registration, the target group's VPC and the target's subnet as
related. VPCs, subnets and addresses vpclint cannot know (variables, parameters, lookups) keep
it silent, and so does a target given by a literal id or ARN. When a load balancer that
forwards to the target group is in another VPC as well, the group's own VPC is the likely
mistake: VPC201 reports the group's VPC, and these registrations are not reported besides
(`--ignore VPC201` brings them back).

## Why it matters
A target group belongs to one VPC. Instances and Application Load Balancers must be in it, and
ECS and auto-scaling register their tasks and instances into it, so a target from another VPC
is refused at registration ("The following targets are not in the target group VPC") and the
service deploys with no healthy target. IP targets outside the VPC are allowed only from
private ranges and, for ELBv2, with an explicit Availability Zone; otherwise registration fails
too. The usual cause is a module wired with the wrong `vpc_id` or subnets after a copy.

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

resource "aws_instance" "web" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.shared_a.id
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.app.id
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.id
  port             = 80
}
```
CloudFormation:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
TargetGroup:
  Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Properties:
    VpcId: !Ref Vpc
    TargetType: ip
    Protocol: TCP
    Port: 443
    Targets:
      - Id: 192.168.10.25
        Port: 443
```

## Use instead
Terraform: register targets of the target group's own VPC:
```hcl
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "app_a" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_instance" "web" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app_a.id
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.app.id
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.id
  port             = 80
}
```
CloudFormation: an address outside the VPC (peered or on-premises) with its Availability Zone:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
TargetGroup:
  Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Properties:
    VpcId: !Ref Vpc
    TargetType: ip
    Protocol: TCP
    Port: 443
    Targets:
      - Id: 192.168.10.25
        Port: 443
        AvailabilityZone: all
```

## References
- https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetDescription.html
- https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/register-targets.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/alb-target.html
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from typing import Any, Iterator

from ._lattice import upper
from vpclint.model.components import (Component, External, LatticeTarget, LatticeTargetGroup,
                                      LbTarget, LoadBalancer, Subnet, TargetGroup,
                                      TargetRegistrar, Vpc)
from vpclint.model.workloads import Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC209", "target-group-vpc-mismatch", Level.ERROR,
                "A target group's targets are in another VPC than the target group")

# the only ranges an IP target outside the target group's VPC may come from
_OUTSIDE_ALLOWED = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))
# workloads that register into target groups from their own subnets
_REGISTERING = ("ecs_service", "autoscaling_group")


def check(ctx: Context):
    model = ctx.model
    workloads = _Registrants(model)
    for group in [*model.of(TargetGroup), *model.of(LatticeTargetGroup)]:
        tg_vpc = _vpc_key(group.vpc)
        if tg_vpc is None:
            continue
        kind = upper(group.target_type)  # UNKNOWN: None (the ELBv2 default is in the model)
        if kind not in ("INSTANCE", "IP", "ALB"):
            continue
        for registration in group.targets:
            yield from _attached(model, group, kind, tg_vpc, registration)
        if kind == "ALB":
            continue
        for workload, field in workloads.registering(group):
            subnet = _foreign_subnet(workload.subnets, tg_vpc)
            if subnet is not None:
                yield _finding(group, workload, field, workload.label, subnet)
        for registrar in workloads.registrars(group):
            subnet = _foreign_subnet(registrar.source.subnets, tg_vpc)
            if subnet is not None:
                yield _finding(group, registrar, "target_groups",
                               f"{registrar.source.label} (through {registrar.display})", subnet)


def _attached(model, group, kind: str, tg_vpc: tuple, registration) -> Iterator[Finding]:
    """A registration by attachment or inline ``Targets``."""
    if not isinstance(registration, (LbTarget, LatticeTarget)):
        return
    target = registration.target
    if isinstance(target, Workload) and target.workload_kind == "instance" and \
            kind in ("INSTANCE", "IP"):
        if kind == "IP" and (isinstance(group, LatticeTargetGroup)
                             or getattr(registration, "availability_zone", None) is not None):
            return  # by IP, an address outside the VPC may be meant (peering, VPN)
        subnet = _foreign_subnet(target.subnets, tg_vpc)
        if subnet is not None:
            attribute = registration.source_name("availability_zone")
            why = (f"an address outside the target group's VPC must be registered with "
                   f"{attribute} (all), so registration fails; set {attribute} to all (for a "
                   f"peered VPC)" if kind == "IP" else None)
            yield _finding(group, registration, "target", target.label, subnet, why)
    elif isinstance(target, LoadBalancer) and kind == "ALB":
        subnet = _foreign_subnet(target.subnets, tg_vpc)
        if subnet is not None:
            yield _finding(group, registration, "target", f"load balancer {target.display}",
                           subnet)
    elif isinstance(target, External) and target.type is None and kind == "IP":
        finding = _ip_target(model, group, registration, target.value)
        if finding is not None:
            yield finding


def _ip_target(model, group, registration, value: str) -> Finding | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    vpc = group.vpc
    if address.version != 4 or not isinstance(vpc, Vpc):
        return None
    blocks = _vpc_blocks(model, vpc)
    if blocks is None or any(address in block for block in blocks):
        return None
    label = "Lattice target group" if isinstance(group, LatticeTargetGroup) else "target group"
    related = [Related(group, f"{label} {group.display} is in VPC {vpc.display}", field="vpc"),
               Related(vpc, f"VPC {vpc.display} ({_cidrs(vpc)})", field="cidr_blocks")]
    if not any(address in network for network in _OUTSIDE_ALLOWED):
        return Finding(registration, f"IP target {address} of {label} {group.display} is "
                       f"outside its VPC {vpc.display} ({_cidrs(vpc)}) and not a private address: "
                       "outside the VPC only RFC 1918 (10.0.0.0/8, 172.16.0.0/12, "
                       "192.168.0.0/16) and RFC 6598 (100.64.0.0/10) addresses can be "
                       "registered", field="target", related=related, subjects=(group,))
    if isinstance(group, LatticeTargetGroup) or \
            getattr(registration, "availability_zone", None) is not None:
        return None
    attribute = registration.source_name("availability_zone")
    return Finding(registration, f"IP target {address} of {label} {group.display} is "
                   f"outside its VPC {vpc.display} ({_cidrs(vpc)}) and sets no {attribute}: AWS "
                   f"requires it for an address outside the VPC (a peered VPC or on-premises), "
                   f"so registration fails; set {attribute} to all, or register an address of "
                   "the VPC", field="target", related=related, subjects=(group,))


def _vpc_blocks(model, vpc: Vpc) -> list | None:
    """The VPC's known IPv4 ranges (its CIDR blocks and the CIDRs of its subnets in the scan,
    which cover secondary blocks); None when one of them is not known."""
    blocks = []
    raw = list(vpc.cidr_blocks) if isinstance(vpc.cidr_blocks, list) else None
    if not raw:
        return None
    subnets = model.linked_from(vpc, Subnet, "vpc")
    raw += [s.cidr_block for s in subnets if s.cidr_block is not None]
    for cidr in raw:
        if not isinstance(cidr, str):
            return None
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            return None
        if network.version == 4:
            blocks.append(network)
    return blocks


def _cidrs(vpc: Vpc) -> str:
    return ", ".join(str(c) for c in vpc.cidr_blocks) if isinstance(vpc.cidr_blocks, list) \
        else "CIDR not known"


def _vpc_key(vpc: Any) -> tuple | None:
    """Identity of a VPC: the in-scan component, or a literal ``vpc-...`` id."""
    if isinstance(vpc, Vpc):
        return ("component", id(vpc))
    if isinstance(vpc, External) and vpc.type is None and vpc.value.startswith("vpc-"):
        return ("literal", vpc.value)
    return None


def _foreign_subnet(subnets, tg_vpc: tuple) -> Subnet | None:
    """The first subnet known to be in another VPC than ``tg_vpc`` (only VPCs named the same
    way, two components or two literal ids, can be compared)."""
    for subnet in subnets:
        if not isinstance(subnet, Subnet):
            continue
        key = _vpc_key(subnet.vpc)
        if key is not None and key[0] == tg_vpc[0] and key != tg_vpc:
            return subnet
    return None


def _finding(group, registration: Component, field: str, target: str,
             subnet: Subnet, why: str | None = None) -> Finding:
    label = "Lattice target group" if isinstance(group, LatticeTargetGroup) else "target group"
    there, here = _vpc_name(subnet.vpc), _vpc_name(group.vpc)
    why = why or ("targets must be in the target group's VPC, so registration fails; use "
                  f"subnets of that VPC or a target group in VPC {there}")
    return Finding(
        registration, f"{target} is registered in {label} {group.display} of VPC {here}, but "
        f"it is in subnet {subnet.display} of VPC {there}: {why}", field=field,
        related=[Related(group, f"{label} {group.display} is in VPC {here}", field="vpc"),
                 Related(subnet, f"subnet {subnet.display} is in VPC {there}", field="vpc")],
        subjects=(group,))  # the registration's defect is the group's too: its VPC may be wrong


def _vpc_name(vpc: Any) -> str:
    if isinstance(vpc, Component):
        return vpc.display
    if isinstance(vpc, External):
        return vpc.value
    return "?"


class _Registrants:
    """Workloads and registrars that register into each target group, indexed once (an
    auto-scaling group's traffic sources may name ELBv2 or Lattice target groups)."""

    def __init__(self, model):
        self.by_group: dict[int, list[tuple[Workload, str]]] = defaultdict(list)
        for workload in model.of(Workload):
            if workload.workload_kind not in _REGISTERING:
                continue
            for field in ("target_groups", "lattice_target_groups"):
                for group in getattr(workload, field):
                    entries = self.by_group[id(group)]
                    if not any(w is workload for w, _ in entries):
                        entries.append((workload, field))
        self.by_registrar: dict[int, list[TargetRegistrar]] = defaultdict(list)
        for registrar in model.of(TargetRegistrar):
            source = registrar.source
            if isinstance(source, Workload) and source.workload_kind == "autoscaling_group":
                for group in registrar.target_groups:
                    self.by_registrar[id(group)].append(registrar)

    def registering(self, group) -> list[tuple[Workload, str]]:
        return self.by_group.get(id(group), [])

    def registrars(self, group) -> list[TargetRegistrar]:
        return self.by_registrar.get(id(group), [])
