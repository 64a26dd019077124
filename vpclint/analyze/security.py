"""Security groups and network ACLs, evaluated three-valued: True, False or UNKNOWN.

Every answer is ``True`` (the traffic passes), ``False`` (it is certainly dropped) or an
``Unknown`` saying why vpclint cannot tell. Rules fire on ``False`` only.

The question is always about one connection whose far side is described by a *source* (for
egress: the destination):

* a CIDR string (``"10.0.1.0/24"``, ``"10.0.3.7"``): one address somewhere in that range, of
  unknown security-group membership;
* a prefix-list identity: an AWS service list by name (``"com.amazonaws.us-east-1.vpc-lattice"``,
  ``"com.amazonaws.us-east-1.s3"``) or a prefix list id (``"pl-0123..."``);
* a ``SecurityGroup``: a member of that group, address unknown;
* a ``Peer``: an address range and the exact set of groups of the interface (a workload, an
  endpoint ENI), the most precise description;
* a tuple of these: a connection from any of them (a client known by several identities).

Ports: an ``int``, a ``(low, high)`` range meaning "some port in this range, which one is not
known", or ``None`` for "some port". With that reading an answer is True when every port of the
range passes, False when none does, UNKNOWN in between.

Security groups (allow rules only, the union of all groups on the interface):
* protocol ``-1`` / ``all`` is every protocol and port; names and numbers are the same
  (``tcp`` = ``6``); a TCP/UDP rule's ``-1`` ports are all ports;
* a rule CIDR admits an address range it contains (``ipaddress``), never one of the other family;
  a partial overlap is UNKNOWN (the address may be on either side);
* a peer-group rule admits members of that group; ``self`` admits members of the rule's own group;
  a CIDR source of unknown membership meets a peer-group rule with UNKNOWN;
* prefix lists: the same list admits itself; the content of the Lattice lists is known
  (``169.254.171.0/24``, ``fd00:ec2:80::/64``), the S3 and DynamoDB lists are public IPv4 ranges
  (so a private CIDR rule never covers them, ``0.0.0.0/0`` always does); any other list's content
  is UNKNOWN;
* defaults: a CloudFormation group with no egress rule keeps AWS's allow-all IPv4 egress (IPv6
  UNKNOWN); a Terraform ``aws_security_group`` without egress has none; an interface with no
  security group uses the VPC's default group, whose rules are UNKNOWN (it may have been edited
  outside IaC) unless Terraform adopts it with ``aws_default_security_group``, which then has
  exactly the rules written there (the provider deletes the others). Callers substitute it through
  ``Security.groups_for``; ``sg_allows`` on a known-empty set answers UNKNOWN;
* UNKNOWN pieces (a dynamic block, an unresolved rule resource in the group's scope, a group
  outside the scan, an unknown CIDR or port) make the answer UNKNOWN unless the known rules
  already admit the traffic.

Network ACLs (``nacl_allows``): the entries of one direction in rule-number order, the first match
wins, then the implicit deny. An entry that matches only part of the traffic, or whose fields are
UNKNOWN, leaves the answer UNKNOWN unless every such entry has the action the first full match
(or the implicit deny) decides. A subnet without an explicit association uses the VPC's default
ACL: AWS's allow-all unless Terraform declares ``aws_default_network_acl`` (``None`` stands for
the allow-all ACL). Return traffic of a client's connection arrives on an ephemeral port
(``EPHEMERAL`` = 1024-65535).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Union

from msgspec import Struct

from vpclint.model import Model
from vpclint.model.components import (EndpointAssociation, EndpointService, External, Links,
                                      SecurityGroup, SecurityGroupRule, Subnet, Vpc, VpcEndpoint)
from vpclint.model.services import aws_service
from vpclint.model.workloads import LaunchTemplate, NetworkAcl, NetworkAclEntry, Workload
from vpclint.values import Unknown

Tri = Union[bool, Unknown]
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

ALL_PORTS = (0, 65535)
EPHEMERAL = (1024, 65535)

# AWS-managed prefix lists whose content is documented and stable
LATTICE_V4 = "com.amazonaws.<region>.vpc-lattice"
LATTICE_V6 = "com.amazonaws.<region>.ipv6.vpc-lattice"
_KNOWN_CONTENT = {
    "vpc-lattice": (ipaddress.ip_network("169.254.171.0/24"),),
    "ipv6.vpc-lattice": (ipaddress.ip_network("fd00:ec2:80::/64"),),
}
_PUBLIC_IPV4_LISTS = frozenset({"s3", "dynamodb"})
_NON_PUBLIC = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
    "127.0.0.0/8"))
_PREFIX_LIST_TYPES = ("aws_ec2_managed_prefix_list", "AWS::EC2::PrefixList")

_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "-1": "-1", "all": "-1"}


# --- three-valued helpers ----------------------------------------------------------------------


def tri_or(values: Iterable[Tri]) -> Tri:
    """True if any is True, else the first UNKNOWN, else False."""
    unknown: Unknown | None = None
    for value in values:
        if value is True:
            return True
        if isinstance(value, Unknown) and unknown is None:
            unknown = value
    return unknown if unknown is not None else False


def tri_and(values: Iterable[Tri]) -> Tri:
    """False if any is False, else the first UNKNOWN, else True."""
    unknown: Unknown | None = None
    for value in values:
        if value is False:
            return False
        if isinstance(value, Unknown) and unknown is None:
            unknown = value
    return unknown if unknown is not None else True


# --- sources -----------------------------------------------------------------------------------


class Peer(Struct, frozen=True):
    """The far side of a connection: one address somewhere in ``cidr`` (None: not known), on an
    interface in ``groups`` (None: membership not known). ``exact`` says the interface is in
    those groups and no other (a workload or endpoint whose groups are all known)."""

    cidr: Any = None  # str, Unknown or None
    groups: tuple | None = None
    exact: bool = False


class PrefixList(Struct, frozen=True):
    """A managed prefix list: an AWS service name or a ``pl-`` id."""

    name: str


ANYONE = Peer()


def peer_of(cidr: Any, groups: Links | None) -> Peer:
    """A Peer for an interface in ``cidr`` with the (effective) security groups ``groups``."""
    if groups is None:
        return Peer(cidr)
    members: tuple = tuple(groups.items) + tuple(groups.external)
    exact = not groups.open and not groups.external
    if groups.open:
        members += (Unknown("security groups not all known"),)
    return Peer(cidr, members, exact)


def _sources(source: Any) -> list[Peer | PrefixList]:
    items = source if isinstance(source, (tuple, list)) else (source,)
    result: list[Peer | PrefixList] = []
    for item in items:
        if isinstance(item, (Peer, PrefixList)):
            result.append(item)
        elif isinstance(item, SecurityGroup):
            result.append(Peer(None, (item,), exact=False))
        elif isinstance(item, Unknown):
            result.append(Peer(item))
        elif isinstance(item, str):
            result.append(Peer(item) if _network(item) is not None else PrefixList(item))
        else:
            result.append(Peer(Unknown("source not understood", repr(item))))
    return result


def _network(value: Any) -> Network | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _list_key(name: str) -> str | None:
    """``"vpc-lattice"`` for ``com.amazonaws.us-east-1.vpc-lattice``, whatever the region."""
    return aws_service(name)


# --- protocols and ports -----------------------------------------------------------------------


def protocol_number(value: Any) -> str | Unknown:
    """``"6"`` for ``tcp`` / ``6`` / ``"6"``; ``"-1"`` for all protocols."""
    if isinstance(value, Unknown):
        return value
    if value is None:
        return Unknown("protocol not set")
    text = str(value).strip().lower()
    if text in _PROTOCOLS:
        return _PROTOCOLS[text]
    if text.lstrip("-").isdigit():
        return str(int(text))
    return Unknown("protocol not recognised", text)


def _port(value: Any) -> int | None | Unknown:
    if value is None or isinstance(value, Unknown):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return Unknown("port not a number", repr(value))


def _rule_ports(protocol: str, from_port: Any, to_port: Any) -> tuple[int, int] | Unknown:
    if protocol not in ("6", "17"):  # all protocols, or one without ports
        return ALL_PORTS
    low, high = _port(from_port), _port(to_port)
    for value in (low, high):
        if isinstance(value, Unknown):
            return value
    if low is None and high is None:
        return Unknown("rule ports not set")
    low = high if low is None else low
    high = low if high is None else high
    if low == -1 or high == -1:
        return ALL_PORTS
    return (min(low, high), max(low, high))


def _requested(port: Any) -> tuple[int, int]:
    if port is None:
        return ALL_PORTS
    if isinstance(port, tuple):
        return port
    return (int(port), int(port))


def _covers(intervals: list[tuple[int, int]], wanted: tuple[int, int]) -> bool:
    reach = wanted[0]
    for low, high in sorted(intervals):
        if low > reach:
            break
        reach = max(reach, high + 1)
        if reach > wanted[1]:
            return True
    return reach > wanted[1]


def _touches(intervals: list[tuple[int, int]], wanted: tuple[int, int]) -> bool:
    return any(low <= wanted[1] and high >= wanted[0] for low, high in intervals)


def _range_vs(outer: tuple[int, int], wanted: tuple[int, int]) -> Tri:
    """Does a rule's port range hold the (somewhere-in-``wanted``) port?"""
    if outer[0] <= wanted[0] and wanted[1] <= outer[1]:
        return True
    if outer[1] < wanted[0] or outer[0] > wanted[1]:
        return False
    return Unknown("port range only partly covered")


# --- address matching --------------------------------------------------------------------------


def _net_vs_net(rule: Network, peer: Network) -> Tri:
    """Does ``rule`` hold an address somewhere in ``peer``?"""
    if rule.version != peer.version:
        return False
    if peer.subnet_of(rule):  # type: ignore[arg-type]
        return True
    if rule.overlaps(peer):  # type: ignore[arg-type]
        return Unknown("CIDR covers part of the range", f"{rule} / {peer}")
    return False


def _cidr_vs_source(cidr: Any, source: Peer | PrefixList) -> Tri:
    """Does a rule (or ACL entry) CIDR hold the source?"""
    net = _network(cidr)
    if net is None:
        return Unknown("CIDR not known", str(cidr) if not isinstance(cidr, Unknown) else cidr.expr)
    if isinstance(source, PrefixList):
        return _net_vs_list(net, source)
    if source.cidr is None or isinstance(source.cidr, Unknown):
        return True if net.prefixlen == 0 else Unknown("address of the far side not known")
    peer = _network(source.cidr)
    if peer is None:
        return Unknown("address of the far side not known", str(source.cidr))
    return _net_vs_net(net, peer)


def _net_vs_list(net: Network, plist: PrefixList) -> Tri:
    key = _list_key(plist.name)
    if key in _KNOWN_CONTENT:
        return tri_and(_net_vs_net(net, content) for content in _KNOWN_CONTENT[key])
    if key in _PUBLIC_IPV4_LISTS:
        if net.version != 4:
            return False
        if net.prefixlen == 0:
            return True
        if any(net.subnet_of(private) for private in _NON_PUBLIC):  # type: ignore[arg-type]
            return False
    return Unknown("prefix list content not known", plist.name)


def _list_identity(entry: Any) -> str | Unknown:
    """What a rule's prefix-list value names: an AWS service list name, ``pl-...``, a
    ``customer:...`` list declared in the scan, or UNKNOWN."""
    if isinstance(entry, VpcEndpoint):  # aws_vpc_endpoint.s3.prefix_list_id
        name = entry.service_name
        return name if isinstance(name, str) else Unknown("endpoint service not known")
    if isinstance(entry, External):
        if entry.type in _PREFIX_LIST_TYPES:
            return f"customer:{entry.value}"
        if entry.type is None and entry.value.startswith("pl-"):
            return entry.value
        return Unknown("prefix list not known", entry.value)
    if isinstance(entry, str):
        if entry.startswith("pl-") or _list_key(entry) is not None:
            return entry
    if isinstance(entry, Unknown):
        return entry
    return Unknown("prefix list not known", repr(entry))


def _list_vs_source(entry: Any, source: Peer | PrefixList) -> Tri:
    identity = _list_identity(entry)
    if isinstance(identity, Unknown):
        return identity
    if isinstance(source, PrefixList):
        wanted = source.name
        if identity == wanted:
            return True
        mine, theirs = _list_key(identity), _list_key(wanted)
        if mine is not None and theirs is not None:
            return mine == theirs
        if theirs is not None and identity.startswith("customer:"):
            return False  # a list declared in the scan is not an AWS-managed one
        return Unknown("prefix lists may be the same", f"{identity} / {wanted}")
    # an address against a list
    key = _list_key(identity)
    if key in _KNOWN_CONTENT or key in _PUBLIC_IPV4_LISTS:
        peer = _network(source.cidr)
        if peer is None:
            return Unknown("address of the far side not known")
        if key in _KNOWN_CONTENT:
            return tri_or(_net_vs_net(content, peer) for content in _KNOWN_CONTENT[key])
        if peer.version != 4 or any(peer.subnet_of(p) for p in _NON_PUBLIC):  # type: ignore
            return False
    return Unknown("prefix list content not known", identity)


def _group_vs_source(group: Any, source: Peer | PrefixList) -> Tri:
    """Does membership of ``group`` describe the source?"""
    if isinstance(source, PrefixList):
        return False
    if source.groups is None:
        return Unknown("security groups of the far side not known")
    if not isinstance(group, SecurityGroup):
        return Unknown("security group outside the scan")
    if any(member is group for member in source.groups):
        return True
    if source.exact:
        return False
    return Unknown("the far side may be in that group")


# --- security groups ---------------------------------------------------------------------------


def _rule_vs_source(rule: SecurityGroupRule, source: Peer | PrefixList) -> Tri:
    answers: list[Tri] = []
    if isinstance(rule.cidrs, Unknown):
        answers.append(rule.cidrs)
    else:
        answers.extend(_cidr_vs_source(cidr, source) for cidr in rule.cidrs)
    if isinstance(rule.prefix_lists, Unknown):
        answers.append(rule.prefix_lists)
    else:
        answers.extend(_list_vs_source(entry, source) for entry in rule.prefix_lists)
    peers = rule.peer_groups
    if isinstance(peers, Links):
        answers.extend(_group_vs_source(group, source) for group in peers.items)
        answers.extend(Unknown("security group outside the scan", e.value)
                       for e in peers.external)
        if peers.open:
            answers.append(Unknown("referenced security group not known"))
    if rule.self_reference is True:
        answers.append(_group_vs_source(rule.group, source))
    elif isinstance(rule.self_reference, Unknown):
        answers.append(rule.self_reference)
    return tri_or(answers)


def _rule_match(rule: SecurityGroupRule, protocol: str,
                sources: list[Peer | PrefixList]) -> tuple[tuple[int, int], Tri]:
    """The ports the rule opens for this traffic, and whether it applies at all."""
    proto = protocol_number(rule.protocol)
    if isinstance(proto, Unknown):
        return ALL_PORTS, proto
    if proto != "-1" and proto != protocol:
        return ALL_PORTS, False
    ports = _rule_ports(proto, rule.from_port, rule.to_port)
    applies = tri_or(_rule_vs_source(rule, source) for source in sources)
    if isinstance(ports, Unknown):
        return ALL_PORTS, ports if applies is not False else False
    return ports, applies


def rule_opens(rule: SecurityGroupRule, protocol: Any, port: Any) -> Tri:
    """Does ``rule`` open this protocol and (somewhere-in-range) port, whatever the peer?"""
    wanted = protocol_number(protocol)
    proto = protocol_number(rule.protocol)
    for value in (wanted, proto):
        if isinstance(value, Unknown):
            return value
    if proto != "-1" and proto != wanted:
        return False
    ports = _rule_ports(proto, rule.from_port, rule.to_port)
    return ports if isinstance(ports, Unknown) else _range_vs(ports, _requested(port))


def sg_allows(groups: Links, direction: str, protocol: Any, port: Any, source: Any) -> Tri:
    """Do the security groups ``groups`` of an interface let this connection through?

    ``direction`` is ``"ingress"`` (``source`` connects to the interface) or ``"egress"`` (the
    interface connects to ``source``). See the module docstring for sources and ports.
    """
    wanted_protocol = protocol_number(protocol)
    if isinstance(wanted_protocol, Unknown):
        return wanted_protocol
    wanted = _requested(port)
    sources = _sources(source)
    if groups.known_empty:
        return Unknown("no security group: the VPC's default group applies")
    covered: list[tuple[int, int]] = []
    maybe: list[tuple[tuple[int, int], Unknown]] = []  # ports a rule may open, and why not known
    unknown: Unknown | None = None
    if groups.open or groups.external:
        unknown = Unknown("security groups outside the scan or not known")
    for group in groups.items:
        if not isinstance(group, SecurityGroup):
            unknown = unknown or Unknown("not a security group", group.display)
            continue
        if getattr(group, f"{direction}_open"):
            unknown = unknown or Unknown("rules not all known", group.display)
        if direction == "egress" and group.default_egress:
            # AWS's default rule: all protocols to 0.0.0.0/0 (and ::/0 in IPv6 VPCs: UNKNOWN)
            allow_all = tri_or(_cidr_vs_source("0.0.0.0/0", s) if not _is_v6(s)
                               else Unknown("IPv6 default egress depends on the VPC")
                               for s in sources)
            if allow_all is True:
                covered.append(ALL_PORTS)
            elif isinstance(allow_all, Unknown):
                maybe.append((ALL_PORTS, allow_all))
        for rule in group.rules:
            if rule.direction != direction:
                continue
            ports, applies = _rule_match(rule, wanted_protocol, sources)
            if applies is True:
                covered.append(ports)
            elif isinstance(applies, Unknown):
                maybe.append((ports, applies))
    if _covers(covered, wanted):
        return True
    if _touches(covered, wanted):
        return Unknown("only some of the ports are allowed")
    for ports, why in maybe:
        if _touches([ports], wanted):
            return why
    return unknown if unknown is not None else False


def _is_v6(source: Peer | PrefixList) -> bool:
    if isinstance(source, PrefixList):
        return (_list_key(source.name) or "").startswith("ipv6.")
    net = _network(source.cidr)
    return net is not None and net.version == 6


def describe_rules(groups: Links, direction: str) -> str:
    """A short account of a set of groups' rules in one direction, for messages."""
    parts = []
    for group in groups.items:
        if not isinstance(group, SecurityGroup):
            continue
        rules = [r for r in group.rules if r.direction == direction]
        if getattr(group, f"{direction}_open"):
            parts.append(f"{group.display}: {direction} rules not all known")
        elif direction == "egress" and group.default_egress:
            parts.append(f"{group.display}: default allow-all egress")
        elif not rules:
            parts.append(f"{group.display}: no {direction} rules")
        else:
            parts.append(f"{group.display}: " + ", ".join(_describe(r) for r in rules[:4])
                         + (", ..." if len(rules) > 4 else ""))
    return "; ".join(parts)


def _describe(rule: SecurityGroupRule) -> str:
    proto = protocol_number(rule.protocol)
    if proto == "-1":
        what = "all traffic"
    else:
        name = {"6": "tcp", "17": "udp", "1": "icmp"}.get(proto, str(proto)) \
            if isinstance(proto, str) else "?"
        ports = _rule_ports(proto, rule.from_port, rule.to_port) if isinstance(proto, str) \
            else ALL_PORTS
        if isinstance(ports, Unknown):
            what = f"{name} ?"
        elif ports == ALL_PORTS:
            what = f"{name} all ports"
        else:
            what = f"{name} {ports[0]}" + (f"-{ports[1]}" if ports[1] != ports[0] else "")
    peers: list[str] = []
    if isinstance(rule.cidrs, list):
        peers.extend(str(c) for c in rule.cidrs if isinstance(c, str))
    if isinstance(rule.prefix_lists, list):
        peers.extend(_list_label(p) for p in rule.prefix_lists)
    if isinstance(rule.peer_groups, Links):
        peers.extend(g.display for g in rule.peer_groups.items)
        peers.extend(e.value for e in rule.peer_groups.external)
    if rule.self_reference is True:
        peers.append("self")
    side = "from" if rule.direction == "ingress" else "to"
    return f"{what} {side} {', '.join(peers) or '?'}"


def _list_label(entry: Any) -> str:
    identity = _list_identity(entry)
    if isinstance(identity, Unknown):
        return "a prefix list"
    return identity.removeprefix("customer:")


# --- network ACLs ------------------------------------------------------------------------------


def _entry_match(entry: NetworkAclEntry, protocol: str, wanted: tuple[int, int],
                 source: Peer | PrefixList) -> Tri:
    proto = protocol_number(entry.protocol)
    if isinstance(proto, Unknown):
        return proto
    if proto != "-1" and proto != protocol:
        return False
    if proto == "-1":
        ports_match: Tri = True
    else:
        ports = _rule_ports(proto, entry.from_port, entry.to_port)
        ports_match = ports if isinstance(ports, Unknown) else _range_vs(ports, wanted)
    if ports_match is False:
        return False
    return tri_and([ports_match, _cidr_vs_source(entry.cidr, source)])


def nacl_allows(acl: NetworkAcl | None | Unknown, egress: bool, protocol: Any, port: Any,
                peer: Any) -> Tri:
    """Does the network ACL let this packet leave (``egress``) or enter its subnet?

    ``peer`` is the other end (a CIDR string, a prefix-list identity or a Peer); ``None`` for
    ``acl`` is the allow-all default ACL.
    """
    if acl is None:
        return True
    if isinstance(acl, Unknown):
        return acl
    wanted_protocol = protocol_number(protocol)
    if isinstance(wanted_protocol, Unknown):
        return wanted_protocol
    if acl.entries_open:
        return Unknown("entries not all known", acl.display)
    wanted = _requested(port)
    source = _sources(peer)[0]
    ordered: list[tuple[int, NetworkAclEntry]] = []
    pending: set[Any] = set()  # actions of entries that may match before the deciding one
    for entry in acl.entries:
        if isinstance(entry.egress, Unknown):
            pending.add(_action(entry))
            continue
        if bool(entry.egress) != egress:
            continue
        number = _port(entry.rule_number)
        if not isinstance(number, int):
            return Unknown("rule number not known", acl.display)
        ordered.append((number, entry))
    for _, entry in sorted(ordered, key=lambda pair: pair[0]):
        match = _entry_match(entry, wanted_protocol, wanted, source)
        if match is True:
            return _decide(_action(entry), pending, acl)
        if isinstance(match, Unknown):
            pending.add(_action(entry))
    return _decide(False, pending, acl)  # the implicit deny (rule *)


def _action(entry: NetworkAclEntry) -> Any:
    action = entry.action
    if isinstance(action, str) and action.lower() in ("allow", "deny"):
        return action.lower() == "allow"
    return "?"


def _decide(action: Any, pending: set[Any], acl: NetworkAcl) -> Tri:
    if action == "?" or (pending and pending != {action}):
        return Unknown("an earlier entry may decide otherwise", acl.display)
    return action


# --- the scan's facts: default groups and ACLs, effective groups -------------------------------


class Security:
    """What the pure functions need from the whole scan, computed once per scan by the analysis:
    the VPC default security group and network ACL when declared, and the effective groups of
    an interface. (Groups and ACLs whose rules are not all known are marked by the model.)"""

    def __init__(self, model: Model):
        self.model = model
        self.default_groups: dict[int, SecurityGroup] = {}
        self.default_acls: dict[int, NetworkAcl] = {}
        for group in model.of(SecurityGroup):
            if group.is_default and isinstance(group.vpc, Vpc):
                self.default_groups.setdefault(id(group.vpc), group)
        for acl in model.of(NetworkAcl):
            if acl.is_default and isinstance(acl.vpc, Vpc):
                self.default_acls.setdefault(id(acl.vpc), acl)

    def default_group(self, vpc: Any) -> SecurityGroup | None:
        return self.default_groups.get(id(vpc)) if isinstance(vpc, Vpc) else None

    def with_default(self, links: Links, vpc: Any) -> Links:
        """``links``, or the VPC's default group when it is known to be empty (open when the
        default group's rules are not declared)."""
        if not links.known_empty:
            return links
        default = self.default_group(vpc)
        return Links([default]) if default is not None else Links(open=True)

    def endpoint_groups(self, endpoint: VpcEndpoint) -> Links:
        """The groups on an endpoint's ENIs. Groups attached only through separate
        association resources join the default group (unless it is replaced, which vpclint
        does not model: then the default group counts, UNKNOWN unless declared)."""
        links = endpoint.security_groups
        associations = self.model.linked_from(endpoint, EndpointAssociation, "endpoint")
        if associations.open:
            return Links(list(links.items), open=True, external=list(links.external))
        attached = [a.member for a in associations if a.attaches == "security_groups"]
        if links.known_empty:
            return self.with_default(links, endpoint.vpc)
        inline = [g for g in links.items if not any(g is m for m in attached)]
        if attached and not inline and not links.external:
            default = self.default_group(endpoint.vpc)
            merged = Links(list(links.items), open=default is None)
            if default is not None:
                merged.add(default)
            return merged
        return links

    def workload_groups(self, workload: Workload) -> Links:
        """The groups on a workload's interfaces; open when vpclint cannot tell (EKS adds its
        own cluster group, an auto-scaling group may use a launch configuration)."""
        kind = workload.workload_kind
        if kind in ("eks_cluster", "eks_node_group"):
            return Links(open=True)
        links = workload.security_groups
        if kind in ("instance", "autoscaling_group") and links.known_empty:
            template = workload.launch_template
            if isinstance(template, LaunchTemplate):
                links = template.security_groups
            elif template is not None or kind == "autoscaling_group":
                return Links(open=True)
        if kind == "lambda" and links.known_empty:
            return Links(open=True)
        return self.with_default(links, self.vpc_of(workload))

    @staticmethod
    def vpc_of(workload: Any) -> Vpc | None:
        for subnet in getattr(workload, "subnets", []):
            if isinstance(subnet, Subnet) and isinstance(subnet.vpc, Vpc):
                return subnet.vpc
        return None

    def nacl_of(self, subnet: Subnet) -> NetworkAcl | None | Unknown:
        """The subnet's network ACL; None for AWS's allow-all default ACL."""
        acls = self.model.linked_from(subnet, NetworkAcl, "subnets")
        explicit = [a for a in acls if not a.is_default] or list(acls)
        if explicit:
            return explicit[0]
        if acls.open:
            return Unknown("network ACL association not known", subnet.display)
        if not isinstance(subnet.vpc, Vpc):
            return Unknown("subnet's VPC not known", subnet.display)
        return self.default_acls.get(id(subnet.vpc))


# --- service ports -----------------------------------------------------------------------------

# AWS services whose interface endpoints take clients on ports other than 443 (any one of them
# passing is enough). Other AWS services: 443.
_SERVICE_PORTS = {
    "cassandra": (9142,), "cassandra-fips": (9142,),
    "email-smtp": (25, 465, 587, 2465, 2587),
    "git-codecommit": (443, 22), "git-codecommit-fips": (443, 22),
    "iot.data": (443, 8883),
}
# services whose client ports vpclint does not know (SFTP/FTP servers, gateways with own ports,
# databases reached through PrivateLink)
_PORTS_NOT_KNOWN = frozenset({"transfer.server", "transfer", "storagegateway", "datasync"})
_PORTS_NOT_KNOWN_PREFIXES = ("dsql",)


def service_ports(endpoint: VpcEndpoint) -> tuple[int, ...] | None:
    """The TCP ports clients use on an AWS service's interface endpoint; None when not known
    (an UNKNOWN name, a custom PrivateLink service: its ports are those its load balancer
    listens on, which the rules read from the model)."""
    name = endpoint.service_name
    if isinstance(name, EndpointService):
        return None
    service = aws_service(name)
    if service is None or service in _PORTS_NOT_KNOWN or service.startswith(
            _PORTS_NOT_KNOWN_PREFIXES):
        return None
    return _SERVICE_PORTS.get(service, (443,))
