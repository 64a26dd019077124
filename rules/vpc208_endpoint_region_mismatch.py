"""VPC208 endpoint-region-mismatch: an endpoint names a service in another Region.

## What it does
Compares the Region in an endpoint's service name (`com.amazonaws.<region>.<service>`, or a
PrivateLink name `com.amazonaws.vpce.<region>.vpce-svc-...`) with the Region the endpoint is
deployed in, and reports:
- a Gateway endpoint (type `Gateway`, or omitted: the default) for a service in another Region
  (error): gateway endpoints work in their own Region only;
- an Interface endpoint for a service in another Region that does not set `service_region` /
  `ServiceRegion` (warning).

The deployment Region is the endpoint's own `region` argument (AWS provider 6) or its Terraform
provider's `region`, or for CloudFormation the `--region` (or `region` in the configuration)
given to vpclint, or for a synthesized CDK stack the region of its environment in the cloud
assembly's manifest. When neither is known, the
Availability Zones of the subnets of the endpoint's VPC tell it (`us-east-1a` is in us-east-1:
a VPC and its subnets are in one Region). Names built from the deployment's own Region
(`${AWS::Region}`, `data.aws_region.current.name`), and any Region vpclint cannot know, are
not reported.

## Why it matters
A gateway endpoint only adds routes to the S3 or DynamoDB prefix list of its own Region; a
service name from another Region is rejected ("The Vpc Endpoint Service ... does not exist"),
and buckets or tables in another Region cannot be reached through a gateway endpoint at all.
An Interface endpoint looks its service name up in its own Region unless `service_region` says
where the service is hosted (cross-Region PrivateLink, for the services and endpoint services
that support it): without it the name is not found and the endpoint is never created. Both
usually come from a Region hard-coded in a module that is then deployed elsewhere.

## Example
Terraform:
```hcl
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = ["rtb-0123456789abcdef0"]
}
```
CloudFormation (the subnets' Availability Zones place the stack in us-east-1):
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
PrivateSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref Vpc
    CidrBlock: 10.0.1.0/24
    AvailabilityZone: us-east-1a
PrivateRouteTable:
  Type: AWS::EC2::RouteTable
  Properties:
    VpcId: !Ref Vpc
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: com.amazonaws.eu-west-1.s3
    VpcEndpointType: Gateway
    RouteTableIds: [!Ref PrivateRouteTable]
```

## Use instead
Terraform: name the service in the provider's Region:
```hcl
provider "aws" {
  region = "us-east-1"
}

data "aws_region" "current" {}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = ["rtb-0123456789abcdef0"]
}
```
CloudFormation:
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
PrivateSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref Vpc
    CidrBlock: 10.0.1.0/24
    AvailabilityZone: us-east-1a
PrivateRouteTable:
  Type: AWS::EC2::RouteTable
  Properties:
    VpcId: !Ref Vpc
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
    VpcEndpointType: Gateway
    RouteTableIds: [!Ref PrivateRouteTable]
```
For an Interface endpoint that must reach a service in another Region, set `service_region`
(`ServiceRegion`) to that Region.

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
"""

from __future__ import annotations

import re

from ._regions import Regions, known_region
from ._endpoints import endpoint_label
from vpclint.model.components import EndpointService, VpcEndpoint
from vpclint.model.services import service_region
from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC208", "endpoint-region-mismatch", Level.ERROR,
                "A VPC endpoint names a service in another Region (gateway endpoints cannot; "
                "interface endpoints need service_region)")

_PRIVATELINK = re.compile(r"^(?:cn\.)?com\.amazonaws\.vpce\.([a-z]{2}(?:-[a-z]+)+-\d+)\.")


def check(ctx: Context):
    model = ctx.model
    regions = Regions(model)
    for endpoint in model.of(VpcEndpoint):
        kind = endpoint.intended_type
        if kind not in ("Gateway", "Interface"):
            continue
        gateway = kind == "Gateway"
        named = _named_region(endpoint)
        if named is None:
            continue
        here = regions.of(endpoint)
        if here is None or here[0] == named:
            continue
        region, source = here
        if gateway:
            yield Finding(endpoint, f"{endpoint_label(endpoint)} names "
                          f"{_service(endpoint)}, a service in {named}, but it is deployed in "
                          f"{region} ({source}): gateway endpoints work in their own Region "
                          f"only; name the service in {region}", field="service_name")
            continue
        if endpoint.service_region is not None:
            continue  # set (to the service's Region, or to something vpclint cannot know)
        attribute = endpoint.source_name("service_region")
        yield Finding(endpoint, f"{endpoint_label(endpoint)} names "
                      f"{_service(endpoint)}, a service in {named}, but it is deployed in "
                      f"{region} ({source}) and sets no {attribute}: the name is looked up in "
                      f"{region} and not found; set {attribute} to {named} (cross-Region "
                      f"PrivateLink, where the service supports it) or name the service in "
                      f"{region}", field="service_name", level=Level.WARNING)


def _named_region(endpoint: VpcEndpoint) -> str | None:
    """The Region the endpoint's service name (or in-scan endpoint service) is in, if known."""
    name = endpoint.service_name
    if isinstance(name, EndpointService):
        return known_region(name.resource.region)
    if not isinstance(name, str):
        return None
    match = _PRIVATELINK.match(name)
    if match:
        return match.group(1)
    return known_region(service_region(name))


def _service(endpoint: VpcEndpoint) -> str:
    name = endpoint.service_name
    if isinstance(name, EndpointService):
        return f"endpoint service {name.display}"
    return str(name)
