"""VPC307 agent-endpoints-missing: an agent or task secrets with no path to their service.

## What it does
Finds workloads in subnets with no NAT and no default route whose platform agents cannot reach
their AWS service through an endpoint:

- SSM-managed instances (instances, auto-scaling groups, EKS node groups whose role carries
  `AmazonSSMManagedInstanceCore`, or `ssmmessages` / `ec2messages` / `ssm:UpdateInstanceInformation`
  permissions) lacking `ssm` or `ssmmessages`. `ec2messages` is only required when the role
  grants `ec2messages` but not `ssmmessages` (SSM Agent 3.3.40.0 and later uses `ssmmessages`
  when it can reach it); it is named in the message when it is missing too.
- ECS container instances (a role with `AmazonEC2ContainerServiceforEC2Role`, or the agent's
  `ecs:Poll` / `ecs:StartTelemetrySession`) lacking `ecs`, `ecs-agent` or `ecs-telemetry`: the
  ECS documentation requires all three.
- ECS services on Fargate whose containers read `secrets` from Secrets Manager or Parameter
  Store, lacking `secretsmanager` or `ssm`. No `kms` endpoint is required for them: Secrets
  Manager and Parameter Store call KMS on the caller's behalf (`kms:ViaService`), so the task
  itself never connects to KMS.

It points at the workload and names the missing endpoints; the path of one failing flow is
attached. With a NAT gateway the agents work (through the internet; VPC301 covers the S3 and
DynamoDB detours), so this rule stays silent; it also stays silent on public subnets, flows
that leave the VPC (transit gateway, peering), UNKNOWN routes, and services whose Interface
endpoint exists with private DNS off (VPC303's finding). The ECR image-pull set is VPC304's.

A service reached through VPC Lattice is no gap: a service network associated with the VPC (or
a ServiceNetwork or Resource endpoint in it) holding a resource configuration whose custom
domain name is the service's (`ssm.us-east-1.amazonaws.com`), with private DNS on and a private
DNS preference that admits the name (`ALL_DOMAINS`, or a specified domain such as
`*.amazonaws.com`; the default, verified domains only, never admits an AWS name). Where such a
path may exist but is not known (a resource configuration passed in as a parameter, its target
or name unknown), the rule stays silent.

## Why it matters
Without these endpoints an instance never registers with Systems Manager (no Session Manager,
no Patch Manager, no Run Command), a container instance never joins its ECS cluster, and a
Fargate task with secrets fails to start with `ResourceInitializationError: unable to pull
secrets or registry auth`. None of it shows up until the first deploy into the isolated subnet.

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

resource "aws_iam_role" "ssm" {
  name                = "ssm-managed"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]
}

resource "aws_iam_instance_profile" "ssm" {
  name = "ssm-managed"
  role = aws_iam_role.ssm.name
}

resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  subnet_id            = aws_subnet.private.id
  iam_instance_profile = aws_iam_instance_profile.ssm.name
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
  InstanceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
  InstanceProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref InstanceRole]
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      SubnetId: !Ref PrivateSubnet
      IamInstanceProfile: !Ref InstanceProfile
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

resource "aws_vpc_endpoint" "ssm" {
  for_each            = toset(["ssm", "ssmmessages", "ec2messages"])
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.private.id]
  security_group_ids  = [aws_security_group.endpoints.id]
}

resource "aws_iam_role" "ssm" {
  name                = "ssm-managed"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]
}

resource "aws_iam_instance_profile" "ssm" {
  name = "ssm-managed"
  role = aws_iam_role.ssm.name
}

resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  subnet_id            = aws_subnet.private.id
  iam_instance_profile = aws_iam_instance_profile.ssm.name
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
  SsmEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref PrivateSubnet]
      SecurityGroupIds: [!Ref EndpointSecurityGroup]
  SsmMessagesEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.ssmmessages
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref PrivateSubnet]
      SecurityGroupIds: [!Ref EndpointSecurityGroup]
  InstanceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
  InstanceProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref InstanceRole]
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      SubnetId: !Ref PrivateSubnet
      IamInstanceProfile: !Ref InstanceProfile
```

## References
- https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
- https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html
"""

from __future__ import annotations

from ._endpoint_sets import (INSTANCE_KINDS, collect, containers, flows_by_workload,
                             route_table_notes, runs_on_fargate, services_of, subnets_of)
from ._wording import names
from vpclint.analyze.usage import secret_service
from vpclint.model.workloads import TaskDefinition, Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC307", "agent-endpoints-missing", Level.WARNING,
                "SSM-managed instances, ECS container instances or Fargate tasks with secrets in "
                "subnets without NAT lack the endpoints their agents need",
                needs_analysis=True)

SSM = ("ssm", "ssmmessages", "ec2messages")
ECS_AGENT = ("ecs", "ecs-agent", "ecs-telemetry")
SECRETS = ("secretsmanager", "ssm")
_SECRETS_PURPOSE = "the task's secrets"


def check(ctx: Context):
    model = ctx.model
    analysis = ctx.analysis
    flows_of = flows_by_workload(analysis)
    for workload in model.of(Workload):
        flows = flows_of.get(id(workload))
        if not flows:
            continue
        services = analysis.usage[id(workload)].services
        needs: list[tuple[str, tuple[str, ...], list[str]]] = []  # purpose, order, required
        if workload.workload_kind in INSTANCE_KINDS:
            ssm = _ssm_required(services)
            if ssm:
                needs.append(("the SSM Agent", SSM, ssm))
            agent = _ecs_agent(services)
            if agent:
                needs.append(("the ECS container agent", ECS_AGENT, agent))
        if runs_on_fargate(workload):
            secrets = _secret_services(workload)
            if secrets:
                needs.append((_SECRETS_PURPOSE, SECRETS, secrets))
        found = []
        for purpose, order, required in needs:
            gaps = collect(flows, required)
            if gaps.no_path:
                missing = services_of(gaps.no_path, order)
                if order is SSM and "ec2messages" not in missing:
                    optional = collect(flows, ["ec2messages"]).no_path
                    missing += services_of(optional, order)
                found.append((purpose, missing, gaps.no_path))
        if found:
            yield _finding(workload, found)


def _ssm_required(services: dict) -> list[str]:
    """The SSM endpoints an SSM-managed workload needs; [] when it is not SSM-managed (its
    roles grant none of the agent's messaging, AmazonSSMManagedInstanceCore among them)."""
    updates = any((e.action or "").lower() == "ssm:updateinstanceinformation"
                  for e in services.get("ssm", []))
    messages = "ssmmessages" in services
    legacy = "ec2messages" in services
    if not (updates or messages or legacy):
        return []  # an instance that reads parameters is not managed by Systems Manager
    required = ["ssm"] if "ssm" in services else []
    if messages:
        required.append("ssmmessages")
    elif legacy:
        required.append("ec2messages")
    return required


def _ecs_agent(services: dict) -> list[str]:
    """The ECS agent endpoints a container instance's role lets it use (the
    AmazonEC2ContainerServiceforEC2Role policy, or ecs:Poll / ecs:StartTelemetrySession)."""
    if "ecs-agent" not in services and "ecs-telemetry" not in services:
        return []
    return [service for service in ECS_AGENT if service in services]


def _secret_services(workload: Workload) -> list[str]:
    """secretsmanager / ssm for the containers' ``secrets`` (read by the Fargate agent)."""
    found = []
    for container in containers(workload):
        for source in container.secret_sources:
            service = secret_service(source)
            if service and service not in found:
                found.append(service)
    return found


def _finding(workload: Workload, found: list) -> Finding:
    parts, failing, count = [], [], 0
    for purpose, missing, flows in found:
        parts.append(f"{names(missing, limit=None)} for {purpose}")
        failing.extend(flows)
        count += len(missing)
    subnets = ", ".join(s.display for s in subnets_of(failing))
    advice = ("Interface endpoints with private DNS for them" if count > 1
              else "an Interface endpoint with private DNS for it")
    misses = {(id(f.lattice_miss.component), f.lattice_miss.field): f.lattice_miss
              for f in failing if f.lattice_miss is not None}
    lattice = (", or let VPC Lattice answer their names (a resource configuration carries them, "
               "but Lattice provisions no DNS for them in the VPC)" if misses else "")
    message = (f"{workload.label} is in subnet(s) {subnets}, which have no NAT and no endpoint "
               f"for {'; '.join(parts)}: add {advice}{lattice}")
    related = [Related(table, note)
               for table, note in route_table_notes(failing, SSM + ECS_AGENT + SECRETS)]
    related.extend(Related(m.component, m.reason, m.field) for m in misses.values())
    task = workload.task_definition
    if isinstance(task, TaskDefinition) and any(p == _SECRETS_PURPOSE for p, _, _ in found):
        related.append(Related(task, "its containers read secrets at start-up", "containers"))
    return Finding(workload, message, related=related, flow=failing[0])
