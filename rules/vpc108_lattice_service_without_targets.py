"""VPC108 lattice-service-without-targets: a Lattice service that forwards to nothing.

## What it does
Finds VPC Lattice services (`aws_vpclattice_service`, `AWS::VpcLattice::Service`) that have no
listener anywhere in the scan, or whose listeners' default actions and listener rules only return
fixed responses: none forwards to a target group. Listeners and rules are joined over the whole
scan, wherever they are declared; a listener or rule whose service, or a forward whose target
group, comes from a variable or parameter keeps the rule silent.

## Why it matters
A Lattice service answers clients only through its listeners, and reaches a backend only when a
listener or rule forwards to a target group. With no listener, connections to the service's DNS
name are refused; with fixed responses only, every request gets the same canned answer and never
reaches an application. Both are usually a half-finished change or a target group wired to the
wrong service.

## Example
Terraform:
```hcl
resource "aws_vpclattice_service" "orders" {
  name = "orders"
}

resource "aws_vpclattice_listener" "http" {
  name               = "http"
  protocol           = "HTTP"
  service_identifier = aws_vpclattice_service.orders.id

  default_action {
    fixed_response {
      status_code = 404
    }
  }
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::VpcLattice::Service
  Properties:
    Name: orders
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_service" "orders" {
  name = "orders"
}

resource "aws_vpclattice_listener" "http" {
  name               = "http"
  protocol           = "HTTP"
  service_identifier = aws_vpclattice_service.orders.id

  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.orders.id
      }
    }
  }
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::VpcLattice::Service
  Properties:
    Name: orders
OrdersListener:
  Type: AWS::VpcLattice::Listener
  Properties:
    Protocol: HTTP
    ServiceIdentifier: !Ref OrdersService
    DefaultAction:
      Forward:
        TargetGroups:
          - TargetGroupIdentifier: !Ref OrdersTargetGroup
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/services.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/listeners.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/listener-rules.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_listener
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-listener.html
"""

from __future__ import annotations

from ._lattice import rules_by_service
from ._pairing import referrers_in_scope
from vpclint.model.components import LatticeService, Links, Listener
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC108", "lattice-service-without-targets", Level.WARNING,
                "A Lattice service has no listener, or its listeners forward to no target group")


def check(ctx: Context):
    model = ctx.model
    listeners_of = referrers_in_scope(model, Listener, "service")
    rules_of = rules_by_service(model)
    for service in model.of(LatticeService):
        listeners = listeners_of(service)
        if listeners.open:
            continue
        if not listeners.items:
            yield Finding(service, f"Lattice service {service.display} has no listener: clients "
                          "that resolve its name get connections refused (add a listener that "
                          "forwards to a target group)")
            continue
        rules: Links = rules_of(service)
        if rules.open:
            continue
        actions = [*listeners, *rules]
        if any(not action.forwards_to.known_empty for action in actions):
            continue
        names = ", ".join(listener.display for listener in listeners)
        related = [Related(listener, f"listener {listener.display} of {service.display} only "
                           "returns a fixed response") for listener in listeners]
        related += [Related(rule, f"listener rule {rule.display} of {service.display} only "
                            "returns a fixed response") for rule in rules]
        rule_note = " and its listener rules" if rules.items else ""
        plural = len(listeners) > 1 or bool(rules.items)
        yield Finding(service, f"Lattice service {service.display} forwards to no target group: "
                      f"its listener{'s' if len(listeners) > 1 else ''} {names}{rule_note} only "
                      f"return{'' if plural else 's'} fixed responses, so no request reaches a "
                      "backend (forward the default action or a rule to a target group)",
                      related=related)
