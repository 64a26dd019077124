"""VPC407 endpoint-service-auto-accept: an endpoint service that accepts connections unreviewed.

## What it does
Finds VPC endpoint services (`aws_vpc_endpoint_service`, `AWS::EC2::VPCEndpointService`) with
acceptance explicitly turned off (`acceptance_required = false` / `AcceptanceRequired: false`).
When the service also allows the principal `*`, VPC401 reports it (as an error) and this rule
stays silent: one defect, one finding (unless VPC401 is not enabled). An acceptance setting
that is not written (CloudFormation documents no default) or comes from a variable or
parameter vpclint cannot evaluate keeps the rule silent.

This is a note, kept for parity with a well-known peer check: auto-accept is a deliberate choice
for some designs (a Gateway Load Balancer service consumed by your own accounts, a service
principal such as AppFlow that cannot wait for a manual approval).

## Why it matters
With acceptance not required, every principal on the allow list gets a working endpoint the
moment it creates one: no review of which VPC connects, and a principal added to the list too
broadly (an account root instead of a role, a whole organization) is connected without anyone
noticing. Requiring acceptance, or accepting connections with
`aws_vpc_endpoint_connection_accepter`, keeps a record of who is connected.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = false
  allowed_principals         = ["arn:aws:iam::444455556666:root"]
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
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#accept-reject-connection-requests
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpointservice.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_service
"""

from __future__ import annotations

from vpclint.model.components import EndpointService
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC407", "endpoint-service-auto-accept", Level.NOTE,
                "An endpoint service accepts connection requests automatically")

def check(ctx: Context):
    model = ctx.model
    for service in model.of(EndpointService):
        if service.acceptance_required is not False:
            continue  # required, UNKNOWN, or not written
        yield Finding(service, f"endpoint service {service.display} does not require acceptance: "
                      f"every connection request from {_who(service)} is accepted "
                      "automatically, with no review of the connecting VPC (require acceptance, "
                      "unless automatic acceptance is intended)", field="acceptance_required")


def _who(service: EndpointService) -> str:
    principals = service.allowed_principals
    if isinstance(principals, list) and principals and all(isinstance(p, str) for p in principals):
        return "the allowed principals (" + ", ".join(principals) + ")"
    return "any allowed principal"
