"""Three-valued property values: known Python values, UNKNOWN, and references.

Evaluated properties are plain Python data (str, int, float, bool, None, list, dict) in which two
extra kinds of leaf may appear:

* ``Unknown``: a value that cannot be known statically (a variable with no value, a data source,
  a function we do not evaluate). Rules never fire on it: that is what keeps vpclint precise.
* ``Ref``: a reference to another resource of the same scope (Terraform ``aws_vpc.main.id``,
  CloudFormation ``!Ref Vpc`` / ``!GetAtt Lb.LoadBalancerArn``), resolved to a model component
  when the model is built.

Some UNKNOWNs know part of their value, as the engine would: a string with unknown holes
(``PartialString``), a JSON text around unknown values (``PartialJson``), one of two values picked
by an undecided condition (``Choice``), a list of distinct unknown elements and its elements
(``DistinctList``, ``ListElement``: the AZs of ``Fn::GetAZs``), a collection whose entries may
not all exist (``PartialCollection``). Each is a subclass of ``Unknown``, so whatever needs the
whole value (a comparison, a map key, a rule reading a string) sees UNKNOWN and stays silent; the
few consumers that can use the known part read it explicitly (service-name and usage inference,
AZ comparisons, the model reading one of several alternative attributes).

Two UNKNOWNs are equal when they are of one class and their reason, text and what makes them
that class (a ``PartialString``'s parts, a ``Choice``'s branches...) are: what else each knows
(``kinds``, ``not_null``, ``refs``, a ``PartialJson``'s data) does not make them different.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable

from msgspec import Struct
from msgspec.structs import replace


class Unknown(Struct, frozen=True):
    """A value vpclint cannot determine; ``reason`` says why, ``expr`` is the source text.

    ``kinds``: the component kinds (``Component.kind``, or a kind the model has no component for
    such as ``"transit_gateway"``) the value may denote, when the attribute it sits in says so (a
    route's ``transit_gateway_id`` is a transit gateway whatever its value); None when it may
    denote anything. ``not_null``: the value is known not to be null (a template's or
    ``jsonencode``'s result, an AZ of a list), which decides ``x == null``. ``refs``: the
    (scope, address) of the resources whose attributes it was computed from
    (``aws_vpc_endpoint.sqs.dns_entry[0]``, ``!Select [0, !GetAtt SqsEndpoint.DnsEntries]``),
    filled by the evaluators, so that what a value names is read without parsing its text.
    """

    reason: str
    expr: str = ""
    kinds: frozenset | None = None
    not_null: bool = False
    refs: frozenset = frozenset()

    def __repr__(self) -> str:  # shown in debug output and JSON reports
        return f"UNKNOWN({self.reason}{': ' + self.expr if self.expr else ''})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return _compared(self) == _compared(other)

    def __hash__(self) -> int:
        return hash(_compared(self))


# What an UNKNOWN knows besides what it is: left out when two are compared (see the docstring)
_NOT_COMPARED = frozenset({"kinds", "not_null", "refs", "data"})


def _compared(value: Unknown) -> tuple:
    return tuple(getattr(value, name) for name in _compared_fields(type(value)))


@functools.cache
def _compared_fields(cls: type) -> tuple[str, ...]:
    return tuple(name for name in cls.__struct_fields__ if name not in _NOT_COMPARED)


class PartialJson(Unknown, frozen=True):
    """JSON text that cannot be written out because resource attributes known only after apply
    (an ARN) sit inside it, with the data it encodes: what is known there, such as the actions of
    a policy built with ``jsonencode``, can still be read. As text it is UNKNOWN like any other."""

    data: Any = None
    not_null: bool = True


# How a hole of a PartialString is shown in its ``text``: a character no known text holds, so a
# consumer's pattern accepts an unknown exactly where it writes HOLE.
HOLE = "\x00"


class PartialString(Unknown, frozen=True):
    """A string built around values not known statically (``"${var.account}.dkr.ecr..."``,
    ``!Sub "${DbSecret}:password::"``): ``parts`` is its known text (``str``) and its holes (an
    ``Unknown``, or a ``Ref`` to a resource attribute, which the model resolves to the resource),
    in order. As a string it is UNKNOWN; what the known text says (an ECR registry host, an
    ARN's service) and what its holes name are read through ``parts`` or ``text`` by the
    consumers that can use it. Build one with ``join_parts``."""

    parts: tuple = ()
    not_null: bool = True

    @property
    def text(self) -> str:
        """The string with each hole written as ``HOLE``."""
        return "".join(p if isinstance(p, str) else HOLE for p in self.parts)


def join_parts(pieces: Iterable[Any]) -> Any:
    """The string made of ``pieces`` (known text, holes, and other partial strings): a ``str``
    when every piece is known, the hole itself when it is alone (``"${aws_vpc.main.id}"`` is the
    reference), else a ``PartialString``."""
    parts: list = []
    for piece in pieces:
        for part in piece.parts if isinstance(piece, PartialString) else (piece,):
            if isinstance(part, str) and parts and isinstance(parts[-1], str):
                parts[-1] += part
            elif part != "":
                parts.append(part)
    if all(isinstance(p, str) for p in parts):
        return "".join(parts)
    if len(parts) == 1:
        return parts[0]
    shown = "".join(p if isinstance(p, str) else "${" + (_hole_name(p)) + "}" for p in parts)
    first = next(p for p in parts if not isinstance(p, str))
    reason = first.reason if isinstance(first, Unknown) else \
        "physical ID or attribute of a resource, known only once it is created"
    return PartialString(reason, shown, parts=tuple(parts))


def _hole_name(hole: Any) -> str:
    if isinstance(hole, Ref):
        return f"{hole.target}.{hole.attr}" if hole.attr else hole.target
    return getattr(hole, "expr", "") or "?"


class ListElement(Unknown, frozen=True):
    """Element ``index`` of the list ``source`` stands for (a ``DistinctList``): unknown, but
    equal to the same index of the same list and different from any other index of it."""

    source: str = ""
    index: int = 0
    not_null: bool = True


class DistinctList(Unknown, frozen=True):
    """A list of unknown length whose elements are unknown but pairwise different: the AZ names
    of one ``Fn::GetAZs`` in a stack, of one ``data.aws_availability_zones`` in a module
    instance. ``source`` identifies the list (two values with the same source are the same
    list); ``expr`` names it in messages. Every AWS account sees at least ``MIN_LENGTH`` AZs in
    a region, so an index below it names an element even where the length matters."""

    source: str = ""
    not_null: bool = True
    MIN_LENGTH = 2

    def element(self, index: int) -> ListElement:
        return ListElement(self.reason, f"{self.expr}[{index}]", source=self.source,
                           index=index)

    def derived(self, how: str) -> "DistinctList":
        """The same elements in another order (``toset``, ``sort``): a new list."""
        return DistinctList(self.reason, f"{how}({self.expr})", source=f"{how}({self.source})")


class Choice(Unknown, frozen=True):
    """``then`` or ``otherwise``, picked by a condition vpclint cannot decide (Terraform's
    ``c ? a : b``, CloudFormation's ``Fn::If``). ``condition`` is a key for the condition: two
    choices with equal keys are decided the same way, so reading several of them together
    (``service_identifier`` or ``service_arn``; an AZ name or its ID) sees one world or the
    other. As a value it is UNKNOWN."""

    condition: Any = None
    then: Any = None
    otherwise: Any = None

    def pick(self, condition: Any, truth: bool) -> Any:
        """This value where ``condition`` is ``truth``; itself for another condition."""
        if self.condition != condition:
            return self
        return decide(self.then if truth else self.otherwise, condition, truth)


def decide(value: Any, condition: Any, truth: bool) -> Any:
    """``value`` in the world where ``condition`` is ``truth``."""
    return value.pick(condition, truth) if isinstance(value, Choice) else value


def conditions_of(values: Iterable[Any]) -> list:
    """The condition keys of the choices among ``values``, each once, in order."""
    found: list = []
    for value in values:
        if isinstance(value, Choice) and value.condition not in found:
            found.append(value.condition)
    return found


def choose(condition: Any, then: Any, otherwise: Any, unknown: Unknown) -> Any:
    """The value of a conditional whose condition (keyed ``condition``) is undecided: the value
    both branches agree on, else a ``Choice`` described by ``unknown``. None for ``condition``
    means no key can be given: equal branches are still known, else the value is ``unknown``."""
    if then == otherwise and type(then) is type(otherwise):
        return then
    if condition is None:
        return unknown
    return Choice(unknown.reason, unknown.expr, condition=condition, then=then,
                  otherwise=otherwise, not_null=known_not_null(then) and known_not_null(otherwise))


class PartialCollection(Unknown, frozen=True):
    """A list or map some of whose entries may not exist (a ``for`` expression whose ``if`` is
    not known for every element): ``items`` holds every entry that may exist with its value,
    ``maybe`` the keys (map) or positions (list) of those whose existence is not known. Its
    size, its keys and anything needing all of it are UNKNOWN; an entry that surely exists can
    be read."""

    items: Any = None
    maybe: frozenset = frozenset()
    not_null: bool = True


def known_not_null(value: Any) -> bool:
    """True when ``value`` cannot be null: a known non-null value, a resource's identity
    (``Ref`` to its ``id``/``arn``), or an UNKNOWN known not to be null."""
    if value is None:
        return False
    if isinstance(value, Choice):
        return known_not_null(value.then) and known_not_null(value.otherwise)
    if isinstance(value, Unknown):
        return value.not_null
    if isinstance(value, Ref):
        return value.attr in (None, "id", "arn")
    return True


def plain(value: Unknown) -> Unknown:
    """The UNKNOWN that ``value`` makes of a result computed from it: its reason and the
    resources it was computed from, and none of what it knows (the text of a partial string is
    not the text of its upper-case)."""
    return value if type(value) is Unknown else Unknown(value.reason, value.expr,
                                                        refs=references(value))


def derived(reason: str, expr: str, *sources: Any) -> Unknown:
    """An UNKNOWN computed from ``sources``: it carries the resources they refer to."""
    return Unknown(reason, expr, refs=references(sources))


def references(value: Any) -> frozenset:
    """The (scope, address) of every resource ``value`` refers to or was computed from: its
    references, and those inside partial values, undecided choices and collections."""
    found: set = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Ref):
            found.add((item.scope, item.target))
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, Unknown):
            found |= item.refs
            stack.extend(_inside(item))
    return frozenset(found)


def _inside(value: Unknown) -> tuple:
    """The values a partial UNKNOWN is made of."""
    if isinstance(value, PartialString):
        return value.parts
    if isinstance(value, Choice):
        return (value.then, value.otherwise)
    if isinstance(value, PartialJson):
        return (value.data,)
    if isinstance(value, PartialCollection):
        return (value.items,)
    return ()


def with_kinds(value: Any, kinds: Iterable[str]) -> Any:
    """``value`` marked as denoting one of ``kinds`` when it is UNKNOWN (see ``Unknown``)."""
    return replace(value, kinds=frozenset(kinds)) if isinstance(value, Unknown) else value


class Ref(Struct, frozen=True):
    """A reference to resource ``target`` (an address in ``scope``), optionally to one attribute.

    ``scope`` names the Terraform module directory or the CloudFormation template the reference
    was written in; ``attr`` is the Terraform attribute (``id``, ``arn``) or the CloudFormation
    ``GetAtt`` attribute, ``None`` for a CloudFormation ``Ref``.
    """

    scope: str
    target: str
    attr: str | None = None


# The region of the deployment itself, when no region was given: ``${AWS::Region}`` in a stack
# and ``data.aws_region.current.name`` under a provider with no region set. Its value is not
# known, but it is the same region as the resources around it, which is what service names
# (``com.amazonaws.<region>.s3``) and same-region checks need; rules comparing regions treat it
# as unknown.
DEPLOYMENT_REGION = "<region>"
# Likewise the deployment's partition (``aws``, ``aws-cn`` ...), so that
# ``arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`` still names the policy.
DEPLOYMENT_PARTITION = "<partition>"
PLACEHOLDERS = (DEPLOYMENT_REGION, DEPLOYMENT_PARTITION)


def contains_unknown(value: Any) -> bool:
    """True when ``value`` is UNKNOWN or holds an UNKNOWN anywhere inside it."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def as_bool(value: Any) -> bool | Unknown | None:
    """Interpret a Terraform or CloudFormation boolean ("true", True, "false" ...); None if absent."""
    if value is None or isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown("not a boolean", repr(value)[:80] if not isinstance(value, int) else "number")
