"""VPC210 lattice-protocol-mismatch: a Lattice listener and its target group do not fit together.

## What it does
Checks how VPC Lattice listeners, rules and target groups are combined, and reports:
- a `TLS_PASSTHROUGH` listener that forwards to a target group that is not TCP (an HTTP or
  HTTPS target group, or a LAMBDA one);
- an `HTTP` or `HTTPS` listener (or one of its rules) that forwards to a TCP target group;
- a LAMBDA target group with a `config` setting anything but `lambda_event_structure_version` /
  `LambdaEventStructureVersion` (port, protocol, protocol version, VPC, IP address type and
  health check are not supported for LAMBDA target groups);
- a target group that listeners or rules of two different Lattice services forward to.

Protocols, types and services vpclint cannot know (variables, parameters, references outside
the scan) are not reported.

## Why it matters
Lattice checks these combinations when the listener, rule or target group is created, so the
apply or the stack fails: a TLS listener passes the encrypted stream through and can only hand
it to a TCP target group (Lambda targets are not supported behind it), while HTTP and HTTPS
listeners terminate HTTP and forward requests to HTTP or HTTPS target groups. A LAMBDA target
group has no VPC, port or protocol. A target group serves a single service: "you can specify the
same target group in multiple listeners, but these listeners must belong to the same service".

## Example
Terraform:
```hcl
resource "aws_vpclattice_service" "payments" {
  name               = "payments"
  custom_domain_name = "payments.example.internal"
}

resource "aws_vpclattice_target_group" "payments" {
  name = "payments"
  type = "INSTANCE"
  config {
    vpc_identifier = "vpc-0123456789abcdef0"
    port           = 443
    protocol       = "HTTPS"
  }
}

resource "aws_vpclattice_listener" "tls" {
  name               = "tls"
  protocol           = "TLS_PASSTHROUGH"
  port               = 443
  service_identifier = aws_vpclattice_service.payments.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.payments.id
      }
    }
  }
}
```
CloudFormation:
```yaml
OrdersFunctionTargetGroup:
  Type: AWS::VpcLattice::TargetGroup
  Properties:
    Name: orders-fn
    Type: LAMBDA
    Config:
      Port: 443
      Protocol: HTTPS
      VpcIdentifier: vpc-0123456789abcdef0
    Targets:
      - Id: arn:aws:lambda:us-east-1:111122223333:function:orders
```

## Use instead
Terraform: a TCP target group behind the TLS passthrough listener:
```hcl
resource "aws_vpclattice_service" "payments" {
  name               = "payments"
  custom_domain_name = "payments.example.internal"
}

resource "aws_vpclattice_target_group" "payments" {
  name = "payments"
  type = "INSTANCE"
  config {
    vpc_identifier = "vpc-0123456789abcdef0"
    port           = 443
    protocol       = "TCP"
  }
}

resource "aws_vpclattice_listener" "tls" {
  name               = "tls"
  protocol           = "TLS_PASSTHROUGH"
  port               = 443
  service_identifier = aws_vpclattice_service.payments.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.payments.id
      }
    }
  }
}
```
CloudFormation: a LAMBDA target group configures only its event structure version:
```yaml
OrdersFunctionTargetGroup:
  Type: AWS::VpcLattice::TargetGroup
  Properties:
    Name: orders-fn
    Type: LAMBDA
    Config:
      LambdaEventStructureVersion: V2
    Targets:
      - Id: arn:aws:lambda:us-east-1:111122223333:function:orders
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/tls-listeners.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/create-target-group.html
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_TargetGroupConfig.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/lambda-functions.html
"""

from __future__ import annotations

from collections import defaultdict

from ._lattice import upper
from vpclint.model.components import (Component, LatticeService, LatticeTargetGroup, Listener,
                                      ListenerRule)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC210", "lattice-protocol-mismatch", Level.ERROR,
                "A Lattice listener forwards to a target group of the wrong protocol or type, a "
                "LAMBDA target group has a config, or two services share a target group")

_HTTP = ("HTTP", "HTTPS")
_LAMBDA_CONFIG = ("lambda_event_structure_version", "LambdaEventStructureVersion")


def check(ctx: Context):
    model = ctx.model
    users: dict[int, list[tuple[Component, LatticeService]]] = defaultdict(list)
    for action in [*model.of(Listener), *model.of(ListenerRule)]:
        listener = action if isinstance(action, Listener) else action.listener
        protocol = upper(listener.protocol) if isinstance(listener, Listener) else None
        service = _service(action)
        for group in action.forwards_to:
            if not isinstance(group, LatticeTargetGroup):
                continue
            if protocol is not None:
                finding = _protocol_mismatch(action, listener, protocol, group)
                if finding is not None:
                    yield finding
            if service is not None:
                users[id(group)].append((action, service))
    for group in model.of(LatticeTargetGroup):
        if upper(group.target_type) == "LAMBDA":
            finding = _lambda_config(group)
            if finding is not None:
                yield finding
        services = []
        for _, service in users.get(id(group), []):
            if service not in services:
                services.append(service)
        if len(services) > 1:
            yield _shared(group, users[id(group)], services)


def _protocol_mismatch(action, listener: Listener, protocol: str,
                       group: LatticeTargetGroup) -> Finding | None:
    kind = upper(group.target_type)
    target = upper(group.protocol)
    what = "listener rule" if isinstance(action, ListenerRule) else "listener"
    head = f"{what} {action.display}" if action is listener else \
        f"{what} {action.display} (of {protocol} listener {listener.display})"
    related = [Related(group, f"Lattice target group {group.display}",
                       field="protocol" if target is not None else "target_type")]
    if action is not listener:
        related.append(Related(listener, f"{protocol} listener {listener.display}",
                               field="protocol"))
    if protocol == "TLS_PASSTHROUGH":
        if kind == "LAMBDA":
            return Finding(action, f"{head} is a TLS_PASSTHROUGH listener forwarding to LAMBDA "
                           f"target group {group.display}: a TLS listener passes the encrypted "
                           "stream through and supports only TCP target groups, not Lambda "
                           "targets", field="forwards_to", related=related)
        if target in _HTTP:
            return Finding(action, f"{head} is a TLS_PASSTHROUGH listener forwarding to "
                           f"{target} target group {group.display}: a TLS listener passes the "
                           "encrypted stream through and must forward to a TCP target group",
                           field="forwards_to", related=related)
    elif protocol in _HTTP and target == "TCP" and kind != "LAMBDA":
        return Finding(action, f"{head} forwards {protocol} requests to TCP target group "
                       f"{group.display}: TCP target groups serve only TLS_PASSTHROUGH "
                       "listeners; use an HTTP or HTTPS target group (or a TLS_PASSTHROUGH "
                       "listener)", field="forwards_to", related=related)
    return None


def _lambda_config(group: LatticeTargetGroup) -> Finding | None:
    config = group.config
    if isinstance(config, list):  # a Terraform block list
        config = config[0] if len(config) == 1 else None
    if not isinstance(config, dict):
        return None
    extra = [key for key, value in config.items()
             if key not in _LAMBDA_CONFIG and value is not None and value != []
             and not isinstance(value, Unknown)]
    if not extra:
        return None
    block = "config" if group.flavour == "terraform" else "Config"
    version = _LAMBDA_CONFIG[0] if group.flavour == "terraform" else _LAMBDA_CONFIG[1]
    return Finding(group, f"LAMBDA target group {group.display} sets {', '.join(extra)} in its "
                   f"{block}: a LAMBDA target group has no VPC, port, protocol or health check "
                   f"(only {version} may be configured), so creating it fails",
                   field="config")


def _service(action) -> LatticeService | None:
    """The Lattice service a listener or rule belongs to, when it is in the scan."""
    if isinstance(action, Listener):
        return action.service if isinstance(action.service, LatticeService) else None
    if isinstance(action.service, LatticeService):
        return action.service
    listener = action.listener
    if isinstance(listener, Listener) and isinstance(listener.service, LatticeService):
        return listener.service
    return None


def _shared(group: LatticeTargetGroup, uses, services) -> Finding:
    names = ", ".join(s.display for s in services[:3])
    more = f" and {len(services) - 3} more" if len(services) > 3 else ""
    return Finding(group, f"Lattice target group {group.display} is used by {len(services)} "
                   f"services ({names}{more}): a target group serves a single service, so the "
                   "second listener or rule is refused; give each service its own target group",
                   related=[Related(action, f"{_what(action)} {action.display} of service "
                            f"{service.display} forwards to {group.display}",
                            field="forwards_to")
                            for action, service in uses])


def _what(action) -> str:
    return "listener rule" if isinstance(action, ListenerRule) else "listener"
