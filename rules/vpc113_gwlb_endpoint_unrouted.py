"""VPC113 gwlb-endpoint-unrouted: a Gateway Load Balancer endpoint that no route sends traffic to.

## What it does
Finds VPC endpoints of type `GatewayLoadBalancer` that no route of the scan uses as its target:
no `aws_route` / `AWS::EC2::Route` and no inline `route` of an `aws_route_table` with
`vpc_endpoint_id` / `VpcEndpointId` naming the endpoint. An endpoint that a route might name
through a variable, a parameter or a resource vpclint does not model, or whose route table has
routes vpclint cannot list (a `dynamic` block), is not reported; nor is one whose ID is handed
out through an output or export, or to a module or nested stack vpclint cannot read, since the
routes are then made where vpclint cannot see them.

## Why it matters
A Gateway Load Balancer endpoint does nothing on its own: traffic reaches the inspection
appliances only when route tables (the application subnets' tables, the internet gateway's edge
table, a transit gateway attachment's table) send it to the endpoint. An endpoint no route
uses means the traffic it was built to inspect flows around it, uninspected, while everything
deploys cleanly.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60001"
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = ["subnet-0a1b2c3d4e5f60001"]
}
```
CloudFormation:
```yaml
InspectionEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60001
    VpcEndpointType: GatewayLoadBalancer
    SubnetIds: [subnet-0a1b2c3d4e5f60001]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60001"
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = ["subnet-0a1b2c3d4e5f60001"]
}

resource "aws_route" "app_to_inspection" {
  route_table_id         = "rtb-0a1b2c3d4e5f60001"
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = aws_vpc_endpoint.inspection.id
}
```
CloudFormation:
```yaml
InspectionEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60001
    VpcEndpointType: GatewayLoadBalancer
    SubnetIds: [subnet-0a1b2c3d4e5f60001]
AppToInspection:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: rtb-0a1b2c3d4e5f60001
    DestinationCidrBlock: 0.0.0.0/0
    VpcEndpointId: !Ref InspectionEndpoint
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html
- https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/getting-started.html
- https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html#route-tables-appliance-routing
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/route
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-route.html
"""

from __future__ import annotations

from ._pairing import unmodelled_resource
from vpclint.model.components import Route, RouteTable, VpcEndpoint
from vpclint.model.specs import route_attribute
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC113", "gwlb-endpoint-unrouted", Level.WARNING,
                "A Gateway Load Balancer endpoint is the target of no route")


def check(ctx: Context):
    model = ctx.model
    routes_to = model.referrers(Route, _target, maybe=unmodelled_resource)
    unread = {table.resource.scope for table in model.of(RouteTable) if table.routes_open}
    for endpoint in model.of(VpcEndpoint):
        if endpoint.endpoint_type != "GatewayLoadBalancer":
            continue
        if not routes_to(endpoint).known_empty or endpoint.resource.scope in unread:
            continue  # routed, or a route vpclint cannot see may be (an output, a module ...)
        yield Finding(endpoint, f"Gateway Load Balancer endpoint {endpoint.display} is the target "
                      "of no route: no traffic is sent through it, so nothing it should "
                      "inspect reaches the appliances (add routes with "
                      f"{route_attribute(endpoint, 'vpc_endpoint')} naming it to the tables "
                      "whose traffic must be inspected)")


def _target(route: Route):
    """The route's target where it may be an endpoint: a resource vpclint does not model, in an
    attribute that takes no endpoint, is not one."""
    if unmodelled_resource(route.target) and \
            route.target_kind not in (None, "vpc_endpoint", "gateway"):
        return None
    return route.target
