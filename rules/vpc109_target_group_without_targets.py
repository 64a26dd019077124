"""VPC109 target-group-without-targets: a listener forwards to a target group that gets no targets.

## What it does
Finds target groups, VPC Lattice (`aws_vpclattice_target_group`,
`AWS::VpcLattice::TargetGroup`) or ELBv2 (`aws_lb_target_group`,
`AWS::ElasticLoadBalancingV2::TargetGroup`), that a listener or listener rule of the scan forwards
to, but that nothing registers targets in:

- no inline `Targets` (CloudFormation) and no attachment (`aws_vpclattice_target_group_attachment`,
  `aws_lb_target_group_attachment`);
- no ECS service naming it (`load_balancer` / `LoadBalancers`, `vpc_lattice_configurations` /
  `VpcLatticeConfigurations`), no ECS task set;
- no auto-scaling group naming it (`target_group_arns` / `TargetGroupARNs`, `traffic_source` /
  `TrafficSources`), no `aws_autoscaling_attachment` or `aws_autoscaling_traffic_source_attachment`;
- no CodeDeploy deployment group naming it (blue/green deployments register targets themselves).

A target group that one of these might name through a variable, a parameter or a data source is
not reported, nor is one handed to what vpclint cannot see (a stack output, a module it cannot
read, a custom resource, a provisioner's command), nor one named by a resource type vpclint does
not model (a spot fleet, a Kubernetes `TargetGroupBinding`) or by the environment or code of a
Lambda function (a registrar calling `register_targets`): its targets are not known. An alarm or
a scaling policy that watches the group registers nothing. Neither is a target group that is only the default action of listeners handed out so: other
stacks add the listener rules that carry the traffic, and an empty default target group is then a
deliberate catch-all that drops unmatched requests.

## Why it matters
A listener that forwards to an empty target group has nowhere to send requests: an Application
Load Balancer answers 503, a Network or Gateway Load Balancer drops the connections, and a
Lattice service returns 503 to its clients. Health checks report nothing, because there is
nothing to check, so the breakage shows only when traffic arrives.

## Example
Terraform:
```hcl
resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-0a1b2c3d4e5f60001"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
```
CloudFormation:
```yaml
WebTargetGroup:
  Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Properties:
    Port: 8080
    Protocol: HTTP
    VpcId: vpc-0a1b2c3d4e5f60001
HttpListener:
  Type: AWS::ElasticLoadBalancingV2::Listener
  Properties:
    LoadBalancerArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef
    Port: 80
    Protocol: HTTP
    DefaultActions:
      - Type: forward
        TargetGroupArn: !Ref WebTargetGroup
```

## Use instead
Terraform:
```hcl
resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-0a1b2c3d4e5f60001"
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = "i-0a1b2c3d4e5f60001"
  port             = 8080
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
```
CloudFormation:
```yaml
WebTargetGroup:
  Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Properties:
    Port: 8080
    Protocol: HTTP
    VpcId: vpc-0a1b2c3d4e5f60001
    Targets:
      - Id: i-0a1b2c3d4e5f60001
HttpListener:
  Type: AWS::ElasticLoadBalancingV2::Listener
  Properties:
    LoadBalancerArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef
    Port: 80
    Protocol: HTTP
    DefaultActions:
      - Type: forward
        TargetGroupArn: !Ref WebTargetGroup
```

## References
- https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/target-groups.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html
- https://docs.aws.amazon.com/autoscaling/ec2/userguide/attach-load-balancer-asg.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb_target_group_attachment
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-targetgroup.html
"""

from __future__ import annotations

from collections import defaultdict

from ._pairing import referrers_in_scope, unmodelled_resource
from vpclint.model.components import (External, LatticeTarget, LatticeTargetGroup, LbListener,
                                      LbListenerRule, LbTarget, Listener, ListenerRule,
                                      TargetGroup, TargetRegistrar)
from vpclint.model.workloads import Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC109", "target-group-without-targets", Level.WARNING,
                "A listener forwards to a target group that nothing registers targets in")

# (kind, field) of everything that registers targets in a target group
_REGISTRARS = ((LatticeTarget, "target_group"), (LbTarget, "target_group"),
               (Workload, "lattice_target_groups"), (Workload, "target_groups"),
               (TargetRegistrar, "target_groups"))


def check(ctx: Context):
    model = ctx.model
    forwarders: dict[int, list] = defaultdict(list)
    for kind in (Listener, ListenerRule, LbListener, LbListenerRule):
        for action in model.of(kind):
            for group in action.forwards_to:
                forwarders[id(group)].append(action)
    registrars = [referrers_in_scope(model, kind, field, maybe=unmodelled_resource)
                  for kind, field in _REGISTRARS]
    names = _names_registered(model)
    for group in [*model.of(LatticeTargetGroup), *model.of(TargetGroup)]:
        listeners = forwarders.get(id(group))
        if not listeners or group.targets or group.targets_open:
            continue
        if any(not registrar(group).known_empty for registrar in registrars):
            continue
        if isinstance(group, TargetGroup) and _named_by_registrar(group, names):
            continue
        if all(_shared_listener_default(action, model) for action in listeners):
            continue
        label = "Lattice target group" if isinstance(group, LatticeTargetGroup) else \
            "target group"
        yield Finding(group, f"{label} {group.display} has no targets, yet "
                      f"{_listing(listeners)} forward{'s' if len(listeners) == 1 else ''} to it: "
                      "requests that reach it fail (register targets with an attachment, inline "
                      "targets, an ECS service or an auto-scaling group)",
                      related=[Related(listener, f"{_what(listener)} {listener.display} "
                                       f"forwards to {group.display}", field="forwards_to")
                               for listener in listeners])


def _shared_listener_default(action, model) -> bool:
    """True for the default action of a listener handed to what vpclint cannot see (a stack
    output, a module it cannot read): other stacks add the rules that carry traffic, and an
    empty default target group is the catch-all that drops what matches none of them (the
    pattern before fixed responses)."""
    return isinstance(action, (Listener, LbListener)) and model.open_to_unseen(action)


def _listing(listeners) -> str:
    shown = ", ".join(f"{_what(listener)} {listener.display}" for listener in listeners[:3])
    more = f" and {len(listeners) - 3} more" if len(listeners) > 3 else ""
    return f"{shown}{more}"


def _what(action) -> str:
    return "listener rule" if isinstance(action, (ListenerRule, LbListenerRule)) else "listener"


def _names_registered(model) -> dict[str, set[str]]:
    """Literal target group names that registrars (CodeDeploy deployment groups) name, by scope
    (literal ARNs name target groups outside the scan)."""
    names: dict[str, set[str]] = defaultdict(set)
    for registrar in model.of(TargetRegistrar):
        for member in registrar.target_groups.external:
            if (isinstance(member, External) and member.type is None
                    and not member.value.startswith("arn:")):
                names[registrar.resource.scope].add(member.value)
    return names


def _named_by_registrar(group: TargetGroup, names: dict[str, set[str]]) -> bool:
    """True when a registrar names ``group`` by its name (or names one vpclint cannot tell)."""
    in_scope = names.get(group.resource.scope, set())
    if not in_scope:
        return False
    if not isinstance(group.name, str):
        return True  # an unnamed or UNKNOWN name: one of the names may be this group's
    return group.name in in_scope
