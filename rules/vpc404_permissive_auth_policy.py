"""VPC404 permissive-auth-policy: a Lattice auth policy that authorizes anyone, anonymous included.

## What it does
Finds VPC Lattice auth policies (`aws_vpclattice_auth_policy`, `AWS::VpcLattice::AuthPolicy`)
with an `Allow` statement for `Principal: "*"` (or `{"AWS": "*"}`) and no `Condition`, whatever
its actions and resources. The policy is read from inline JSON, `jsonencode(...)`,
`data.aws_iam_policy_document.x.json` or the CloudFormation `Policy` object.

Any `Condition` on the statement keeps the rule silent. That includes AWS's own "authenticated
requests only" pattern, `StringNotEqualsIgnoreCase: {"aws:PrincipalType": "anonymous"}`: it
does not say which accounts may call, but it does what this rule is about, refusing unsigned
requests. A `Deny` statement that applies to every principal also keeps it silent (that is how
policies carve exceptions such as "deny outside my organization"). So does a policy on a service
or service network whose auth type is `NONE`: the policy is not evaluated at all, and VPC112
reports it; and a policy on a service network whose members are resource configurations only,
which auth policies do not govern. A policy vpclint cannot evaluate stays silent.

## Why it matters
Setting the auth type to `AWS_IAM` suggests that callers are authenticated and authorized. A
statement allowing `Principal: "*"` with no condition authorizes every request that reaches the
service or network, including unsigned (anonymous) ones from any client in any VPC connected
to it: the same exposure as auth type `NONE`, hidden behind an auth policy that reviewers read
as a control.

## Example
Terraform:
```hcl
resource "aws_vpclattice_service" "orders" {
  name      = "orders"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_auth_policy" "orders" {
  resource_identifier = aws_vpclattice_service.orders.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "vpc-lattice-svcs:Invoke"
      Resource  = "*"
    }]
  })
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::VpcLattice::Service
  Properties:
    Name: orders
    AuthType: AWS_IAM
OrdersAuthPolicy:
  Type: AWS::VpcLattice::AuthPolicy
  Properties:
    ResourceIdentifier: !Ref OrdersService
    Policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: "*"
          Resource: "*"
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_service" "orders" {
  name      = "orders"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_auth_policy" "orders" {
  resource_identifier = aws_vpclattice_service.orders.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/checkout" }
      Action    = "vpc-lattice-svcs:Invoke"
      Resource  = "*"
    }]
  })
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::VpcLattice::Service
  Properties:
    Name: orders
    AuthType: AWS_IAM
OrdersAuthPolicy:
  Type: AWS::VpcLattice::AuthPolicy
  Properties:
    ResourceIdentifier: !Ref OrdersService
    Policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: vpc-lattice-svcs:Invoke
          Resource: "*"
          Condition:
            StringEquals:
              aws:PrincipalOrgID: o-a1b2c3d4e5
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_auth_policy
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-authpolicy.html
"""

from __future__ import annotations

from . import _policy as p
from ._lattice import serves_only_resources, upper
from vpclint.model.components import AuthPolicy, LatticeService, ServiceNetwork
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC404", "permissive-auth-policy", Level.WARNING,
                "A Lattice auth policy allows Principal * with no Condition",
                security_severity=6.0)


def check(ctx: Context):
    model = ctx.model
    only_resources = serves_only_resources(model)
    for policy in model.of(AuthPolicy):
        target = policy.target
        if isinstance(target, (ServiceNetwork, LatticeService)) \
                and upper(target.auth_type) == "NONE":
            continue  # the policy is inactive
        if only_resources(target):
            continue  # it governs no Lattice service: resource configurations ignore it
        doc = p.document(policy.policy)
        statements = p.statements(doc) if doc is not None else None
        if not statements:
            continue
        if any(p.effect(s) is None for s in statements):
            continue
        if any(p.effect(s) == "Deny" and p.principal_is_everyone(s) is not False
               for s in statements):
            continue  # a Deny for everyone narrows the Allow in ways not evaluated here
        statement = next((s for s in statements if p.effect(s) == "Allow"
                          and p.principal_is_everyone(s) is True
                          and p.unconditional(s) is True), None)
        if statement is None:
            continue
        on = f"{_kind(target)} {target.display}" if isinstance(
            target, (ServiceNetwork, LatticeService)) else "its target"
        related = [Related(target, f"{_kind(target)} {target.display}: the target of "
                           f"{policy.display}")] if isinstance(
            target, (ServiceNetwork, LatticeService)) else []
        yield Finding(policy, f"auth policy {policy.display} on {on} allows Principal "
                      f"{p.shown(statement.get('Principal'))} with no Condition: every request "
                      "that reaches it is authorized, unsigned (anonymous) ones included (name "
                      "the callers, or add a condition such as aws:PrincipalOrgID or "
                      "aws:PrincipalAccount)", field="policy", related=related)


def _kind(target) -> str:
    return "service network" if isinstance(target, ServiceNetwork) else "Lattice service"
