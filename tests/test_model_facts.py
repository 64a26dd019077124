"""Facts several rules used to compute for themselves, now the model's: which load balancers an
endpoint service is fronted by, whether an endpoint takes one subnet per Availability Zone,
whether code can name a VPC's main route table, which load balancer an ELBv2 listener action
forwards for. Built from both IaCs, so no rule needs to know which it read."""

from __future__ import annotations

from vpclint.config import Config
from vpclint.engine import build
from vpclint.model.components import (EndpointService, LbListener, LbListenerRule,
                                      LoadBalancer, Links, Subnet, Vpc, VpcEndpoint)
from vpclint.model.specs import SPECS
from vpclint.source import Resource


def _model(tmp_path, name: str, text: str):
    (tmp_path / name).write_text(text)
    return build([str(tmp_path)], Config()).model


def _named(components, name: str):
    return next(c for c in components if c.display.endswith(name))


def _balancer(kind: object) -> LoadBalancer:
    return LoadBalancer(resource=Resource("terraform", "aws_lb", "aws_lb.x", "m.tf", "m.tf", {}),
                        lb_type=kind)


def _service(networks: Links, gateways: Links) -> EndpointService:
    resource = Resource("terraform", "aws_vpc_endpoint_service", "svc", "m.tf", "m.tf", {})
    return EndpointService(resource=resource, network_load_balancers=networks,
                           gateway_load_balancers=gateways)


def test_a_service_is_fronted_by_one_kind_of_load_balancer_or_by_none_known():
    network, gateway, application = _balancer("network"), _balancer("gateway"), \
        _balancer("application")
    assert _service(Links([network]), Links()).fronted_by == "network"
    assert _service(Links(), Links([gateway])).fronted_by == "gateway"
    assert _service(Links([_balancer(None)]), Links()).fronted_by == "network"  # type not known
    # EC2 cannot create these: no endpoint type reaches them
    assert _service(Links(), Links()).fronted_by is None
    assert _service(Links([network]), Links([gateway])).fronted_by is None
    wrong = _service(Links([application]), Links())
    assert wrong.fronted_by is None and wrong.misfits("network_load_balancers") == [application]
    # not all known
    assert _service(Links([network]), Links(open=True)).fronted_by is None


TF = '''
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_endpoint" "gateway" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_endpoint" "sts" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
}

resource "aws_vpc_endpoint" "untyped_sts" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.sts"
}

resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
  vpc_endpoint_type = "GatewayLoadBalancer"
}

resource "aws_lb" "web" {
  load_balancer_type = "network"
}

resource "aws_lb_target_group" "web" {
  vpc_id = aws_vpc.main.id
}

resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_rule" "web" {
  listener_arn = aws_lb_listener.web.arn
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
'''

CFN = '''
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Gateway:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.s3
  Sts:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.sts
      VpcEndpointType: Interface
  UntypedSts:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.sts
  Inspection:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0
      VpcEndpointType: GatewayLoadBalancer
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
  WebTargets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      VpcId: !Ref Vpc
  WebListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref WebTargets
  WebRule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref WebListener
      Actions:
        - Type: forward
          TargetGroupArn: !Ref WebTargets
'''


def _facts(model, names: dict[str, str]) -> dict:
    endpoints = model.of(VpcEndpoint)
    listener, rule = model.of(LbListener)[0], model.of(LbListenerRule)[0]
    balancer = model.of(LoadBalancer)[0]
    return {"per_zone": {key: _named(endpoints, name).takes_subnet_per_zone
                         for key, name in names.items()},
            "main_nameable": model.of(Vpc)[0].main_table_nameable,
            "balancer": (listener.balancer is balancer, rule.balancer is balancer)}


def test_model_facts_read_alike_from_both_iacs(tmp_path):
    (tmp_path / "tf").mkdir()
    (tmp_path / "cfn").mkdir()
    terraform = _facts(_model(tmp_path / "tf", "main.tf", TF),
                       {"gateway": "gateway", "interface": "sts", "untyped": "untyped_sts",
                        "gwlb": "inspection"})
    cloudformation = _facts(_model(tmp_path / "cfn", "t.yaml", CFN),
                            {"gateway": "Gateway", "interface": "Sts",
                             "untyped": "UntypedSts", "gwlb": "Inspection"})
    expected_zones = {"gateway": False, "interface": True, "untyped": True, "gwlb": False}
    assert terraform["per_zone"] == cloudformation["per_zone"] == expected_zones
    assert terraform["balancer"] == cloudformation["balancer"] == (True, True)
    # Terraform can name the main route table (and add routes to it); a template cannot
    assert terraform["main_nameable"] is True and cloudformation["main_nameable"] is False


def test_a_component_is_shown_by_its_own_fields_and_a_cycle_once():
    """Its resource (the whole source) is left out of the repr; components link to each other in
    cycles, and a component already being shown is ``...``."""
    vpc = Vpc(resource=Resource("terraform", "aws_vpc", "aws_vpc.main", "m.tf", "m.tf", {}),
              cidr_blocks=["10.0.0.0/16"])
    subnet = Subnet(resource=Resource("terraform", "aws_subnet", "aws_subnet.a", "m.tf", "m.tf",
                                      {}), vpc=vpc, cidr_block="10.0.1.0/24")
    vpc.cidr_blocks.append(subnet)
    assert repr(vpc) == (
        "Vpc(cidr_blocks=['10.0.0.0/16', Subnet(vpc=..., availability_zone=None, "
        "availability_zone_id=None, cidr_block='10.0.1.0/24')], dns_support=True, "
        "dns_hostnames=False)")


def test_every_field_a_spec_fills_is_a_field_of_its_component():
    """Components are Structs, with no ``__dict__``: a name a spec reads a property into that
    is not one of its component's fields would fail every resource of that type."""
    missing = [(rtype, cls.__name__, name) for table in SPECS.values()
               for rtype, (cls, fields) in table.items()
               for name in fields if name not in cls.__struct_fields__]
    assert missing == []
