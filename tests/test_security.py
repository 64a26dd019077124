"""Security-group and network-ACL evaluation: three-valued answers (True / False / UNKNOWN)."""

from __future__ import annotations

import textwrap

import pytest

from vpclint.analyze.security import (ANYONE, EPHEMERAL, LATTICE_V4, LATTICE_V6, Peer, nacl_allows,
                                      peer_of, protocol_number, Security, sg_allows, tri_and,
                                      tri_or)
from vpclint.config import Config
from vpclint.engine import build
from vpclint.model.components import External, Links, SecurityGroup, SecurityGroupRule, Subnet
from vpclint.model.workloads import NetworkAcl, NetworkAclEntry, Workload
from vpclint.source import Resource
from vpclint.values import Unknown


def _resource(address: str) -> Resource:
    return Resource("terraform", "aws_security_group", address, "mod", "main.tf", values={})


def group(name: str = "sg", *rules: dict, default_egress: bool = False, **flags) -> SecurityGroup:
    sg = SecurityGroup(resource=_resource(f"aws_security_group.{name}"),
                       default_egress=default_egress, **flags)
    for spec in rules:
        add_rule(sg, **spec)
    return sg


def add_rule(sg: SecurityGroup, direction="ingress", protocol="tcp", from_port=443, to_port=443,
             cidrs=(), prefix_lists=(), peers=(), self_reference=False) -> SecurityGroupRule:
    rule = SecurityGroupRule(resource=sg.resource, group=sg, direction=direction,
                             protocol=protocol, from_port=from_port, to_port=to_port,
                             cidrs=cidrs if isinstance(cidrs, Unknown) else list(cidrs),
                             prefix_lists=list(prefix_lists), self_reference=self_reference)
    links = Links()
    for peer in peers:
        links.add(peer)
    rule.peer_groups = links
    sg.rules.append(rule)
    return rule


def links(*items) -> Links:
    result = Links()
    for item in items:
        result.add(item)
    return result


# --- helpers -------------------------------------------------------------------------------------


def test_three_valued_or_and():
    u = Unknown("x")
    assert tri_or([False, u, True]) is True
    assert tri_or([False, u]) == u
    assert tri_or([False, False]) is False
    assert tri_and([True, u]) == u
    assert tri_and([True, u, False]) is False
    assert tri_and([]) is True


@pytest.mark.parametrize("value,expected", [("tcp", "6"), ("TCP", "6"), ("6", "6"), (6, "6"),
                                            ("-1", "-1"), (-1, "-1"), ("all", "-1"),
                                            ("udp", "17"), ("icmp", "1")])
def test_protocol_names_and_numbers(value, expected):
    assert protocol_number(value) == expected


def test_unknown_protocol_stays_unknown():
    assert isinstance(protocol_number(None), Unknown)
    assert isinstance(protocol_number(Unknown("var")), Unknown)


# --- security groups -----------------------------------------------------------------------------


def test_cidr_containment():
    sg = group("ep", {"cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(sg), "ingress", "tcp", 443, "10.0.1.0/24") is True
    assert sg_allows(links(sg), "ingress", "tcp", 443, "10.0.3.7") is True
    assert sg_allows(links(sg), "ingress", "tcp", 443, "10.1.0.0/24") is False
    assert sg_allows(links(sg), "ingress", "tcp", 443, "2001:db8::/64") is False
    # a range only partly inside: the address may be on either side
    assert isinstance(sg_allows(links(sg), "ingress", "tcp", 443, "10.0.0.0/8"), Unknown)


def test_protocol_and_port_matching():
    sg = group("ep", {"protocol": "6", "from_port": 400, "to_port": 500, "cidrs": ["0.0.0.0/0"]})
    assert sg_allows(links(sg), "ingress", "tcp", 443, "10.0.1.0/24") is True
    assert sg_allows(links(sg), "ingress", "tcp", 9142, "10.0.1.0/24") is False
    assert sg_allows(links(sg), "ingress", "udp", 443, "10.0.1.0/24") is False
    everything = group("all", {"protocol": "-1", "from_port": 0, "to_port": 0,
                               "cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(everything), "ingress", "tcp", 9142, "10.0.4.0/24") is True
    minus_one = group("m1", {"protocol": "tcp", "from_port": -1, "to_port": -1,
                             "cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(minus_one), "ingress", "tcp", 22, "10.0.4.0/24") is True
    strings = group("cfn", {"protocol": "tcp", "from_port": "443", "to_port": "443",
                            "cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(strings), "ingress", "6", 443, "10.0.4.0/24") is True


def test_port_ranges_are_somewhere_in_the_range():
    sg = group("g", {"from_port": 1024, "to_port": 2000, "cidrs": ["0.0.0.0/0"]},
               {"from_port": 2001, "to_port": 65535, "cidrs": ["0.0.0.0/0"]})
    assert sg_allows(links(sg), "ingress", "tcp", EPHEMERAL, "10.0.0.1") is True  # union
    narrow = group("n", {"from_port": 80, "to_port": 80, "cidrs": ["0.0.0.0/0"]})
    assert isinstance(sg_allows(links(narrow), "ingress", "tcp", (1, 65535), "10.0.0.1"), Unknown)
    assert sg_allows(links(narrow), "ingress", "tcp", (1024, 65535), "10.0.0.1") is False
    assert isinstance(sg_allows(links(narrow), "ingress", "tcp", None, "10.0.0.1"), Unknown)


def test_groups_are_a_union():
    a = group("a", {"cidrs": ["10.9.0.0/16"]})
    b = group("b", {"cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(a, b), "ingress", "tcp", 443, "10.0.1.0/24") is True
    assert sg_allows(links(a), "ingress", "tcp", 443, "10.0.1.0/24") is False


def test_security_group_references_and_self():
    app = group("app")
    other = group("other")
    endpoint = group("ep", {"peers": [app]})
    client = Peer("10.0.1.0/24", (app,), exact=True)
    stranger = Peer("10.0.1.0/24", (other,), exact=True)
    assert sg_allows(links(endpoint), "ingress", "tcp", 443, client) is True
    assert sg_allows(links(endpoint), "ingress", "tcp", 443, stranger) is False
    assert sg_allows(links(endpoint), "ingress", "tcp", 443, app) is True
    # a bare CIDR: group membership unknown
    assert isinstance(sg_allows(links(endpoint), "ingress", "tcp", 443, "10.0.1.0/24"), Unknown)
    shared = group("shared")
    add_rule(shared, self_reference=True)
    assert sg_allows(links(shared), "ingress", "tcp", 443, Peer("10.0.1.0/24", (shared,),
                                                                   exact=True)) is True
    assert sg_allows(links(shared), "ingress", "tcp", 443, stranger) is False


def test_peer_group_outside_the_scan_is_unknown():
    endpoint = group("ep", {"peers": [External("sg-0123456789abcdef0")]})
    client = Peer("10.0.1.0/24", (group("app"),), exact=True)
    assert isinstance(sg_allows(links(endpoint), "ingress", "tcp", 443, client), Unknown)


def test_multi_identity_source_is_any_of_them():
    app = group("app")
    endpoint = group("ep", {"peers": [app]})
    assert sg_allows(links(endpoint), "ingress", "tcp", 443, ("10.9.0.0/24", app)) is True


def test_lattice_prefix_list():
    by_list = group("t", {"from_port": 80, "to_port": 80,
                          "prefix_lists": ["com.amazonaws.us-east-1.vpc-lattice"]})
    assert sg_allows(links(by_list), "ingress", "tcp", 80, LATTICE_V4) is True
    assert sg_allows(links(by_list), "ingress", "tcp", 8080, LATTICE_V4) is False
    assert sg_allows(links(by_list), "ingress", "tcp", 80, LATTICE_V6) is False
    vpc_cidr = group("v", {"from_port": 80, "to_port": 80, "cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(vpc_cidr), "ingress", "tcp", 80, (LATTICE_V4, LATTICE_V6)) is False
    link_local = group("l", {"from_port": 80, "to_port": 80, "cidrs": ["169.254.0.0/16"]})
    assert sg_allows(links(link_local), "ingress", "tcp", 80, LATTICE_V4) is True
    anywhere = group("w", {"from_port": 80, "to_port": 80, "cidrs": ["0.0.0.0/0"]})
    assert sg_allows(links(anywhere), "ingress", "tcp", 80, LATTICE_V4) is True
    unknown_list = group("u", {"from_port": 80, "to_port": 80,
                               "prefix_lists": [Unknown("prefix list id")]})
    assert isinstance(sg_allows(links(unknown_list), "ingress", "tcp", 80, LATTICE_V4), Unknown)
    literal = group("p", {"from_port": 80, "to_port": 80, "prefix_lists": ["pl-0123abcd"]})
    assert isinstance(sg_allows(links(literal), "ingress", "tcp", 80, LATTICE_V4), Unknown)


def test_public_service_prefix_lists():
    s3 = "com.amazonaws.us-east-1.s3"
    private = group("p", {"direction": "egress", "cidrs": ["10.0.0.0/8"]})
    assert sg_allows(links(private), "egress", "tcp", 443, s3) is False
    anywhere = group("a", {"direction": "egress", "cidrs": ["0.0.0.0/0"]})
    assert sg_allows(links(anywhere), "egress", "tcp", 443, s3) is True
    listed = group("l", {"direction": "egress", "prefix_lists": ["com.amazonaws.us-east-1.s3"]})
    assert sg_allows(links(listed), "egress", "tcp", 443, s3) is True
    assert sg_allows(links(listed), "egress", "tcp", 443, "com.amazonaws.us-east-1.dynamodb") \
        is False
    public = group("x", {"direction": "egress", "cidrs": ["52.216.0.0/15"]})
    assert isinstance(sg_allows(links(public), "egress", "tcp", 443, s3), Unknown)


def test_default_egress_and_no_egress():
    cfn = group("cfn", default_egress=True)
    assert sg_allows(links(cfn), "egress", "tcp", 443, "10.0.1.0/24") is True
    assert sg_allows(links(cfn), "egress", "tcp", 443, "com.amazonaws.us-east-1.s3") is True
    assert isinstance(sg_allows(links(cfn), "egress", "tcp", 443, "2001:db8::/64"), Unknown)
    terraform = group("tf", {"cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(terraform), "egress", "tcp", 443, "10.0.1.0/24") is False


def test_unknowns_decide_only_when_nothing_known_does():
    dynamic = group("d", {"cidrs": ["10.0.0.0/16"]}, ingress_open=True)
    assert sg_allows(links(dynamic), "ingress", "tcp", 443, "10.0.1.0/24") is True
    assert isinstance(sg_allows(links(dynamic), "ingress", "tcp", 22, "10.0.1.0/24"), Unknown)
    unknown_cidr = group("c", {"cidrs": Unknown("var.cidrs")})
    assert isinstance(sg_allows(links(unknown_cidr), "ingress", "tcp", 443, "10.0.1.0/24"),
                      Unknown)
    assert sg_allows(links(unknown_cidr), "ingress", "tcp", 22, "10.0.1.0/24") is False
    unknown_port = group("p", {"from_port": Unknown("var.port"), "cidrs": ["10.0.0.0/16"]})
    assert isinstance(sg_allows(links(unknown_port), "ingress", "tcp", 443, "10.0.1.0/24"),
                      Unknown)
    partly = Links([group("k", {"cidrs": ["10.0.0.0/16"]})], open=True)
    assert sg_allows(partly, "ingress", "tcp", 443, "10.0.1.0/24") is True
    assert isinstance(sg_allows(partly, "ingress", "tcp", 22, "10.0.1.0/24"), Unknown)
    outside = links(External("sg-0abc"))
    assert isinstance(sg_allows(outside, "ingress", "tcp", 443, "10.0.1.0/24"), Unknown)


def test_no_groups_means_the_default_group_unknown():
    assert isinstance(sg_allows(Links(), "ingress", "tcp", 443, "10.0.1.0/24"), Unknown)


def test_anyone_asks_whether_any_rule_opens_the_port():
    sg = group("g", {"from_port": 22, "to_port": 22, "cidrs": ["10.0.0.0/16"]})
    assert sg_allows(links(sg), "ingress", "tcp", 443, ANYONE) is False
    assert isinstance(sg_allows(links(sg), "ingress", "tcp", 22, ANYONE), Unknown)
    assert sg_allows(links(group("w", {"cidrs": ["0.0.0.0/0"]})), "ingress", "tcp", 443,
                     ANYONE) is True


def test_peer_of_keeps_open_membership_unknown():
    app = group("app")
    endpoint = group("ep", {"peers": [app]})
    open_links = Links([group("other")], open=True)
    assert isinstance(sg_allows(links(endpoint), "ingress", "tcp", 443,
                                peer_of("10.0.1.0/24", open_links)), Unknown)
    assert sg_allows(links(endpoint), "ingress", "tcp", 443,
                     peer_of("10.0.1.0/24", links(group("other")))) is False


# --- network ACLs --------------------------------------------------------------------------------


def acl(*entries: tuple, open_=False) -> NetworkAcl:
    resource = Resource("terraform", "aws_network_acl", "aws_network_acl.a", "mod", "main.tf", {})
    result = NetworkAcl(resource=resource, entries_open=open_)
    for number, egress, action, protocol, cidr, low, high in entries:
        result.entries.append(NetworkAclEntry(resource=resource, acl=result, egress=egress,
                                              rule_number=number, action=action,
                                              protocol=protocol, cidr=cidr, from_port=low,
                                              to_port=high))
    return result


def test_default_acl_allows_everything():
    assert nacl_allows(None, True, "tcp", 443, "10.0.2.0/24") is True


def test_first_match_wins_and_implicit_deny():
    table = acl((100, False, "deny", "tcp", "10.0.2.0/24", 1024, 65535),
                (200, False, "allow", "-1", "0.0.0.0/0", 0, 0),
                (100, True, "allow", "6", "10.0.0.0/16", 443, 443))
    assert nacl_allows(table, False, "tcp", EPHEMERAL, "10.0.2.0/24") is False
    assert nacl_allows(table, False, "tcp", EPHEMERAL, "10.0.3.0/24") is True
    assert nacl_allows(table, True, "tcp", 443, "10.0.2.0/24") is True
    assert nacl_allows(table, True, "tcp", 80, "10.0.2.0/24") is False  # implicit deny


def test_order_is_by_rule_number_not_declaration():
    table = acl((200, True, "allow", "-1", "0.0.0.0/0", 0, 0),
                (100, True, "deny", "tcp", "0.0.0.0/0", 443, 443))
    assert nacl_allows(table, True, "tcp", 443, "10.0.2.0/24") is False


def test_return_traffic_on_ephemeral_ports():
    only_https = acl((100, False, "allow", "tcp", "0.0.0.0/0", 443, 443))
    assert nacl_allows(only_https, False, "tcp", EPHEMERAL, "10.0.2.0/24") is False
    linux_only = acl((100, False, "allow", "tcp", "0.0.0.0/0", 32768, 60999))
    assert isinstance(nacl_allows(linux_only, False, "tcp", EPHEMERAL, "10.0.2.0/24"), Unknown)


def test_partial_matches_leave_the_answer_open():
    table = acl((100, True, "deny", "-1", "10.0.2.0/25", 0, 0),
                (200, True, "allow", "-1", "0.0.0.0/0", 0, 0))
    assert isinstance(nacl_allows(table, True, "tcp", 443, "10.0.2.0/24"), Unknown)
    same_action = acl((100, True, "allow", "-1", "10.0.2.0/25", 0, 0),
                      (200, True, "allow", "-1", "0.0.0.0/0", 0, 0))
    assert nacl_allows(same_action, True, "tcp", 443, "10.0.2.0/24") is True


def test_unknown_entries():
    assert isinstance(nacl_allows(acl(open_=True), True, "tcp", 443, "10.0.2.0/24"), Unknown)
    unknown_cidr = acl((100, True, "deny", "-1", Unknown("var"), 0, 0),
                       (200, True, "allow", "-1", "0.0.0.0/0", 0, 0))
    assert isinstance(nacl_allows(unknown_cidr, True, "tcp", 443, "10.0.2.0/24"), Unknown)
    unknown_number = acl((Unknown("var"), True, "deny", "-1", "0.0.0.0/0", 0, 0))
    assert isinstance(nacl_allows(unknown_number, True, "tcp", 443, "10.0.2.0/24"), Unknown)


def test_acl_and_public_prefix_lists():
    private_only = acl((100, True, "allow", "-1", "10.0.0.0/16", 0, 0))
    assert nacl_allows(private_only, True, "tcp", 443, "com.amazonaws.us-east-1.s3") is False
    anywhere = acl((100, True, "allow", "tcp", "0.0.0.0/0", 443, 443))
    assert nacl_allows(anywhere, True, "tcp", 443, "com.amazonaws.us-east-1.s3") is True


# --- defaults read from real Terraform and CloudFormation ----------------------------------------


def _model(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return build([str(tmp_path)], Config()).model


def _by_address(model, kind, address):
    return next(c for c in model.of(kind) if c.address.endswith(address))


def test_terraform_groups_without_egress_have_none(tmp_path):
    model = _model(tmp_path, {"main.tf": """
        resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
        resource "aws_security_group" "app" {
          vpc_id = aws_vpc.main.id
          ingress {
            from_port   = 443
            to_port     = 443
            protocol    = "tcp"
            cidr_blocks = ["10.0.0.0/16"]
          }
        }
        resource "aws_security_group" "split" { vpc_id = aws_vpc.main.id }
        resource "aws_vpc_security_group_egress_rule" "split" {
          security_group_id = aws_security_group.split.id
          ip_protocol       = "tcp"
          from_port         = 443
          to_port           = 443
          cidr_ipv4         = "0.0.0.0/0"
        }
    """})
    app = _by_address(model, SecurityGroup, "aws_security_group.app")
    split = _by_address(model, SecurityGroup, "aws_security_group.split")
    assert sg_allows(links(app), "egress", "tcp", 443, "10.0.1.0/24") is False
    assert sg_allows(links(split), "egress", "tcp", 443, "10.0.1.0/24") is True


def test_terraform_dynamic_rules_over_unknown_are_unknown(tmp_path):
    model = _model(tmp_path, {"main.tf": """
        variable "ports" { type = list(number) }
        resource "aws_security_group" "dyn" {
          vpc_id = "vpc-0abc"
          dynamic "ingress" {
            for_each = var.ports
            content {
              from_port   = ingress.value
              to_port     = ingress.value
              protocol    = "tcp"
              cidr_blocks = ["10.0.0.0/16"]
            }
          }
        }
    """})
    dyn = _by_address(model, SecurityGroup, "aws_security_group.dyn")
    assert dyn.ingress_open and not dyn.egress_open
    assert isinstance(sg_allows(links(dyn), "ingress", "tcp", 443, "10.0.1.0/24"), Unknown)
    assert sg_allows(links(dyn), "egress", "tcp", 443, "10.0.1.0/24") is False


def test_separate_rule_with_unknown_group_opens_the_groups_of_its_scope(tmp_path):
    model = _model(tmp_path, {"main.tf": """
        variable "sg" { type = string }
        resource "aws_security_group" "ep" { vpc_id = "vpc-0abc" }
        resource "aws_security_group_rule" "maybe" {
          type              = "ingress"
          security_group_id = var.sg
          protocol          = "tcp"
          from_port         = 443
          to_port           = 443
          cidr_blocks       = ["10.0.0.0/16"]
        }
    """})
    ep = _by_address(model, SecurityGroup, "aws_security_group.ep")
    assert isinstance(sg_allows(links(ep), "ingress", "tcp", 443, "10.0.1.0/24"), Unknown)


def test_cloudformation_default_egress(tmp_path):
    model = _model(tmp_path, {"t.yaml": """
        Resources:
          Open:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: keeps the default egress
              VpcId: vpc-0abc
          Closed:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: egress replaced by a separate rule
              VpcId: vpc-0abc
          ClosedEgress:
            Type: AWS::EC2::SecurityGroupEgress
            Properties:
              GroupId: !Ref Closed
              IpProtocol: tcp
              FromPort: 5432
              ToPort: 5432
              CidrIp: 10.0.0.0/16
    """})
    opened = _by_address(model, SecurityGroup, "Open")
    closed = _by_address(model, SecurityGroup, "Closed")
    assert sg_allows(links(opened), "egress", "tcp", 443, "10.0.1.0/24") is True
    assert sg_allows(links(closed), "egress", "tcp", 443, "10.0.1.0/24") is False
    assert sg_allows(links(closed), "egress", "tcp", 5432, "10.0.1.0/24") is True


def test_default_security_group_and_network_acl(tmp_path):
    model = _model(tmp_path, {"main.tf": """
        resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
        resource "aws_vpc" "other" { cidr_block = "10.1.0.0/16" }
        resource "aws_default_security_group" "default" { vpc_id = aws_vpc.main.id }
        resource "aws_default_network_acl" "default" {
          default_network_acl_id = aws_vpc.main.default_network_acl_id
          ingress {
            protocol   = "tcp"
            rule_no    = 100
            action     = "allow"
            cidr_block = "10.0.0.0/16"
            from_port  = 443
            to_port    = 443
          }
        }
        resource "aws_subnet" "a" {
          vpc_id     = aws_vpc.main.id
          cidr_block = "10.0.1.0/24"
        }
        resource "aws_subnet" "b" {
          vpc_id     = aws_vpc.other.id
          cidr_block = "10.1.1.0/24"
        }
        resource "aws_instance" "app" {
          ami       = "ami-123"
          subnet_id = aws_subnet.a.id
        }
    """})
    security = Security(model)
    app = _by_address(model, Workload, "aws_instance.app")
    groups = security.workload_groups(app)
    assert [g.address for g in groups] == ["aws_default_security_group.default"]
    assert sg_allows(groups, "egress", "tcp", 443, "10.0.2.0/24") is False
    a = _by_address(model, Subnet, "aws_subnet.a")
    b = _by_address(model, Subnet, "aws_subnet.b")
    main_acl = security.nacl_of(a)
    assert isinstance(main_acl, NetworkAcl) and main_acl.is_default
    assert nacl_allows(main_acl, False, "tcp", 443, "10.0.2.0/24") is True
    assert nacl_allows(main_acl, True, "tcp", 443, "10.0.2.0/24") is False
    assert security.nacl_of(b) is None  # AWS's allow-all default ACL
    assert security.workload_groups(app) is not None


# --- service ports -------------------------------------------------------------------------------


@pytest.mark.parametrize("name,ports", [
    ("com.amazonaws.us-east-1.sqs", (443,)), ("com.amazonaws.<region>.ssm", (443,)),
    ("com.amazonaws.us-east-1.cassandra", (9142,)),
    ("com.amazonaws.us-east-1.email-smtp", (25, 465, 587, 2465, 2587)),
    ("com.amazonaws.us-east-1.transfer.server", None),
    ("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", None),
])
def test_service_ports(name, ports):
    from vpclint.analyze.security import service_ports
    from vpclint.model.components import VpcEndpoint
    endpoint = VpcEndpoint(resource=_resource("aws_vpc_endpoint.e"), service_name=name)
    assert service_ports(endpoint) == ports


LISTENERS = """
resource "aws_lb" "svc" {
  name               = "svc"
  load_balancer_type = "network"
  subnets            = ["subnet-0a1b2c3d4e5f60718"]
}

resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.svc.arn
  port              = 8443
  protocol          = "TLS"
}

resource "aws_lb_listener" "other" {
  load_balancer_arn = aws_lb.svc.arn
  port              = PORT
  protocol          = "PROTOCOL"
}

resource "aws_vpc_endpoint_service" "svc" {
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.svc.arn]
}

resource "aws_vpc_endpoint" "consumer" {
  vpc_id            = "vpc-0a1b2c3d4e5f60718"
  service_name      = aws_vpc_endpoint_service.svc.service_name
  vpc_endpoint_type = "Interface"
}

variable "port" {
  type = number
}
"""


@pytest.mark.parametrize("port, protocol, balancer, ports", [
    ("5432", "TCP", "network", (5432, 8443)),
    ("53", "TCP_UDP", "network", (53, 8443)),
    ("53", "UDP", "network", (8443,)),  # clients of a UDP listener do not connect over TCP
    ("var.port", "TCP", "network", None),  # a listener port not known: the ports are not
    ("5432", "TCP", "application", None),  # VPC104's: a service an ALB cannot back
])
def test_custom_service_ports_are_its_network_load_balancer_listeners(tmp_path, port, protocol,
                                                                      balancer, ports):
    from vpclint.model.components import VpcEndpoint
    from vpclint.rules._security import endpoint_ports
    text = LISTENERS.replace("PORT", port).replace("PROTOCOL", protocol).replace(
        '"network"', f'"{balancer}"')
    model = _model(tmp_path, {"main.tf": text})
    assert endpoint_ports(model, model.of(VpcEndpoint)[0]) == ports


def test_endpoint_groups_from_associations_keep_the_default_group(tmp_path):
    model = _model(tmp_path, {"main.tf": """
        resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
        resource "aws_security_group" "endpoints" {
          vpc_id = aws_vpc.main.id
          ingress {
            from_port   = 8443
            to_port     = 8443
            protocol    = "tcp"
            cidr_blocks = ["10.0.0.0/16"]
          }
        }
        resource "aws_vpc_endpoint" "sqs" {
          vpc_id            = aws_vpc.main.id
          service_name      = "com.amazonaws.us-east-1.sqs"
          vpc_endpoint_type = "Interface"
        }
        resource "aws_vpc_endpoint_security_group_association" "sqs" {
          vpc_endpoint_id   = aws_vpc_endpoint.sqs.id
          security_group_id = aws_security_group.endpoints.id
        }
    """})
    from vpclint.model.components import VpcEndpoint
    security = Security(model)
    endpoint = _by_address(model, VpcEndpoint, "aws_vpc_endpoint.sqs")
    groups = security.endpoint_groups(endpoint)
    # the default group stays attached (replace_default_association is not modelled): UNKNOWN
    assert groups.open
    assert isinstance(sg_allows(groups, "ingress", "tcp", 443, ANYONE), Unknown)


def test_eks_groups_are_not_known(tmp_path):
    model = _model(tmp_path, {"main.tf": """
        resource "aws_security_group" "extra" { vpc_id = "vpc-0abc" }
        resource "aws_eks_cluster" "main" {
          name     = "main"
          role_arn = "arn:aws:iam::111122223333:role/eks"
          vpc_config {
            subnet_ids         = ["subnet-0abc", "subnet-0def"]
            security_group_ids = [aws_security_group.extra.id]
          }
        }
    """})
    cluster = _by_address(model, Workload, "aws_eks_cluster.main")
    assert Security(model).workload_groups(cluster).open
