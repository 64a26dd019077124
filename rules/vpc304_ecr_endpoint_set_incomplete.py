"""VPC304 ecr-endpoint-set-incomplete: a private workload pulling from ECR lacks an endpoint.

## What it does
Finds ECS services on Fargate, EC2 instances, auto-scaling groups and EKS node groups in
private subnets that pull images from Amazon ECR (a container image
`<account>.dkr.ecr.<region>.amazonaws.com/...`, or ECR permissions on the instance or node
role, such as `AmazonEC2ContainerRegistryReadOnly`) and whose subnets reach one of the services
an image pull needs neither through an endpoint nor otherwise:

- `ecr.api` and `ecr.dkr`: Interface endpoints with private DNS;
- `s3`: the image layers come from S3, through a gateway endpoint on the subnets' route tables;
- `logs`: when a container logs with the `awslogs` driver (ECS services).

With no NAT (no default route) the pull fails: the finding is an `error`. With a NAT gateway
the pull works but crosses the public internet and pays NAT processing per gigabyte: the finding
is a `warning`, for the Interface endpoints only.

One defect, one finding: this rule is about the Interface endpoints, and about S3 for the image
layers: when the VPC has no S3 gateway endpoint at all and no NAT, and when its S3 gateway
endpoint misses the workload's route table and the workload uses S3 for nothing else (then
VPC302 leaves the layers to this rule). The S3 detour through NAT with no S3 gateway endpoint is
VPC301's finding (on the route table's default route), an S3 gateway endpoint that misses the
route table of a workload using S3 itself is VPC302's (on the endpoint's route tables), and an
Interface endpoint that exists with private DNS off is VPC303's.

It points at the workload; the message names the missing endpoints, and the path of one failing
flow is attached. ECS services on the EC2 launch type are skipped: the container instance pulls
the images, from its own subnet, and is checked as an instance. Flows that leave the VPC (transit
gateway, peering) or go straight to an internet gateway, and UNKNOWN routes, are never reported.

## Why it matters
A Fargate task in a private subnet without the full endpoint set stays in `PENDING` and fails
with `CannotPullContainerError` (or `ResourceInitializationError` for the log group): ECR needs
`ecr.api` for the authorization token, `ecr.dkr` for the manifest, and S3 for the layers. With a
NAT gateway every image pull is billed as NAT data processing and leaves the AWS network.

## Example
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.private.id]
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
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateSubnetRouteTable:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnet
      RouteTableId: !Ref PrivateRouteTable
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions:
        - Name: app
          Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDefinition
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref PrivateSubnet]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "endpoints" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_vpc_endpoint" "ecr" {
  for_each            = toset(["ecr.api", "ecr.dkr"])
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.private.id]
  security_group_ids  = [aws_security_group.endpoints.id]
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.private.id]
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
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateSubnetRouteTable:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnet
      RouteTableId: !Ref PrivateRouteTable
  EndpointSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HTTPS from the VPC
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
  EcrApiEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.api
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref PrivateSubnet]
      SecurityGroupIds: [!Ref EndpointSecurityGroup]
  EcrDkrEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.dkr
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref PrivateSubnet]
      SecurityGroupIds: [!Ref EndpointSecurityGroup]
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds: [!Ref PrivateRouteTable]
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions:
        - Name: app
          Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDefinition
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref PrivateSubnet]
```

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html
- https://repost.aws/knowledge-center/ecs-fargate-pull-container-error
"""

from __future__ import annotations

from ._detours import image_layers_only
from ._endpoint_sets import (INSTANCE_KINDS, collect, flows_by_workload, route_table_notes,
                             runs_on_fargate, services_of, subnets_of)
from ._wording import names
from vpclint.model.workloads import TaskDefinition, Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC304", "ecr-endpoint-set-incomplete", Level.ERROR,
                "A private-subnet workload pulling from ECR lacks ecr.api, ecr.dkr, the S3 "
                "gateway endpoint or logs",
                needs_analysis=True)

ORDER = ("ecr.api", "ecr.dkr", "s3", "logs")
# With a NAT, an S3 detour is fixed on the route table and its gateway endpoint, not by adding
# to this set of endpoints.
DETOUR_SERVICES = ("ecr.api", "ecr.dkr", "logs")


def check(ctx: Context):
    model = ctx.model
    analysis = ctx.analysis
    flows_of = flows_by_workload(analysis)
    endpoints = analysis.endpoints
    for workload in model.of(Workload):
        flows = flows_of.get(id(workload))
        if not flows:
            continue
        usage = analysis.usage[id(workload)]
        pulls = _ecr_evidence(workload, usage.services.get("ecr.dkr", []))
        if not pulls:
            continue
        required = ["ecr.api", "ecr.dkr", "s3"]
        if workload.workload_kind == "ecs_service" and any(
                isinstance(e.component, TaskDefinition)
                for e in usage.services.get("logs", [])):
            required.append("logs")  # the awslogs driver, not a logs permission
        gaps = collect(flows, required, detour_services=[s for s in DETOUR_SERVICES
                                                          if s in required] + ["s3"])
        # S3 for the image layers only: the workload's own S3 calls past an S3 gateway
        # endpoint that misses its route table are that endpoint's finding, and with a NAT and
        # no S3 gateway endpoint at all the route table's default route is where to fix it
        gaps.no_path = [f for f in gaps.no_path if f.service != "s3" or image_layers_only(f)
                        or not endpoints.in_vpc(f.subnet.vpc, "s3", "Gateway")]
        gaps.detour = [f for f in gaps.detour if f.service != "s3" or (
            image_layers_only(f) and endpoints.in_vpc(f.subnet.vpc, "s3", "Gateway"))]
        if not gaps:
            continue
        yield _finding(workload, pulls[0], gaps)


def _ecr_evidence(workload: Workload, evidence: list) -> list:
    """Evidence that the workload's own network pulls ECR images, or [] when it does not."""
    if runs_on_fargate(workload):
        # the execution role's permissions (AmazonECSTaskExecutionRolePolicy) come with every
        # task; only an ECR image says the task pulls from ECR
        return [e for e in evidence if isinstance(e.component, TaskDefinition)]
    if workload.workload_kind in INSTANCE_KINDS:
        return list(evidence)
    return []


def _finding(workload: Workload, pull, gaps) -> Finding:
    failing = gaps.no_path or gaps.detour
    flow = next((f for f in failing if f.service == "ecr.dkr"), failing[0])
    subnets = ", ".join(s.display for s in subnets_of(gaps.no_path + gaps.detour))
    parts = []
    if gaps.no_path:
        missing = services_of(gaps.no_path, ORDER)
        effect = ("image pulls fail" if set(missing) - {"logs"} else
                  "the awslogs driver cannot ship logs and tasks fail to start")
        parts.append(f"neither an endpoint nor a NAT reaches {names(missing, limit=None)}, "
                     f"so {effect}")
    if gaps.detour:
        detour = services_of(gaps.detour, ORDER)
        parts.append(f"traffic to {names(detour, limit=None)} leaves through NAT and the internet")
    message = (f"{workload.label} pulls images from ECR ({pull.reason}), but from subnet(s) "
               f"{subnets} {'; and '.join(parts)}: add "
               f"{_advice(services_of(gaps.no_path + gaps.detour, ORDER))}")
    related = [Related(pull.component, pull.reason)]
    related += [Related(table, note)
                for table, note in route_table_notes(gaps.no_path + gaps.detour, ORDER)]
    nat = next((f.nat for f in gaps.detour if f.nat is not None), None)
    if nat is not None:
        related.append(Related(nat, f"NAT gateway {nat.display} carries the ECR traffic"))
    level = Level.ERROR if gaps.no_path else Level.WARNING
    return Finding(workload, message, related=related, level=level, flow=flow)


def _advice(services: list[str]) -> str:
    interface = [s for s in services if s != "s3"]
    parts = []
    if interface:
        parts.append(("Interface endpoints" if len(interface) > 1 else "an Interface endpoint")
                     + f" with private DNS for {names(interface, limit=None)}")
    if "s3" in services:
        parts.append("an S3 gateway endpoint on the subnets' route tables")
    return " and ".join(parts)
