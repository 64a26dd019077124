"""Shared joins for the VPC Lattice and PrivateLink pairing rules.

``Model.linked_from`` answers "who points at X through field F" for every component of a kind.
Some pairing questions need only part of a kind (the *service* associations among all service
network associations, the rules that belong to a service whatever field names it): an UNKNOWN
``vpc_identifier`` in a VPC association must not silence a rule about service associations.
``referrers`` builds that filtered reverse index once per check, so rules stay linear.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from vpclint.model.components import (Component, External, LatticeService, Links, Listener,
                                      ListenerRule)
from vpclint.values import Unknown

Index = Callable[[Component], Links]


def referrers(model, kind: type, field: str,
              where: Callable[[Component], bool] | None = None) -> Index:
    """For a target, the ``kind`` components (passing ``where``) whose ``field`` links to it.

    Like ``Model.linked_from``, the answer is open when some such component's field is UNKNOWN
    (or an open ``Links``) in the target's IaC flavour, since it might point at the target, and
    when the target is declared in an opaque scope (a module or template vpclint cannot see all
    of).
    """
    index: dict[int, list[Component]] = defaultdict(list)
    open_flavours: set[str] = set()
    for component in model.of(kind):
        if where is not None and not where(component):
            continue
        value = getattr(component, field)
        if isinstance(value, Links):
            targets = value.items
            if value.open:
                open_flavours.add(component.flavour)
        else:
            targets = [value] if isinstance(value, Component) else []
            if isinstance(value, Unknown):
                open_flavours.add(component.flavour)
        for target in targets:
            if component not in index[id(target)]:
                index[id(target)].append(component)

    def lookup(target: Component) -> Links:
        return Links(list(index.get(id(target), [])),
                     open=target.flavour in open_flavours or _opaque(model, target))

    return lookup


def _opaque(model, target: Component) -> bool:
    return target.resource.scope in getattr(model, "opaque_scopes", ())


def rules_by_service(model) -> Index:
    """Listener rules per Lattice service, named directly or through their listener.

    A rule whose service cannot be told (UNKNOWN identifiers) opens every service of its flavour;
    a rule naming a service or listener outside the scan (a literal ARN) belongs to none.
    """
    index: dict[int, list[Component]] = defaultdict(list)
    open_flavours: set[str] = set()
    for rule in model.of(ListenerRule):
        owner = _rule_owner(rule)
        if isinstance(owner, LatticeService):
            index[id(owner)].append(rule)
        elif isinstance(owner, Unknown):
            open_flavours.add(rule.flavour)

    def lookup(service: Component) -> Links:
        return Links(list(index.get(id(service), [])),
                     open=service.flavour in open_flavours or _opaque(model, service))

    return lookup


def _rule_owner(rule: ListenerRule):
    """The rule's service: a LatticeService, None (outside the scan) or Unknown."""
    if isinstance(rule.service, LatticeService):
        return rule.service
    listener = rule.listener
    if isinstance(listener, Listener):
        if isinstance(listener.service, LatticeService):
            return listener.service
        if isinstance(listener.service, Unknown):
            return listener.service
    if isinstance(rule.service, External) or isinstance(listener, (External, Listener)):
        return None  # names something outside the scan
    if isinstance(rule.service, Unknown) or isinstance(listener, Unknown):
        return Unknown("listener rule's service")
    return None


def upper(value) -> str | None:
    """A known string value in upper case (enum comparisons), None when unknown or unset."""
    return value.upper() if isinstance(value, str) else None


def written(component: Component, field: str) -> bool:
    """True when the top-level property behind ``field`` is written in the source (rather than
    left to AWS's default): it has a position of its own."""
    return component.span(field) != component.span(None)


def may_not_exist(component: Component) -> bool:
    """True for a resource that may not be deployed at all: an instance of a Terraform resource
    or module whose ``count`` / ``for_each`` is UNKNOWN, a CloudFormation resource whose
    ``Condition`` is UNKNOWN."""
    return component.resource.may_be_absent
