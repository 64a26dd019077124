"""VPC402 endpoint-policy-full-access: an S3/DynamoDB endpoint open to all, or a deny-only policy.

## What it does
Finds VPC endpoints (`aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint`) for Amazon S3 or DynamoDB,
Gateway or Interface, whose endpoint policy grants full access:
- no policy at all (`policy` / `PolicyDocument` not set, and no `aws_vpc_endpoint_policy`): AWS
  attaches its default policy, which allows every principal every action on every resource;
- or a policy with an `Allow` statement for `Principal: "*"` (or `{"AWS": "*"}`), an action
  that covers the whole service (`*`, or `s3:*` / `dynamodb:*` for the endpoint's own service,
  which through an S3 or DynamoDB endpoint is the same as `*`), `Resource: "*"` (for S3 also
  `arn:aws:s3:::*`, which matches every bucket and object), and no `Condition`, with no
  `Deny` statement narrowing it.

It also finds endpoint policies, on any Gateway or Interface endpoint, made only of `Deny`
statements. A custom policy replaces the default one, and with no `Allow` statement nothing is
allowed: every request through the endpoint is denied. Widely copied examples (a single
"deny unless `aws:SourceVpc` is mine" statement) do exactly this.

Policies are read wherever they are written: inline JSON, `jsonencode(...)`,
`data.aws_iam_policy_document.x.json` (statements built from variables or resource attributes
included), CloudFormation `PolicyDocument`. A policy, statement element or service name vpclint
cannot evaluate (a variable with no value, a module output it cannot see) keeps the rule silent.

## Why it matters
An endpoint policy is the one place that decides which buckets or tables the VPC's traffic may
reach through the endpoint. The default policy allows all of them, in every account: a workload
(or an intruder's credentials) can copy data out to a bucket in any account, and the endpoint
makes that traffic private and unmonitored by any egress proxy. A deny-only policy fails the
other way: the workloads' requests are refused with AccessDenied (for ECR, image pulls fail).

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}
```
CloudFormation:
```yaml
DynamoDbEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.dynamodb
    VpcEndpointType: Gateway
    RouteTableIds: [!Ref PrivateRouteTable]
    PolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: "dynamodb:*"
          Resource: "*"
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:PutObject"]
      Resource  = "arn:aws:s3:::orders-data-111122223333/*"
    }]
  })
}
```
CloudFormation:
```yaml
DynamoDbEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.dynamodb
    VpcEndpointType: Gateway
    RouteTableIds: [!Ref PrivateRouteTable]
    PolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: "dynamodb:*"
          Resource: "*"
          Condition:
            StringEquals:
              aws:ResourceAccount: "111122223333"
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#vpc-endpoints-policies-s3
- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/vpc-endpoints-dynamodb.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_policy
- https://github.com/terraform-aws-modules/terraform-aws-vpc/issues/680
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from . import _policy as p
from msgspec import Struct

from vpclint.model.components import (Component, EndpointAssociation, EndpointService,
                                      VpcEndpoint)
from vpclint.model.services import aws_service
from vpclint.model.specs import resource_types
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC402", "endpoint-policy-full-access", Level.WARNING,
                "An S3/DynamoDB endpoint allows every principal full access (no policy, or an "
                "unconditional Allow *), or an endpoint policy has only Deny statements",
                security_severity=5.0)

_FULL_ACCESS_SERVICES = ("s3", "dynamodb")
_POLICY_TYPES = ("Gateway", "Interface")  # the endpoint types that take a policy


def check(ctx: Context):
    """Each defect of each endpoint, worded for every endpoint whose finding lands on the same
    place: the instances of one ``for_each`` block share a policy attribute, and their merged
    finding names them all."""
    model = ctx.model
    policy_may_come = _unseen_policies(model)
    defects = [defect for endpoint in model.of(VpcEndpoint)
               for defect in _defects(model, endpoint, policy_may_come)]
    alike: dict[tuple, list[_Defect]] = defaultdict(list)
    for defect in defects:
        alike[(defect.kind, defect.owner.span(defect.field))].append(defect)
    for defect in defects:
        group = alike[(defect.kind, defect.owner.span(defect.field))]
        yield Finding(defect.owner, _MESSAGES[defect.kind](defect, group), field=defect.field,
                      related=defect.related)


class _Defect(Struct):
    kind: str  # "no policy", "only deny" or "full access"
    endpoint: VpcEndpoint
    service: str | None
    owner: Component  # where the policy is written: the endpoint, or a separate policy resource
    field: str | None
    related: list[Related]
    statement: dict | None = None  # the full-access statement


def _defects(model, endpoint: VpcEndpoint, policy_may_come) -> Iterator[_Defect]:
    kind = endpoint.endpoint_type
    if isinstance(kind, str) and kind not in _POLICY_TYPES:
        return
    service = aws_service(endpoint.service_name)
    if endpoint.policy is None:
        if service in _FULL_ACCESS_SERVICES and not policy_may_come(endpoint):
            yield _Defect("no policy", endpoint, service, endpoint, None, [])
        return
    owner, field, related = _policy_source(model, endpoint)
    doc = p.document(endpoint.policy)
    statements = p.statements(doc) if doc is not None else None
    if not statements:
        return
    effects = [p.effect(s) for s in statements]
    if None in effects:
        return
    if "Allow" not in effects:
        yield _Defect("only deny", endpoint, service, owner, field, related)
        return
    if service not in _FULL_ACCESS_SERVICES or "Deny" in effects:
        return  # a Deny statement narrows the Allow: not full access
    statement = next((s for s in statements if _full_access(s, service)), None)
    if statement is not None:
        yield _Defect("full access", endpoint, service, owner, field, related, statement)


def _no_policy(defect: _Defect, group: list[_Defect]) -> str:
    return (f"{_labels(group)} {_has(group)} no endpoint policy, so AWS attaches the default "
            f"one, which restricts nothing: any principal can reach every {_services(group)} "
            f"action on every {_things(group, plural=False)} of any account through "
            f"{_it(group)}, limited only by IAM and {_things(group, plural=False)} policies "
            f"(attach a policy naming the {_things(group)}, accounts or organization "
            f"{_it(group)} may reach)")


def _only_deny(defect: _Defect, group: list[_Defect]) -> str:
    return (f"the endpoint policy of {_labels(group)} has only Deny statements: a custom "
            "policy replaces the default allow-all one, and with no Allow statement every "
            f"request through {_it(group)} is denied (add an Allow statement, and keep the "
            "Deny for what it excludes)")


def _full(defect: _Defect, group: list[_Defect]) -> str:
    statement = defect.statement or {}
    return (f"the endpoint policy of {_labels(group)} allows Principal "
            f"{p.shown(statement.get('Principal'))}, Action {p.shown(statement.get('Action'))} "
            f"on Resource {p.shown(statement.get('Resource'))} with no Condition: the same full "
            f"access as the default policy (name the {_things(group)}, or add a condition such "
            "as aws:ResourceAccount or aws:PrincipalOrgID)")


_MESSAGES = {"no policy": _no_policy, "only deny": _only_deny, "full access": _full}


def _unseen_policies(model):
    """For an endpoint without a policy: might an ``aws_vpc_endpoint_policy`` vpclint cannot tie
    to it give it one? Yes when one in its module names its endpoint through an UNKNOWN, and
    when the endpoint is handed to what vpclint cannot see (an output, a module it cannot read).
    CloudFormation has no separate policy resource."""
    policies_of = model.referrers(EndpointAssociation, "endpoint",
                                     where=lambda association: association.attaches == "policy")

    def may_come(endpoint: VpcEndpoint) -> bool:
        return bool(resource_types(endpoint, EndpointAssociation, "policy")) \
            and policies_of(endpoint).open

    return may_come


def _full_access(statement: dict, service: str) -> bool:
    if p.effect(statement) != "Allow":
        return False
    resources = ("*",) + (("arn:aws:s3:::*", "arn:aws-cn:s3:::*", "arn:aws-us-gov:s3:::*")
                          if service == "s3" else ())
    return (p.principal_is_everyone(statement) is True
            and p.covers_all(statement, "Action", ("*", f"{service}:*")) is True
            and p.covers_all(statement, "Resource", resources) is True
            and p.unconditional(statement) is True)


def _policy_source(model, endpoint: VpcEndpoint):
    """Where the endpoint's policy is written: a separate ``aws_vpc_endpoint_policy`` (the
    last one folded in), or the endpoint itself."""
    separate = [a for a in model.linked_from(endpoint, EndpointAssociation, "endpoint")
                if a.attaches == "policy" and a.policy is not None]
    if separate:
        owner = separate[-1]
        return owner, "policy", [Related(endpoint, f"{endpoint.display}: the endpoint this "
                                         "policy is attached to")]
    return endpoint, "policy", []


def _labels(group: list[_Defect]) -> str:
    """The endpoints of a group, each with its type and service (each once: the instances of
    one module in several root modules share their addresses)."""
    if len(_distinct(group)) == 1:
        defect = group[0]
        service = _service(defect)
        return f"{_kind(defect.endpoint)} endpoint {defect.endpoint.display}" + \
            (f" ({service})" if service else "")
    shown = list(dict.fromkeys(
        f"{d.endpoint.display} ({', '.join(filter(None, (_kind(d.endpoint), _service(d))))})"
        for d in group))
    return f"endpoints {', '.join(shown[:-1])} and {shown[-1]}"


def _distinct(group: list[_Defect]) -> set[str]:
    return {d.endpoint.display for d in group}


def _kind(endpoint: VpcEndpoint) -> str:
    return endpoint.endpoint_type if isinstance(endpoint.endpoint_type, str) else "VPC"


def _service(defect: _Defect) -> str:
    if defect.service:
        return defect.service
    name = defect.endpoint.service_name
    if isinstance(name, EndpointService):
        return f"endpoint service {name.display}"
    return ""


def _services(group: list[_Defect]) -> str:
    return " or ".join(dict.fromkeys(str(d.service) for d in group))


def _things(group: list[_Defect], plural: bool = True) -> str:
    """What the policy would name: buckets, tables, or both."""
    ending = "s" if plural else ""
    return " or ".join(dict.fromkeys(("bucket" if d.service == "s3" else "table") + ending
                                     for d in group))


def _has(group: list[_Defect]) -> str:
    return "has" if len(_distinct(group)) == 1 else "have"


def _it(group: list[_Defect]) -> str:
    return "it" if len(_distinct(group)) == 1 else "them"
