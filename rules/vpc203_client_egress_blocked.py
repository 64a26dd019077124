"""VPC203 client-egress-blocked: a workload's security groups or ACL block its endpoint.

## What it does
For every workload whose traffic to an AWS service goes through a VPC endpoint (the flow analysis
decides which one), evaluates the client side of the connection:
- the workload's security-group **egress** on the service port (443; 9142 for Keyspaces) to the
  endpoint: its subnets' CIDRs or its security groups for an Interface endpoint, the service's
  prefix list (or `0.0.0.0/0`) for a Gateway endpoint. A Terraform `aws_security_group` with no
  `egress` block has no egress at all; a CloudFormation group without egress rules keeps AWS's
  allow-all rule;
- the network ACL of the workload's subnet: outbound to the endpoint on the service port, and
  inbound for the **return traffic** on the ephemeral ports 1024-65535 (ACLs are stateless). A
  subnet without an ACL association uses the VPC's default ACL, allow-all unless Terraform's
  `aws_default_network_acl` says otherwise. An endpoint ENI in the workload's own subnet crosses
  no ACL.

It reports only what is certainly blocked: dynamic rules, unknown CIDRs, ACL entries that match
only part of the traffic, EKS (which adds its own cluster security group) keep it silent.

## Why it matters
The route or the private DNS name points the traffic at the endpoint, so there is no other way
out: a blocked connection times out. Security groups created by Terraform without an egress
block, and ACLs that allow 443 out but forget the ephemeral ports back in, are the usual causes.

## Example
Terraform: a Lambda using S3 through the gateway endpoint, with no egress at all:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}

resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_lambda_function" "reports" {
  function_name = "reports"
  role          = "arn:aws:iam::111122223333:role/reports"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "reports.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.private.id]
    security_group_ids = [aws_security_group.app.id]
  }
  environment {
    variables = { BUCKET = aws_s3_bucket.reports.id }
  }
}
```
CloudFormation: egress for the database port only:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
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
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.s3
    RouteTableIds: [!Ref PrivateRouteTable]
ReportsBucket:
  Type: AWS::S3::Bucket
AppSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: app
    VpcId: !Ref Vpc
    SecurityGroupEgress:
      - IpProtocol: tcp
        FromPort: 5432
        ToPort: 5432
        CidrIp: 10.0.0.0/16
ReportsFunction:
  Type: AWS::Lambda::Function
  Properties:
    Runtime: python3.12
    Handler: app.handler
    Role: arn:aws:iam::111122223333:role/reports
    Code:
      ZipFile: "def handler(event, context): return None"
    VpcConfig:
      SubnetIds: [!Ref PrivateSubnet]
      SecurityGroupIds: [!Ref AppSecurityGroup]
    Environment:
      Variables:
        BUCKET: !Ref ReportsBucket
```

## Use instead
Terraform:
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}

resource "aws_s3_bucket" "reports" {
  bucket = "example-reports"
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [aws_vpc_endpoint.s3.prefix_list_id]
  }
}

resource "aws_lambda_function" "reports" {
  function_name = "reports"
  role          = "arn:aws:iam::111122223333:role/reports"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "reports.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.private.id]
    security_group_ids = [aws_security_group.app.id]
  }
  environment {
    variables = { BUCKET = aws_s3_bucket.reports.id }
  }
}
```
CloudFormation:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
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
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.s3
    RouteTableIds: [!Ref PrivateRouteTable]
ReportsBucket:
  Type: AWS::S3::Bucket
AppSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: app
    VpcId: !Ref Vpc
    SecurityGroupEgress:
      - IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        CidrIp: 0.0.0.0/0
ReportsFunction:
  Type: AWS::Lambda::Function
  Properties:
    Runtime: python3.12
    Handler: app.handler
    Role: arn:aws:iam::111122223333:role/reports
    Code:
      ZipFile: "def handler(event, context): return None"
    VpcConfig:
      SubnetIds: [!Ref PrivateSubnet]
      SecurityGroupIds: [!Ref AppSecurityGroup]
    Environment:
      Variables:
        BUCKET: !Ref ReportsBucket
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
- https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group
"""

from __future__ import annotations

from ._security import (client_label, endpoint_interfaces, endpoint_label, endpoint_ports,
                        group_related, ports_text)
from vpclint.analyze import Verdict
from vpclint.analyze.security import (EPHEMERAL, describe_rules, nacl_allows,
                                      sg_allows, tri_and, tri_or)
from vpclint.model.components import Subnet
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC203", "client-egress-blocked", Level.WARNING,
                "A workload's security groups or network ACL block the VPC endpoint it uses",
                needs_analysis=True)

_USES_ENDPOINT = (Verdict.INTERFACE_ENDPOINT, Verdict.GATEWAY_ENDPOINT)


def check(ctx: Context):
    model = ctx.model
    security = ctx.analysis.security
    by_workload: dict[int, list] = {}  # SG egress blocked: workload -> [(flow, ports)]
    by_acl: dict[int, list] = {}  # ACL blocked: acl -> [(flow, what)]
    acls: dict[int, object] = {}
    seen = set()
    for flow in ctx.analysis.flows:
        endpoint = flow.endpoint
        if flow.verdict not in _USES_ENDPOINT or endpoint is None:
            continue
        key = (id(flow.workload), id(flow.subnet), id(endpoint))
        if key in seen:
            continue
        seen.add(key)
        if flow.verdict is Verdict.INTERFACE_ENDPOINT:
            ports = endpoint_ports(model, endpoint)
            if not ports:
                continue
            groups = security.endpoint_groups(endpoint)
            destination = endpoint_interfaces(endpoint, groups)
        else:
            if not isinstance(endpoint.service_name, str):
                continue
            ports, destination = (443,), endpoint.service_name
        workload_groups = security.workload_groups(flow.workload)
        egress = tri_or(sg_allows(workload_groups, "egress", "tcp", port, destination)
                        for port in ports)
        if egress is False:
            by_workload.setdefault(id(flow.workload), []).append((flow, ports, workload_groups))
        acl = security.nacl_of(flow.subnet)
        if acl is None or not hasattr(acl, "entries"):
            continue
        what = _acl_blocks(acl, flow, endpoint, ports)
        if what:
            acls[id(acl)] = acl
            by_acl.setdefault(id(acl), []).append((flow, what))
    for entries in by_workload.values():
        yield _sg_finding(entries)
    for acl_id, entries in by_acl.items():
        yield _acl_finding(acls[acl_id], entries)


def _acl_blocks(acl, flow, endpoint, ports) -> str | None:
    """What the client's ACL certainly blocks toward the endpoint, or None."""
    if flow.verdict is Verdict.INTERFACE_ENDPOINT:
        subnets = endpoint.subnets
        if subnets.open or subnets.external or not subnets.items:
            return None
        if any(s is flow.subnet for s in subnets.items):
            return None  # an ENI in the workload's own subnet: no ACL on the way
        peers = []
        for subnet in subnets.items:
            if not isinstance(subnet, Subnet) or not isinstance(subnet.cidr_block, str):
                return None
            peers.append(subnet.cidr_block)
    else:
        peers = [endpoint.service_name]
    outs, backs = [], []
    for peer in peers:
        outs.append(tri_or(nacl_allows(acl, True, "tcp", port, peer) for port in ports))
        backs.append(nacl_allows(acl, False, "tcp", EPHEMERAL, peer))
    if tri_or(tri_and([o, b]) for o, b in zip(outs, backs)) is not False:
        return None
    if all(o is False for o in outs):
        return f"outbound {ports_text(ports)}"
    if all(b is False for b in backs):
        return "the return traffic (inbound TCP 1024-65535)"
    return f"outbound {ports_text(ports)} or the return traffic on TCP 1024-65535"


def _sg_finding(entries) -> Finding:
    flow, _, groups = entries[0]
    workload = flow.workload
    targets = []
    for f, ports, _ in entries:
        text = f"{endpoint_label(f.endpoint)} on {ports_text(ports)}"
        if text not in targets:
            targets.append(text)
    shown = "; ".join(targets[:3]) + (f" and {len(targets) - 3} more" if len(targets) > 3 else "")
    related = group_related(groups, "security group of the workload")
    for f, _, _ in entries:
        if not any(r.component is f.endpoint for r in related):
            related.append(Related(f.endpoint, "endpoint the workload uses"))
    what = "the endpoint it uses" if len(targets) == 1 else "the endpoints it uses"
    return Finding(workload, f"{workload.label} cannot reach {what}: its security groups allow "
                   f"no egress to {shown} ({describe_rules(groups, 'egress')})",
                   field="security_groups", flow=flow, related=related)


def _acl_finding(acl, entries) -> Finding:
    flow, what = entries[0]
    names = []
    for f, _ in entries:
        text = f"{client_label(f.workload, f.subnet)} and {endpoint_label(f.endpoint)}"
        if text not in names:
            names.append(text)
    shown = "; ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    related = []
    for f, _ in entries:
        if not any(r.component is f.workload for r in related):
            related.append(Related(f.workload, "workload behind the network ACL"))
        if not any(r.component is f.endpoint for r in related):
            related.append(Related(f.endpoint, "endpoint the workload uses"))
    return Finding(acl, f"network ACL {acl.display} blocks {what} between {shown}: the "
                   f"workload cannot use the endpoint", flow=flow, related=related)
