"""VPC308 endpoint-az-coverage: a workload uses an Interface endpoint with no ENI in its AZ.

## What it does
For every flow that reaches its AWS service privately through an Interface endpoint, compares
the workload subnet's Availability Zone with the AZs of the endpoint's subnets. When the
endpoint has no subnet in that AZ, the workload's calls cross to an endpoint network interface
in another AZ. The finding points at the endpoint's subnets (where one subnet per AZ is added),
with the workload subnets as related locations, and lists every uncovered AZ once per endpoint.

AZs are compared by ID when both subnets give an ID, by name when both give a name, by index
when both take their AZ from one list of the region's AZs (`!Select [0, !GetAZs ""]`,
`data.aws_availability_zones.available.names[0]`: their names are unknown, but two indexes are
two AZs); an UNKNOWN AZ, an endpoint subnet outside the scan, or subnets added where vpclint
cannot see keep the rule silent.

## Why it matters
The private DNS name of an Interface endpoint resolves to one address per endpoint AZ; clients
in an AZ without one are sent to another AZ. That traffic pays inter-AZ data transfer on top of
the endpoint's processing charge, and the workload loses its AZ independence: when the
endpoint's AZ is impaired, the AZ that was supposed to keep running loses its AWS API access
too.

## Example
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.private_a.id]
}

resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = "{}"
  inline_policy {
    name = "sqs"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.private_b.id]
    security_group_ids = []
  }
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsHostnames: true
  PrivateSubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      AvailabilityZone: us-east-1a
  PrivateSubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
      AvailabilityZone: us-east-1b
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateSubnetBRouteTable:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnetB
      RouteTableId: !Ref PrivateRouteTable
  SqsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.sqs
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref PrivateSubnetA]
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: sqs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: "*"
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt WorkerRole.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref PrivateSubnetB]
        SecurityGroupIds: []
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = "{}"
  inline_policy {
    name = "sqs"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.private_b.id]
    security_group_ids = []
  }
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsHostnames: true
  PrivateSubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      AvailabilityZone: us-east-1a
  PrivateSubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
      AvailabilityZone: us-east-1b
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateSubnetBRouteTable:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnetB
      RouteTableId: !Ref PrivateRouteTable
  SqsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.sqs
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: sqs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: "*"
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt WorkerRole.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref PrivateSubnetB]
        SecurityGroupIds: []
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#private-dns
- https://docs.aws.amazon.com/whitepapers/latest/aws-privatelink/aws-privatelink.html
"""

from __future__ import annotations

from ._zones import az_label, same_az
from vpclint.analyze import Verdict
from vpclint.model.components import Subnet, VpcEndpoint
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC308", "endpoint-az-coverage", Level.NOTE,
                "A workload subnet is in an AZ where the Interface endpoint it uses has no "
                "network interface",
                needs_analysis=True)


def check(ctx: Context):
    analysis = ctx.analysis
    # endpoint -> AZ label -> the flows from subnets in that uncovered AZ
    uncovered: dict[VpcEndpoint, dict[str, list]] = {}
    verdicts: dict[tuple[int, int], bool | None] = {}  # (endpoint, subnet) -> covered
    for flow in analysis.flows:
        endpoint = flow.endpoint
        if flow.verdict is not Verdict.INTERFACE_ENDPOINT or not isinstance(endpoint,
                                                                            VpcEndpoint):
            continue
        key = (id(endpoint), id(flow.subnet))
        if key not in verdicts:
            verdicts[key] = _covered(endpoint, flow.subnet)
        if verdicts[key] is False:
            uncovered.setdefault(endpoint, {}).setdefault(az_label(flow.subnet), []).append(flow)
    for endpoint, by_az in uncovered.items():
        yield _finding(endpoint, by_az)


def _covered(endpoint: VpcEndpoint, subnet: Subnet) -> bool | None:
    """Whether the endpoint has a subnet in ``subnet``'s AZ; None when that cannot be known."""
    members = endpoint.subnets
    if members.open or members.external or not members.items:
        return None
    answers = [same_az(member, subnet) if isinstance(member, Subnet) else None
               for member in members.items]
    if any(answer is True for answer in answers):
        return True
    return False if all(answer is False for answer in answers) else None


def _finding(endpoint: VpcEndpoint, by_az: dict[str, list]) -> Finding:
    endpoint_azs = sorted({az_label(s) for s in endpoint.subnets.items})
    parts, related = [], []
    first = None
    for az, flows in by_az.items():
        first = first or flows[0]
        workloads = list(dict.fromkeys(f.workload.label for f in flows))
        subnets = list(dict.fromkeys(f.subnet for f in flows))
        parts.append(f"{az} ({', '.join(workloads)} in {', '.join(s.display for s in subnets)})")
        for subnet in subnets:
            related.append(Related(subnet, f"subnet {subnet.display} in {az} reaches "
                                   f"{endpoint.display} in another AZ"))
    message = (f"Interface endpoint {endpoint.display} has network interfaces only in "
               f"{', '.join(endpoint_azs)}, but is used from {'; '.join(parts)}: those calls "
               "cross AZs (inter-AZ charges, and an AZ outage elsewhere cuts them off); add a "
               "subnet in each workload AZ to the endpoint")
    return Finding(endpoint, message, field="subnets", related=related, flow=first)
