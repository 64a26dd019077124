"""VPC Lattice as a path to AWS services, and as what fronts a VPC endpoint.

A VPC reaches the resource configurations of a service network through a service-network VPC
association or a ServiceNetwork VPC endpoint, and one resource configuration through a Resource
VPC endpoint. A resource configuration whose custom domain name is an AWS service's hostname
(``ssm.us-east-1.amazonaws.com``) answers that name in the VPC when Lattice provisions a private
hosted zone for it there, which takes, as documented for ``privateDnsEnabled`` and
``DnsOptions``:

- private DNS on the VPC's access point, and (through a service network) on the resource
  configuration's association with the network;
- a private DNS preference of the access point that admits the name: ``ALL_DOMAINS``, or
  ``SPECIFIED_DOMAINS_ONLY`` / ``VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS`` with a specified
  domain that matches it (``*.amazonaws.com``). ``VERIFIED_DOMAINS_ONLY``, what an access point
  that names no preference gets (the default AWS's own DNS tooling assumes), never admits an
  AWS service's name: no resource provider can verify a domain AWS owns.

SDK calls from the VPC then go through Lattice and the resource gateway to the resource the
configuration defines, typically a central interface endpoint with private DNS off. Whatever of
that chain vpclint cannot know (a configuration or service network passed in as a parameter, a
custom domain name or target that is not known, private DNS left unset, for which AWS documents
no default) makes the answer UNKNOWN, but only where the rest of the chain could still admit the
service's name.
"""

from __future__ import annotations

from typing import Any, Iterable

from msgspec import Struct

from vpclint.model import Model
from vpclint.model.components import (Component, External, RamShare, ResourceConfiguration,
                                      ResourceGateway, ServiceNetwork, ServiceNetworkAssociation,
                                      Vpc, VpcEndpoint)
from vpclint.model.mentions import Mentions
from vpclint.model.services import aws_service, domain_service, domain_serves, service_region
from vpclint.values import Unknown

_ACCESS_ENDPOINTS = ("ServiceNetwork", "Resource")
_DEFAULT_PREFERENCE = "VERIFIED_DOMAINS_ONLY"
_SPECIFIED = ("SPECIFIED_DOMAINS_ONLY", "VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS")
_AWS_SUFFIXES = ("amazonaws.com", "amazonaws.com.cn")


class LatticeRoute(Struct, frozen=True):
    """How a VPC reaches an AWS service through Lattice: its access point (a service-network
    VPC association, or a ServiceNetwork / Resource endpoint), the service network (None through
    a Resource endpoint), the resource configuration whose custom domain name is the service's,
    its resource gateway (None when not in the scan) and what the configuration points at: an
    endpoint or other component, or a literal DNS name, IP address or ARN."""

    access: Component
    service_network: ServiceNetwork | None
    configuration: ResourceConfiguration
    gateway: ResourceGateway | None
    target: Component | str


class LatticeMiss(Struct, frozen=True):
    """Why Lattice does not answer a service's name in a VPC although a resource configuration
    the VPC reaches carries it: the component whose setting is at fault (the VPC's access point,
    or the configuration's association with the service network), that field, and why."""

    component: Component
    field: str
    reason: str


class _Entry(Struct, frozen=True):
    """A resource configuration (or one not known) a VPC's access point reaches, with the private
    DNS of its association with the service network (True through a Resource endpoint)."""

    configuration: Any  # ResourceConfiguration, or an UNKNOWN / External member
    private_dns: Any
    network: ServiceNetwork | None
    association: ServiceNetworkAssociation | None = None


class LatticeIndex:
    """Lattice access points per VPC and resource configurations per service network, indexed
    once; answers "does Lattice answer this service's name in this VPC" and "does Lattice front
    this endpoint"."""

    def __init__(self, model: Model):
        self.exported = model.exported
        self.access: dict[int, list[Component]] = {}  # id(vpc) -> associations and endpoints
        # scope -> access points whose VPC is not known: any VPC of their own template or root
        # module (separately deployed scopes are taken as unrelated, as for endpoints)
        self.floating_access: dict[str, list[Component]] = {}
        self.members: dict[int, list[ServiceNetworkAssociation]] = {}  # id(network) -> RC assocs
        self.floating_members: dict[str, list[ServiceNetworkAssociation]] = {}  # network unknown
        self.children: dict[int, list[ResourceConfiguration]] = {}  # id(group) -> children
        # configurations clients reach (associated, behind a Resource endpoint, RAM-shared), and
        # scopes where a member of such a link is not known
        self.reached: set[int] = set()
        self.reached_maybe: set[str] = set()
        # configurations by the AWS service their custom domain names, and by scope when it is
        # not known
        self.named: dict[str, list[ResourceConfiguration]] = {}
        self.unnamed: dict[str, list[ResourceConfiguration]] = {}
        self._routes: dict[tuple, Any] = {}
        for association in model.of(ServiceNetworkAssociation):
            if association.associates == "vpc":
                self._place(association, association.member)
            elif association.associates == "resource_configuration":
                self._reach(association.member, association.resource.scope)
                network = association.service_network
                if isinstance(network, ServiceNetwork):
                    self.members.setdefault(id(network), []).append(association)
                elif isinstance(network, Unknown):
                    self.floating_members.setdefault(association.resource.scope, []).append(
                        association)
        endpoints: dict[str, list[VpcEndpoint]] = {}  # scope -> endpoints
        for endpoint in model.of(VpcEndpoint):
            endpoints.setdefault(endpoint.resource.scope, []).append(endpoint)
            if endpoint.endpoint_type in _ACCESS_ENDPOINTS:
                self._place(endpoint, endpoint.vpc)
            if endpoint.endpoint_type == "Resource":
                self._reach(endpoint.resource_configuration, endpoint.resource.scope)
        for share in model.of(RamShare):
            for shared in share.resources:
                self._reach(shared, share.resource.scope)
            if share.resources.open:
                self.reached_maybe.add(share.resource.scope)
        for configuration in model.of(ResourceConfiguration):
            if isinstance(configuration.group, ResourceConfiguration):
                self.children.setdefault(id(configuration.group), []).append(configuration)
            domain = configuration.custom_domain
            if isinstance(domain, Unknown):
                self.unnamed.setdefault(configuration.resource.scope, []).append(configuration)
            named = domain_service(domain)
            if named is not None:
                self.named.setdefault(named[0], []).append(configuration)
        self._targets = {id(c): _target(c, endpoints.get(c.resource.scope, []))
                         for c in model.of(ResourceConfiguration)}
        self._pointed = {id(t) for t in self._targets.values() if isinstance(t, VpcEndpoint)}

    def _reach(self, member: Any, scope: str) -> None:
        if isinstance(member, Component):
            self.reached.add(id(member))
        elif isinstance(member, Unknown):
            self.reached_maybe.add(scope)

    def _place(self, access: Component, vpc: Any) -> None:
        if isinstance(vpc, Vpc):
            self.access.setdefault(id(vpc), []).append(access)
        elif isinstance(vpc, Unknown):
            self.floating_access.setdefault(access.resource.scope, []).append(access)

    # --- flows ----------------------------------------------------------------------------

    def route(self, vpc: Vpc, service: str, region: Any) -> LatticeRoute | Unknown | None:
        """The Lattice route that answers ``service``'s name in ``vpc``; UNKNOWN when one may;
        None when none does."""
        key = (id(vpc), service, region)
        if key not in self._routes:
            self._routes[key] = self._route(vpc, service, region)
        return self._routes[key]

    def _route(self, vpc: Vpc, service: str, region: Any) -> LatticeRoute | Unknown | None:
        found = self._find(vpc, service, region)
        if isinstance(found, Unknown):
            return Unknown(f"VPC Lattice may answer {service}'s name in this VPC: {found.reason}")
        return found

    def _find(self, vpc: Vpc, service: str, region: Any) -> LatticeRoute | Unknown | None:
        maybe: Unknown | None = None
        for access in self.access.get(id(vpc), []):
            found = self._through(access, service, region)
            if isinstance(found, LatticeRoute):
                return found
            maybe = maybe or found
        if maybe is None:
            for access in self.floating_access.get(vpc.resource.scope, []):
                if self._through(access, service, region) is not None:
                    return Unknown(f"{_named(access)}, whose VPC is not known, may be this "
                                   "VPC's")
        return maybe

    def _through(self, access: Component, service: str, region: Any
                 ) -> LatticeRoute | Unknown | None:
        """The route through one access point, UNKNOWN when it may exist, None when not."""
        maybe: Unknown | None = None
        for entry in self._entries(access):
            found = self._judge(access, entry, service, region)
            if isinstance(found, LatticeRoute):
                return found
            maybe = maybe or found
        return maybe

    def _entries(self, access: Component) -> list[_Entry]:
        """The resource configurations ``access`` reaches (groups with their children)."""
        if isinstance(access, VpcEndpoint) and access.endpoint_type == "Resource":
            return self._expand(access.resource_configuration, True, None)
        network = access.service_network
        if not isinstance(network, ServiceNetwork):
            why = "is not known" if isinstance(network, Unknown) else "is outside the scan"
            return [_Entry(Unknown(f"the service network of {_named(access)} {why}"),
                           Unknown("not known"), None)]
        found = []
        for association in self.members.get(id(network), []) + self.floating_members.get(
                network.resource.scope, []):
            dns = association.private_dns
            if association.service_network is not network:  # its network is not known
                dns = Unknown(f"{_named(association)} may be with another service network")
            found.extend(self._expand(association.member, dns, network, association))
        return found

    def _expand(self, member: Any, dns: Any, network: ServiceNetwork | None,
                association: ServiceNetworkAssociation | None = None) -> list[_Entry]:
        if isinstance(member, ResourceConfiguration):
            return [_Entry(c, dns, network, association)
                    for c in [member, *self.children.get(id(member), [])]]
        if isinstance(member, (Unknown, External)):
            where = f"of {_named(network)} " if network is not None else ""
            what = f"{member.value}, outside the scan" if isinstance(member, External) else \
                "not known"
            return [_Entry(Unknown(f"a resource configuration {where}is {what}"), dns, network)]
        return []

    def _judge(self, access: Component, entry: _Entry, service: str, region: Any
               ) -> LatticeRoute | Unknown | None:
        """Whether one resource configuration answers ``service``'s name through ``access``."""
        configuration = entry.configuration
        if isinstance(configuration, Unknown):
            domain: Any = configuration
        else:
            domain = configuration.custom_domain
            if domain is None or isinstance(domain, str) and not domain_serves(
                    domain, service, region):
                return None
            if isinstance(domain, Unknown):
                domain = Unknown(f"the custom domain name of {_named(configuration)} is not "
                                 "known")
        answers = [domain if isinstance(domain, Unknown) else True,
                   _admits(access, domain), _set(entry.private_dns, configuration)]
        target = None
        if not isinstance(configuration, Unknown):
            target = self._targets.get(id(configuration))
            answers.append(target if isinstance(target, Unknown) else True)
        verdict = _both(answers)
        if verdict is False:
            return None
        if isinstance(verdict, Unknown):
            return verdict
        gateway = _gateway(configuration)
        return LatticeRoute(access, entry.network, configuration, gateway, target)

    def miss(self, vpc: Vpc, service: str, region: Any) -> LatticeMiss | None:
        """Why no route answers ``service``'s name in ``vpc`` although a resource configuration
        it reaches is named for it (private DNS off, a preference that does not admit the
        name); None when no such configuration is reached."""
        for access in self.access.get(id(vpc), []):
            for entry in self._entries(access):
                configuration = entry.configuration
                if not isinstance(configuration, ResourceConfiguration) or not domain_serves(
                        configuration.custom_domain, service, region):
                    continue
                domain = configuration.custom_domain
                if _admits(access, domain) is False:
                    return _refusal(access)
                if entry.private_dns is False and entry.association is not None:
                    return LatticeMiss(entry.association, "private_dns", (
                        f"{_named(entry.association)} has private DNS off: Lattice provisions "
                        f"no private hosted zone for {domain}, the name of "
                        f"{_named(configuration)}, in the network's VPCs"))
        return None

    # --- endpoints fronted (VPC303) -----------------------------------------------------------

    def fronts(self, endpoint: VpcEndpoint) -> bool | Unknown:
        """Whether Lattice makes an endpoint with private DNS off reachable by the service's
        name: a resource configuration points at it (by reference, ARN or DNS name), or one
        that clients reach has the service's name as its custom domain; UNKNOWN when the
        endpoint is handed to other stacks (an output, an export, an SSM parameter), which may
        front it, or a configuration of its scope has a custom domain name not known."""
        if id(endpoint) in self._pointed:
            return True
        service = aws_service(endpoint.service_name)
        region = service_region(endpoint.service_name)
        maybe: Unknown | None = None
        for configuration in self.named.get(service or "", []):
            if not domain_serves(configuration.custom_domain, service, region):
                continue
            reached = self._reached(configuration)
            if reached is True:
                return True
            if isinstance(reached, Unknown):
                maybe = maybe or reached
        for configuration in self.unnamed.get(endpoint.resource.scope, []):
            if self._reached(configuration) is not False:
                maybe = maybe or Unknown(f"the custom domain name of {_named(configuration)} "
                                         "is not known")
        if (endpoint.resource.scope, endpoint.resource.address) in self.exported:
            return Unknown(f"{endpoint.display} is handed to other stacks, which may front it")
        return maybe or False

    def _reached(self, configuration: ResourceConfiguration) -> bool | Unknown:
        """Clients may reach the configuration: a service network association, a Resource
        endpoint or a RAM share names it (or its group); UNKNOWN when one of its scope names a
        configuration vpclint cannot know."""
        for item in (configuration, configuration.group):
            if isinstance(item, ResourceConfiguration) and id(item) in self.reached:
                return True
        if configuration.resource.scope in self.reached_maybe:
            return Unknown(f"{_named(configuration)} may be associated with a service network")
        return False


# --- three-valued logic and DNS preferences ---------------------------------------------------


def _both(answers: Iterable[Any]) -> bool | Unknown:
    """True when all are; False when one is; else the first UNKNOWN."""
    unknown = None
    for answer in answers:
        if answer is False:
            return False
        if isinstance(answer, Unknown) and unknown is None:
            unknown = answer
    return unknown or True


def _admits(access: Component, domain: Any) -> bool | Unknown:
    """Whether ``access`` gets a Lattice-managed private hosted zone for ``domain``, an AWS
    service's hostname (or UNKNOWN: a name that may be one)."""
    enabled = access.private_dns
    if enabled is False:
        return False
    allowed = _preference_admits(access.dns_preference, access.dns_domains, domain, access)
    if allowed is False or enabled is True:
        return allowed
    if isinstance(enabled, Unknown):
        return enabled
    return Unknown(f"{_named(access)} leaves private DNS unset")


def _preference_admits(preference: Any, domains: Any, domain: Any, access: Component
                       ) -> bool | Unknown:
    if preference is None:
        preference = _DEFAULT_PREFERENCE
    if isinstance(preference, Unknown):
        return Unknown(f"the private DNS preference of {_named(access)} is not known")
    preference = str(preference).upper()
    if preference == "ALL_DOMAINS":
        return True
    if preference not in _SPECIFIED:
        return False  # verified domains only: no provider can verify an AWS-owned name
    if not isinstance(domains, list):
        return Unknown(f"the private DNS domains of {_named(access)} are not known")
    answers = [_matches(pattern, domain) for pattern in domains]
    return True if True in answers else next(
        (a for a in answers if isinstance(a, Unknown)), False)


def _matches(pattern: Any, domain: Any) -> bool | Unknown:
    """``*.amazonaws.com`` matches ``ssm.us-east-1.amazonaws.com``; a plain name itself."""
    if isinstance(pattern, Unknown):
        return pattern
    if not isinstance(pattern, str):
        return False
    pattern = pattern.lower().rstrip(".")
    if isinstance(domain, Unknown):
        return domain if _may_name_aws(pattern) else False
    name = str(domain).lower().rstrip(".")
    if pattern.startswith("*."):
        return name.endswith(pattern[1:])
    return name == pattern


def _may_name_aws(pattern: str) -> bool:
    """Whether a specified domain can match some AWS service's hostname."""
    if not pattern.startswith("*."):
        return domain_service(pattern) is not None
    suffix = pattern[2:]
    return suffix.endswith(_AWS_SUFFIXES) or any(s.endswith(f".{suffix}") for s in _AWS_SUFFIXES)


def _refusal(access: Component) -> LatticeMiss:
    """Why ``access`` gets no private hosted zone for an AWS service's name that a resource
    configuration it reaches carries."""
    if access.private_dns is False:
        return LatticeMiss(access, "private_dns", (
            f"{_named(access)} has private DNS off: Lattice provisions no private hosted zone in "
            "the VPC for the AWS service names its resource configurations carry"))
    preference = access.dns_preference
    if preference is None or str(preference).upper() not in _SPECIFIED:
        which = "(the default)" if preference is None else f"({preference})"
        return LatticeMiss(access, "dns_preference", (
            f"{_named(access)} admits verified domains only {which}: no provider can verify "
            "an AWS service's name, so Lattice provisions no private hosted zone for it (admit "
            "it with ALL_DOMAINS, or a specified domain such as *.amazonaws.com)"))
    return LatticeMiss(access, "dns_domains", (
        f"{_named(access)} admits only the domains it specifies, which do not match the AWS "
        "service names its resource configurations carry"))


def _set(private_dns: Any, configuration: Any) -> bool | Unknown:
    """A resource association's private DNS: unset has no documented default."""
    if private_dns is None:
        return Unknown(f"the association of {_named(configuration)} with its service network "
                       "leaves private DNS unset")
    return private_dns


# --- what a resource configuration points at --------------------------------------------------


def _target(configuration: ResourceConfiguration, endpoints: list[VpcEndpoint]
            ) -> Component | str | Unknown:
    """The resource a configuration defines: an endpoint (or other component) it refers to,
    written or through a value computed from it (``dns_entry[0].dns_name``,
    ``!GetAtt Endpoint.DnsEntries``: one of ``endpoints``, those of its scope); a literal name,
    address or ARN; UNKNOWN otherwise (a parameter, an SSM-typed parameter, a module output not
    read)."""
    definition = configuration.definition
    leaves = [definition.value] if definition is not None and definition.kind != "cidr" else []
    for leaf in leaves:
        if isinstance(leaf, Component):
            return leaf
    named = Mentions()
    for leaf in leaves:
        if isinstance(leaf, Unknown):
            named.add(leaf)
    if named:
        for endpoint in endpoints:
            if endpoint in named:
                return endpoint
    for leaf in leaves:
        if isinstance(leaf, str) and leaf:
            return leaf
    return Unknown(f"what {_named(configuration)} points at is not known")


def _gateway(configuration: ResourceConfiguration) -> ResourceGateway | None:
    for item in (configuration, configuration.group):
        if isinstance(item, ResourceConfiguration) and isinstance(item.gateway, ResourceGateway):
            return item.gateway
    return None


def _named(component: Any) -> str:
    if isinstance(component, Component):
        return f"{component.kind.replace('_', ' ')} {component.display}"
    return "a resource configuration"
