"""VPC104 endpoint-service-without-load-balancer: an endpoint service with no usable load balancer.

## What it does
Finds VPC endpoint services (`aws_vpc_endpoint_service`, `AWS::EC2::VPCEndpointService`) that
name neither a Network Load Balancer (`network_load_balancer_arns` /
`NetworkLoadBalancerArns`) nor a Gateway Load Balancer (`gateway_load_balancer_arns` /
`GatewayLoadBalancerArns`), and services whose in-scan load balancer is of the wrong type for
the list it is in: an NLB list holding an application or gateway load balancer, or a GWLB list
holding anything but a gateway load balancer. A load balancer with no `load_balancer_type` /
`Type` is an application load balancer, the AWS default.

A service reported here is not also reported by VPC115 for allowing no principal: a service EC2
refuses to create has nobody to allow.

## Why it matters
An endpoint service is only a front for load balancers: interface endpoints reach it through a
Network Load Balancer, Gateway Load Balancer endpoints through a Gateway Load Balancer. EC2
rejects a service configuration with no load balancer, or with a load balancer of another type,
so the deployment fails; nothing else in the plan says why.

## Example
Terraform:
```hcl
resource "aws_lb" "web" {
  name    = "web"
  subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.web.arn]
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: true
```

## Use instead
Terraform:
```hcl
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "network"
  internal           = true
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.web.arn]
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
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-gateway-load-balancer-endpoint-service.html
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpointServiceConfiguration.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_service
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpointservice.html
"""

from __future__ import annotations

from vpclint.model.components import EndpointService, LoadBalancer
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC104", "endpoint-service-without-load-balancer", Level.ERROR,
                "An endpoint service has no Network or Gateway Load Balancer of the right type",
                # a service EC2 refuses to create has no principal to allow
                supersedes=("VPC115",))

_LISTS = (("network_load_balancers", "Network Load Balancer"),
          ("gateway_load_balancers", "Gateway Load Balancer"))


def check(ctx: Context):
    model = ctx.model
    for service in model.of(EndpointService):
        if service.network_load_balancers.known_empty and \
                service.gateway_load_balancers.known_empty:
            yield Finding(service, f"endpoint service {service.display} names no Network Load "
                          "Balancer and no Gateway Load Balancer: EC2 rejects it, and no "
                          "endpoint could reach it")
            continue
        for field, label in _LISTS:
            wrong = service.misfits(field)
            if not wrong:
                continue
            names = ", ".join(f"{lb.display} ({_describe(lb)})" for lb in wrong)
            yield Finding(
                service, f"endpoint service {service.display} lists {names} among its "
                f"{label}s: only {_a(label)} {label} can go there, and EC2 rejects the "
                "configuration", field=field,
                related=[Related(lb, f"{lb.display} is {_describe(lb)}", field="lb_type")
                         for lb in wrong])


def _describe(lb: LoadBalancer) -> str:
    kind = str(lb.lb_type).lower()
    text = f"{_a(kind)} {kind} load balancer"
    if not lb.written("lb_type"):  # AWS's default applies
        text += ", the default when no type is set"
    return text


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
