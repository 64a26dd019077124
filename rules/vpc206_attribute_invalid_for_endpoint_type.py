"""VPC206 attribute-invalid-for-endpoint-type: an endpoint attribute its type does not accept.

## What it does
Finds VPC endpoints that set an attribute their type does not take:
- route tables (`route_table_ids`, `aws_vpc_endpoint_route_table_association`, `RouteTableIds`)
  on an endpoint that is not a Gateway endpoint;
- subnets or security groups (inline or through `aws_vpc_endpoint_subnet_association` /
  `aws_vpc_endpoint_security_group_association`) on a Gateway endpoint, whether the type is set
  to `Gateway` or omitted (Gateway is the default);
- private DNS enabled on a Gateway or GatewayLoadBalancer endpoint (Interface, Resource and
  ServiceNetwork endpoints accept it);
- more than one subnet on a GatewayLoadBalancer endpoint.

An endpoint that omits its type for a service with no Gateway endpoint is judged as the
Interface endpoint it is meant to be, and left to VPC103 when that rule reports it; a value
vpclint cannot know (a variable, a parameter, a condition) is not reported.

## Why it matters
AWS rejects these combinations when the endpoint is created or modified (`InvalidParameter`),
so the apply or the stack fails. They usually betray a deeper mix-up: subnets on a Gateway
endpoint mean an Interface endpoint was intended (or the type was forgotten), route tables on
an Interface endpoint mean clients were expected to reach it through routes it never adds, and
a GatewayLoadBalancer endpoint serves exactly one subnet's AZ, one endpoint per AZ.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = ["rtb-0123456789abcdef0"]
  subnet_ids        = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
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
    RouteTableIds: [rtb-0123456789abcdef0]
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-0123456789abcdef0"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = ["rtb-0123456789abcdef0"]
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
```

## References
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint
"""

from __future__ import annotations

from ._endpoints import endpoint_label
from vpclint.model.components import ENDPOINT_TYPES, EndpointAssociation, Links, VpcEndpoint
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC206", "attribute-invalid-for-endpoint-type", Level.ERROR,
                "A VPC endpoint sets an attribute its endpoint type does not accept",
                # private DNS on a type that takes none is removed, not given VPC DNS; a Gateway
                # endpoint with subnets or groups and no route table is most likely an
                # Interface endpoint whose type was left out, not one missing its routes
                supersedes=("VPC204", "VPC101"))

_WHAT = {"route_tables": "a route table", "subnets": "a subnet",
         "security_groups": "a security group"}


def check(ctx: Context):
    model = ctx.model
    for endpoint in model.of(VpcEndpoint):
        kind = endpoint.intended_type
        if kind not in ENDPOINT_TYPES:
            continue  # an UNKNOWN or misspelt type
        label = endpoint_label(endpoint)
        if kind != "Gateway" and _present(endpoint.route_tables):
            yield _finding(model, endpoint, "route_tables", f"{label} "
                           f"is attached to route tables ({_members(endpoint.route_tables)}): "
                           "only Gateway endpoints take route tables")
        if kind == "Gateway":
            # Subnets and security groups together are one defect: Interface attributes on a
            # Gateway endpoint. One finding, at the first of them, the other related.
            found = [(name, what) for name, what in (("subnets", "subnets"),
                                                     ("security_groups", "security groups"))
                     if _present(getattr(endpoint, name))]
            if found:
                listed = " and ".join(f"{what} ({_members(getattr(endpoint, name))})"
                                      for name, what in found)
                finding = _finding(model, endpoint, found[0][0], f"{label} "
                                   f"has {listed}: Gateway endpoints take only "
                                   f"route tables{_hint(endpoint)}")
                for name, what in found[1:]:
                    finding.related.append(Related(endpoint, f"the {what} of {endpoint.display}",
                                                   field=name))
                    finding.related.extend(_associations(model, endpoint, name))
                yield finding
        if kind in ("Gateway", "GatewayLoadBalancer") and endpoint.private_dns is True:
            yield _finding(model, endpoint, "private_dns", f"{label} "
                           f"enables private DNS: only Interface, Resource and ServiceNetwork "
                           "endpoints support it")
        if kind == "GatewayLoadBalancer" and (endpoint.subnets.count or 0) > 1:
            yield _finding(model, endpoint, "subnets", f"{label} "
                           f"has {endpoint.subnets.count} subnets "
                           f"({_members(endpoint.subnets)}): it takes exactly one; create one "
                           "endpoint per AZ")


def _present(links: Links) -> bool:
    """At least one member is known to be there (an UNKNOWN member alone proves nothing)."""
    return bool(links.items or links.external)


def _members(links: Links) -> str:
    names = [item.display for item in links.items] + [e.value for e in links.external]
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _hint(endpoint: VpcEndpoint) -> str:
    if endpoint.written("endpoint_type"):
        return ""
    return f"; for an Interface endpoint set {endpoint.source_name('endpoint_type', 'Interface')}"


def _finding(model, endpoint: VpcEndpoint, name: str, message: str) -> Finding:
    """Point at the attribute; association resources that add to it are related locations."""
    return Finding(endpoint, message, field=name, related=_associations(model, endpoint, name))


def _associations(model, endpoint: VpcEndpoint, name: str) -> list[Related]:
    return [Related(association, f"{association.display} adds {_WHAT.get(name, name)} to "
                    f"{endpoint.display}")
            for association in model.linked_from(endpoint, EndpointAssociation, "endpoint")
            if association.attaches == name]
