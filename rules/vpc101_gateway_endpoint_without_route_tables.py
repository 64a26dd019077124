"""VPC101 gateway-endpoint-without-route-tables: a Gateway endpoint on no route table.

## What it does
Finds Gateway VPC endpoints (type `Gateway` set explicitly, or omitted: Gateway is the default)
that no route table uses: no `route_table_ids` / `RouteTableIds`, and no
`aws_vpc_endpoint_route_table_association` anywhere in the scan.

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

from ._endpoints import endpoint_label
from vpclint.model.components import EndpointAssociation, VpcEndpoint
from vpclint.rule import Finding, Level, RuleMeta

RULE = RuleMeta("VPC101", "gateway-endpoint-without-route-tables", Level.ERROR,
                "A Gateway VPC endpoint is attached to no route table")


def check(model):
    for endpoint in model.of(VpcEndpoint):
        if endpoint.intended_type != "Gateway" or not endpoint.route_tables.known_empty:
            continue  # an omitted type meant as Interface is a wrong type, not missing routes
        if model.linked_from(endpoint, EndpointAssociation, "endpoint").open:
            continue  # an association vpclint cannot resolve may attach route tables
        if not endpoint.type_explicit and (endpoint.subnets or endpoint.security_groups):
            continue  # meant as Interface: VPC206 reports the subnets with the "set the type" hint
        yield Finding(endpoint, f"{endpoint_label(endpoint)} is on no route table: it "
                      "carries no traffic until route tables are attached", field="route_tables")
