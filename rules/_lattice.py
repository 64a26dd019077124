"""Shared joins for the VPC Lattice and PrivateLink pairing rules.

``Model.linked_from`` answers "who points at X through field F" for every component of a kind.
Some pairing questions need only part of a kind (the *service* associations among all service
network associations, the rules that belong to a service whatever field names it): an UNKNOWN
``vpc_identifier`` in a VPC association must not silence a rule about service associations.
``Model.referrers`` builds such a filtered reverse index once per check, so rules stay linear;
``rules_by_service`` is the one for listener rules.
"""

from __future__ import annotations

from typing import Callable

from vpclint.model import Referrers
from vpclint.model.components import (Component, External, LatticeService, Listener,
                                      ListenerRule, ServiceNetwork, ServiceNetworkAssociation)
from vpclint.values import Unknown


def rules_by_service(model) -> Referrers:
    """For a Lattice service, the listener rules that belong to it, named directly or through
    their listener; open when a rule's service cannot be known."""
    return model.referrers(ListenerRule, _rule_owner)


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


def serves_only_resources(model) -> Callable[[Component], bool]:
    """For an auth policy's target: True for a service network whose members are resource
    configurations only, no Lattice service among them, nor one that might join it unseen.
    Auth policies govern requests to Lattice services, never connections to resource
    configurations, so such a network's auth type and auth policy decide nothing."""
    services_of = model.referrers(ServiceNetworkAssociation, "service_network",
                                     where=lambda a: a.associates == "service")

    def only_resources(target: Component) -> bool:
        if not isinstance(target, ServiceNetwork) or not services_of(target).known_empty:
            return False
        return any(a.associates == "resource_configuration" for a in
                   model.linked_from(target, ServiceNetworkAssociation, "service_network"))

    return only_resources


def upper(value) -> str | None:
    """A known string value in upper case (enum comparisons), None when unknown or unset."""
    return value.upper() if isinstance(value, str) else None
