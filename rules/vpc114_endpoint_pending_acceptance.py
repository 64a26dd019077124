"""VPC114 endpoint-pending-acceptance: an endpoint that waits for an acceptance nobody gives.

## What it does
Finds VPC endpoints of the scan that connect to an endpoint service of the scan
(`service_name = aws_vpc_endpoint_service.x.service_name`, `ServiceName: !GetAtt Svc.ServiceName`)
whose `acceptance_required` / `AcceptanceRequired` is true, when nothing accepts the connection:
no `aws_vpc_endpoint_connection_accepter` for the endpoint, and no `auto_accept = true` on it
(Terraform; CloudFormation has neither, so a connection there is always accepted by hand or by a
custom resource).

## Why it matters
With acceptance required, a new endpoint connection stays in `pendingAcceptance` until the
service owner accepts it: the deployment succeeds, but the endpoint carries no traffic, and the
clients behind it time out. When both sides are deployed together, accepting in code makes the
deployment complete; otherwise someone must remember to accept it in the console after every
rebuild. The owner may accept it deliberately by hand, hence the level note.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = true
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef"]
}

resource "aws_vpc_endpoint" "orders" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  service_name      = aws_vpc_endpoint_service.orders.service_name
  vpc_endpoint_type = "Interface"
  subnet_ids        = ["subnet-0a1b2c3d4e5f60001"]
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: true
    NetworkLoadBalancerArns:
      - arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef
OrdersEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    VpcEndpointType: Interface
    ServiceName: !GetAtt OrdersService.ServiceName
    SubnetIds: [subnet-0a1b2c3d4e5f60001]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint_service" "orders" {
  acceptance_required        = true
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef"]
}

resource "aws_vpc_endpoint" "orders" {
  vpc_id            = "vpc-0a1b2c3d4e5f60001"
  service_name      = aws_vpc_endpoint_service.orders.service_name
  vpc_endpoint_type = "Interface"
  subnet_ids        = ["subnet-0a1b2c3d4e5f60001"]
}

resource "aws_vpc_endpoint_connection_accepter" "orders" {
  vpc_endpoint_service_id = aws_vpc_endpoint_service.orders.id
  vpc_endpoint_id         = aws_vpc_endpoint.orders.id
}
```
CloudFormation:
```yaml
OrdersService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: false
    NetworkLoadBalancerArns:
      - arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders/0123456789abcdef
OrdersEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0a1b2c3d4e5f60001
    VpcEndpointType: Interface
    ServiceName: !GetAtt OrdersService.ServiceName
    SubnetIds: [subnet-0a1b2c3d4e5f60001]
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#accept-reject-connection-requests
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_connection_accepter
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint#auto_accept
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpointservice.html
"""

from __future__ import annotations

from ._pairing import referrers_in_scope, unmodelled_resource
from vpclint.model.components import EndpointConnectionAccepter, EndpointService, VpcEndpoint
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC114", "endpoint-pending-acceptance", Level.NOTE,
                "An endpoint connects to a service that requires acceptance, and nothing "
                "accepts it")


def check(ctx: Context):
    model = ctx.model
    accepters_of = referrers_in_scope(model, EndpointConnectionAccepter, "endpoint",
                                      maybe=unmodelled_resource)
    for endpoint in model.of(VpcEndpoint):
        service = endpoint.service_name
        if not isinstance(service, EndpointService) or service.acceptance_required is not True:
            continue
        if endpoint.auto_accept is not False and endpoint.auto_accept is not None:
            continue  # true, or UNKNOWN
        if not accepters_of(endpoint).known_empty:
            continue
        how = ("add an aws_vpc_endpoint_connection_accepter for it, or set auto_accept = true "
               "when both are in one account" if endpoint.flavour == "terraform" else
               "accept it after each deployment, or set AcceptanceRequired to false on the "
               "service")
        yield Finding(endpoint, f"endpoint {endpoint.display} connects to endpoint service "
                      f"{service.display}, which requires acceptance, and nothing in the scan "
                      f"accepts the connection: it stays pendingAcceptance and carries no "
                      f"traffic until the service owner accepts it ({how})",
                      field="auto_accept",
                      related=[Related(service, f"{service.display} requires acceptance",
                                       field="acceptance_required")])
