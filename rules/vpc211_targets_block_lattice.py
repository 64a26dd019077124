"""VPC211 targets-block-lattice: a Lattice target's security groups do not admit VPC Lattice.

## What it does
For each VPC Lattice target group of type INSTANCE, IP or ALB, finds the targets whose security
groups vpclint knows:
- targets attached inline (CloudFormation `Targets`) or with
  `aws_vpclattice_target_group_attachment`, when the target is an instance of the scan (also an
  IP target written as the instance's private IP) or an Application Load Balancer;
- ECS services registered through `vpc_lattice_configurations` / `VpcLatticeConfigurations`
  (the port of the named container port mapping);
- auto-scaling groups registered through `traffic_source` / `TrafficSources`.

It reports a target whose security groups admit, on the target port (and the health-check port
when set), neither the `com.amazonaws.<region>.vpc-lattice` prefix list (169.254.171.0/24), nor
its IPv6 list, nor `0.0.0.0/0`. A rule for the VPC CIDR does not count: Lattice connects from its
link-local range, not from the VPC. Literal IP targets, Lambda targets, prefix lists it cannot
identify (a `pl-` id, a lookup) and rules it cannot read keep it silent.

## Why it matters
Lattice health checks and requests both arrive from the Lattice prefix list. Targets that do not
admit it stay unhealthy and every request fails with a 5xx, although the same security group
"allows the VPC".

## Example
Terraform: the instance admits the VPC CIDR only:
```hcl
resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_vpclattice_target_group" "web" {
  name = "web"
  type = "INSTANCE"
  config {
    vpc_identifier = aws_vpc.main.id
    port           = 80
    protocol       = "HTTP"
  }
}

resource "aws_vpclattice_target_group_attachment" "web" {
  target_group_identifier = aws_vpclattice_target_group.web.id
  target {
    id   = aws_instance.web.id
    port = 80
  }
}
```
CloudFormation:
```yaml
WebSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: web
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 80
        ToPort: 80
        CidrIp: 10.0.0.0/16
WebInstance:
  Type: AWS::EC2::Instance
  Properties:
    ImageId: ami-0c02fb55956c7d316
    InstanceType: t3.micro
    SecurityGroupIds: [!Ref WebSecurityGroup]
WebTargetGroup:
  Type: AWS::VpcLattice::TargetGroup
  Properties:
    Name: web
    Type: INSTANCE
    Config:
      VpcIdentifier: !Ref Vpc
      Port: 80
      Protocol: HTTP
    Targets:
      - Id: !Ref WebInstance
        Port: 80
```

## Use instead
Terraform: admit Lattice's link-local range (or its prefix list: `prefix_list_ids` from a
`data.aws_ec2_managed_prefix_list` named `com.amazonaws.us-east-1.vpc-lattice`):
```hcl
resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16", "169.254.171.0/24"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_vpclattice_target_group" "web" {
  name = "web"
  type = "INSTANCE"
  config {
    vpc_identifier = aws_vpc.main.id
    port           = 80
    protocol       = "HTTP"
  }
}

resource "aws_vpclattice_target_group_attachment" "web" {
  target_group_identifier = aws_vpclattice_target_group.web.id
  target {
    id   = aws_instance.web.id
    port = 80
  }
}
```
CloudFormation:
```yaml
WebSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: web
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 80
        ToPort: 80
        CidrIp: 169.254.171.0/24
WebInstance:
  Type: AWS::EC2::Instance
  Properties:
    ImageId: ami-0c02fb55956c7d316
    InstanceType: t3.micro
    SecurityGroupIds: [!Ref WebSecurityGroup]
WebTargetGroup:
  Type: AWS::VpcLattice::TargetGroup
  Properties:
    Name: web
    Type: INSTANCE
    Config:
      VpcIdentifier: !Ref Vpc
      Port: 80
      Protocol: HTTP
    Targets:
      - Id: !Ref WebInstance
        Port: 80
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/target-groups.html
"""

from __future__ import annotations

from typing import Any, Iterator

from ._lattice import upper
from ._security import group_related, ports_text
from vpclint.analyze.security import (LATTICE_V4, LATTICE_V6, describe_rules, rule_opens,
                                      sg_allows)
from vpclint.model.components import Component, LatticeTargetGroup, LoadBalancer, SecurityGroup
from vpclint.model.workloads import TaskDefinition, Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC211", "targets-block-lattice", Level.ERROR,
                "A VPC Lattice target's security groups do not admit the Lattice prefix list",
                needs_analysis=True)

_TYPES = ("INSTANCE", "IP", "ALB")


def check(ctx: Context):
    model = ctx.model
    security = ctx.analysis.security
    blocked: dict[int, list] = {}  # target -> [(target group, port, role, registration)]
    targets: dict[int, tuple] = {}
    for target, group, port, via in _registrations(model):
        groups = _groups(security, target)
        if groups is None:
            continue
        ports = [(port, "traffic")]
        health = _int(group.health_check_port)
        if health is not None and health != port:
            ports.append((health, "health checks"))
        for checked, role in ports:
            entries = blocked.setdefault(id(target), [])
            if any(e[0] is group and e[1] == checked for e in entries):
                continue
            if sg_allows(groups, "ingress", "tcp", checked, (LATTICE_V4, LATTICE_V6)) is False:
                entries.append((group, checked, role, via))
                targets[id(target)] = (target, groups)
    for key, (target, groups) in targets.items():
        yield _finding(target, groups, blocked[key])


def _finding(target, groups, entries) -> Finding:
    related = []
    for group, _, _, via in entries:
        if not any(r.component is group for r in related):
            related.append(Related(group, "Lattice target group", "port"))
        if via is not None:
            related.append(Related(via, "registration of the target", "target"))
    related += group_related(groups, "security group of the target")
    uses = "; ".join(f"{role} of target group {group.display} on {ports_text(port)}"
                     for group, port, role, _ in entries)
    region = target.resource.region
    region = region if isinstance(region, str) else "<region>"
    hint = ("; Lattice connects from that link-local range, which a VPC CIDR rule does not "
            "cover" if any(_cidr_rule_on(groups, port) for _, port, _, _ in entries) else "")
    return Finding(
        target, f"{_label(target)} is a VPC Lattice target, but its security groups admit "
        f"neither the com.amazonaws.{region}.vpc-lattice prefix list (169.254.171.0/24), its "
        f"IPv6 list, nor 0.0.0.0/0 for the {uses} ({describe_rules(groups, 'ingress')}){hint}",
        field="security_groups", related=related)


def _cidr_rule_on(groups, port) -> bool:
    """Some ingress rule opens ``port`` to a CIDR (the VPC's, usually)."""
    return any(rule.direction == "ingress" and isinstance(rule.cidrs, list) and rule.cidrs
               and rule_opens(rule, "tcp", port) is True
               for group in groups.items if isinstance(group, SecurityGroup)
               for rule in group.rules)


def _registrations(model) -> Iterator[tuple[Component, LatticeTargetGroup, Any, Any]]:
    """(target, target group, port, attachment) for every target vpclint can follow."""
    for group in model.of(LatticeTargetGroup):
        if upper(group.target_type) not in _TYPES:
            continue
        for attachment in group.targets:
            target = attachment.target
            if not isinstance(target, (Workload, LoadBalancer)):
                continue
            port = _int(attachment.port)
            yield target, group, port if port is not None else _int(group.port), attachment
    for workload in model.of(Workload):
        groups = [g for g in workload.lattice_target_groups if isinstance(g, LatticeTargetGroup)]
        for group in groups:
            if upper(group.target_type) not in _TYPES:
                continue
            if workload.workload_kind == "ecs_service":
                port = _container_port(workload, len(groups))
            else:
                port = _int(group.port)
            yield workload, group, port, None


def _groups(security, target: Component):
    if isinstance(target, Workload):
        if target.workload_kind not in ("instance", "ecs_service", "autoscaling_group"):
            return None
        return security.workload_groups(target)
    if isinstance(target, LoadBalancer):
        if target.lb_type != "application":
            return None
        return security.with_default(target.security_groups, security.vpc_of(target))
    return None


def _container_port(service: Workload, registrations: int) -> int | None:
    """The container port of the named port mapping an ECS service registers (None: any)."""
    names = [n for n in service.lattice_port_names if isinstance(n, str)]
    task = service.task_definition
    if registrations != 1 or len(names) != 1 or not isinstance(task, TaskDefinition):
        return None
    if not isinstance(task.containers, list):
        return None
    for container in task.containers:
        if not isinstance(container, dict):
            return None
        for mapping in container.get("portMappings") or container.get("PortMappings") or []:
            if isinstance(mapping, dict) and (mapping.get("name") or mapping.get("Name")) == \
                    names[0]:
                return _int(mapping.get("containerPort") or mapping.get("ContainerPort"))
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None or isinstance(value, Unknown):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _label(target: Component) -> str:
    if isinstance(target, Workload):
        return target.label
    return f"load balancer {target.display}"
