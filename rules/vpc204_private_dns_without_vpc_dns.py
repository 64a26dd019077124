"""VPC204 private-dns-without-vpc-dns: private DNS on an endpoint whose VPC has DNS turned off.

## What it does
Finds VPC endpoints with private DNS enabled (`private_dns_enabled = true` /
`PrivateDnsEnabled: true`) in a VPC of the scan that has DNS support turned off
(`enable_dns_support = false` / `EnableDnsSupport: false`) or DNS hostnames not turned on
(`enable_dns_hostnames` / `EnableDnsHostnames` false, or unset: the default is false in both
Terraform and CloudFormation). A value vpclint cannot know (a variable, a parameter, a
condition) is not reported, nor a VPC outside the scan. Private DNS on a Gateway or
GatewayLoadBalancer endpoint, which takes none whatever its VPC, is VPC206's finding (it
supersedes this one on that endpoint).

## Why it matters
Private DNS makes the service's public name (`ssm.us-east-1.amazonaws.com`) resolve to the
endpoint's private addresses, through a hidden private hosted zone. AWS refuses to enable it
unless the VPC has both DNS support and DNS hostnames on, so creating or updating the endpoint
fails ("enableDnsSupport and enableDnsHostnames must be true"). Forgetting
`enable_dns_hostnames`, which defaults to false, is the usual cause.

## Example
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}
```
CloudFormation:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.ssm
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
    PrivateDnsEnabled: true
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}
```
CloudFormation:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
    EnableDnsSupport: true
    EnableDnsHostnames: true
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#private-dns
- https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc
"""

from __future__ import annotations

from vpclint.model.components import Vpc, VpcEndpoint
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC204", "private-dns-without-vpc-dns", Level.ERROR,
                "An endpoint enables private DNS in a VPC without DNS support and DNS hostnames")


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        if endpoint.private_dns is not True or not isinstance(endpoint.vpc, Vpc):
            continue
        if not isinstance(endpoint.intended_type, str):
            continue  # an UNKNOWN type may be one that takes no private DNS at all
        vpc = endpoint.vpc
        off = [name for name in ("dns_support", "dns_hostnames") if getattr(vpc, name) is False]
        if not off:
            continue
        described = " and ".join(_describe(vpc, name) for name in off)
        yield Finding(endpoint, f"endpoint {endpoint.display} enables private DNS, but its VPC "
                      f"{vpc.display} has {described}: AWS requires both DNS support and DNS "
                      "hostnames on the VPC for private DNS", field="private_dns",
                      related=[Related(vpc, f"VPC {vpc.display} has {described}", field=off[0])])


def _describe(vpc: Vpc, name: str) -> str:
    if vpc.written(name):
        return vpc.source_name(name, False)
    return f"{vpc.source_name(name)} unset (default false)"
