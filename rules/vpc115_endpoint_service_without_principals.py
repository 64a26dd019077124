"""VPC115 endpoint-service-without-principals: an endpoint service nobody is allowed to connect to.

## What it does
Finds endpoint services (`aws_vpc_endpoint_service`, `AWS::EC2::VPCEndpointService`) that allow no
principal, neither inline (`allowed_principals`) nor through
`aws_vpc_endpoint_service_allowed_principal` or `AWS::EC2::VPCEndpointServicePermissions`, and
that no endpoint of the scan connects to. An endpoint of the scan that names the service counts
as a consumer in the service's own account, which needs no permission. A service whose principals
come from a variable, a parameter or a data source, or that an endpoint might name through one,
is not reported.

## Why it matters
An endpoint service exists to be reached from other VPCs, usually in other accounts. Until a
principal is allowed, only the service's own account can create endpoints to it: every other
account gets `InvalidServiceName` or is refused, and the service sits unused. Consumers in the
owner account, or principals granted outside the code (by a console or an onboarding script),
are invisible to the scan, hence the level warning.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = true
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef"]
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: true
    NetworkLoadBalancerArns:
      - arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = true
  allowed_principals         = ["arn:aws:iam::444455556666:root"]
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef"]
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: true
    NetworkLoadBalancerArns:
      - arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef
OrdersServicePermissions:
  Type: AWS::EC2::VPCEndpointServicePermissions
  Properties:
    ServiceId: !Ref OrdersService
    AllowedPrincipals:
      - arn:aws:iam::444455556666:root
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpointServicePermissions.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_service_allowed_principal
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpointservicepermissions.html
"""

from __future__ import annotations

from ._pairing import referrers_in_scope, unmodelled_resource
from vpclint.model.components import EndpointService, EndpointServicePermission, VpcEndpoint
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC115", "endpoint-service-without-principals", Level.WARNING,
                "An endpoint service allows no principal and no endpoint of the scan uses it")


def check(ctx: Context):
    model = ctx.model
    consumers_of = referrers_in_scope(model, VpcEndpoint, "service_name",
                                      maybe=unmodelled_resource)
    permissions_of = referrers_in_scope(model, EndpointServicePermission, "service",
                                        maybe=unmodelled_resource)
    for service in model.of(EndpointService):
        principals = service.allowed_principals
        if not isinstance(principals, list) or any(p not in (None, "") for p in principals):
            continue  # some principal, or UNKNOWN ones
        if permissions_of(service).open:
            continue  # a permissions resource may name it through an UNKNOWN
        if not consumers_of(service).known_empty:
            continue  # an endpoint of the scan (in the owner's account) uses it
        how = ("allowed_principals or aws_vpc_endpoint_service_allowed_principal"
               if service.flavour == "terraform" else "an AWS::EC2::VPCEndpointServicePermissions")
        yield Finding(service, f"endpoint service {service.display} allows no principal and no "
                      "endpoint in this scan connects to it: endpoints in other accounts are "
                      f"refused until their principals are allowed ({how}); its consumers may "
                      "also live in this account outside the scan, or be allowed outside the "
                      "code", field="allowed_principals")
