"""Write a synthetic estate N times the size of the real-world corpus, for the linear-cost bench.

The estate is made of independent units, each one Terraform module (``network.tf``, ``app.tf``)
and one CloudFormation template describing the same small infrastructure: a VPC with public and
private subnets in two AZs, an internet gateway, a NAT gateway per AZ, route tables, an S3
gateway endpoint, SQS and Secrets Manager interface endpoints, security groups, and workloads
with their roles (a VPC Lambda calling SQS and Secrets Manager; every other unit an ECS Fargate
service pulling from ECR and an SSM-managed instance). Units vary in five ways, so the rules and
the flow analysis have real work: correct; SQS endpoint with private DNS off (detour through
NAT); no S3 endpoint (S3 through NAT); no NAT and no Secrets Manager endpoint (no path); S3
endpoint missing from one route table.

"N times the corpus" counts files: the corpus's Terraform files plus its CloudFormation
templates (``../shared/corpus``, 808 files when this was written; ``--base-files`` when the
corpus is absent). The estate is deterministic: the same N gives the same bytes.

Usage: ``python bench/generate_estate.py OUT_DIR --scale 10``
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_BASE_FILES = 808
FILES_PER_UNIT = 3
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
_CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def corpus_files(corpus: Path = CORPUS) -> int | None:
    """Terraform files and CloudFormation templates in the corpus, or None when it is absent."""
    if not corpus.is_dir():
        return None
    count = 0
    for path in corpus.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".tf":
            count += 1
        elif path.suffix in _CFN_SUFFIXES:
            head = path.read_bytes()[:20000]
            if b"AWSTemplateFormatVersion" in head or b"Resources:" in head:
                count += 1
    return count


# --- Terraform ------------------------------------------------------------------------------

_TF_NETWORK = """\
provider "aws" {
  region = "@REGION@"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.@NET@.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = { Name = "unit-@UNIT@" }
}

resource "aws_subnet" "public_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.@NET@.100.0/24"
  availability_zone = "@REGION@a"
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.@NET@.101.0/24"
  availability_zone = "@REGION@b"
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.@NET@.1.0/24"
  availability_zone = "@REGION@a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.@NET@.2.0/24"
  availability_zone = "@REGION@b"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public_a" {
  subnet_id      = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "public_b" {
  subnet_id      = aws_subnet.public_b.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private_a" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "private_b" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private_a" {
  subnet_id      = aws_subnet.private_a.id
  route_table_id = aws_route_table.private_a.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private_b.id
}
@NAT@
resource "aws_security_group" "endpoints" {
  name        = "unit-@UNIT@-endpoints"
  description = "HTTPS from the VPC to the interface endpoints"
  vpc_id      = aws_vpc.main.id

  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}
@ENDPOINTS@"""

_TF_NAT = """
resource "aws_eip" "nat_@Z@" {
  domain = "vpc"
}

resource "aws_nat_gateway" "@Z@" {
  allocation_id = aws_eip.nat_@Z@.id
  subnet_id     = aws_subnet.public_@Z@.id
}

resource "aws_route" "private_@Z@_default" {
  route_table_id         = aws_route_table.private_@Z@.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.@Z@.id
}
"""

_TF_S3 = """
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.@REGION@.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [@TABLES@]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:PutObject"]
      Resource  = ["${aws_s3_bucket.data.arn}/*", "arn:aws:s3:::prod-@REGION@-starport-layer-bucket/*"]
    }]
  })
}
"""

_TF_INTERFACE = """
resource "aws_vpc_endpoint" "@NAME@" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.@REGION@.@SERVICE@"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = @DNS@
}
"""

_TF_APP = """\
resource "aws_s3_bucket" "data" {
  bucket = "unit-@UNIT@-data"
}

resource "aws_sqs_queue" "jobs" {
  name = "unit-@UNIT@-jobs"
}

resource "aws_secretsmanager_secret" "db" {
  name = "unit-@UNIT@-db"
}

resource "aws_iam_role" "worker" {
  name = "unit-@UNIT@-worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

data "aws_iam_policy_document" "worker" {
  statement {
    actions   = ["sqs:SendMessage", "sqs:ReceiveMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }

  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.db.arn]
  }

  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
  }
}

resource "aws_iam_role_policy" "worker" {
  name   = "worker"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

resource "aws_iam_role_policy_attachment" "worker_vpc" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_security_group" "workers" {
  name        = "unit-@UNIT@-workers"
  description = "HTTPS out"
  vpc_id      = aws_vpc.main.id

  egress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lambda_function" "worker" {
  function_name = "unit-@UNIT@-worker"
  role          = aws_iam_role.worker.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "worker.zip"

  vpc_config {
    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_group_ids = [aws_security_group.workers.id]
  }

  environment {
    variables = {
      QUEUE_URL  = aws_sqs_queue.jobs.url
      SECRET_ARN = aws_secretsmanager_secret.db.arn
      BUCKET     = aws_s3_bucket.data.bucket
    }
  }
}
@EXTRA@"""

_TF_EXTRA = """
resource "aws_iam_role" "execution" {
  name = "unit-@UNIT@-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_cloudwatch_log_group" "web" {
  name = "/ecs/unit-@UNIT@-web"
}

resource "aws_ecs_cluster" "main" {
  name = "unit-@UNIT@"
}

resource "aws_ecs_task_definition" "web" {
  family                   = "unit-@UNIT@-web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name      = "web"
    image     = "123456789012.dkr.ecr.@REGION@.amazonaws.com/web:1.0.@UNIT@"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.web.name
        awslogs-region        = "@REGION@"
        awslogs-stream-prefix = "web"
      }
    }
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_groups = [aws_security_group.workers.id]
  }
}

resource "aws_iam_role" "managed" {
  name = "unit-@UNIT@-managed"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.managed.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "managed" {
  name = "unit-@UNIT@-managed"
  role = aws_iam_role.managed.name
}

resource "aws_instance" "bastion" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private_a.id
  vpc_security_group_ids = [aws_security_group.workers.id]
  iam_instance_profile   = aws_iam_instance_profile.managed.name
}
"""


# --- CloudFormation ---------------------------------------------------------------------------

_CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: Synthetic estate unit @UNIT@ (variant @VARIANT@)
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.@NET@.0.0/16
      EnableDnsSupport: true
      EnableDnsHostnames: true
@SUBNETS@
  InternetGateway:
    Type: AWS::EC2::InternetGateway
  InternetGatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref InternetGateway
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicDefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: InternetGatewayAttachment
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref InternetGateway
@PRIVATE@
  EndpointSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HTTPS from the VPC to the interface endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: !GetAtt Vpc.CidrBlock
@ENDPOINTS@
  DataBucket:
    Type: AWS::S3::Bucket
  JobsQueue:
    Type: AWS::SQS::Queue
  DatabaseSecret:
    Type: AWS::SecretsManager::Secret
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
      Policies:
        - PolicyName: worker
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [sqs:SendMessage, sqs:ReceiveMessage]
                Resource: !GetAtt JobsQueue.Arn
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: !Ref DatabaseSecret
              - Effect: Allow
                Action: [s3:GetObject, s3:PutObject]
                Resource: !Sub ${DataBucket.Arn}/*
  WorkerSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HTTPS out
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt WorkerRole.Arn
      Code:
        ZipFile: "def handler(event, context): return {}"
      VpcConfig:
        SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
        SecurityGroupIds: [!Ref WorkerSecurityGroup]
      Environment:
        Variables:
          QUEUE_URL: !Ref JobsQueue
          SECRET_ARN: !Ref DatabaseSecret
          BUCKET: !Ref DataBucket
"""

_CFN_SUBNET = """\
  @NAME@:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: @CIDR@
      AvailabilityZone: !Select [@AZ@, !GetAZs ""]
  @NAME@RouteTableAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref @NAME@
      RouteTableId: !Ref @TABLE@
"""

_CFN_PRIVATE_TABLE = """\
  PrivateRouteTable@Z@:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
"""

_CFN_NAT = """\
  NatEip@Z@:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway@Z@:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEip@Z@.AllocationId
      SubnetId: !Ref PublicSubnet@Z@
  PrivateDefaultRoute@Z@:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable@Z@
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway@Z@
"""

_CFN_S3 = """\
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      VpcEndpointType: Gateway
      RouteTableIds: [@TABLES@]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: [s3:GetObject, s3:PutObject]
            Resource: !Sub ${DataBucket.Arn}/*
"""

_CFN_INTERFACE = """\
  @NAME@Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.@SERVICE@
      VpcEndpointType: Interface
      SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
      SecurityGroupIds: [!Ref EndpointSecurityGroup]
      PrivateDnsEnabled: @DNS@
"""

VARIANTS = ("correct", "sqs-private-dns-off", "no-s3-endpoint", "no-nat-no-secrets-endpoint",
            "s3-endpoint-misses-a-table")


def _fill(template: str, **values: object) -> str:
    for key, value in values.items():
        template = template.replace(f"@{key}@", str(value))
    return template


def terraform_unit(index: int) -> dict[str, str]:
    variant = VARIANTS[index % len(VARIANTS)]
    region = REGIONS[index % len(REGIONS)]
    common = {"UNIT": index, "NET": index % 250, "REGION": region}
    nat = "" if variant == "no-nat-no-secrets-endpoint" else "".join(
        _fill(_TF_NAT, Z=z) for z in "ab")
    endpoints = ""
    if variant != "no-s3-endpoint":
        tables = ("aws_route_table.private_a.id" if variant == "s3-endpoint-misses-a-table"
                  else "aws_route_table.private_a.id, aws_route_table.private_b.id")
        endpoints += _fill(_TF_S3, TABLES=tables, **common)
    endpoints += _fill(_TF_INTERFACE, NAME="sqs", SERVICE="sqs",
                       DNS="false" if variant == "sqs-private-dns-off" else "true", **common)
    if variant != "no-nat-no-secrets-endpoint":
        endpoints += _fill(_TF_INTERFACE, NAME="secretsmanager", SERVICE="secretsmanager",
                           DNS="true", **common)
    network = _fill(_TF_NETWORK, NAT=nat, ENDPOINTS=endpoints, **common)
    app = _fill(_TF_APP, EXTRA=_fill(_TF_EXTRA, **common) if index % 2 else "", **common)
    return {"network.tf": network, "app.tf": app}


def cloudformation_unit(index: int) -> str:
    variant = VARIANTS[index % len(VARIANTS)]
    net = index % 250
    subnets = "".join(
        _fill(_CFN_SUBNET, NAME=f"{kind}Subnet{z}", CIDR=f"10.{net}.{base + n}.0/24", AZ=n,
              TABLE="PublicRouteTable" if kind == "Public" else f"PrivateRouteTable{z}")
        for kind, base in (("Public", 100), ("Private", 1)) for n, z in enumerate("AB"))
    private = "".join(_fill(_CFN_PRIVATE_TABLE, Z=z) for z in "AB")
    if variant != "no-nat-no-secrets-endpoint":
        private += "".join(_fill(_CFN_NAT, Z=z) for z in "AB")
    endpoints = ""
    if variant != "no-s3-endpoint":
        tables = ("!Ref PrivateRouteTableA" if variant == "s3-endpoint-misses-a-table"
                  else "!Ref PrivateRouteTableA, !Ref PrivateRouteTableB")
        endpoints += _fill(_CFN_S3, TABLES=tables)
    endpoints += _fill(_CFN_INTERFACE, NAME="Sqs", SERVICE="sqs",
                       DNS="false" if variant == "sqs-private-dns-off" else "true")
    if variant != "no-nat-no-secrets-endpoint":
        endpoints += _fill(_CFN_INTERFACE, NAME="SecretsManager", SERVICE="secretsmanager",
                           DNS="true")
    return _fill(_CFN, UNIT=index, VARIANT=variant, NET=net, SUBNETS=subnets.rstrip("\n"),
                 PRIVATE=private.rstrip("\n"), ENDPOINTS=endpoints.rstrip("\n"))


def generate(out: Path, scale: float, base_files: int) -> dict[str, int]:
    """Write the estate under ``out``; returns its file and unit counts."""
    units = max(1, math.ceil(scale * base_files / FILES_PER_UNIT))
    files = 0
    for index in range(units):
        module = out / "terraform" / f"unit{index:05d}"
        module.mkdir(parents=True, exist_ok=True)
        for name, text in terraform_unit(index).items():
            (module / name).write_text(text, encoding="utf-8")
            files += 1
        stacks = out / "cloudformation" / f"batch{index // 500:03d}"
        stacks.mkdir(parents=True, exist_ok=True)
        (stacks / f"unit{index:05d}.yaml").write_text(cloudformation_unit(index),
                                                      encoding="utf-8")
        files += 1
    return {"units": units, "files": files}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the estate into")
    parser.add_argument("--scale", type=float, default=1.0, help="N: times the corpus size")
    parser.add_argument("--base-files", type=int, default=None,
                        help=f"corpus size in files (default: counted in {CORPUS}, else "
                             f"{DEFAULT_BASE_FILES})")
    args = parser.parse_args(argv)
    base = args.base_files or corpus_files() or DEFAULT_BASE_FILES
    counts = generate(args.out, args.scale, base)
    print(f"wrote {counts['files']} files ({counts['units']} units) = {args.scale:g} x "
          f"{base} corpus files into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
