"""VPC202 endpoint-security-group-blocks-clients: an Interface endpoint refuses its clients.

## What it does
Evaluates the ingress rules of an Interface endpoint's security groups (the VPC's default group
when none is set, known only when Terraform adopts it with `aws_default_security_group`) on the
service port: 443 for AWS services, 9142 for Amazon Keyspaces (`cassandra`), the SMTP ports for
`email-smtp`. When workloads in the scan reach the service through this endpoint, it reports the
ones whose subnet CIDR and security groups are both refused. When none is known, it reports an
endpoint whose groups open the port to nobody at all (no rule for that port, from any CIDR,
prefix list or security group). For an endpoint service of the scan the port is the one its
Network Load Balancer's TCP or TLS listeners use (any one of them admitted will do); a service
outside the scan, or whose listeners are not all known, is skipped. Rules it cannot read (dynamic
blocks, variables with no value, groups outside the scan) keep it silent.

## Why it matters
The endpoint's ENIs drop every connection its security groups do not admit. With private DNS on,
the service name resolves to those ENIs, so SDK calls hang until they time out: the NAT path is no
longer used, and the endpoint refuses the traffic. A security group written for the application
port (8080, 5432) or for the wrong source group is the usual cause.

## Example
Terraform:
```hcl
resource "aws_security_group" "endpoints" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.private_a.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}
```
CloudFormation:
```yaml
EndpointSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: interface endpoints
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 80
        ToPort: 80
        CidrIp: 10.0.0.0/16
SqsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.sqs
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
    PrivateDnsEnabled: true
```

## Use instead
Terraform:
```hcl
resource "aws_security_group" "endpoints" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}
```
CloudFormation:
```yaml
EndpointSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: interface endpoints
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        CidrIp: 10.0.0.0/16
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html#create-interface-endpoint-prerequisites
- https://docs.aws.amazon.com/keyspaces/latest/devguide/vpc-endpoints.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group
"""

from __future__ import annotations

from collections import defaultdict

from ._security import (endpoint_label, endpoint_ports, group_related, ports_text,
                        service_listeners, subnet_cidr)
from vpclint.analyze import Verdict
from vpclint.analyze.security import ANYONE, describe_rules, peer_of, sg_allows
from vpclint.model.components import EndpointService, VpcEndpoint
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC202", "endpoint-security-group-blocks-clients", Level.ERROR,
                "An Interface endpoint's security groups do not admit its clients on the "
                "service port",
                needs_analysis=True)


def check(ctx: Context):
    model = ctx.model
    security = ctx.analysis.security
    clients = defaultdict(list)
    for flow in ctx.analysis.flows:
        if flow.verdict is Verdict.INTERFACE_ENDPOINT and flow.endpoint is not None:
            clients[id(flow.endpoint)].append(flow)
    for endpoint in model.of(VpcEndpoint):
        if endpoint.endpoint_type != "Interface":
            continue
        ports = endpoint_ports(model, endpoint)
        if not ports:
            continue
        groups = security.endpoint_groups(endpoint)
        related = group_related(groups, "security group of the endpoint") + _listeners(
            model, endpoint)
        rules = describe_rules(groups, "ingress")
        if endpoint.security_groups.known_empty:
            rules = f"none set, so the VPC's default group applies: {rules}"
        flows = clients.get(id(endpoint), [])
        if not flows:
            if all(sg_allows(groups, "ingress", "tcp", port, ANYONE) is False for port in ports):
                yield Finding(endpoint, f"{endpoint_label(endpoint)} admits no client: its "
                              f"security groups allow no ingress on {ports_text(ports)} from "
                              f"anywhere ({rules})", field="security_groups", related=related)
            continue
        blocked, seen = [], set()
        for flow in flows:
            key = (id(flow.workload), id(flow.subnet))
            if key in seen:
                continue
            seen.add(key)
            client = peer_of(subnet_cidr(flow.subnet), security.workload_groups(flow.workload))
            if all(sg_allows(groups, "ingress", "tcp", port, client) is False for port in ports):
                blocked.append(flow)
        if not blocked:
            continue
        by_workload: dict[int, list] = {}
        for flow in blocked:
            by_workload.setdefault(id(flow.workload), []).append(flow)
        names = [_client(group) for group in by_workload.values()]
        shown = "; ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        yield Finding(
            endpoint, f"{endpoint_label(endpoint)} refuses {shown}, which reach "
            f"{blocked[0].service} through it: its security groups admit neither the client "
            f"subnets nor the clients' security groups on {ports_text(ports)} ({rules})",
            field="security_groups", flow=blocked[0],
            related=related + [Related(group[0].workload, "client refused by the endpoint",
                                       "security_groups") for group in by_workload.values()])


def _listeners(model, endpoint: VpcEndpoint) -> list[Related]:
    """Where the ports of a custom service come from: its load balancer's listeners."""
    service = endpoint.service_name
    if not isinstance(service, EndpointService):
        return []
    return [Related(listener, f"{listener.display} of endpoint service {service.display} "
                    f"listens on TCP {listener.port}", field="port")
            for listener in service_listeners(model, service)]


def _client(flows) -> str:
    subnets = ", ".join(f"{f.subnet.display}" + (f" {f.subnet.cidr_block}" if isinstance(
        f.subnet.cidr_block, str) else "") for f in flows)
    return f"{flows[0].workload.label} (subnet{'s' if len(flows) > 1 else ''} {subnets})"
