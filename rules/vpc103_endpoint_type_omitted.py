"""VPC103 endpoint-type-omitted: no endpoint type, for a service that has no Gateway endpoint.

## What it does
Finds VPC endpoints with no `vpc_endpoint_type` / `VpcEndpointType` whose service is known to
have no Gateway endpoint: any AWS service but `s3`, `dynamodb` and `s3express`, a custom
PrivateLink service (`com.amazonaws.vpce.<region>.vpce-svc-...`) or an endpoint service
declared in the scan. An omitted type means `Gateway`, and only those three services offer
one. A service name vpclint cannot know (a variable, a parameter) is not reported.

Other rules judge such an endpoint as the Interface endpoint it is meant to be (and say so:
"meant as Interface"). Where this rule fires, what the endpoint lacks or has too many of for
that type (VPC102's missing subnets, VPC206's invalid attributes) is not reported besides:
setting the type comes first.

## Why it matters
The endpoint is requested as a Gateway endpoint for a service that has none, so
`terraform apply` or the stack fails (`InvalidServiceName` / "not a valid gateway endpoint
service"). Where the mistake is caught by adding route tables to "make it work", it still never
becomes the Interface endpoint that was intended: no network interfaces, no private DNS.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "ssm" {
  vpc_id             = aws_vpc.main.id
  service_name       = "com.amazonaws.us-east-1.ssm"
  subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids = [aws_security_group.endpoints.id]
}
```
CloudFormation:
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.ssm
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint" "ssm" {
  vpc_id             = aws_vpc.main.id
  service_name       = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids = [aws_security_group.endpoints.id]
}
```
CloudFormation:
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.ssm
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
"""

from __future__ import annotations

from vpclint.model.components import EndpointService, VpcEndpoint
from vpclint.model.services import aws_service
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC103", "endpoint-type-omitted", Level.ERROR,
                "A VPC endpoint omits its type (so Gateway) for a service with no Gateway endpoint",
                # what an endpoint with the wrong type lacks or has too many of, for the type
                # meant, is one defect with it: setting the type comes first
                supersedes=("VPC102", "VPC206"))


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        meant = endpoint.intended_type
        if endpoint.type_explicit or meant == endpoint.endpoint_type:
            continue
        service = endpoint.service_name
        if isinstance(service, EndpointService):
            needed = meant
            named = f"endpoint service {service.display}"
        elif aws_service(service) is None and "vpce-svc-" in service:
            # a PrivateLink service name: a Network or a Gateway Load Balancer behind it
            needed = "Interface (GatewayLoadBalancer for a Gateway Load Balancer service)"
            named = f"PrivateLink service {service}"
        else:
            needed = meant
            named = f"service {service}"
        attribute = endpoint.source_name("endpoint_type")
        yield Finding(endpoint, f"endpoint {endpoint.display} sets no {attribute}, so it is a "
                      f"Gateway endpoint, but {named} has no Gateway endpoint: set {attribute} "
                      f"to {needed}", field="endpoint_type")
