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
from vpclint.model.components import Component, Route, RouteTable, VpcEndpoint
from vpclint.rule import Context, Finding, Level, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC113", "gwlb-endpoint-unrouted", Level.WARNING,
                "A Gateway Load Balancer endpoint is the target of no route")


def check(ctx: Context):
    model = ctx.model
    routed, open_scopes = _route_targets(model)
    for endpoint in model.of(VpcEndpoint):
        if endpoint.endpoint_type != "GatewayLoadBalancer" or id(endpoint) in routed:
            continue
        if endpoint.resource.scope in open_scopes:
            continue
        if model.open_to_unseen(endpoint):
            continue  # handed out (an output, a module vpclint cannot read): routes made there
        yield Finding(endpoint, f"Gateway Load Balancer endpoint {endpoint.display} is the target "
                      "of no route: no traffic is sent through it, so nothing it should "
                      "inspect reaches the appliances (add routes with vpc_endpoint_id / "
                      "VpcEndpointId naming it to the tables whose traffic must be inspected)")


def _route_targets(model):
    """One pass over the routes: the endpoints some route targets, and the scopes where a
    route's target (or a table's routes) cannot be known."""
    routed: set[int] = set()
    open_scopes: set[str] = set()
    for route in model.of(Route):
        target = route.target
        if isinstance(target, Component):
            routed.add(id(target))
        elif _may_be_endpoint(route):
            open_scopes.add(route.resource.scope)
    for table in model.of(RouteTable):
        if table.routes_open:
            open_scopes.add(table.resource.scope)
    return routed, open_scopes


def _may_be_endpoint(route) -> bool:
    """Whether a route whose target vpclint cannot see may target an endpoint: an UNKNOWN that
    may denote one (not a parameter in ``TransitGatewayId``), or a resource vpclint does not
    model in an attribute that takes endpoints."""
    target = route.target
    if isinstance(target, Unknown):
        return target.kinds is None or "vpc_endpoint" in target.kinds
    return unmodelled_resource(target) and route.target_kind in (None, "vpc_endpoint", "gateway")
