"""VPC306 lambda-in-public-subnet: a VPC Lambda in a subnet routed to an internet gateway.

## What it does
Finds VPC Lambdas (`vpc_config` / `VpcConfig`, SAM functions too) with a subnet whose route
table (explicitly associated, or the VPC's main table) sends `0.0.0.0/0` to an internet gateway,
directly or after an inspection hop (a Gateway Load Balancer endpoint), with no NAT on the way.
It does not matter which services the function calls: any call leaving the VPC from such a
subnet fails. The finding points at the Lambda's subnets, naming every public one; the default
route is a related location and the path is shown. Subnets whose route table or routes are not
all known are never judged.

When this rule fires, VPC301 and VPC305 stay silent for that Lambda: moving it to private
subnets (with NAT or endpoints) is the fix, and their findings would follow from it.

## Why it matters
Lambda's network interfaces never get a public IP address, whatever the subnet's
`map_public_ip_on_launch`. In a subnet whose only way out is an internet gateway, the function
cannot reach the internet or any public AWS endpoint (S3, SQS, DynamoDB, STS, Secrets Manager
...): its calls hang until the function times out. A common slip is listing the public subnets
of a VPC module (`module.vpc.public_subnets`) instead of the private ones.

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
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
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
resource "aws_lambda_function" "webhook" {
  function_name = "webhook"
  role          = "arn:aws:iam::123456789012:role/webhook"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "webhook.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.public.id]
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
  Igw:
    Type: AWS::EC2::InternetGateway
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, MapPublicIpOnLaunch: true}
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PublicDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PublicRouteTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicRouteTable}
  Webhook:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/webhook
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref PublicSubnet]
        SecurityGroupIds: []
```

## Use instead
Private subnets whose default route goes to a NAT gateway (which sits in the public subnet):

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
resource "aws_lambda_function" "webhook" {
  function_name = "webhook"
  role          = "arn:aws:iam::123456789012:role/webhook"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "webhook.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.private.id]
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
  Webhook:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/webhook
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref PrivateSubnet]
        SecurityGroupIds: []
```

## References
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html
- https://repost.aws/knowledge-center/internet-access-lambda-function
"""

from __future__ import annotations

from ._detours import subnet_phrase, unique
from vpclint.model.workloads import Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC306", "lambda-in-public-subnet", Level.ERROR,
                "A VPC Lambda is in a subnet whose default route is an internet gateway: its "
                "ENIs get no public IP, so it cannot reach the internet or AWS APIs",
                # the function's egress is the defect: in private subnets it needs a NAT
                # gateway or endpoints, whatever its other subnets lack now
                supersedes=("VPC305",), needs_analysis=True)


def check(ctx: Context):
    model = ctx.model
    public = ctx.analysis.public_lambdas
    for workload in model.of(Workload):
        flows = public.get(id(workload))
        if flows:
            yield _finding(workload, flows)


def _finding(workload: Workload, flows) -> Finding:
    first = flows[0]
    subnets = [f.subnet for f in flows]
    total = workload.subnets.count
    share = ("its only subnet" if total == 1 else
             "all of its subnets" if total == len(subnets) else
             f"{len(subnets)} of its {total} subnets" if total else "some of its subnets")
    gateway = first.hops[-2].target if len(first.hops) > 1 else None
    igw = f"internet gateway {gateway.display}" if gateway is not None else "an internet gateway"
    message = (f"{workload.label} is in public {subnet_phrase(subnets)} "
               f"({share}), whose default route goes to {igw}: a Lambda ENI never gets a public "
               "IP, so its calls to the internet and to AWS APIs time out (use private subnets "
               "with a NAT gateway or VPC endpoints)")
    related = []
    for route in unique(f.default_route for f in flows if f.default_route is not None):
        related.append(Related(route, f"the default route to {igw}", field="target"))
    return Finding(workload, message, field="subnets", related=related, flow=first)
