"""The common model of the scanned network, and its indexes for linear-time rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator, TypeVar

from vpclint.model.components import Component, Links
from vpclint.source import Failure, Note, ParseError
from vpclint.values import Unknown

T = TypeVar("T", bound=Component)


@dataclass(eq=False)
class Model:
    """Every component of the scan, with a reverse index of links built once.

    ``linked_from(target, Kind, "field")`` answers "which Kind components point at target through
    field", the question every pairing rule asks, in constant time; the answer is an open
    ``Links`` when some Kind component's field is UNKNOWN, because it might point at target.

    Which UNKNOWN links might point at a target: those in the target's own scope (template,
    Terraform root module), and those anywhere when the target leaves its scope through an
    output or export (``exported``); another stack can only name a resource it was given.
    """

    components: list[Component] = field(default_factory=list)
    parse_errors: list[ParseError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)  # resources vpclint failed to model
    # Terraform modules / templates that may hold resources vpclint cannot see (a module call,
    # Fn::ForEach, a nested stack): "nothing links to X" is never claimed for X declared there.
    opaque_scopes: set[str] = field(default_factory=set)
    unresolved: list = field(default_factory=list)  # evaluate.references.Unresolved, for VPC002
    analysis: Any = None  # analyze.Analysis, computed on first use by analyze.analysis_of
    exported: set[tuple[str, str]] = field(default_factory=set)  # (scope, address) in outputs

    def __post_init__(self) -> None:
        self._by_kind: dict[type, list[Component]] = defaultdict(list)
        self._referrers: dict[tuple[type, str, int], list[Component]] = defaultdict(list)
        self._open_fields: set[tuple[type, str, str]] = set()  # (kind, field, flavour)
        self._open_in_scope: set[tuple[type, str, str]] = set()  # (kind, field, scope)
        for component in self.components:
            self._index(component)

    def reindex(self) -> None:
        """Rebuild the kind index after components were removed."""
        self._by_kind.clear()
        for component in self.components:
            self._index(component)

    def add(self, component: Component) -> None:
        self.components.append(component)
        self._index(component)

    def _index(self, component: Component) -> None:
        self._by_kind[type(component)].append(component)

    def index_links(self) -> None:
        """Build the reverse-link index; call once after every link is resolved."""
        self._referrers.clear()
        self._open_fields.clear()
        self._open_in_scope.clear()
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
                        self._mark_open(component, name)
                elif isinstance(value, Unknown):
                    self._mark_open(component, name)
                for target in targets:
                    self._referrers[(type(component), name, id(target))].append(component)

    def _mark_open(self, component: Component, name: str) -> None:
        self._open_fields.add((type(component), name, component.flavour))
        self._open_in_scope.add((type(component), name, component.resource.scope))

    def of(self, kind: type[T]) -> list[T]:
        """All components of one kind, in scan order."""
        return self._by_kind.get(kind, [])  # type: ignore[return-value]

    def linked_from(self, target: Component, kind: type[T], name: str) -> Links[T]:
        """The ``kind`` components whose field ``name`` links to ``target``."""
        items = list(self._referrers.get((kind, name, id(target)), []))
        resource = target.resource
        is_open = ((kind, name, resource.scope) in self._open_in_scope
                   or resource.scope in self.opaque_scopes
                   or ((kind, name, target.flavour) in self._open_fields
                       and (resource.scope, resource.address) in self.exported))
        return Links(items, open=is_open)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Component]:
        return iter(self.components)
