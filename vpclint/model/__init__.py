"""The common model of the scanned network, and its indexes for linear-time rules."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Callable, Iterator, TypeVar

from msgspec import Struct, field

from vpclint.model.components import (Component, LatticeService, LatticeTargetGroup, Links,
                                      ServiceNetwork, TargetGroup)
from vpclint.source import Failure, Resource
from vpclint.values import Unknown

T = TypeVar("T", bound=Component)


class Model(Struct, eq=False, dict=True):
    """Every component of the scan, with reverse indexes of links, each built once.

    ``linked_from(target, Kind, "field")`` answers "which Kind components point at target through
    field", the question every pairing rule asks, in constant time; the answer is an open
    ``Links`` when some Kind component's field is UNKNOWN, because it might point at target.
    ``referrers`` asks the same of part of a kind, or of a value field; this is the one place
    that decides when such an answer is open.

    Which UNKNOWN links might point at a target: those in the target's own scope (template,
    Terraform root module); another stack or root module can only name a resource it was given.
    Besides them, something vpclint cannot see may link to a target it was handed
    (``open_to_unseen``).

    Unlike the other records (``msgspec.Struct``, fields only), it has a ``__dict__``
    (``dict=True``) for its indexes, which are not fields: they are not part of what the model
    is, and never compared or shown.
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
        self._links: dict[tuple[type, str], Referrers] = {}  # linked_from's, built on first use
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
        """Forget the reverse-link indexes; call once after every link is resolved."""
        self._links.clear()
        self._unseen = None

    def of(self, kind: type[T]) -> list[T]:
        """All components of one kind, in scan order."""
        return self._by_kind.get(kind, [])  # type: ignore[return-value]

    def linked_from(self, target: Component, kind: type[T], name: str) -> Links[T]:
        """The ``kind`` components whose field ``name`` links to ``target``."""
        if (kind, name) not in self._links:
            self._links[(kind, name)] = self.referrers(kind, name)
        return self._links[(kind, name)](target)

    def referrers(self, kind: type[T], name: str | Callable[[Any], Any],
                  where: Callable[[Any], bool] | None = None,
                  maybe: Callable[[Any], bool] | None = None) -> "Referrers":
        """``linked_from`` as a lookup built once, for part of a kind (those passing ``where``),
        for a value field whose referrers are not all links (a route's ``target``, an endpoint's
        ``service_name``), or for a function computing the value: a ``Component`` in it is a
        link. The answer is open when a referrer's value is UNKNOWN (one that can denote
        ``target``'s kind: see ``Unknown.kinds``), an open ``Links``, or passes ``maybe`` (a
        reference to an in-scan resource vpclint does not model, which may name anything) in
        the target's scope, or when something unseen may link to the target."""
        return Referrers(self, kind, name, where, maybe)

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


class Referrers:
    """Which ``kind`` components point at a target through one field: see ``Model.referrers``."""

    def __init__(self, model: Model, kind: type, name: str | Callable[[Any], Any],
                 where: Callable[[Any], bool] | None, maybe: Callable[[Any], bool] | None):
        self.model = model
        self.index: dict[int, list[Component]] = defaultdict(list)
        # per scope, the kinds its undetermined referrers may denote (None: any)
        self.undetermined: dict[str, set[frozenset | None]] = defaultdict(set)
        for component in model.of(kind):
            if where is None or where(component):
                self._add(component, name(component) if callable(name) else
                          getattr(component, name, None), maybe)

    def _add(self, component: Component, value: Any, maybe: Callable[[Any], bool] | None) -> None:
        kinds: frozenset | None = None
        if isinstance(value, Links):
            values: list = [*value.items, *value.external]
            undetermined = value.open
        else:
            values = [value]
            undetermined = isinstance(value, Unknown)
            kinds = value.kinds if undetermined else None
        for item in values:
            if isinstance(item, Component):
                if component not in self.index[id(item)]:
                    self.index[id(item)].append(component)
            elif maybe is not None and maybe(item):
                undetermined, kinds = True, None
        if undetermined:
            self.undetermined[component.resource.scope].add(kinds)

    def __call__(self, target: Component) -> Links:
        is_open = any(kinds is None or target.kind in kinds
                      for kinds in self.undetermined.get(target.resource.scope, ())) \
            or self.model.open_to_unseen(target)
        return Links(list(self.index.get(id(target), [])), open=is_open)


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
