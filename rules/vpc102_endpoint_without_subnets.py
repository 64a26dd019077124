"""VPC102 endpoint-without-subnets: an Interface-style endpoint placed in no subnet.

## What it does
Finds Interface, GatewayLoadBalancer, Resource and ServiceNetwork VPC endpoints that have no
subnet at all: no `subnet_ids` / `subnet_configuration` / `SubnetIds`, and no
`aws_vpc_endpoint_subnet_association` anywhere in the scan. Gateway endpoints take route tables
instead (VPC101 checks those). An endpoint whose type is omitted (so Gateway) for a service
with no Gateway endpoint is judged as the Interface endpoint it is meant to be, and left to
VPC103 when that rule is enabled. An endpoint whose type or subnets come from a value vpclint
cannot know (a variable with no value, a parameter, a condition) is not reported.

## Why it matters
These endpoints reach the service through network interfaces that AWS creates in the subnets
you give them. With no subnet there is no network interface: a GatewayLoadBalancer endpoint
cannot be created at all, and an Interface endpoint is created with nothing to send traffic to,
so the private DNS name resolves to no address and clients fall back to the public endpoint
through NAT, or fail where there is none.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "ssm" {
  vpc_id             = aws_vpc.main.id
  service_name       = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type  = "Interface"
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
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_subnet_association
"""

from __future__ import annotations

from ._endpoints import endpoint_label
from vpclint.model.components import EndpointAssociation, EndpointService, VpcEndpoint
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC102", "endpoint-without-subnets", Level.ERROR,
                "An Interface, GatewayLoadBalancer, Resource or ServiceNetwork endpoint has no "
                "subnets")

SUBNET_TYPES = ("Interface", "GatewayLoadBalancer", "Resource", "ServiceNetwork")


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        kind = endpoint.intended_type
        if not isinstance(kind, str) or kind not in SUBNET_TYPES:
            continue
        if not endpoint.subnets.known_empty:
            continue
        # An association vpclint cannot tie to an endpoint (its vpc_endpoint_id is a variable
        # with no value, a data source), or one that may sit where vpclint cannot see (a module
        # it cannot read, another configuration the endpoint is exported to), may give this
        # endpoint its subnets: "no subnets" is then unknown.
        if model.linked_from(endpoint, EndpointAssociation, "endpoint").open:
            continue
        yield Finding(endpoint, f"{endpoint_label(endpoint)}{_for(endpoint)} has no "
                      "subnets: AWS creates its network interfaces in the subnets it is given, "
                      "so with none it cannot carry traffic", field="subnets")


def _for(endpoint: VpcEndpoint) -> str:
    service = endpoint.service_name
    if isinstance(service, str):
        return f" for {service}"
    if isinstance(service, EndpointService):
        return f" for endpoint service {service.display}"
    return ""
