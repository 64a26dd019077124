"""VPC401 public-endpoint-service: an endpoint service anyone in AWS can connect to.

## What it does
Finds VPC endpoint services (`aws_vpc_endpoint_service`, `AWS::EC2::VPCEndpointService`) that
allow the principal `*` (inline `allowed_principals`, `aws_vpc_endpoint_service_allowed_principal`
or `AWS::EC2::VPCEndpointServicePermissions`) and have acceptance explicitly turned off
(`acceptance_required = false` / `AcceptanceRequired: false`). `*` is the only wildcard the
permissions API documents ("to grant permissions to all principals, specify an asterisk");
account or role ARNs are specific principals. When acceptance is not written (CloudFormation
documents no default for `AcceptanceRequired`; Terraform requires the argument) or comes from a
variable or parameter, the rule stays silent.

## Why it matters
Granting `*` makes the service public: any AWS account that learns the service name can create
an interface or Gateway Load Balancer endpoint to it. With acceptance not required, those
connections are approved automatically, so the load balancer behind the service, and whatever
it fronts, is reachable from any VPC of any account, with no review and no notification.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = false
  allowed_principals         = ["*"]
  network_load_balancer_arns = [aws_lb.orders.arn]
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: false
    NetworkLoadBalancerArns:
      - !Ref OrdersNlb
OrdersPermissions:
  Type: AWS::EC2::VPCEndpointServicePermissions
  Properties:
    ServiceId: !Ref OrdersService
    AllowedPrincipals: ["*"]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = true
  allowed_principals         = ["arn:aws:iam::444455556666:root"]
  network_load_balancer_arns = [aws_lb.orders.arn]
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: true
    NetworkLoadBalancerArns:
      - !Ref OrdersNlb
OrdersPermissions:
  Type: AWS::EC2::VPCEndpointServicePermissions
  Properties:
    ServiceId: !Ref OrdersService
    AllowedPrincipals: ["arn:aws:iam::444455556666:root"]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpointServicePermissions.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpointservicepermissions.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_service
"""

from __future__ import annotations

from vpclint.model.components import EndpointService, EndpointServicePermission
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC401", "public-endpoint-service", Level.ERROR,
                "An endpoint service allows principal * and accepts connections automatically",
                security_severity=8.0, supersedes=("VPC407",))

_EVERYONE = "*"


def check(ctx: Context):
    model = ctx.model
    for service in model.of(EndpointService):
        if service.acceptance_required is not False:
            continue  # required, unknown, or not written (no documented default)
        grants = [permission for permission in
                  model.linked_from(service, EndpointServicePermission, "service")
                  if isinstance(permission.principals, list) and _EVERYONE in permission.principals]
        inline = isinstance(service.allowed_principals, list) and \
            _EVERYONE in service.allowed_principals
        if not grants and not inline:
            continue
        related = [Related(p, f"{p.display} allows principal * on {service.display}",
                           field="principals") for p in grants]
        where = "allows principal *" if not grants else \
            f"allows principal * (through {', '.join(p.display for p in grants)})"
        yield Finding(service, f"endpoint service {service.display} {where} and does not "
                      "require acceptance: any AWS account can connect an endpoint to it, and the "
                      "connection is accepted automatically (name the consumer accounts, or "
                      "require acceptance)", related=related)
