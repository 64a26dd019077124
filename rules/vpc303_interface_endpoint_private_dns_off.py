"""VPC303 interface-endpoint-private-dns-off: an Interface endpoint that SDK calls never use.

## What it does
Finds Interface endpoints for AWS services (`com.amazonaws.<region>.<service>`) whose private
DNS is off, explicitly or by omission (`private_dns_enabled` / `PrivateDnsEnabled` default to
false; a separate `aws_vpc_endpoint_private_dns` counts), when nothing in the scan makes the
service's name resolve to the endpoint instead:

- a Route 53 hosted zone named for the service (`sqs.us-east-1.amazonaws.com`,
  `api.ecr.<region>.amazonaws.com`), associated with the endpoint's VPC or shared elsewhere
  (a zone whose associations are made outside it, e.g. across accounts, counts);
- a DNS record named for the service in a zone of the endpoint's VPC, or whose alias or values
  are the endpoint's DNS names;
- a VPC Lattice resource configuration fronting it: one whose definition points at the
  endpoint (by reference, ARN or its DNS entries), or one whose custom domain name is the
  service's name (`ssm.us-east-1.amazonaws.com`) and that clients reach (a service network
  association, a Resource endpoint, a RAM share): central endpoints kept private DNS off on
  purpose and offered to other VPCs through Lattice, as AWS documents;
- a workload configured with the endpoint's own DNS name (an environment value built from it).

It also stays silent where such fronting may exist out of sight: the endpoint handed to other
stacks (a stack output or export, a Terraform root module output, an SSM parameter holding its
DNS name), or a resource configuration of its template or module whose custom domain name is
not known.

S3 and DynamoDB Interface endpoints are left alone when the VPC also has a Gateway endpoint for
the service: in-VPC clients use the gateway through the public name, and the Interface endpoint
serves on-premises or peered clients by its own name, the documented design. So is an endpoint
whose VPC already has another Interface endpoint for the service with private DNS on.

The finding points at the endpoint's private DNS attribute (or its block when the attribute is
omitted); the VPC and the workloads whose calls therefore leave through NAT (or fail) are
related. The level is `error` when a workload in the VPC has no other path to the service.

## Why it matters
With private DNS off, `sqs.us-east-1.amazonaws.com` still resolves to public addresses: every
SDK call goes out through the NAT gateway and the internet exactly as if the endpoint did not
exist, while the endpoint is billed by the hour in every AZ. Without NAT the calls time out.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = "vpc-0123456789abcdef0"
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-0123456789abcdef0"]
  security_group_ids  = ["sg-0123456789abcdef0"]
}
```
CloudFormation:
```yaml
SqsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0123456789abcdef0
    ServiceName: !Sub com.amazonaws.${AWS::Region}.sqs
    VpcEndpointType: Interface
    SubnetIds: [subnet-0123456789abcdef0]
    SecurityGroupIds: [sg-0123456789abcdef0]
    PrivateDnsEnabled: false
```

## Use instead
Terraform:
```hcl
resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = "vpc-0123456789abcdef0"
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-0123456789abcdef0"]
  security_group_ids  = ["sg-0123456789abcdef0"]
  private_dns_enabled = true
}
```
CloudFormation:
```yaml
SqsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: vpc-0123456789abcdef0
    ServiceName: !Sub com.amazonaws.${AWS::Region}.sqs
    VpcEndpointType: Interface
    SubnetIds: [subnet-0123456789abcdef0]
    SecurityGroupIds: [sg-0123456789abcdef0]
    PrivateDnsEnabled: true
```
Or keep private DNS off and front the endpoint with a private hosted zone named for the service
(an alias record to the endpoint's DNS name), as hub-and-spoke designs sharing endpoints do, or
with a VPC Lattice resource configuration whose custom domain name is the service's name.

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns
- https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/resource-configuration.html
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DnsOptions.html
"""

from __future__ import annotations

from ._detours import counted_evidence, evidence_phrase, label, unique
from ._wording import names
from vpclint.analyze import Verdict
from vpclint.model.components import Vpc, VpcEndpoint
from vpclint.model.mentions import Mentions
from vpclint.model.services import GATEWAY_SERVICES, aws_service, domain_service, service_region
from vpclint.model.workloads import DnsRecord, Route53Zone, Workload
from vpclint.rule import Context, Finding, Level, Related, RuleMeta
from vpclint.values import Unknown

RULE = RuleMeta("VPC303", "interface-endpoint-private-dns-off", Level.WARNING,
                "An AWS-service Interface endpoint has private DNS off and nothing points the "
                "service's name at it",
                needs_analysis=True)


def check(ctx: Context):
    model = ctx.model
    endpoints = ctx.analysis.endpoints
    fronts = _Fronts(model)
    lattice = ctx.analysis.lattice
    affected = _affected_flows(ctx.analysis.flows)
    for endpoint in model.of(VpcEndpoint):
        if endpoint.endpoint_type != "Interface" or endpoint.private_dns is not False:
            continue  # private DNS on, or UNKNOWN
        service = aws_service(endpoint.service_name)
        if service is None:
            continue  # a PrivateLink service, or a name not known
        if service in GATEWAY_SERVICES:
            if not isinstance(endpoint.vpc, Vpc) or endpoints.in_vpc(endpoint.vpc, service,
                                                                     "Gateway"):
                continue  # a Gateway endpoint serves in-VPC clients (or the VPC is not known)
        if any(other.private_dns is not False
               for other in endpoints.in_vpc(endpoint.vpc, service, "Interface")
               if other is not endpoint):
            continue  # another endpoint answers the name (if both have it on, that is a duplicate)
        if fronts.fronted(endpoint, service) or lattice.fronts(endpoint) is not False:
            continue  # a zone, a record or Lattice answers the name (or may)
        yield _finding(endpoint, service, affected.get(id(endpoint), []))


def _finding(endpoint: VpcEndpoint, service: str, flows: list) -> Finding:
    vpc = endpoint.vpc
    where = f"VPC {vpc.display}" if isinstance(vpc, Vpc) else "its VPC"
    how = "is off" if endpoint.written("private_dns") else "is off (the default)"
    message = (f"Interface endpoint {endpoint.display} for {label(service)} in {where}: private "
               f"DNS {how} and no private hosted zone, record or Lattice resource configuration "
               f"points {_hostname(service, endpoint.service_name)} at it, so SDK calls resolve "
               "the public name and never use the endpoint")
    related = []
    if isinstance(vpc, Vpc):
        related.append(Related(vpc, f"VPC {vpc.display}, where the endpoint's private DNS "
                                    "would answer the service's name"))
    broken = [f for f in flows if f.verdict is Verdict.NO_PATH]
    first = (broken or flows or [None])[0]
    if flows:
        workloads = unique(f.workload for f in flows)
        consequence = ("have no other path and fail" if broken
                       else "go through NAT and the internet instead")
        message += (f": the {label(service)} calls of {names(w.label for w in workloads)} "
                    f"{consequence}")
        for workload in workloads:
            mine = next(f for f in flows if f.workload is workload)
            evidence = evidence_phrase(mine)
            related.append(Related(workload, f"{workload.label} uses {label(service)} "
                                             f"({evidence})", field="subnets"))
    message += " (enable private DNS, or front it with a private hosted zone)"
    return Finding(endpoint, message, field="private_dns", related=related, flow=first,
                   level=Level.ERROR if broken else None)


def _hostname(service: str, service_name) -> str:
    special = {"ecr.api": "api.ecr", "ecr.dkr": "dkr.ecr", "kinesis-streams": "kinesis",
               "kinesis-firehose": "firehose"}
    region = service_region(service_name) or "<region>"
    return f"{special.get(service, service)}.{region}.amazonaws.com"


def _affected_flows(flows) -> dict[int, list]:
    """id(endpoint) -> the flows that this endpoint would carry but does not."""
    found: dict[int, list] = {}
    for flow in flows:
        if flow.endpoint_unused and counted_evidence(flow):
            found.setdefault(id(flow.endpoint), []).append(flow)
    return found


class _Fronts:
    """What may point a service's name at an endpoint through DNS, indexed once: hosted zones
    and records named for a service, records and workload environments that refer to an
    endpoint, scopes with a zone or record whose name is not known. (Lattice is the flow
    analysis' business: ``analysis.lattice.fronts``.)"""

    def __init__(self, model):
        self.named: dict[str, list[tuple[str | None, Route53Zone | None]]] = {}
        self.refer = Mentions()
        self.unknown_names: set[str] = set()
        for zone in model.of(Route53Zone):
            self._name(zone.name, zone, zone.resource.scope)
        for record in model.of(DnsRecord):
            zone = record.zone
            self._name(record.name, zone if isinstance(zone, Route53Zone) else None,
                       record.resource.scope)
            self.refer.add(record.targets)
        for workload in model.of(Workload):
            self.refer.add(workload.environment)

    def _name(self, name, zone: Route53Zone | None, scope: str) -> None:
        if isinstance(name, Unknown):
            self.unknown_names.add(scope)
            return
        found = domain_service(name)
        if found is not None:
            self.named.setdefault(found[0], []).append((found[1], zone))

    def fronted(self, endpoint: VpcEndpoint, service: str) -> bool:
        if endpoint in self.refer or endpoint.resource.scope in self.unknown_names:
            return True
        region = service_region(endpoint.service_name)
        for named_region, zone in self.named.get(service, []):
            if _same_region(named_region, region) and (zone is None or _reaches(zone,
                                                                                endpoint.vpc)):
                return True
        return False


def _same_region(a, b) -> bool:
    known = [r for r in (a, b) if isinstance(r, str) and r and not r.startswith("<")]
    return len(known) < 2 or known[0] == known[1]


def _reaches(zone: Route53Zone, vpc) -> bool:
    """The zone answers in ``vpc``, or may: its associations are not known, are made outside
    it (a separate association, another account) or name VPCs outside the scan."""
    vpcs = zone.vpcs
    if not isinstance(vpc, Vpc) or vpcs.open or vpcs.external or not vpcs.items:
        return True
    return vpc in vpcs.items

