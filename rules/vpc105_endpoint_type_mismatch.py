"""VPC105 endpoint-type-mismatch: an endpoint of the wrong type for its service, or a misspelt one.

## What it does
Checks what a VPC endpoint (`aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint`) connects to:

- an endpoint service of the scan (`service_name = aws_vpc_endpoint_service.x.service_name`,
  `ServiceName: !GetAtt Svc.ServiceName`) fronted by Gateway Load Balancers must be consumed by a
  `GatewayLoadBalancer` endpoint, and one fronted by Network Load Balancers by an `Interface`
  endpoint; an AWS service (`com.amazonaws.<region>.<svc>`) is never consumed by a
  `GatewayLoadBalancer` endpoint (level error);
- in `com.amazonaws.<region>.<svc>`, `<svc>` must be an AWS endpoint service: a name that is
  not, but is one or two letters away from one (`secretmanager`, `ecr.dkrr`), another form of
  its last word (`elasticloadbalancer` for `elasticloadbalancing`) or a common wrong name
  (`cloudwatch` for `monitoring`, `kinesis` for `kinesis-streams`), is reported as a typo
  (level warning), wherever the name comes from (a variable, a `for_each` over a tfvars list, a
  mapping, an `Fn::ForEach` over a parameter).

A PrivateLink name of a service outside the scan (`com.amazonaws.vpce.<region>.vpce-svc-...`),
a name from a variable or parameter with no value, and a name far from every known service (it
may be a service newer than vpclint's list) are not reported. An endpoint with no type at all is
VPC103's. An endpoint reported here is not also reported by VPC113 for lacking routes: EC2
refuses to create it.

## Why it matters
EC2 refuses to create an Interface endpoint for a Gateway Load Balancer service, a Gateway Load
Balancer endpoint for a Network Load Balancer service, or an endpoint for a service name that
does not exist (`InvalidServiceName`): the deployment fails, usually on the first apply in a new
account, after everything around the endpoint was already created.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "inspection" {
  acceptance_required        = false
  gateway_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/gwy/inspection/0123456789abcdef"]
}

resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  service_name      = aws_vpc_endpoint_service.inspection.service_name
  vpc_endpoint_type = "Interface"
  subnet_ids        = ["subnet-0a1b2c3d4e5f60001"]
}
```
CloudFormation:
```yaml
SecretsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.secretmanager
    SubnetIds: [subnet-0a1b2c3d4e5f60001]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "inspection" {
  acceptance_required        = false
  gateway_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/gwy/inspection/0123456789abcdef"]
}

resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  service_name      = aws_vpc_endpoint_service.inspection.service_name
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = ["subnet-0a1b2c3d4e5f60001"]
}
```
CloudFormation:
```yaml
SecretsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
    SubnetIds: [subnet-0a1b2c3d4e5f60001]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html
"""

from __future__ import annotations

import re

from ._pairing import misspelling
from vpclint.model.components import EndpointService, VpcEndpoint
from vpclint.model.services import aws_service
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC105", "endpoint-type-mismatch", Level.ERROR,
                "A VPC endpoint's type does not fit its service, or its AWS service name is a typo",
                # an endpoint EC2 refuses to create needs no routes
                supersedes=("VPC113",))

# a region label regions the model's pattern does not know (eusc-de-east-1 ...)
_REGION_LABEL = re.compile(r"^[a-z]{2,5}(?:-[a-z]+)+-\d+\.")
_CONSUMER_TYPES = ("Interface", "GatewayLoadBalancer", "Gateway")


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        yield from _check_one(endpoint)


def _check_one(endpoint: VpcEndpoint):
    endpoint_type = endpoint.intended_type  # an omitted type is meant to fit the service
    if not isinstance(endpoint_type, str) or endpoint_type not in _CONSUMER_TYPES:
        return  # UNKNOWN, or a Resource / ServiceNetwork endpoint (no service name)
    service = endpoint.service_name
    if isinstance(service, EndpointService):
        yield from _custom_service(endpoint, service)
    elif isinstance(service, str):
        yield from _aws_service(endpoint, service)


def _custom_service(endpoint: VpcEndpoint, service: EndpointService):
    kind = service.fronted_by
    if kind is None:
        return  # not known, or a service EC2 cannot create: no endpoint type would reach it
    wanted = "GatewayLoadBalancer" if kind == "gateway" else "Interface"
    if endpoint.intended_type == wanted:
        return
    if kind == "gateway":
        why = (f"endpoint service {service.display} is fronted by a Gateway Load Balancer, "
               "which only GatewayLoadBalancer endpoints reach")
    else:
        why = (f"endpoint service {service.display} is fronted by a Network Load Balancer, "
               "which only Interface endpoints reach")
    field = "gateway_load_balancers" if kind == "gateway" else "network_load_balancers"
    article = "an" if endpoint.endpoint_type == "Interface" else "a"
    yield Finding(endpoint, f"endpoint {endpoint.display} is {article} {endpoint.endpoint_type} "
                  f"endpoint but {why}: EC2 refuses to create it (set its type to {wanted})",
                  field="endpoint_type",
                  related=[Related(service, f"{service.display} lists its load balancers here",
                                   field=field)])


def _aws_service(endpoint: VpcEndpoint, name: str):
    service = aws_service(name)
    if service is None:
        return  # a PrivateLink service name (vpce-svc-...), or not an AWS service name
    service = _REGION_LABEL.sub("", service)
    wrong = misspelling(service)
    if wrong is not None:
        yield Finding(endpoint, f"endpoint {endpoint.display} names service {name}, but "
                      f"'{service}' is no AWS endpoint service: did you mean '{wrong}'? EC2 "
                      "refuses an unknown service name (InvalidServiceName)",
                      field="service_name", level=Level.WARNING)
        return
    if endpoint.endpoint_type == "GatewayLoadBalancer":
        yield Finding(endpoint, f"endpoint {endpoint.display} is a GatewayLoadBalancer endpoint "
                      f"for the AWS service {name}: AWS services are reached through Interface "
                      "(or, for S3 and DynamoDB, Gateway) endpoints, and EC2 refuses this one",
                      field="endpoint_type")
