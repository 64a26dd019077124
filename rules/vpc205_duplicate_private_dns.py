"""VPC205 duplicate-private-dns: two Interface endpoints with private DNS for a service in a VPC.

## What it does
Finds Interface endpoints with private DNS enabled (`private_dns_enabled = true` /
`PrivateDnsEnabled: true`, or `aws_vpc_endpoint_private_dns`) that share their VPC and their
service (the same `com.amazonaws.<region>.<service>` name, or the same endpoint service of the
scan) with another such endpoint. Each of them is reported, with the others as related
locations. Endpoints whose VPC, service name or private DNS setting vpclint cannot know (a
variable, a parameter, a condition) are left out; an endpoint is not reported for a duplicate
that may not be created (its `count`, `for_each` or `Condition` is not known).

## Why it matters
Private DNS puts a hidden private hosted zone for the service's name (`ssm.us-east-1.amazonaws.com`)
in the VPC. A VPC can hold only one such zone per name, so whichever endpoint is created second
fails ("private-dns-enabled cannot be set because there is already a conflicting DNS domain"),
and the apply or the stack breaks, often only in the account where both copies meet (a shared
endpoints module applied next to a per-application one). One endpoint per service and VPC is
enough: its ENIs serve every subnet, and more AZs are added as more subnets of the same endpoint.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = "vpc-0123456789abcdef0"
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-0123456789abcdef0"]
  security_group_ids  = ["sg-0123456789abcdef0"]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "ssm_app" {
  vpc_id              = "vpc-0123456789abcdef0"
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-0fedcba9876543210"]
  security_group_ids  = ["sg-0123456789abcdef0"]
  private_dns_enabled = true
}
```
CloudFormation:
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0123456789abcdef0
    ServiceName: com.amazonaws.us-east-1.ssm
    VpcEndpointType: Interface
    SubnetIds: [subnet-0123456789abcdef0]
    SecurityGroupIds: [sg-0123456789abcdef0]
    PrivateDnsEnabled: true
AppSsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0123456789abcdef0
    ServiceName: com.amazonaws.us-east-1.ssm
    VpcEndpointType: Interface
    SubnetIds: [subnet-0fedcba9876543210]
    SecurityGroupIds: [sg-0123456789abcdef0]
    PrivateDnsEnabled: true
```

## Use instead
Terraform: one endpoint for the service, with a subnet in each AZ that needs it:
```hcl
resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = "vpc-0123456789abcdef0"
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  security_group_ids  = ["sg-0123456789abcdef0"]
  private_dns_enabled = true
}
```
CloudFormation:
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0123456789abcdef0
    ServiceName: com.amazonaws.us-east-1.ssm
    VpcEndpointType: Interface
    SubnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
    SecurityGroupIds: [sg-0123456789abcdef0]
    PrivateDnsEnabled: true
```

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#private-dns
- https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
"""

from __future__ import annotations

from collections import defaultdict

from ._regions import Regions
from vpclint.model.components import (Component, EndpointAssociation, EndpointService, External,
                                      VpcEndpoint)
from vpclint.rule import Context, Finding, Level, Related, RuleMeta
from vpclint.values import DEPLOYMENT_REGION

RULE = RuleMeta("VPC205", "duplicate-private-dns", Level.ERROR,
                "Two Interface endpoints for the same service in one VPC both enable private DNS")


def check(ctx: Context):
    model = ctx.model
    groups: dict[tuple, list[VpcEndpoint]] = defaultdict(list)
    regions = Regions(model)
    for endpoint in model.of(VpcEndpoint):
        if endpoint.endpoint_type != "Interface" or endpoint.private_dns is not True:
            continue
        vpc, service = _vpc_key(endpoint), _service_key(endpoint, regions)
        if vpc is None or service is None:
            continue
        groups[(vpc, service)].append(endpoint)
    for (_, service), endpoints in groups.items():
        if len(endpoints) < 2:
            continue
        named = service[1] if service[0] == "name" else _service_label(endpoints[0])
        where = {id(e): _enabled_at(model, e) for e in endpoints}
        for endpoint in endpoints:
            others = [e for e in endpoints if e is not endpoint]
            listed = ", ".join(e.display for e in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            component, field = where[id(endpoint)]
            verb = "does" if len(others) == 1 else "do"
            yield Finding(
                component, f"endpoint {endpoint.display} enables private DNS for {named}, and "
                f"so {verb} {listed}{more} in the same VPC: a VPC holds one private DNS zone per "
                "service name, so whichever is created second fails; keep one endpoint (add "
                "subnets to it for more AZs) or turn private DNS off on the others",
                field=field,
                related=[Related(where[id(other)][0], f"endpoint {other.display} also enables "
                                 f"private DNS for {named} in this VPC",
                                 field=where[id(other)][1])
                         for other in others[:_MAX_RELATED]])


_MAX_RELATED = 10  # partners shown per finding: the message counts the rest (keeps N linear)


def _enabled_at(model, endpoint: VpcEndpoint) -> tuple[Component, str]:
    """Where private DNS is turned on: a separate ``aws_vpc_endpoint_private_dns``, else the
    endpoint's own attribute."""
    for association in model.linked_from(endpoint, EndpointAssociation, "endpoint"):
        if association.attaches == "private_dns" and association.enabled is True:
            return association, "enabled"
    return endpoint, "private_dns"


def _vpc_key(endpoint: VpcEndpoint) -> tuple | None:
    """Identity of the endpoint's VPC: the in-scan component, a literal ``vpc-...`` id, or an
    in-scan resource vpclint does not model (``aws_default_vpc``) by scope and address."""
    vpc = endpoint.vpc
    if isinstance(vpc, Component):
        return ("component", id(vpc))
    if isinstance(vpc, External) and vpc.type is None and vpc.value.startswith("vpc-"):
        return ("literal", vpc.value)
    if isinstance(vpc, External) and vpc.type is not None:
        return ("resource", endpoint.resource.scope, vpc.value)
    return None  # UNKNOWN


def _service_key(endpoint: VpcEndpoint, regions: Regions) -> tuple | None:
    name = endpoint.service_name
    if isinstance(name, EndpointService):
        return ("endpoint-service", id(name))
    if not isinstance(name, str) or not name:
        return None
    name = name.strip().lower()
    if DEPLOYMENT_REGION in name:
        # the deployment's own Region: the same for endpoints of one VPC (a VPC is in one
        # Region); equal to a literal Region only when vpclint knows which Region it is
        here = regions.of(endpoint)
        if here is not None:
            name = name.replace(DEPLOYMENT_REGION, here[0])
    return ("name", name)


def _service_label(endpoint: VpcEndpoint) -> str:
    name = endpoint.service_name
    if isinstance(name, EndpointService):
        return f"endpoint service {name.display}"
    return str(name)
