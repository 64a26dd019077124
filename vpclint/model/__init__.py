"""The common model of the scanned network, and its indexes for linear-time rules."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator, TypeVar

from vpclint.model.components import (Component, LatticeService, LatticeTargetGroup, Links,
                                      ServiceNetwork, TargetGroup)
from vpclint.source import Failure, Resource
from vpclint.values import Unknown

T = TypeVar("T", bound=Component)


@dataclass(eq=False)
class Model:
    """Every component of the scan, with a reverse index of links built once.

    ``linked_from(target, Kind, "field")`` answers "which Kind components point at target through
    field", the question every pairing rule asks, in constant time; the answer is an open
    ``Links`` when some Kind component's field is UNKNOWN, because it might point at target.

    Which UNKNOWN links might point at a target: those in the target's own scope (template,
    Terraform root module); another stack or root module can only name a resource it was given.
    Besides them, something vpclint cannot see may link to a target it was handed
    (``open_to_unseen``).
    """

    components: list[Component] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)  # resources vpclint failed to model
    # Terraform root modules / templates where something vpclint cannot see may link to
    # anything (a file it could not read, a module it failed to evaluate, a Rain module
    # fragment): "nothing links to X" is never claimed for X declared there.
    opaque_scopes: set[str] = field(default_factory=set)
    # (scope, address) of the resources handed to something vpclint cannot read (a module call
    # without its source, a remote nested stack, Fn::ForEach, a custom resource): an address
    # without its last [index] stands for every instance
    opaque_inputs: set[tuple[str, str]] = field(default_factory=set)
    # (scope, address) of the resources named by something vpclint does not model (a resource
    # type it has no component for, the code of a Lambda function): it may act on them alone
    named_by_unseen: set[tuple[str, str]] = field(default_factory=set)
    # (scope, address) of the resources a template's or root module's outputs name
    exported: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._frozen = False
        self._by_kind: dict[type, list[Component]] = defaultdict(list)
        self._referrers: dict[tuple[type, str, int], list[Component]] = defaultdict(list)
        self._open_in_scope: set[tuple[type, str, str]] = set()  # (kind, field, scope)
        self._unseen: set[int] | None = None  # components open_to_unseen, computed on first use
        for component in self.components:
            self._index(component)

    def freeze(self) -> None:
        """End of build: from here on the model is read, never changed (the analysis, the rules
        and every view of the scan share it). Its own indexes still fill lazily."""
        self.components = tuple(self.components)  # type: ignore[assignment]
        for name in ("opaque_scopes", "opaque_inputs", "named_by_unseen", "exported"):
            setattr(self, name, frozenset(getattr(self, name)))
        self.failures = tuple(self.failures)  # type: ignore[assignment]
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False) and not name.startswith("_"):
            raise AttributeError(f"the model is frozen after build: cannot set {name}")
        super().__setattr__(name, value)

    def reindex(self) -> None:
        """Rebuild the kind index after components were removed."""
        self._by_kind.clear()
        self._unseen = None
        for component in self.components:
            self._index(component)

    def add(self, component: Component) -> None:
        if self._frozen:
            raise AttributeError("the model is frozen after build: cannot add a component")
        self.components.append(component)
        self._index(component)

    def _index(self, component: Component) -> None:
        self._by_kind[type(component)].append(component)
        self._unseen = None

    def index_links(self) -> None:
        """Build the reverse-link index; call once after every link is resolved."""
        self._referrers.clear()
        self._open_in_scope.clear()
        self._unseen = None
        for component in self.components:
            for name, value in vars(component).items():
                if name in ("resource", "origin"):
                    continue
                targets: list = []
                if isinstance(value, Component):
                    targets = [value]
                elif isinstance(value, Links):
                    targets = value.items
                    if value.open:
                        self._open_in_scope.add((type(component), name, component.resource.scope))
                elif isinstance(value, Unknown):
                    self._open_in_scope.add((type(component), name, component.resource.scope))
                for target in targets:
                    self._referrers[(type(component), name, id(target))].append(component)

    def of(self, kind: type[T]) -> list[T]:
        """All components of one kind, in scan order."""
        return self._by_kind.get(kind, [])  # type: ignore[return-value]

    def linked_from(self, target: Component, kind: type[T], name: str) -> Links[T]:
        """The ``kind`` components whose field ``name`` links to ``target``."""
        items = list(self._referrers.get((kind, name, id(target)), []))
        is_open = ((kind, name, target.resource.scope) in self._open_in_scope
                   or self.open_to_unseen(target))
        return Links(items, open=is_open)  # type: ignore[arg-type]

    def open_to_unseen(self, component: Component) -> bool:
        """Whether something vpclint cannot see may link to ``component``, so that "nothing
        links to it" cannot be claimed.

        Only what was handed to the unseen, or what it could find, may be linked: a component
        declared where vpclint is blind (``opaque_scopes``), named by a CloudFormation
        template's outputs, or whose identifier, or that of its VPC, subnets, route tables,
        service network or target group, reaches the inputs of a module, nested stack, custom
        resource or provisioner vpclint cannot read (``opaque_inputs``). A resource of a type
        vpclint does not model, or the code of a Lambda function or instance, may act on the
        target groups, services and service networks it names (``named_by_unseen``, see
        ``_ACTED_ON``): register targets, associate the service from another account. What
        else it names it uses or is placed in: an endpoint an API Gateway integration calls, the
        VPC a flow log watches get no partner from it.
        Every other component is judged as if the unseen did not exist: a tags module sees no
        endpoint.

        Outputs differ by IaC. Stacks are composed through their outputs (exports, a parent
        reading its nested stack's, a pipeline passing one stack's outputs as the next one's
        parameters): whoever reads them may link to what they name. Terraform configurations
        are composed through modules, which vpclint follows: a root module's outputs are shown
        to people, and are no link (a configuration reading another's state is not followed).
        """
        if self._unseen is None:
            self._unseen = {id(c) for c in self.components if self._reached_by_unseen(c)}
        return id(component) in self._unseen

    def _reached_by_unseen(self, component: Component) -> bool:
        resource = component.resource
        if resource.scope in self.opaque_scopes:
            return True
        if resource.flavour == "cloudformation" and \
                (resource.scope, resource.address) in self.exported:
            return True
        if isinstance(component, _ACTED_ON) and \
                _named(self.named_by_unseen, component.resource):
            return True
        return any(self._handed(partner.resource) for partner in _context(component))

    def _handed(self, resource: Resource) -> bool:
        return _named(self.opaque_inputs, resource)

    def __iter__(self) -> Iterator[Component]:
        return iter(self.components)


# Whose identifiers lead to a component: its own, and those of the network it sits in or the
# group it belongs to (a module handed a VPC ID can look up the endpoints of that VPC).
_CONTEXT = ("vpc", "subnets", "route_tables", "service_network", "target_group")
_INDEX = re.compile(r'\[(?:\d+|\*|"(?:[^"\\]|\\.)*")\]$')  # the instance key of an address


# Components whose partners anything that names them may make: targets are registered in a
# target group by whatever holds its ARN (a spot fleet, a Kubernetes controller, a script); a
# service or service network is associated from other accounts once a resource policy names it.
# Other components get their partners from resources vpclint models (an endpoint's
# associations, a listener's rules): what else names them uses them (an API Gateway integration,
# a DNS alias) or is placed in them (a flow log, a subnet group).
_ACTED_ON = (TargetGroup, LatticeTargetGroup, LatticeService, ServiceNetwork)


def _named(named: set[tuple[str, str]], resource: Resource) -> bool:
    return ((resource.scope, resource.address) in named
            or (resource.scope, _INDEX.sub("", resource.address)) in named)


def _context(component: Component) -> Iterator[Component]:
    yield component
    for name in _CONTEXT:
        value = getattr(component, name, None)
        if isinstance(value, Component):
            yield value
        elif isinstance(value, Links):
            yield from value.items
