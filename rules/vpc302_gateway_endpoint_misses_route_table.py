"""VPC302 gateway-endpoint-misses-route-table: a gateway endpoint skips a table that needs it.

## What it does
Finds S3 and DynamoDB Gateway endpoints that are on some route tables of their VPC but not on
the route table of a subnet whose workloads (VPC Lambdas, ECS services, instances, auto-scaling
groups, EKS) call that service, as their IAM policies, environment and containers show. Route
tables attached with `aws_vpc_endpoint_route_table_association` anywhere in the scan count. The
finding points at the endpoint's route tables, one finding per endpoint listing every route
table it misses; the route tables and workloads are related locations, and the path the
traffic takes instead is shown.

It reports flows that go through NAT and the internet, leave the VPC (transit gateway, peering,
VPN), or have no path at all; then the level is `error`, since the calls fail. A subnet whose
default route is an internet gateway is left alone: public subnets reaching the public
endpoint is a common, deliberate design. A Gateway endpoint on no route table at all is
VPC101's; route tables that are not all known keep the rule silent. S3 traffic that only carries
the layers of the ECR images a workload pulls is left to VPC304, which judges the ECR endpoint
set as a whole.

## Why it matters
A Gateway endpoint only carries the traffic of the route tables it is on. A subnet whose table
was left out sends its S3 or DynamoDB calls through the NAT gateway (billed per gigabyte, over
the public endpoint, outside `aws:SourceVpce` bucket policies) or, with no NAT, nowhere: the
calls time out. Typically a route table added later (a new AZ, a new tier) was never added to
the endpoint. VPC301 stays silent for these flows: adding the table to the endpoint is the fix.

## Example
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "app_a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "app_b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_route_table" "app_a" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table" "app_b" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table_association" "app_a" {
  subnet_id      = aws_subnet.app_a.id
  route_table_id = aws_route_table.app_a.id
}
resource "aws_route_table_association" "app_b" {
  subnet_id      = aws_subnet.app_b.id
  route_table_id = aws_route_table.app_b.id
}
resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.app_a.id]
}
resource "aws_iam_role" "orders" {
  name = "orders"
  inline_policy {
    name   = "orders-table"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["dynamodb:PutItem"], Resource = "*" }] })
  }
}
resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.orders.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "orders.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.app_a.id, aws_subnet.app_b.id]
    security_group_ids = []
  }
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  AppSubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  AppSubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24}
  AppRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  AppRouteTableB:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  AppAssociationA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppSubnetA, RouteTableId: !Ref AppRouteTableA}
  AppAssociationB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppSubnetB, RouteTableId: !Ref AppRouteTableB}
  DynamoDbEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb
      VpcEndpointType: Gateway
      RouteTableIds: [!Ref AppRouteTableA]
  OrdersRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: orders-table
          PolicyDocument: {Statement: [{Effect: Allow, Action: dynamodb:PutItem, Resource: "*"}]}
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt OrdersRole.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref AppSubnetA, !Ref AppSubnetB]
        SecurityGroupIds: []
```

## Use instead
Every route table of the subnets that use the service is on the endpoint:

Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "app_a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "app_b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_route_table" "app_a" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table" "app_b" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table_association" "app_a" {
  subnet_id      = aws_subnet.app_a.id
  route_table_id = aws_route_table.app_a.id
}
resource "aws_route_table_association" "app_b" {
  subnet_id      = aws_subnet.app_b.id
  route_table_id = aws_route_table.app_b.id
}
resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.app_a.id, aws_route_table.app_b.id]
}
resource "aws_iam_role" "orders" {
  name = "orders"
  inline_policy {
    name   = "orders-table"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["dynamodb:PutItem"], Resource = "*" }] })
  }
}
resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.orders.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "orders.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.app_a.id, aws_subnet.app_b.id]
    security_group_ids = []
  }
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  AppSubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  AppSubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24}
  AppRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  AppRouteTableB:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  AppAssociationA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppSubnetA, RouteTableId: !Ref AppRouteTableA}
  AppAssociationB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppSubnetB, RouteTableId: !Ref AppRouteTableB}
  DynamoDbEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb
      VpcEndpointType: Gateway
      RouteTableIds: [!Ref AppRouteTableA, !Ref AppRouteTableB]
  OrdersRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: orders-table
          PolicyDocument: {Statement: [{Effect: Allow, Action: dynamodb:PutItem, Resource: "*"}]}
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt OrdersRole.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref AppSubnetA, !Ref AppSubnetB]
        SecurityGroupIds: []
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#associate-route-tables-s3
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_route_table_association
"""

from __future__ import annotations

from ._detours import (counted_evidence, evidence_phrase,
                            gateway_endpoint_missing, image_layers_only, in_deployment_region,
                            label, subnet_phrase, unique)
from ._wording import names
from vpclint.analyze import Flow, Verdict
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC302", "gateway-endpoint-misses-route-table", Level.WARNING,
                "An S3/DynamoDB gateway endpoint is not on the route table of subnets whose "
                "workloads use the service",
                needs_analysis=True)

_VERDICTS = (Verdict.NO_PATH, Verdict.NAT_DETOUR, Verdict.LEAVES_VPC)
_CONSEQUENCE = {Verdict.NO_PATH: "has no path and fails",
                Verdict.NAT_DETOUR: "goes through NAT and the internet",
                Verdict.LEAVES_VPC: "leaves the VPC"}


def check(ctx: Context):
    analysis = ctx.analysis
    endpoints = ctx.analysis.endpoints
    by_endpoint: dict[int, tuple] = {}
    for flow in analysis.flows:
        if flow.verdict not in _VERDICTS or not counted_evidence(flow):
            continue
        if image_layers_only(flow) and flow.verdict is not Verdict.LEAVES_VPC:
            continue  # the layers of ECR images: the ECR endpoint set is judged as a whole
        if not in_deployment_region(flow):
            continue  # a bucket / table in another Region: no gateway endpoint can carry it
        endpoint = gateway_endpoint_missing(flow, endpoints)
        if endpoint is not None:
            by_endpoint.setdefault(id(endpoint), (endpoint, []))[1].append(flow)
    for endpoint, flows in by_endpoint.values():
        yield _finding(endpoint, flows)


def _finding(endpoint, flows: list[Flow]) -> Finding:
    broken = [f for f in flows if f.verdict is Verdict.NO_PATH]
    first = (broken or flows)[0]
    service = label(first.service)
    tables = unique(f.route_table for f in flows)
    parts = []
    for table in tables:
        mine = [f for f in flows if f.route_table is table]
        subnets = subnet_phrase(unique(f.subnet for f in mine))
        workloads = names(w.label for w in unique(f.workload for f in mine))
        parts.append(f"route table {table.display} ({subnets}: {workloads}), whose "
                     f"{service} traffic {_CONSEQUENCE[mine[0].verdict]}")
    message = (f"{service} gateway endpoint {endpoint.display} is not on "
               f"{'; nor on '.join(parts)}: add {'it' if len(tables) == 1 else 'them'} to the "
               f"endpoint's route tables")
    related = [Related(table, f"route table {table.display}, not on {endpoint.display}")
               for table in tables]
    for workload in unique(f.workload for f in flows):
        mine = next(f for f in flows if f.workload is workload)
        evidence = evidence_phrase(mine)
        related.append(Related(workload, f"{workload.label} uses {service} ({evidence})",
                               field="subnets"))
    nat = next((f.nat for f in flows if f.nat is not None), None)
    if nat is not None:
        related.append(Related(nat, f"NAT gateway {nat.display} carries the {service} traffic"))
    return Finding(endpoint, message, field="route_tables", related=related, flow=first,
                   level=Level.ERROR if broken else None)
