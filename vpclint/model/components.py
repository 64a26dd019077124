"""The common model: normalized network components, the same for Terraform and CloudFormation.

Each component wraps the ``Resource`` it was built from (address, file, spans, suppressions) and
records in ``origin`` which property path each normalized field came from, so a rule can point at
``endpoint.field("private_dns")`` and the reporter finds ``private_dns_enabled`` in Terraform or
``PrivateDnsEnabled`` in CloudFormation. AWS defaults are applied here, once.

Field values are three-valued: a known value, ``Unknown``, or ``None`` for "not set". Links to
other components are a ``Component``, ``Unknown`` (a reference vpclint could not resolve) or
``None``; links to many are a ``Links`` that knows whether it may hold members it cannot see.
"""

from __future__ import annotations

import functools
import reprlib
from typing import Any, ClassVar, Generic, Iterator, TypeVar, Union

from msgspec import Struct, field

from vpclint.model.services import GATEWAY_SERVICES, aws_service
from vpclint.model.vocabulary import (ASSIGNMENTS, MAIN_ROUTE_TABLE_NAMEABLE,
                                      REGION_ARGUMENTS, REGION_SOURCES)
from vpclint.source import Path, Resource, Span
from vpclint.values import Unknown

T = TypeVar("T", bound="Component")


class External(Struct, frozen=True):
    """Something that exists but that vpclint does not model: a literal identifier of something
    outside the scan (``"vpc-0abc"``, an ARN), or an in-scan resource of a type the model has no
    component for (then ``type`` names it, e.g. ``aws_sqs_queue``)."""

    value: str
    type: str | None = None


class Links(Struct, Generic[T], eq=False):
    """Several linked components; ``open`` when some member could not be resolved (UNKNOWN).

    "Has none" is only claimed by ``known_empty``: an open set may hold members vpclint cannot
    see, and a pairing rule must then stay silent. ``external`` holds literal identifiers of
    members outside the scan: they exist, so the set is not empty.
    """

    items: list[T] = field(default_factory=list)
    open: bool = False
    external: list[External] = field(default_factory=list)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def known_empty(self) -> bool:
        return not self.items and not self.open and not self.external

    @property
    def count(self) -> int | None:
        """How many members, or None when UNKNOWN."""
        return None if self.open else len(self.items) + len(self.external)

    def add(self, item: "T | External | Unknown | None") -> None:
        if isinstance(item, Component):
            if item not in self.items:
                self.items.append(item)
        elif isinstance(item, External):
            if item not in self.external:
                self.external.append(item)
        elif isinstance(item, Unknown):
            self.open = True

    def extend(self, other: "Links[T]") -> None:
        for item in other.items:
            self.add(item)
        for external in other.external:
            self.add(external)
        self.open = self.open or other.open


Link = Union["Component", External, Unknown, None]


@functools.cache
def field_types(cls: type) -> dict[str, str]:
    """Each field of a record class with its annotation as written (``"Links[Subnet]"``): the
    model's modules postpone annotations, so each is its source text. Computed once a class:
    the model builder asks for every property it reads (10,000 times on the corpus). The
    answer is shared: read it, never change it."""
    written: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        written.update(klass.__dict__.get("__annotations__", {}))
    return {name: str(written[name]) for name in cls.__struct_fields__}


_NO_VALUE = object()


class Component(Struct, eq=False):
    """Base of every model component."""

    kind: ClassVar[str] = "component"
    # the attributes that record where the component came from, not what it is
    BOOKKEEPING: ClassVar[tuple[str, ...]] = ("resource", "origin", "written_fields")
    resource: Resource
    origin: dict[str, Path] = field(default_factory=dict)
    written_fields: set[str] = field(default_factory=set)

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        """The component's own fields, without the bookkeeping (its resource would repeat the
        whole source). Components link to each other in cycles: a repeat is shown as ``...``."""
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__struct_fields__
                          if name not in Component.BOOKKEEPING)
        return f"{type(self).__qualname__}({shown})"

    @property
    def address(self) -> str:
        return self.resource.address

    @property
    def display(self) -> str:
        """How messages name this component: ``aws_vpc_endpoint.s3``, ``S3Endpoint``, or for
        CDK output its construct path ``App/Network/S3Endpoint/Resource (S3Endpoint1A2B)``."""
        return self.resource.name

    @property
    def file(self) -> str:
        return self.resource.file

    @property
    def flavour(self) -> str:
        return self.resource.flavour

    def path_of(self, name: str | None) -> Path:
        """The property path a field came from (or where it belongs when it is missing)."""
        if name is None:
            return ()
        return self.origin.get(name, ())

    def span(self, name: str | None = None) -> Span:
        return self.resource.locate(self.path_of(name))

    def written(self, name: str) -> bool:
        """Whether the user set the field: its attribute holds a value (an expression vpclint
        cannot evaluate counts; null does not), on the resource or through a separate resource
        folded into it (``aws_vpc_endpoint_private_dns``). When not, AWS's default applies."""
        return name in self.written_fields

    def writable(self, name: str) -> bool:
        """Whether this component's resource type has an attribute for the field at all."""
        return bool(self.path_of(name))

    def source_name(self, name: str, value: Any = _NO_VALUE) -> str:
        """The attribute a field is written as in this component's IaC (``vpc_endpoint_type``,
        ``VpcEndpointType``), also when it is not written: messages speak the user's words.
        With ``value``, the attribute set to it as the IaC writes it (``private_dns_enabled =
        false``, ``PrivateDnsEnabled: false``)."""
        written = [step for step in self.path_of(name) if isinstance(step, str)]
        attribute = written[-1] if written else name
        if value is _NO_VALUE:
            return attribute
        return ASSIGNMENTS[self.flavour](attribute, value)

    @property
    def region_source(self) -> str:
        """Where its Region comes from, in its IaC's words: its own region argument, else its
        provider's or its stack's."""
        argument = REGION_ARGUMENTS.get(self.flavour)
        region = self.resource.region
        if argument is not None and region is not None and \
                self.resource.values.get(argument) == region:
            return f"its {argument} argument"
        return REGION_SOURCES[self.flavour]

    def __hash__(self) -> int:
        return id(self)


# --- network base -------------------------------------------------------------------------


class Vpc(Component, eq=False):
    kind: ClassVar[str] = "vpc"
    cidr_blocks: list[Any] = field(default_factory=list)  # with its secondary blocks
    dns_support: bool | Unknown = True  # AWS default
    dns_hostnames: bool | Unknown = False  # AWS default for non-default VPCs

    @property
    def main_table_nameable(self) -> bool:
        """Whether the code that creates the VPC can name its main route table, and so put
        routes on it. Where it cannot (CloudFormation), the main table of a VPC the code creates
        holds the local route only, unless a route or endpoint goes to a table out of sight."""
        return MAIN_ROUTE_TABLE_NAMEABLE.get(self.flavour, True)


class Subnet(Component, eq=False):
    kind: ClassVar[str] = "subnet"
    vpc: Link = None
    availability_zone: str | Unknown | None = None
    availability_zone_id: str | Unknown | None = None
    cidr_block: str | Unknown | None = None


class Route(Component, eq=False):
    """One route, inline in a route table or a separate resource."""

    kind: ClassVar[str] = "route"
    route_table: Link = None
    destination: str | Unknown | None = None  # CIDR, IPv6 CIDR or prefix-list id
    target_kind: str | None = None  # gateway, nat_gateway, vpc_endpoint, transit_gateway, ...
    target: Any = None  # a Component, an id string, or Unknown


class RouteTable(Component, eq=False):
    kind: ClassVar[str] = "route_table"
    vpc: Link = None
    routes: list[Route] = field(default_factory=list)
    is_default: bool = False  # aws_default_route_table: the VPC's main table
    routes_open: bool = False  # inline routes from a dynamic block: not all known
    # virtual private gateways that propagate their (BGP-learned) routes into it, inline
    # (propagating_vgws) or through a RoutePropagation: routes the table holds but lists nowhere
    propagating: Links = field(default_factory=Links)


class RoutePropagation(Component, eq=False):
    """``aws_vpn_gateway_route_propagation`` / ``AWS::EC2::VPNGatewayRoutePropagation``: a VPN
    gateway propagates the routes it learns into route tables."""

    kind: ClassVar[str] = "route_propagation"
    route_tables: Links = field(default_factory=Links)
    gateway: Link = None


class VpcCidrBlock(Component, eq=False):
    """A secondary CIDR block of a VPC (``aws_vpc_ipv4_cidr_block_association``,
    ``AWS::EC2::VPCCidrBlock``), folded into its VPC's ``cidr_blocks``."""

    kind: ClassVar[str] = "vpc_cidr_block"
    vpc: Link = None
    cidr_block: str | Unknown | None = None


class RouteTableAssociation(Component, eq=False):
    """Subnet or gateway (edge) association, or a VPC's main-table association."""

    kind: ClassVar[str] = "route_table_association"
    route_table: Link = None
    subnet: Link = None
    gateway: Link = None
    main_of: Link = None  # the VPC whose main route table this makes it


class InternetGateway(Component, eq=False):
    kind: ClassVar[str] = "internet_gateway"
    vpc: Link = None


class GatewayAttachment(Component, eq=False):
    """CloudFormation's VPCGatewayAttachment / Terraform's aws_internet_gateway_attachment."""

    kind: ClassVar[str] = "gateway_attachment"
    gateway: Link = None
    vpc: Link = None


class NatGateway(Component, eq=False):
    kind: ClassVar[str] = "nat_gateway"
    subnet: Link = None
    connectivity: str | Unknown = "public"


class TransitGatewayAttachment(Component, eq=False):
    """A transit gateway VPC attachment (``aws_ec2_transit_gateway_vpc_attachment``,
    ``AWS::EC2::TransitGatewayVpcAttachment`` / ``AWS::EC2::TransitGatewayAttachment``)."""

    kind: ClassVar[str] = "transit_gateway_attachment"
    vpc: Link = None
    subnets: Links = field(default_factory=Links)
    transit_gateway: Link = None
    appliance_mode: bool | Unknown | None = None  # None: not set (AWS default: disabled)


class SecurityGroup(Component, eq=False):
    kind: ClassVar[str] = "security_group"
    vpc: Link = None
    rules: list["SecurityGroupRule"] = field(default_factory=list)  # inline and separate
    default_egress: bool = False  # CFN group without egress rules keeps AWS's allow-all
    is_default: bool = False  # aws_default_security_group: the VPC's default group, adopted
    ingress_open: bool = False  # some ingress rules not known (dynamic block, unknown list)
    egress_open: bool = False  # some egress rules not known


class SecurityGroupRule(Component, eq=False):
    """One ingress or egress rule, inline in its group or a separate resource."""

    kind: ClassVar[str] = "security_group_rule"
    group: Link = None
    direction: str = "ingress"
    protocol: str | Unknown | None = None
    from_port: int | Unknown | None = None
    to_port: int | Unknown | None = None
    cidrs: list[Any] | Unknown = field(default_factory=list)
    prefix_lists: list[Any] | Unknown = field(default_factory=list)
    peer_groups: Links = field(default_factory=Links)
    self_reference: bool | Unknown = False


# --- endpoints and PrivateLink ----------------------------------------------------------------


ENDPOINT_TYPES = ("Gateway", "Interface", "GatewayLoadBalancer", "Resource", "ServiceNetwork", "Tunnel")


class VpcEndpoint(Component, eq=False):
    kind: ClassVar[str] = "vpc_endpoint"
    vpc: Link = None
    service_name: Any = None  # str, Unknown, a Ref-resolved EndpointService, or None
    endpoint_type: str | Unknown = "Gateway"  # AWS default when omitted
    route_tables: Links = field(default_factory=Links)
    subnets: Links = field(default_factory=Links)
    security_groups: Links = field(default_factory=Links)
    private_dns: bool | Unknown = False  # AWS default
    # Resource and ServiceNetwork endpoints: which custom domain names of the resource
    # configurations behind them get a private hosted zone (see ServiceNetworkAssociation)
    dns_preference: str | Unknown | None = None
    dns_domains: list[Any] | Unknown | None = None
    policy: Any = None
    resource_configuration: Link = None
    service_network: Link = None
    auto_accept: bool | Unknown | None = None  # Terraform: accept a same-account connection
    service_region: str | Unknown | None = None  # cross-Region: where the service is hosted

    @property
    def intended_type(self) -> str | Unknown:
        """The type the endpoint is meant to have, which every rule judging what it does uses.

        Its type, except when the type is omitted (so Gateway, AWS's default) for a service
        known to have no Gateway endpoint: an Interface-only AWS service, a PrivateLink service.
        Then the omission is the slip, and the type meant is the one the service takes:
        GatewayLoadBalancer for an endpoint service fronted by Gateway Load Balancers only,
        else Interface. An UNKNOWN or missing service name might be S3 or DynamoDB, so the
        default stands for it."""
        if self.written("endpoint_type") or _may_have_gateway_endpoint(self.service_name):
            return self.endpoint_type
        service = self.service_name
        if isinstance(service, EndpointService) and service.network_load_balancers.known_empty \
                and not service.gateway_load_balancers.known_empty:
            return "GatewayLoadBalancer"
        return "Interface"

    @property
    def takes_subnet_per_zone(self) -> bool:
        """Whether the endpoint takes one subnet per Availability Zone, a network interface in
        each: Interface, Resource and ServiceNetwork endpoints (and a type not known, which
        may be one). A Gateway endpoint takes no subnet and a GatewayLoadBalancer endpoint
        exactly one, so two subnets in one zone are not their defect: any second subnet is."""
        return self.intended_type not in ("Gateway", "GatewayLoadBalancer")


def _may_have_gateway_endpoint(service_name: Any) -> bool:
    """False only for a service known to have no Gateway endpoint: an in-scan endpoint service
    or a ``vpce-svc`` name never has one; an UNKNOWN or missing name might be S3."""
    if isinstance(service_name, EndpointService):
        return False
    if not isinstance(service_name, str):
        return True
    return aws_service(service_name) in GATEWAY_SERVICES


class EndpointAssociation(Component, eq=False):
    """A separate resource that attaches a route table, subnet or SG to an endpoint (Terraform)."""

    kind: ClassVar[str] = "endpoint_association"
    endpoint: Link = None
    attaches: str = "route_tables"  # the VpcEndpoint field it adds to, "policy" or "private_dns"
    member: Link = None
    policy: Any = None
    enabled: bool | Unknown | None = None  # aws_vpc_endpoint_private_dns.private_dns_enabled


class EndpointService(Component, eq=False):
    kind: ClassVar[str] = "endpoint_service"
    network_load_balancers: Links = field(default_factory=Links)
    gateway_load_balancers: Links = field(default_factory=Links)
    acceptance_required: bool | Unknown | None = None
    allowed_principals: list[Any] | Unknown = field(default_factory=list)

    def misfits(self, name: str) -> list["LoadBalancer"]:
        """The load balancers listed in ``name`` (``network_load_balancers`` or
        ``gateway_load_balancers``) known to be of another type: EC2 rejects the service."""
        wanted = "NETWORK" if name == "network_load_balancers" else "GATEWAY"
        return [lb for lb in getattr(self, name) if isinstance(lb, LoadBalancer)
                and isinstance(lb.lb_type, str) and lb.lb_type.upper() != wanted]

    @property
    def fronted_by(self) -> str | None:
        """``"gateway"`` or ``"network"``: the one kind of load balancer the service is fronted
        by, which decides the endpoint type that reaches it (GatewayLoadBalancer or Interface)
        and where its endpoints forward. None when that is not known (a list not all known),
        and when EC2 cannot create the service (no load balancer, both kinds, or one of the
        wrong type in a list): then what reaches it is undefined, and the service is at fault."""
        gateways, networks = self.gateway_load_balancers, self.network_load_balancers
        if gateways.open or networks.open or self.misfits("gateway_load_balancers") \
                or self.misfits("network_load_balancers"):
            return None
        if networks.known_empty != gateways.known_empty:
            return "gateway" if networks.known_empty else "network"
        return None


class EndpointServicePermission(Component, eq=False):
    """Allowed principals granted by a separate resource (TF allowed_principal, CFN Permissions)."""

    kind: ClassVar[str] = "endpoint_service_permission"
    service: Link = None
    principals: list[Any] | Unknown = field(default_factory=list)


class EndpointConnectionAccepter(Component, eq=False):
    """``aws_vpc_endpoint_connection_accepter``: the provider accepts one endpoint's connection."""

    kind: ClassVar[str] = "endpoint_connection_accepter"
    service: Link = None
    endpoint: Link = None


class LoadBalancer(Component, eq=False):
    kind: ClassVar[str] = "load_balancer"
    lb_type: str | Unknown = "application"  # AWS default
    subnets: Links = field(default_factory=Links)
    security_groups: Links = field(default_factory=Links)


class Database(Component, eq=False):
    """A database or cache cluster in the VPC (RDS instance or cluster, Aurora, DocumentDB,
    Neptune, Redshift, ElastiCache): what a resource configuration may share, behind its own
    security groups."""

    kind: ClassVar[str] = "database"
    security_groups: Links = field(default_factory=Links)


class TargetGroup(Component, eq=False):
    """An ELBv2 target group."""

    kind: ClassVar[str] = "target_group"
    vpc: Link = None
    target_type: str | Unknown = "instance"
    protocol: str | Unknown | None = None
    port: int | Unknown | None = None
    name: str | Unknown | None = None  # CodeDeploy deployment groups name target groups
    targets: list["LbTarget"] = field(default_factory=list)  # inline (CFN) and attachments
    targets_open: bool = False  # inline targets not all known


class LbTarget(Component, eq=False):
    """One target of an ELBv2 target group: inline (CFN ``Targets``) or an attachment resource
    (``aws_lb_target_group_attachment``)."""

    kind: ClassVar[str] = "lb_target"
    target_group: Link = None
    target: Link = None  # an instance, a load balancer, or an IP / ARN literal (External)
    port: int | Unknown | None = None
    availability_zone: str | Unknown | None = None  # an AZ or "all"; required for outside IPs


class TargetRegistrar(Component, eq=False):
    """A resource that registers targets in target groups while it runs: an auto-scaling
    attachment or traffic source attachment, an ECS task set, a CodeDeploy deployment group
    (blue/green swaps; it names its target groups by name, so ``target_groups`` may hold
    literal names as ``External``)."""

    kind: ClassVar[str] = "target_registrar"
    target_groups: Links = field(default_factory=Links)
    source: Link = None  # the auto-scaling group or ECS service, where there is one


class LbListener(Component, eq=False):
    """An ELBv2 listener (ALB, NLB or GWLB)."""

    kind: ClassVar[str] = "lb_listener"
    load_balancer: Link = None
    protocol: str | Unknown | None = None
    port: int | Unknown | None = None
    forwards_to: Links = field(default_factory=Links)  # target groups of the default actions

    @property
    def balancer(self) -> "LoadBalancer | None":
        """The in-scan load balancer whose traffic this listener forwards."""
        return self.load_balancer if isinstance(self.load_balancer, LoadBalancer) else None


class LbListenerRule(Component, eq=False):
    kind: ClassVar[str] = "lb_listener_rule"
    listener: Link = None
    forwards_to: Links = field(default_factory=Links)

    @property
    def balancer(self) -> "LoadBalancer | None":
        """The in-scan load balancer whose traffic this rule forwards (its listener's)."""
        return self.listener.balancer if isinstance(self.listener, LbListener) else None


# --- VPC Lattice ------------------------------------------------------------------------------


class ServiceNetwork(Component, eq=False):
    kind: ClassVar[str] = "service_network"
    auth_type: str | Unknown = "NONE"  # AWS default
    sharing_enabled: bool | Unknown | None = None


class LatticeService(Component, eq=False):
    kind: ClassVar[str] = "lattice_service"
    auth_type: str | Unknown = "NONE"  # AWS default


class Listener(Component, eq=False):
    kind: ClassVar[str] = "listener"
    service: Link = None
    protocol: str | Unknown | None = None
    port: int | Unknown | None = None
    forwards_to: Links = field(default_factory=Links)  # target groups of the default action


class ListenerRule(Component, eq=False):
    kind: ClassVar[str] = "listener_rule"
    listener: Link = None
    service: Link = None
    forwards_to: Links = field(default_factory=Links)


class LatticeTargetGroup(Component, eq=False):
    kind: ClassVar[str] = "lattice_target_group"
    target_type: str | Unknown | None = None
    vpc: Link = None
    port: int | Unknown | None = None
    protocol: str | Unknown | None = None
    health_check_port: int | Unknown | None = None
    lambda_event_version: str | Unknown | None = None
    # its config block, as the names of the settings it writes with a known value, spelled as
    # written (a LAMBDA group takes only the event structure version)
    config: list[str] = field(default_factory=list)
    targets: list["LatticeTarget"] = field(default_factory=list)  # inline and attachments
    targets_open: bool = False  # inline targets not all known


class LatticeTarget(Component, eq=False):
    """One target of a Lattice target group: inline (CFN ``Targets``) or an attachment resource."""

    kind: ClassVar[str] = "lattice_target"
    target_group: Link = None
    target: Link = None  # an instance, a load balancer, or an IP / ARN literal (External)
    port: int | Unknown | None = None


class ServiceNetworkAssociation(Component, eq=False):
    """An association of a VPC, a service or a resource configuration with a service network."""

    kind: ClassVar[str] = "service_network_association"
    service_network: Link = None
    associates: str = "vpc"  # vpc | service | resource_configuration
    member: Link = None
    security_groups: Links = field(default_factory=Links)
    # private DNS of a VPC or resource-configuration association (None: not set, and AWS
    # documents no default); for a VPC, which custom domain names of the network's resource
    # configurations get a private hosted zone in it: ALL_DOMAINS, VERIFIED_DOMAINS_ONLY (the
    # default), SPECIFIED_DOMAINS_ONLY or VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS with
    # ``dns_domains`` (exact names, or ``*.`` wildcards)
    private_dns: bool | Unknown | None = None
    dns_preference: str | Unknown | None = None
    dns_domains: list[Any] | Unknown | None = None


class AuthPolicy(Component, eq=False):
    kind: ClassVar[str] = "auth_policy"
    target: Link = None
    policy: Any = None


class ResourceGateway(Component, eq=False):
    kind: ClassVar[str] = "resource_gateway"
    vpc: Link = None
    subnets: Links = field(default_factory=Links)
    security_groups: Links = field(default_factory=Links)
    ip_address_type: str | Unknown | None = None
    # how domain names of its configurations resolve: IN_VPC or PUBLIC (AWS default)
    dns_resolution: str | Unknown = "PUBLIC"


class ResourceDefinition(Struct, frozen=True):
    """The one resource a resource configuration defines, the same in every spelling
    (``ip_resource { ip_address }``, ``IpResource: 10.0.0.1``, awscc ``ip_resource = "..."``):
    ``kind`` is ip, dns, arn or cidr; ``value`` the IP address, domain name, ARN or CIDR ranges
    as written (a value, UNKNOWN, a resolved component, or None); ``ip_address_type`` a DNS
    resource's."""

    kind: str
    value: Any = None
    ip_address_type: Any = None


class ResourceConfiguration(Component, eq=False):
    kind: ClassVar[str] = "resource_configuration"
    config_type: str | Unknown = "SINGLE"  # AWS default
    gateway: Link = None
    group: Link = None
    port_ranges: list[Any] | Unknown = field(default_factory=list)
    definition: ResourceDefinition | None = None  # None: not written, or not known
    allow_shareable: bool | Unknown | None = None
    custom_domain: str | Unknown | None = None  # the name consumers reach it by
    # the in-scan resource its domain name or ARN names by reference: a Database, a
    # LoadBalancer; External for a literal name or a resource vpclint does not model
    denotes: Link = None


class RamShare(Component, eq=False):
    """A RAM resource share (association) naming resources shared with other accounts."""

    kind: ClassVar[str] = "ram_share"
    resources: Links = field(default_factory=Links)
