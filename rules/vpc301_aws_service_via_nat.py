"""VPC301 aws-service-via-nat: S3 or DynamoDB traffic that leaves through NAT and the internet.

## What it does
Follows the traffic of every workload (VPC Lambda, ECS service, EC2 instance, auto-scaling
group, EKS cluster or node group) to the AWS services it uses, as its IAM policies, environment
and containers show. Reports the route table whose default route sends S3 or DynamoDB traffic
to a NAT gateway (or NAT instance) and on to an internet gateway, when the VPC has no endpoint
for that service: no Gateway endpoint, and no Interface endpoint. The finding points at the
default route; the workloads and the NAT gateway are related locations, and the path is shown
hop by hop.

Not reported here, because another rule owns the fix (one defect, one finding): a Gateway
endpoint that exists but is not on this route table (VPC302) or on no route table at all
(VPC101); an Interface endpoint for the service with private DNS off (VPC303). (A Lambda with
one subnet whose default route is an internet gateway is VPC306's for that subnet; the S3 traffic
of its other subnets through NAT is still reported here.) A subnet whose default route goes
straight to an internet gateway is not a detour either: a workload with a public IP reaches
same-Region S3 without NAT charges, and one without cannot reach it at all, a broken path
rather than a detour. Flows that go through a transit gateway or peering, or whose route table,
routes or endpoints are not all known, are never reported.

## Why it matters
Without a Gateway endpoint, every S3 and DynamoDB call from a private subnet crosses the NAT
gateway, which bills per gigabyte processed, and leaves the VPC for the public service
endpoint: large object transfers and chatty table access add up quickly, and bucket or table
policies cannot restrict access to the VPC (`aws:SourceVpce`). Gateway endpoints for S3 and
DynamoDB cost nothing and only need adding to the route tables.

## Example
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}
resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}
resource "aws_nat_gateway" "main" {
  subnet_id = aws_subnet.public.id
}
resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_iam_role" "reports" {
  name = "reports"
  inline_policy {
    name   = "read-reports"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }] })
  }
}
resource "aws_instance" "reports" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  subnet_id            = aws_subnet.private.id
  iam_instance_profile = aws_iam_instance_profile.reports.name
}
resource "aws_iam_instance_profile" "reports" {
  role = aws_iam_role.reports.name
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PublicDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PublicRouteTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicRouteTable}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref PublicSubnet}
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivateRouteTable, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  PrivateAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PrivateSubnet, RouteTableId: !Ref PrivateRouteTable}
  ReportsRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: read-reports
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  ReportsProfile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref ReportsRole]}
  Reports:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-12345678, SubnetId: !Ref PrivateSubnet, IamInstanceProfile: !Ref ReportsProfile}
```

## Use instead
A Gateway endpoint on the private route table.

Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}
resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}
resource "aws_nat_gateway" "main" {
  subnet_id = aws_subnet.public.id
}
resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}
resource "aws_iam_role" "reports" {
  name = "reports"
  inline_policy {
    name   = "read-reports"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }] })
  }
}
resource "aws_instance" "reports" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  subnet_id            = aws_subnet.private.id
  iam_instance_profile = aws_iam_instance_profile.reports.name
}
resource "aws_iam_instance_profile" "reports" {
  role = aws_iam_role.reports.name
}
```

CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PublicDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PublicRouteTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicRouteTable}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref PublicSubnet}
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivateRouteTable, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  PrivateAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PrivateSubnet, RouteTableId: !Ref PrivateRouteTable}
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      VpcEndpointType: Gateway
      RouteTableIds: [!Ref PrivateRouteTable]
  ReportsRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: read-reports
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  ReportsProfile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref ReportsRole]}
  Reports:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-12345678, SubnetId: !Ref PrivateSubnet, IamInstanceProfile: !Ref ReportsProfile}
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-pricing.html
- https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html
"""

from __future__ import annotations

from ._detours import counted_evidence, evidence_phrase, in_deployment_region, label, unique
from ._wording import names
from vpclint.analyze import Flow, Verdict
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC301", "aws-service-via-nat", Level.WARNING,
                "S3 or DynamoDB traffic leaves through NAT and the internet: no gateway endpoint "
                "on the route table",
                needs_analysis=True)

_SERVICES = ("s3", "dynamodb")


def check(ctx: Context):
    analysis = ctx.analysis
    endpoints = ctx.analysis.endpoints
    by_route: dict[int, list[Flow]] = {}
    for flow in analysis.flows:
        if flow.verdict is not Verdict.NAT_DETOUR or flow.service not in _SERVICES:
            continue
        if flow.default_route is None or endpoints.in_flow_vpc(flow):
            continue  # an endpoint of the VPC is meant for it: any defect is on the endpoint
        if not in_deployment_region(flow):
            continue  # a bucket or table in another Region
        if not counted_evidence(flow):
            continue  # only the platform's image pulls, made elsewhere
        by_route.setdefault(id(flow.default_route), []).append(flow)
    for flows in by_route.values():
        yield _finding(flows)


def _finding(flows: list[Flow]) -> Finding:
    first = flows[0]
    route, table, nat = first.default_route, first.route_table, first.nat
    services = [s for s in _SERVICES if any(f.service == s for f in flows)]
    workloads = unique(f.workload for f in flows)
    via = f"NAT gateway {nat.display}" if nat is not None else "a NAT instance"
    what = " and ".join(label(s) for s in services)
    missing = " or ".join(f"{label(s)}" for s in services)
    message = (f"{what} traffic of {names(w.label for w in workloads)} leaves through {via} and "
               f"the internet: route table {table.display} has no {missing} gateway endpoint "
               f"(add one on this route table: gateway endpoints are free)")
    related = []
    if nat is not None:
        related.append(Related(nat, f"NAT gateway {nat.display} processes (and bills) the "
                                    f"{what} traffic"))
    for workload in workloads:
        mine = [f for f in flows if f.workload is workload]
        evidence = evidence_phrase(mine[0])
        used = " and ".join(label(s) for s in _SERVICES if any(f.service == s for f in mine))
        related.append(Related(workload, f"{workload.label} uses {used} ({evidence})",
                                field="subnets"))
    if table is not None and table.resource is not route.resource:
        related.append(Related(table, f"route table {table.display}, where the gateway "
                                      "endpoint belongs"))
    return Finding(route, message, field="target", related=related, flow=first)
