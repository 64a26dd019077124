"""VPC112 auth-type-policy-mismatch: IAM auth with no auth policy, or a policy that is ignored.

## What it does
Finds VPC Lattice service networks and services with `auth_type = "AWS_IAM"` / `AuthType:
AWS_IAM` that no auth policy (`aws_vpclattice_auth_policy`, `AWS::VpcLattice::AuthPolicy`)
targets anywhere in the scan (error, on the `auth_type`). It also finds auth policies attached to
a service network or service whose auth type is `NONE`, written or left to the default (warning,
on the policy). An auth type or policy target from a variable or parameter keeps it silent, and
so does a service network whose members are resource configurations only: auth policies govern
requests to Lattice services, not connections to resource configurations.

## Why it matters
With `AWS_IAM`, VPC Lattice evaluates the auth policy on every request, and with no policy there
is nothing that allows: every request is denied with 403, even from callers whose IAM identity
policies allow `vpc-lattice-svcs:Invoke`. The reverse is quieter and just as wrong: with auth
type `NONE`, Lattice ignores the auth policy, so the access control its author wrote is not
applied at all.

## Example
Terraform:
```hcl
resource "aws_vpclattice_service" "orders" {
  name      = "orders"
  auth_type = "AWS_IAM"
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::VpcLattice::Service
  Properties:
    Name: orders
    AuthType: AWS_IAM
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
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
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
          Principal:
            AWS: arn:aws:iam::111122223333:root
          Action: vpc-lattice-svcs:Invoke
          Resource: "*"
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_PutAuthPolicy.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_auth_policy
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-authpolicy.html
"""

from __future__ import annotations

from ._lattice import serves_only_resources, upper, written
from vpclint.model.components import AuthPolicy, LatticeService, ServiceNetwork
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC112", "auth-type-policy-mismatch", Level.ERROR,
                "AWS_IAM auth with no auth policy (all requests denied), or an auth policy "
                "that auth type NONE ignores")


def check(ctx: Context):
    model = ctx.model
    only_resources = serves_only_resources(model)
    for target in [*model.of(ServiceNetwork), *model.of(LatticeService)]:
        if upper(target.auth_type) != "AWS_IAM" or only_resources(target):
            continue
        if model.linked_from(target, AuthPolicy, "target").known_empty:
            yield Finding(target, f"{_kind(target)} {target.display} has auth type AWS_IAM but "
                          "no auth policy: Lattice denies every request (add an "
                          "auth policy that allows the intended callers)", field="auth_type")
    for policy in model.of(AuthPolicy):
        target = policy.target
        if not isinstance(target, (ServiceNetwork, LatticeService)):
            continue
        if upper(target.auth_type) != "NONE" or only_resources(target):
            continue
        how = "is NONE" if written(target, "auth_type") else "is unset, so NONE"
        yield Finding(policy, f"auth policy {policy.display} is ignored: the auth type of "
                      f"{_kind(target)} {target.display} {how}, and Lattice applies auth policies "
                      "only with AWS_IAM", level=Level.WARNING,
                      related=[Related(target, f"{_kind(target)} {target.display}: auth type "
                                       f"{how}", field="auth_type")])


def _kind(target) -> str:
    return "service network" if isinstance(target, ServiceNetwork) else "Lattice service"
