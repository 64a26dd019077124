"""VPC305 vpc-lambda-without-path-to-aws-apis: a VPC Lambda cannot reach the AWS APIs it calls.

## What it does
For every VPC Lambda and every AWS service its code calls (IAM actions of its role, SAM policy
templates, environment variables naming queues, topics, tables, secrets or ARNs), follows the
path from each of its subnets:

- `error`: a subnet with neither an endpoint for the service nor a default route (no NAT, no
  internet gateway, no transit gateway): the calls cannot leave, and the function times out;
- `warning`: the calls go through NAT and the internet, while another VPC deployed with it (in
  the same template or Terraform root module) has an endpoint for the service: the design uses
  endpoints, this VPC was left out.

One finding per Lambda, at its subnets, naming every service concerned; the route tables are
related and the path of the worst flow is shown.

Left to other rules (one defect, one finding): an endpoint for the service that exists in the
Lambda's VPC but does not serve it (a Gateway endpoint missing the route table: VPC302, or on
none: VPC101; an Interface endpoint with private DNS off: VPC303, which is then an error); S3
and DynamoDB through NAT (VPC301); a Lambda with a public subnet, whose egress VPC306 reports
as a whole (it supersedes this finding on that Lambda). Calls the Lambda
service makes outside the VPC on the function's behalf are not counted: CloudWatch Logs, image
pulls, and event source polling (`sqs:ReceiveMessage`, `kinesis:GetRecords` and the like, SAM's
`SQSPollerPolicy`). Flows through a transit gateway or peering, and flows whose route tables,
routes or endpoints are not all known, are never reported.

## Why it matters
A function attached to a VPC loses the default internet access it has outside one. Its SDK
calls to SQS, Secrets Manager, STS and the rest go to public endpoints, which private subnets
reach only through a NAT gateway or through VPC endpoints. With neither, every call hangs until
the function's timeout, often first noticed in production as "Task timed out" with no error
from the SDK.

## Example
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}
resource "aws_iam_role" "notify" {
  name = "notify"
  inline_policy {
    name   = "publish"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["sns:Publish"], Resource = "*" }] })
  }
}
resource "aws_lambda_function" "notify" {
  function_name = "notify"
  role          = aws_iam_role.notify.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "notify.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.app.id]
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
  AppSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  AppRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  AppAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppSubnet, RouteTableId: !Ref AppRouteTable}
  NotifyRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: publish
          PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  Notify:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt NotifyRole.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref AppSubnet]
        SecurityGroupIds: []
```

## Use instead
An Interface endpoint with private DNS for each service the function calls (or a NAT gateway):

Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}
resource "aws_vpc_endpoint" "sns" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.sns"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.app.id]
  private_dns_enabled = true
}
resource "aws_iam_role" "notify" {
  name = "notify"
  inline_policy {
    name   = "publish"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["sns:Publish"], Resource = "*" }] })
  }
}
resource "aws_lambda_function" "notify" {
  function_name = "notify"
  role          = aws_iam_role.notify.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "notify.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.app.id]
    security_group_ids = []
  }
}
```
CloudFormation:
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}
  AppSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  AppRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  AppAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppSubnet, RouteTableId: !Ref AppRouteTable}
  SnsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.sns
      VpcEndpointType: Interface
      SubnetIds: [!Ref AppSubnet]
      PrivateDnsEnabled: true
  NotifyRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: publish
          PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  Notify:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt NotifyRole.Arn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      VpcConfig:
        SubnetIds: [!Ref AppSubnet]
        SecurityGroupIds: []
```

## References
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-endpoints.html
- https://repost.aws/knowledge-center/lambda-vpc-troubleshoot-timeout
"""

from __future__ import annotations

from ._detours import counted_evidence, label, subnet_phrase, unique
from ._wording import names
from vpclint.analyze import Flow, Verdict
from vpclint.model.services import GATEWAY_SERVICES, aws_service
from vpclint.model.workloads import Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC305", "vpc-lambda-without-path-to-aws-apis", Level.ERROR,
                "A VPC Lambda has no path (no NAT, no endpoint) to an AWS service it calls, or "
                "detours through NAT for a service the design has endpoints for",
                needs_analysis=True)


def check(ctx: Context):
    model = ctx.model
    analysis = ctx.analysis
    endpoints = ctx.analysis.endpoints
    broken: dict[int, list[Flow]] = {}
    detours: dict[int, list[tuple[Flow, list]]] = {}
    for flow in analysis.flows:
        workload = flow.workload
        if workload.workload_kind != "lambda":
            continue
        if not counted_evidence(flow):
            continue  # image pulls: the Lambda service's, outside the VPC
        if flow.verdict is Verdict.NO_PATH:
            if not endpoints.in_flow_vpc(flow):
                broken.setdefault(id(workload), []).append(flow)
        elif flow.verdict is Verdict.NAT_DETOUR and flow.service not in GATEWAY_SERVICES:
            if endpoints.in_flow_vpc(flow):
                continue  # an endpoint with private DNS off, or fronted another way
            elsewhere = endpoints.elsewhere(flow.subnet.vpc, flow.service,
                                            workload.resource.scope)
            if elsewhere:
                detours.setdefault(id(workload), []).append((flow, elsewhere))
    for workload in model.of(Workload):
        if id(workload) in broken:
            yield _broken(workload, broken[id(workload)])
        elif id(workload) in detours:
            yield _detour(workload, detours[id(workload)])


def _services(flows: list[Flow]) -> list[str]:
    return list(dict.fromkeys(f.service for f in flows))


def _broken(workload: Workload, flows: list[Flow]) -> Finding:
    first = flows[0]
    services = _services(flows)
    subnets = unique(f.subnet for f in flows)
    message = (f"{workload.label} calls {names((label(s) for s in services), limit=5)}, but "
               f"{subnet_phrase(subnets)} {'has' if len(subnets) == 1 else 'have'} no endpoint for "
               f"{'it' if len(services) == 1 else 'them'} and no default route: the calls "
               "cannot leave the VPC and the function times out (add Interface endpoints with "
               "private DNS, or a NAT gateway)")
    related = [Related(table, f"route table {table.display}: no default route, no endpoint")
               for table in unique(f.route_table for f in flows if f.route_table is not None)]
    related.extend(_evidence(flows))
    return Finding(workload, message, field="subnets", related=related, flow=first,
                   level=Level.ERROR)


def _detour(workload: Workload, found: list[tuple[Flow, list]]) -> Finding:
    flows = [flow for flow, _ in found]
    first = flows[0]
    services = _services(flows)
    nat = first.nat
    via = f"NAT gateway {nat.display}" if nat is not None else "a NAT instance"
    others = unique(e for _, endpoints in found for e in endpoints)
    vpc_names = unique(e.vpc for e in others)
    vpcs = ("VPC " if len(vpc_names) == 1 else "VPCs ") + names(v.display for v in vpc_names)
    message = (f"{workload.label} calls {names((label(s) for s in services), limit=5)} through "
               f"{via} and the internet, while the design has "
               f"{'an endpoint' if len(others) == 1 else 'endpoints'} for "
               f"{'it' if len(services) == 1 else 'them'} in {vpcs} but none in VPC "
               f"{first.subnet.vpc.display} (add Interface endpoints with private DNS there)")
    related = [Related(e, f"{e.display}: the {label(_service_of(e, services))} endpoint of VPC "
                          f"{e.vpc.display}") for e in others[:3]]
    if nat is not None:
        related.append(Related(nat, f"NAT gateway {nat.display} carries the calls"))
    related.extend(_evidence(flows))
    return Finding(workload, message, field="subnets", related=related, flow=first,
                   level=Level.WARNING)


def _service_of(endpoint, services: list[str]) -> str:
    return aws_service(endpoint.service_name) or services[0]


def _evidence(flows: list[Flow]) -> list[Related]:
    related = []
    for service in _services(flows):
        flow = next(f for f in flows if f.service == service)
        item = counted_evidence(flow)[0]
        related.append(Related(item.component, f"{label(service)}: {item.reason}"))
    return related
