"""The model is the same whichever IaC it was read from: typed sub-records, "was this field
written?", attribute names in the user's own vocabulary, and the resources an UNKNOWN value was
computed from. Rules rely on these instead of asking which IaC they read."""

from __future__ import annotations

from vpclint.config import Config
from vpclint.engine import build
from vpclint.model.components import (EndpointConnectionAccepter, EndpointServicePermission,
                                      EndpointService, LatticeTargetGroup, ResourceConfiguration,
                                      ResourceDefinition, TransitGatewayAttachment, VpcEndpoint)
from vpclint.model.mentions import Mentions
from vpclint.model.specs import resource_types, route_attribute
from vpclint.model.workloads import ContainerDefinition, PortMapping, TaskDefinition, Workload
from vpclint.values import Unknown


def _model(tmp_path, name: str, text: str):
    (tmp_path / name).write_text(text)
    return build([str(tmp_path)], Config()).model


def _by_name(components, name: str):
    return next(c for c in components if c.display.endswith(name))


TF_ENDPOINTS = '''
resource "aws_vpc_endpoint" "omitted" {
  vpc_id       = "vpc-0123456789abcdef0"
  service_name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_endpoint" "null_type" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = null
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = "vpc-0123456789abcdef0"
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = false
}

resource "aws_vpc_endpoint" "sts" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
}

resource "aws_vpc_endpoint_private_dns" "sts" {
  vpc_endpoint_id     = aws_vpc_endpoint.sts.id
  private_dns_enabled = true
}
'''

CFN_ENDPOINTS = '''
Resources:
  Omitted:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-0123456789abcdef0
      ServiceName: com.amazonaws.us-east-1.s3
  Sqs:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-0123456789abcdef0
      ServiceName: com.amazonaws.us-east-1.sqs
      VpcEndpointType: Interface
      PrivateDnsEnabled: false
'''


def test_written_says_whether_the_user_set_a_field_in_terraform(tmp_path):
    endpoints = _model(tmp_path, "main.tf", TF_ENDPOINTS).of(VpcEndpoint)
    omitted, null_type = _by_name(endpoints, ".omitted"), _by_name(endpoints, ".null_type")
    sqs, sts = _by_name(endpoints, ".sqs"), _by_name(endpoints, ".sts")
    assert not omitted.written("endpoint_type") and not null_type.written("endpoint_type")
    assert sqs.written("endpoint_type") and sqs.written("private_dns")
    assert sts.written("private_dns") and sts.private_dns is True  # a separate resource
    assert not omitted.written("private_dns")


def test_written_says_whether_the_user_set_a_field_in_cloudformation(tmp_path):
    endpoints = _model(tmp_path, "t.yaml", CFN_ENDPOINTS).of(VpcEndpoint)
    omitted, sqs = _by_name(endpoints, "Omitted"), _by_name(endpoints, "Sqs")
    assert not omitted.written("endpoint_type") and not omitted.written("private_dns")
    assert sqs.written("endpoint_type") and sqs.written("private_dns")


def test_source_name_speaks_each_iac(tmp_path):
    (tmp_path / "tf").mkdir()
    (tmp_path / "cfn").mkdir()
    tf = _by_name(_model(tmp_path / "tf", "main.tf", TF_ENDPOINTS).of(VpcEndpoint), ".omitted")
    cfn = _by_name(_model(tmp_path / "cfn", "t.yaml", CFN_ENDPOINTS).of(VpcEndpoint), "Omitted")
    assert tf.source_name("endpoint_type") == "vpc_endpoint_type"  # not written, still named
    assert tf.source_name("endpoint_type", "Interface") == 'vpc_endpoint_type = "Interface"'
    assert tf.source_name("private_dns", False) == "private_dns_enabled = false"
    assert cfn.source_name("endpoint_type", "Interface") == "VpcEndpointType: Interface"
    assert cfn.source_name("private_dns", False) == "PrivateDnsEnabled: false"
    assert tf.region_source == "the provider's region" and cfn.region_source == \
        "the stack's region"
    assert resource_types(tf, EndpointConnectionAccepter) == [
        "aws_vpc_endpoint_connection_accepter"]
    assert resource_types(cfn, EndpointConnectionAccepter) == []
    assert route_attribute(tf, "vpc_endpoint") == "vpc_endpoint_id"
    assert route_attribute(cfn, "vpc_endpoint") == "VpcEndpointId"


def test_separate_resources_an_iac_offers(tmp_path):
    (tmp_path / "tf").mkdir()
    (tmp_path / "cfn").mkdir()
    tf = _model(tmp_path / "tf", "main.tf", '''
resource "aws_vpc_endpoint_service" "svc" {
  acceptance_required        = true
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/a/1"]
}
''').of(EndpointService)[0]
    cfn = _model(tmp_path / "cfn", "t.yaml", '''
Resources:
  Svc:
    Type: AWS::EC2::VPCEndpointService
    Properties:
      AcceptanceRequired: true
''').of(EndpointService)[0]
    assert resource_types(tf, EndpointServicePermission) == [
        "aws_vpc_endpoint_service_allowed_principal"]
    assert resource_types(cfn, EndpointServicePermission) == [
        "AWS::EC2::VPCEndpointServicePermissions"]
    assert tf.writable("allowed_principals") and not cfn.writable("allowed_principals")
    assert tf.source_name("acceptance_required") == "acceptance_required"
    assert cfn.source_name("acceptance_required") == "AcceptanceRequired"


def test_a_nested_attribute_is_named_by_its_own_key(tmp_path):
    attachment = _model(tmp_path, "t.yaml", '''
Resources:
  Attachment:
    Type: AWS::EC2::TransitGatewayVpcAttachment
    Properties:
      TransitGatewayId: tgw-0123456789abcdef0
      VpcId: vpc-0123456789abcdef0
      SubnetIds: [subnet-0123456789abcdef0]
''').of(TransitGatewayAttachment)[0]
    assert attachment.source_name("appliance_mode", "enable") == "ApplianceModeSupport: enable"


TF_TASK = '''
resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
    portMappings = [{ name = "web", containerPort = 8080 }]
    secrets = [{ name = "DB", valueFrom = "/app/db" }]
    environment = [{ name = "MODE", value = "prod" }]
    logConfiguration = { logDriver = "awslogs" }
  }])
}
'''

CFN_TASK = '''
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1
          PortMappings: [{Name: web, ContainerPort: 8080}]
          Secrets: [{Name: DB, ValueFrom: /app/db}]
          Environment: [{Name: MODE, Value: prod}]
          LogConfiguration: {LogDriver: awslogs}
'''


def test_container_definitions_read_alike_from_both_iacs(tmp_path):
    (tmp_path / "tf").mkdir()
    (tmp_path / "cfn").mkdir()
    expected = ContainerDefinition(
        name="app", image="123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
        log_driver="awslogs", secret_sources=["/app/db"], environment_values=["prod"],
        port_mappings=[PortMapping("web", 8080)])
    for folder, name, text in (("tf", "main.tf", TF_TASK), ("cfn", "t.yaml", CFN_TASK)):
        task = _model(tmp_path / folder, name, text).of(TaskDefinition)[0]
        assert task.containers == [expected], folder


def test_resource_definitions_read_alike_from_every_spelling(tmp_path):
    (tmp_path / "tf").mkdir()
    (tmp_path / "cfn").mkdir()
    tf = _model(tmp_path / "tf", "main.tf", '''
resource "aws_vpclattice_resource_configuration" "ip" {
  name = "ip"
  resource_configuration_definition {
    ip_resource {
      ip_address = "10.0.0.7"
    }
  }
}

resource "aws_vpclattice_resource_configuration" "dns" {
  name = "dns"
  resource_configuration_definition {
    dns_resource {
      domain_name     = "db.example.com"
      ip_address_type = "IPV4"
    }
  }
}

resource "awscc_vpclattice_resource_configuration" "arn" {
  name = "arn"
  resource_configuration_definition = {
    arn_resource = "arn:aws:rds:us-east-1:111122223333:db:orders"
  }
}
''').of(ResourceConfiguration)
    cfn = _model(tmp_path / "cfn", "t.yaml", '''
Resources:
  Ip:
    Type: AWS::VpcLattice::ResourceConfiguration
    Properties:
      ResourceConfigurationDefinition:
        IpResource: 10.0.0.7
  Dns:
    Type: AWS::VpcLattice::ResourceConfiguration
    Properties:
      ResourceConfigurationDefinition:
        DnsResource: {DomainName: db.example.com, IpAddressType: IPV4}
  Cidr:
    Type: AWS::VpcLattice::ResourceConfiguration
    Properties:
      ResourceConfigurationDefinition:
        CidrResource: {CidrRanges: [172.21.0.0/16]}
''').of(ResourceConfiguration)
    assert _by_name(tf, ".ip").definition == ResourceDefinition("ip", "10.0.0.7")
    assert _by_name(cfn, "Ip").definition == ResourceDefinition("ip", "10.0.0.7")
    assert _by_name(tf, ".dns").definition == _by_name(cfn, "Dns").definition == \
        ResourceDefinition("dns", "db.example.com", "IPV4")
    assert _by_name(tf, ".arn").definition == ResourceDefinition(
        "arn", "arn:aws:rds:us-east-1:111122223333:db:orders")
    assert _by_name(cfn, "Cidr").definition.kind == "cidr"


def test_lattice_target_group_config_lists_the_settings_as_written(tmp_path):
    group = _model(tmp_path, "t.yaml", '''
Resources:
  Group:
    Type: AWS::VpcLattice::TargetGroup
    Properties:
      Type: LAMBDA
      Config:
        LambdaEventStructureVersion: V2
        HealthCheck: {Enabled: false}
''').of(LatticeTargetGroup)[0]
    assert group.config == ["LambdaEventStructureVersion", "HealthCheck"]
    assert group.source_name("lambda_event_version") == "LambdaEventStructureVersion"


def test_an_unknown_computed_from_an_attribute_names_its_resource(tmp_path):
    (tmp_path / "tf").mkdir()
    (tmp_path / "cfn").mkdir()
    tf = _model(tmp_path / "tf", "main.tf", '''
resource "aws_vpc_endpoint" "sqs" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type = "Interface"
}

resource "aws_vpc_endpoint" "sts" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = "arn:aws:iam::111122223333:role/app"
  environment {
    variables = { QUEUE_HOST = upper(aws_vpc_endpoint.sqs.dns_entry[0].dns_name) }
  }
}
''')
    cfn = _model(tmp_path / "cfn", "t.yaml", '''
Resources:
  SqsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-0123456789abcdef0
      ServiceName: com.amazonaws.us-east-1.sqs
      VpcEndpointType: Interface
  Parameter:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Select [1, !Split [":", !Select [0, !GetAtt SqsEndpoint.DnsEntries]]]
''')
    value = tf.of(Workload)[0].environment["QUEUE_HOST"]
    assert isinstance(value, Unknown) and value.refs  # no text is parsed to learn it
    named = Mentions()
    named.add(value)
    sqs, sts = _by_name(tf.of(VpcEndpoint), ".sqs"), _by_name(tf.of(VpcEndpoint), ".sts")
    assert sqs in named and sts not in named
    endpoint = cfn.of(VpcEndpoint)[0]
    assert (endpoint.resource.scope, endpoint.resource.address) in cfn.exported
