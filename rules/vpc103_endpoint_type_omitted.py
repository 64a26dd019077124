"""VPC103 endpoint-type-omitted: no endpoint type, for a service that has no Gateway endpoint.

## What it does
Finds VPC endpoints with no `vpc_endpoint_type` / `VpcEndpointType` whose service is known to
have no Gateway endpoint: any AWS service but `s3`, `dynamodb` and `s3express`, a custom
PrivateLink service (`com.amazonaws.vpce.<region>.vpce-svc-...`) or an endpoint service
declared in the scan. An omitted type means `Gateway`, and only those three services offer
one. A service name vpclint cannot know (a variable, a parameter) is not reported.

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

from ._endpoints import aws_service, gateway_service_or_unknown
from vpclint.model.components import EndpointService, VpcEndpoint
from vpclint.rule import Finding, Level, RuleMeta

RULE = RuleMeta("VPC103", "endpoint-type-omitted", Level.ERROR,
                "A VPC endpoint omits its type (so Gateway) for a service with no Gateway endpoint")


def type_omitted_for_non_gateway_service(endpoint: VpcEndpoint) -> bool:
    """True when VPC103 reports ``endpoint`` (other endpoint rules then stay silent on it)."""
    return not endpoint.type_explicit and not gateway_service_or_unknown(endpoint)


def check(model):
    for endpoint in model.of(VpcEndpoint):
        if not type_omitted_for_non_gateway_service(endpoint):
            continue
        service = endpoint.service_name
        if isinstance(service, EndpointService):
            needed = _custom_service_type(service)
            named = f"endpoint service {service.display}"
        elif aws_service(service) is None and "vpce-svc-" in service:
            # a PrivateLink service name: a Network or a Gateway Load Balancer behind it
            needed = "Interface (GatewayLoadBalancer for a Gateway Load Balancer service)"
            named = f"PrivateLink service {service}"
        else:
            needed = "Interface"
            named = f"service {service}"
        attribute = "vpc_endpoint_type" if endpoint.flavour == "terraform" else "VpcEndpointType"
        yield Finding(endpoint, f"endpoint {endpoint.display} sets no {attribute}, so it is a "
                      f"Gateway endpoint, but {named} has no Gateway endpoint: set {attribute} "
                      f"to {needed}", field="endpoint_type")


def _custom_service_type(service: EndpointService) -> str:
    """GatewayLoadBalancer for a service fronted only by Gateway Load Balancers."""
    gwlb_only = (service.network_load_balancers.known_empty
                 and not service.gateway_load_balancers.known_empty)
    return "GatewayLoadBalancer" if gwlb_only else "Interface"
