"""VPC101 gateway-endpoint-without-route-tables: a Gateway endpoint on no route table.

## What it does
Finds Gateway VPC endpoints (type `Gateway` set explicitly, or omitted: Gateway is the default)
that no route table uses: no `route_table_ids` / `RouteTableIds`, and no
`aws_vpc_endpoint_route_table_association` anywhere in the scan. When workloads of the
endpoint's VPC call its service from subnets whose route tables are known, the finding names
those tables, the ones the endpoint should be on, and relates them. An endpoint with no type
but with subnets or security groups is most likely an Interface endpoint whose type was left
out: VPC206 reports those attributes and supersedes this finding on that endpoint.

## Why it matters
A gateway endpoint works only through the prefix-list routes it adds to route tables. On no
route table it carries no traffic at all: S3 and DynamoDB calls keep leaving through the NAT
gateway and the internet, or fail where there is no NAT.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
}
```
CloudFormation:
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.s3
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}
```
CloudFormation:
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.us-east-1.s3
    RouteTableIds: [!Ref PrivateRouteTable]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
"""

from __future__ import annotations

from collections import defaultdict

from ._detours import counted_evidence, in_deployment_region, label, unique
from ._endpoints import endpoint_label
from ._wording import names
from vpclint.model.components import EndpointAssociation, RouteTable, Vpc, VpcEndpoint
from vpclint.model.services import aws_service
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC101", "gateway-endpoint-without-route-tables", Level.ERROR,
                "A Gateway VPC endpoint is attached to no route table",
                needs_analysis=True)


def check(ctx: Context):
    model = ctx.model
    wanted = None
    for endpoint in model.of(VpcEndpoint):
        if endpoint.intended_type != "Gateway" or not endpoint.route_tables.known_empty:
            continue  # an omitted type meant as Interface is a wrong type, not missing routes
        if model.linked_from(endpoint, EndpointAssociation, "endpoint").open:
            continue  # an association vpclint cannot resolve may attach route tables
        wanted = wanted if wanted is not None else _tables_wanted(ctx.analysis.flows)
        service = aws_service(endpoint.service_name)
        flows = wanted.get((id(endpoint.vpc), service), []) \
            if isinstance(endpoint.vpc, Vpc) else []
        message = (f"{endpoint_label(endpoint)} is on no route table: it carries no traffic "
                   "until route tables are attached")
        tables = unique(flow.route_table for flow in flows)
        if tables:
            callers = unique(flow.workload for flow in flows)
            workloads = names(w.label for w in callers)
            message += (f"; {workloads} call{'s' if len(callers) == 1 else ''} "
                        f"{label(str(service))} from subnets on "
                        f"{names(t.display for t in tables)}: attach "
                        f"{'it' if len(tables) == 1 else 'them'}")
        yield Finding(endpoint, message, field="route_tables",
                      related=[Related(table, f"route table {table.display}, whose subnets' "
                                       f"workloads call {label(str(service))}")
                               for table in tables])


def _tables_wanted(flows) -> dict[tuple[int, str], list]:
    """For each (VPC, service), the flows that a gateway endpoint of that VPC should carry: a
    workload's own calls to the service, in the deployment's Region, from a subnet whose route
    table is known and whose calls take no private path yet."""
    wanted: dict[tuple[int, str], list] = defaultdict(list)
    for flow in flows:
        if (isinstance(flow.route_table, RouteTable) and not flow.verdict.private
                and isinstance(flow.subnet.vpc, Vpc) and counted_evidence(flow)
                and in_deployment_region(flow)):
            wanted[(id(flow.subnet.vpc), flow.service)].append(flow)
    return wanted
