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

from . import _policy as p
from ._pairing import referrers_in_scope
from vpclint.model.components import EndpointAssociation, EndpointService, VpcEndpoint
from vpclint.model.services import aws_service
from vpclint.rule import Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC402", "endpoint-policy-full-access", Level.WARNING,
                "An S3/DynamoDB endpoint allows every principal full access (no policy, or an "
                "unconditional Allow *), or an endpoint policy has only Deny statements",
                security_severity=5.0)

_FULL_ACCESS_SERVICES = ("s3", "dynamodb")
_POLICY_TYPES = ("Gateway", "Interface")  # the endpoint types that take a policy


def check(model):
    policy_may_come = _unseen_policies(model)
    for endpoint in model.of(VpcEndpoint):
        kind = endpoint.endpoint_type
        if isinstance(kind, str) and kind not in _POLICY_TYPES:
            continue
        service = aws_service(endpoint.service_name)
        owner, field, related = _policy_source(model, endpoint)
        if endpoint.policy is None:
            if service in _FULL_ACCESS_SERVICES and not policy_may_come(endpoint):
                yield Finding(endpoint, f"{_label(endpoint, service)} has no endpoint policy, so "
                              "AWS attaches the default one: every principal may run every "
                              f"{service} action on every {_things(service)} of any account "
                              "through it (attach a policy naming the "
                              f"{_things(service)}s, accounts or organization it may reach)")
            continue
        doc = p.document(endpoint.policy)
        statements = p.statements(doc) if doc is not None else None
        if not statements:
            continue
        effects = [p.effect(s) for s in statements]
        if None in effects:
            continue
        if "Allow" not in effects:
            yield Finding(owner, f"the endpoint policy of {_label(endpoint, service)} has only "
                          "Deny statements: a custom policy replaces the default allow-all one, "
                          "and with no Allow statement every request through the endpoint is "
                          "denied (add an Allow statement, and keep the Deny for what it "
                          "excludes)", field=field, related=related)
            continue
        if service not in _FULL_ACCESS_SERVICES or "Deny" in effects:
            continue  # a Deny statement narrows the Allow: not full access
        statement = next((s for s in statements if _full_access(s, service)), None)
        if statement is None:
            continue
        yield Finding(owner, f"the endpoint policy of {_label(endpoint, service)} allows "
                      f"Principal {p.shown(statement.get('Principal'))}, Action "
                      f"{p.shown(statement.get('Action'))} on Resource "
                      f"{p.shown(statement.get('Resource'))} with no Condition: the same full "
                      "access as the default policy (name the "
                      f"{_things(service)}s, or add a condition such as aws:ResourceAccount or "
                      "aws:PrincipalOrgID)", field=field, related=related)


def _unseen_policies(model):
    """For an endpoint without a policy: might an ``aws_vpc_endpoint_policy`` vpclint cannot tie
    to it give it one? Yes when one in its module names its endpoint through an UNKNOWN, and
    when the endpoint is handed to what vpclint cannot see (an output, a module it cannot read).
    CloudFormation has no separate policy resource."""
    policies_of = referrers_in_scope(model, EndpointAssociation, "endpoint",
                                     where=lambda association: association.attaches == "policy")

    def may_come(endpoint: VpcEndpoint) -> bool:
        return endpoint.flavour == "terraform" and policies_of(endpoint).open

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


def _label(endpoint: VpcEndpoint, service: str | None) -> str:
    kind = endpoint.endpoint_type if isinstance(endpoint.endpoint_type, str) else "VPC"
    if service:
        return f"{kind} endpoint {endpoint.display} ({service})"
    if isinstance(endpoint.service_name, EndpointService):
        return f"{kind} endpoint {endpoint.display} (endpoint service " \
               f"{endpoint.service_name.display})"
    return f"{kind} endpoint {endpoint.display}"


def _things(service: str) -> str:
    return "bucket" if service == "s3" else "table"
