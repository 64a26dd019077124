"""VPC405 endpoint-uses-default-security-group: an Interface endpoint on the VPC's default group.

## What it does
Finds Interface VPC endpoints (`aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint` with type
`Interface`) that are given no security group, inline (`security_group_ids` /
`SecurityGroupIds`) or through `aws_vpc_endpoint_security_group_association`: AWS then attaches
the VPC's default security group. It also finds endpoints whose only security group is the
VPC's default one named explicitly (`aws_vpc.x.default_security_group_id`,
`!GetAtt Vpc.DefaultSecurityGroup`).

An endpoint whose groups vpclint cannot see (a variable with no value, an association whose
endpoint is UNKNOWN, a module it cannot read) keeps the rule silent. Groups adopted with
`aws_default_security_group` are managed in code on purpose and are not reported here (VPC202
evaluates their rules). Only Interface endpoints are checked; Gateway endpoints take no
security group.

## Why it matters
The default security group is shared by everything launched in the VPC without a group of its
own, and its rules are written for none of them: out of the box it admits all traffic from its
own members only, so clients outside it cannot reach the endpoint on 443, and when someone opens
it up for the endpoint, every other member is opened too. A dedicated group makes the
endpoint's exposure explicit: HTTPS from the VPC or from the client subnets and groups.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  private_dns_enabled = true
}
```
CloudFormation:
```yaml
SqsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.sqs
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    PrivateDnsEnabled: true
```

## Use instead
Terraform:
```hcl
resource "aws_security_group" "endpoints" {
  name   = "vpc-endpoints"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}
```
CloudFormation:
```yaml
EndpointSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: HTTPS from the VPC to the interface endpoints
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        CidrIp: 10.0.0.0/16
SqsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.sqs
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
    PrivateDnsEnabled: true
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
- https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint#security_group_ids
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html
"""

from __future__ import annotations

from vpclint.model.components import EndpointAssociation, EndpointService, Vpc, VpcEndpoint
from vpclint.model.services import aws_service
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC405", "endpoint-uses-default-security-group", Level.WARNING,
                "An Interface endpoint has no security group of its own and uses the VPC's "
                "default security group", security_severity=4.0)


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        if endpoint.endpoint_type != "Interface":
            continue
        groups = endpoint.security_groups
        if groups.open or groups.external:
            continue
        if groups.known_empty:
            if model.linked_from(endpoint, EndpointAssociation, "endpoint").open:
                continue  # an association vpclint cannot tie may attach a group
            vpc = f" of {endpoint.vpc.display}" if isinstance(endpoint.vpc, Vpc) else ""
            yield Finding(endpoint, f"Interface endpoint {endpoint.display}{_for(endpoint)} has "
                          f"no security group, so AWS attaches the default security group{vpc}: "
                          "a group shared with everything launched without one, whose rules are "
                          "written for none of them (attach a dedicated group that admits TCP "
                          "443 from the clients)", field="security_groups")
        elif all(isinstance(g, Vpc) for g in groups.items):
            yield Finding(endpoint, f"Interface endpoint {endpoint.display}{_for(endpoint)} uses "
                          "only the default security group of "
                          f"{', '.join(g.display for g in groups.items)}: a group shared with "
                          "everything launched without one, whose rules are written for none of "
                          "them (attach a dedicated group that admits TCP 443 from the clients)",
                          field="security_groups",
                          related=[Related(g, f"{g.display}: its default security group")
                                   for g in groups.items])


def _for(endpoint: VpcEndpoint) -> str:
    service = endpoint.service_name
    if isinstance(service, EndpointService):
        return f" (endpoint service {service.display})"
    name = aws_service(service)
    if name:
        return f" ({name})"
    return f" ({service})" if isinstance(service, str) else ""
