"""CloudFormation intrinsic functions, evaluated as CloudFormation would, UNKNOWN where it could not.

``resolve(value, ctx)`` walks template data and replaces every intrinsic function by its value.
Each function is a small ``(argument, ctx) -> value`` function found through ``_FUNCTIONS``;
what a function needs from its template (parameters, conditions, mappings, resources, exports)
it asks ``ctx`` (see ``Context``), so the same code serves a template on its own, a nested stack
instance, and the exports pass.

These rules keep the result sound:

* UNKNOWN propagates: a function of an UNKNOWN argument is UNKNOWN (keeping its reason,
  which names the root cause: a parameter with no value, ``AWS::AccountId`` ...), unless the
  result does not depend on it (``Fn::If`` whose branches are equal, ``Fn::FindInMap`` whose
  candidate entries agree, ``Fn::And`` with a false operand, ``Fn::Select`` of a known member).
* What is known stays known: ``Fn::Sub`` and ``Fn::Join`` around unknown values are a
  ``PartialString`` that keeps the known text; ``Fn::If`` on an unknown condition is a
  ``Choice`` keyed by the condition's name, so several ``Fn::If`` on one condition are decided
  together; ``Fn::GetAZs`` is a ``DistinctList``, whose ``Fn::Select``s are distinct AZs.
* A resource's physical ID is never known statically: ``Ref`` / ``Fn::GetAtt`` of a resource is a
  ``Ref`` value for the model to link, and so is a ``Fn::Sub`` that is exactly ``${Res}`` or a
  ``Fn::Join`` of that one reference; any string built around a ``Ref`` is UNKNOWN. All that is
  known of a physical ID is that it is not empty, so ``Fn::Equals [!Ref Res, ""]`` is false
  (the usual test of whether a parent stack passed an ID), and that it holds no comma, so
  ``Fn::Split`` on a comma gives back the IDs of a list joined into one string (how a stack
  exports a list for another to import).
* ``AWS::NoValue`` is ``NO_VALUE``, which the enclosing mapping or list drops. An ``Fn::If`` on
  an UNKNOWN condition with an ``AWS::NoValue`` branch is ``MaybeAbsent`` (a ``Choice`` whose
  absent branch is None): in a list, it makes the positions after it and the length UNKNOWN.
* Without ``--region``, ``AWS::Region`` is ``DEPLOYMENT_REGION``, a placeholder that strings
  carry (a service name stays ``com.amazonaws.<region>.s3``) but that is UNKNOWN where its value
  decides something: ``Fn::Equals``, the keys of ``Fn::FindInMap``, ``Fn::Base64``.
* Strings are built up to ``MAX_TEXT`` characters, beyond which they are UNKNOWN.

A malformed argument (which CloudFormation would reject) is UNKNOWN too: a linter must never
crash on a template, and VPC002 / cfn-lint report the malformation itself.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from itertools import islice
from typing import Any, Callable, Protocol

from vpclint.values import (PLACEHOLDERS, Choice, DistinctList, PartialString, Ref, Unknown,
                            choose, derived, join_parts, plain)


class _NoValue:
    """``AWS::NoValue``: the enclosing property or list item is removed."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


class MaybeAbsent(Choice):
    """An UNKNOWN that may also be ``AWS::NoValue`` (``Fn::If`` on an UNKNOWN condition with a
    ``AWS::NoValue`` branch), the absent branch written None: a list holding one has an unknown
    length and unknown positions."""


Trace = dict  # evaluated path -> template path, kept for locating evaluated values

# Longest string a function may build: nested Fn::Base64 or Fn::ToJsonString grow a value
# geometrically, and a template (at most 1 MB) must not make the linter exhaust memory.
MAX_TEXT = 1_000_000


class Context(Protocol):
    """What intrinsic functions read from the template (and scan) being evaluated."""

    mappings: dict
    scope: str  # the template (of the scan) the values belong to
    prefix: str  # the nested stack instance within it ("" for the template itself)

    def ref(self, name: str) -> Any:
        """Value of ``Ref name``: a parameter, a pseudo parameter, a resource ``Ref``."""

    def getatt(self, name: str, attr: str) -> Any:
        """Value of ``Fn::GetAtt [name, attr]``."""

    def condition(self, name: str) -> bool | Unknown:
        """Truth of the named condition."""

    def import_value(self, name: str) -> Any:
        """The value exported under ``name`` by a template of the scan."""


def resolve(value: Any, ctx: Context, trace: Trace | None = None,
            out: tuple = (), raw: tuple = ()) -> Any:
    """``value`` with every intrinsic function evaluated.

    With ``trace``, records for each mapping entry, list item and chosen ``Fn::If`` branch of
    the result (path ``out``) the template path it came from (``raw``), so a finding on an
    evaluated value points at the text that produced it.
    """
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            result = resolve(item, ctx, trace, out + (len(items),), raw + (index,))
            if result is not NO_VALUE:
                if trace is not None:
                    trace[out + (len(items),)] = raw + (index,)
                items.append(result)
        return items
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Fn::If":
            return _if(arg, ctx, trace, out, raw + (key,))
        if key == "Ref" or key.startswith("Fn::"):
            function = _FUNCTIONS.get(key)
            if function is None:
                return Unknown(f"{key} is not evaluated", key)
            return function(arg, ctx)
    mapping = {}
    for key, item in value.items():
        result = resolve(item, ctx, trace, out + (key,), raw + (key,))
        if result is not NO_VALUE:
            if trace is not None:
                trace[out + (key,)] = raw + (key,)
            mapping[key] = result
    return mapping


def condition_value(expr: Any, ctx: Context) -> bool | Unknown:
    """Truth of a condition expression (``Fn::Equals``, ``Fn::And`` ... or ``Condition: Name``)."""
    if isinstance(expr, bool):
        return expr
    if not isinstance(expr, dict) or len(expr) != 1:
        return Unknown("not a condition", repr(expr)[:80])
    (key, arg), = expr.items()
    if key == "Condition":
        return ctx.condition(arg) if isinstance(arg, str) else Unknown("bad Condition", repr(arg))
    if key == "Fn::Equals":
        return _equals(arg, ctx)
    operands = arg if isinstance(arg, list) else None
    if key == "Fn::Not" and operands and len(operands) == 1:
        value = condition_value(operands[0], ctx)
        return plain(value) if isinstance(value, Unknown) else not value
    if key in ("Fn::And", "Fn::Or") and operands:
        decisive = key == "Fn::Or"  # the operand value that decides the result on its own
        values = [condition_value(o, ctx) for o in operands]
        if decisive in values:
            return decisive
        unknown = next((v for v in values if isinstance(v, Unknown)), None)
        return unknown if unknown is not None else not decisive
    return Unknown(f"{key} is not a condition function", key)


# --- helpers --------------------------------------------------------------------------------


def _arg(value: Any, ctx: Context) -> Any:
    """An evaluated function argument; ``AWS::NoValue`` is no argument at all."""
    result = resolve(value, ctx)
    return Unknown("AWS::NoValue used as a function argument") if result is NO_VALUE else result


def text(value: Any) -> str | Unknown | None:
    """``value`` as the string CloudFormation would use: None when it is not a scalar."""
    if isinstance(value, (str, Unknown)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Ref):
        return derived("physical ID of a resource (not known before deployment)",
                       f"{value.target}.{value.attr}" if value.attr else value.target, value)
    return None


def _exact(value: Any) -> str | Unknown | None:
    """``text(value)`` where its exact content matters (a comparison, a map key): a string
    holding a deployment placeholder (region, partition) stands for a value vpclint does not
    know, so it is UNKNOWN."""
    found = text(value)
    if isinstance(found, str) and any(p in found for p in PLACEHOLDERS):
        return Unknown("the deployment region is not known (--region)", found)
    return found


def _first_unknown(values: list) -> Unknown | None:
    """The UNKNOWN that makes a result computed from ``values`` unknown."""
    found = next((v for v in values if isinstance(v, Unknown)), None)
    return None if found is None else plain(found)


def _maybe_absent(values: list) -> MaybeAbsent | None:
    return next((v for v in values if isinstance(v, MaybeAbsent)), None)


def _index(value: Any) -> int | Unknown | None:
    value = text(value)
    if isinstance(value, Unknown):
        return plain(value)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _bounded(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return Unknown(f"a string longer than {MAX_TEXT} characters is not evaluated")
    return value


def _bad(function: str, arg: Any, *evaluated: Any) -> Unknown:
    """``function`` applied to what it cannot take (``Fn::Select`` of a list attribute known only
    after deployment, say); the result still comes from the resources ``evaluated`` names."""
    return derived(f"malformed {function}", repr(arg)[:80], *evaluated)


# --- functions ------------------------------------------------------------------------------


def _ref(arg: Any, ctx: Context) -> Any:
    name = text(_arg(arg, ctx)) if isinstance(arg, dict) else arg
    if isinstance(name, Unknown):
        return plain(name)
    if not isinstance(name, str):
        return _bad("Ref", arg)
    return NO_VALUE if name == "AWS::NoValue" else ctx.ref(name)


def _getatt(arg: Any, ctx: Context) -> Any:
    if isinstance(arg, str):
        arg = arg.split(".", 1)
    if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
        return _bad("Fn::GetAtt", arg)
    attr = text(_arg(arg[1], ctx))
    if not isinstance(attr, str):
        return plain(attr) if isinstance(attr, Unknown) else _bad("Fn::GetAtt", arg)
    return ctx.getatt(arg[0], attr)


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# How a consumer names an endpoint service of the scan (it has no ServiceName attribute):
# com.amazonaws.vpce.<region>.<service id>, with !Sub or, as the CDK writes it, Fn::Join
_PRIVATELINK_PREFIX = re.compile(r"(?:cn\.)?com\.amazonaws\.vpce\.[^.]+\.")


def _sub(arg: Any, ctx: Context) -> Any:
    variables: dict = {}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        arg, variables = arg[0], {k: _arg(v, ctx) for k, v in arg[1].items()}
    if not isinstance(arg, str):
        return _bad("Fn::Sub", arg)

    def lookup(name: str) -> Any:
        if name in variables:
            return variables[name]
        if "." in name:
            return ctx.getatt(*name.split(".", 1))
        return ctx.ref(name)

    whole = _PLACEHOLDER.fullmatch(arg)
    if whole and not whole.group(1).startswith("!"):
        value = lookup(whole.group(1))
        if isinstance(value, Ref):  # exactly ${Res}: the reference itself
            return value
    parts = []
    position = 0
    for match in _PLACEHOLDER.finditer(arg):
        parts.append(arg[position:match.start()])
        position = match.end()
        name = match.group(1)
        if name.startswith("!"):  # ${!Literal} is written as ${Literal}
            parts.append("${" + name[1:] + "}")
            continue
        value = _text_or_hole(lookup(name))
        if value is None:
            return _bad("Fn::Sub", name)
        parts.append(value)
    parts.append(arg[position:])
    return _privatelink_service(parts) or _bounded(join_parts(parts))


def _privatelink_service(parts: list) -> Ref | None:
    """A link to the endpoint service whose PrivateLink name the pieces of a ``Fn::Sub`` or
    ``Fn::Join`` spell (``com.amazonaws.vpce.<region>.`` then a ``Ref`` to the service), else
    None."""
    pieces = [part for part in parts if part != ""]
    if not pieces or not isinstance(pieces[-1], Ref) or pieces[-1].attr is not None:
        return None
    prefix = pieces[:-1]
    if not all(isinstance(part, str) for part in prefix) or \
            not _PRIVATELINK_PREFIX.fullmatch("".join(prefix)):
        return None
    return Ref(pieces[-1].scope, pieces[-1].target, "ServiceName")


def _text_or_hole(value: Any) -> Any:
    """A scalar's text, or an unknown string (a resource's physical ID, a parameter with no
    value) kept whole as a hole of a ``PartialString``; None for a non-scalar."""
    if isinstance(value, (MaybeAbsent, DistinctList)):
        return plain(value)  # absent, it would change the text around it; a list is no text
    if isinstance(value, (Ref, Unknown)):
        return value
    return text(value)


def _join(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return _bad("Fn::Join", arg)
    delimiter, items = text(_arg(arg[0], ctx)), _arg(arg[1], ctx)
    unknown = _first_unknown([delimiter, items])
    if unknown is not None:
        return unknown
    if not isinstance(delimiter, str) or not isinstance(items, list):
        return _bad("Fn::Join", arg, items)
    if len(items) == 1 and isinstance(items[0], Ref):  # the one reference, unchanged
        return items[0]
    pieces: list = []
    for position, item in enumerate(items):
        piece = _text_or_hole(item)
        if piece is None:
            return _bad("Fn::Join", arg, items)
        if isinstance(piece, MaybeAbsent):
            return piece
        pieces += [delimiter, piece] if position else [piece]
    return _privatelink_service(pieces) or _bounded(join_parts(pieces))


def _select(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return _bad("Fn::Select", arg)
    index, items = _index(_arg(arg[0], ctx)), _arg(arg[1], ctx)
    if isinstance(items, DistinctList) and isinstance(index, int) and index >= 0:
        return items.element(index)  # CloudFormation fails an index past the list's end
    unknown = _first_unknown([index, items])
    if unknown is not None:
        return unknown
    if index is None or not isinstance(items, list) or not 0 <= index < len(items):
        return _bad("Fn::Select", arg, items)
    shifting = _maybe_absent(items[: index + 1])  # an item before may not be there at all
    return shifting if shifting is not None else items[index]


def _split(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return _bad("Fn::Split", arg)
    delimiter, value = text(_arg(arg[0], ctx)), _arg(arg[1], ctx)
    if isinstance(delimiter, str) and "," in delimiter and physical_ids(value):
        return split_ids(value, delimiter)
    source = text(value)
    unknown = _first_unknown([delimiter, source])
    if unknown is not None:
        return unknown
    if not isinstance(delimiter, str) or not delimiter or not isinstance(source, str):
        return _bad("Fn::Split", arg, value)
    return source.split(delimiter)


def physical_ids(value: Any) -> bool:
    """Whether ``value`` is a physical ID (``Ref`` of a resource), or a string built of known
    text and physical IDs: the list of IDs a stack exports as ``!Join [",", [!Ref A, !Ref B]]``
    for others to ``Fn::Split``, or passes so to a nested stack's list parameter."""
    holes = value.parts if isinstance(value, PartialString) else (value,)
    return isinstance(value, (PartialString, Ref)) and all(
        isinstance(hole, str) or (isinstance(hole, Ref) and hole.attr is None) for hole in holes)


def split_ids(value: Any, delimiter: str, trim: bool = False) -> list:
    """Such a ``value`` split on a delimiter holding a comma: a physical ID holds no comma, so
    the delimiter is found in the known text only, and each item is known text, an ID, or a
    string built of both; ``trim`` strips the spaces around each item (as CloudFormation does
    for list parameters)."""
    items: list = []
    current: list = []

    def close() -> None:
        if trim and current and isinstance(current[0], str):
            current[0] = current[0].lstrip()
        if trim and current and isinstance(current[-1], str):
            current[-1] = current[-1].rstrip()
        items.append(join_parts(current))

    for part in value.parts if isinstance(value, PartialString) else (value,):
        if not isinstance(part, str):
            current.append(part)
            continue
        first, *rest = part.split(delimiter)
        current.append(first)
        for piece in rest:
            close()
            current = [piece]
    close()
    return items


def _find_in_map(arg: Any, ctx: Context) -> Any:
    """The entry; with an UNKNOWN key, the one value all entries it could name agree on."""
    if not isinstance(arg, list) or len(arg) not in (3, 4):
        return _bad("Fn::FindInMap", arg)
    name, top, second = (_exact(_arg(a, ctx)) for a in arg[:3])
    options = arg[3] if len(arg) == 4 else {}
    if not isinstance(options, dict) or (options and "DefaultValue" not in options):
        return _bad("Fn::FindInMap", arg)
    default = [_arg(options["DefaultValue"], ctx)] if options else []
    mapping = ctx.mappings.get(name) if isinstance(name, str) else None
    if isinstance(name, Unknown) or None in (top, second) or not isinstance(mapping, dict):
        return plain(name) if isinstance(name, Unknown) else (
            default or [_bad("Fn::FindInMap", arg)])[0]
    unknown = _first_unknown([top, second])
    if unknown is None:
        entries = mapping.get(top)
        if isinstance(entries, dict) and second in entries:
            return entries[second]
        return (default or [_bad("Fn::FindInMap", arg)])[0]
    candidates = [value for top_key, entries in mapping.items() if isinstance(entries, dict)
                  and (isinstance(top, Unknown) or top_key == top)
                  for key, value in entries.items()
                  if isinstance(second, Unknown) or key == second]
    candidates += default  # the unknown key may name no entry at all
    if candidates and all(c == candidates[0] for c in candidates):
        return candidates[0]
    return unknown


def _get_azs(arg: Any, ctx: Context) -> Unknown:
    """The AZs of a region: unknown names, but distinct ones, the same list for every
    ``Fn::GetAZs`` of that region in one template (and its nested stacks, deployed in the same
    account)."""
    region = text(_arg(arg, ctx)) if arg not in (None, "") else ""
    region = ctx.ref("AWS::Region") if region == "" else region
    unknown = Unknown("Fn::GetAZs: the account's availability zones are not known statically",
                      "Fn::GetAZs")
    scope = getattr(ctx, "scope", None)
    if not isinstance(region, str) or scope is None:
        return unknown
    return DistinctList(unknown.reason, "Fn::GetAZs", source=f"{scope}|Fn::GetAZs|{region}")


def _cidr(arg: Any, ctx: Context) -> Any:
    if not isinstance(arg, list) or len(arg) != 3:
        return _bad("Fn::Cidr", arg)
    block, count, bits = text(_arg(arg[0], ctx)), _index(_arg(arg[1], ctx)), \
        _index(_arg(arg[2], ctx))
    unknown = _first_unknown([block, count, bits])
    if unknown is not None:
        return unknown
    try:
        network = ipaddress.ip_network(block, strict=False)
    except (TypeError, ValueError):
        return _bad("Fn::Cidr", arg)
    if count is None or bits is None or not 1 <= count <= 256 or bits < 1:
        return _bad("Fn::Cidr", arg)
    prefix = network.max_prefixlen - bits
    if prefix < network.prefixlen or 2 ** (prefix - network.prefixlen) < count:
        return _bad("Fn::Cidr", arg)
    return [str(subnet) for subnet in islice(network.subnets(new_prefix=prefix), count)]


def _base64(arg: Any, ctx: Context) -> Any:
    value = _exact(_arg(arg, ctx))  # an encoded placeholder would pass for a known value
    if not isinstance(value, str):
        return plain(value) if isinstance(value, Unknown) else _bad("Fn::Base64", arg, value)
    return _bounded(base64.b64encode(value.encode("utf-8")).decode("ascii"))


def _length(arg: Any, ctx: Context) -> Any:
    items = _arg(arg, ctx)
    if isinstance(items, Unknown):
        return plain(items)
    if not isinstance(items, list):
        return _bad("Fn::Length", arg, items)
    absent = _maybe_absent(items)
    return plain(absent) if absent is not None else len(items)


def _to_json_string(arg: Any, ctx: Context) -> Any:
    value = _arg(arg, ctx)
    if not isinstance(value, (dict, list)):
        return plain(value) if isinstance(value, Unknown) else _bad("Fn::ToJsonString", arg,
                                                                    value)
    try:
        return _bounded(json.dumps(value, separators=(",", ":"), default=_not_json))
    except _NotJson as missing:
        return missing.unknown


class _NotJson(Exception):
    def __init__(self, unknown: Unknown):
        self.unknown = unknown


def _not_json(value: Any) -> Any:
    found = text(value)
    raise _NotJson(plain(found) if isinstance(found, Unknown) else Unknown("not JSON", repr(value)))


def _import_value(arg: Any, ctx: Context) -> Any:
    name = text(_arg(arg, ctx))
    if not isinstance(name, str):
        return plain(name) if isinstance(name, Unknown) else _bad("Fn::ImportValue", arg)
    return ctx.import_value(name)


def _if(arg: Any, ctx: Context, trace: Trace | None, out: tuple, raw: tuple) -> Any:
    if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
        return _bad("Fn::If", arg)
    chosen = ctx.condition(arg[0])
    if isinstance(chosen, bool):
        branch = 1 if chosen else 2
        return resolve(arg[branch], ctx, trace, out, raw + (branch,))
    when_true, when_false = resolve(arg[1], ctx), resolve(arg[2], ctx)
    key = (getattr(ctx, "scope", None), getattr(ctx, "prefix", None), arg[0])
    if NO_VALUE in (when_true, when_false) and when_true is not when_false:
        then, otherwise = (None if v is NO_VALUE else v for v in (when_true, when_false))
        return MaybeAbsent(chosen.reason, chosen.expr, condition=key, then=then,
                           otherwise=otherwise)
    return choose(key, when_true, when_false, plain(chosen))


def _equals(arg: Any, ctx: Context) -> bool | Unknown:
    if not isinstance(arg, list) or len(arg) != 2:
        return _bad("Fn::Equals", arg)
    left, right = (_arg(a, ctx) for a in arg)
    if (isinstance(left, Ref) and right == "") or (isinstance(right, Ref) and left == ""):
        return False  # a physical ID is never empty: the usual "was an ID passed?" test
    left, right = _comparable(left), _comparable(right)
    unknown = _first_unknown([left, right])
    return unknown if unknown is not None else left == right


def _comparable(value: Any) -> Any:
    """Values as Fn::Equals compares them: scalars as strings (CloudFormation's ``true``, ``2``)."""
    if isinstance(value, list):
        items = [_comparable(v) for v in value]
        return _first_unknown(items) or items
    found = _exact(value)
    return found if found is not None else value


_FUNCTIONS: dict[str, Callable[[Any, Context], Any]] = {
    "Ref": _ref,
    "Fn::GetAtt": _getatt,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::GetAZs": _get_azs,
    "Fn::Cidr": _cidr,
    "Fn::Base64": _base64,
    "Fn::Length": _length,
    "Fn::ToJsonString": _to_json_string,
    "Fn::ImportValue": _import_value,
}
