"""``Fn::ForEach`` loops expanded as the ``AWS::LanguageExtensions`` transform expands them.

``'Fn::ForEach::Name': [Identifier, Collection, {OutputKey: OutputValue}]`` stands, in the
``Resources``, ``Conditions`` and ``Outputs`` sections and inside any mapping of them, for one
copy of the fragment per item of the collection. In each copy, ``${Identifier}`` in the keys and
in ``Fn::Sub`` strings is the item, ``&{Identifier}`` the item without its non-alphanumeric
characters (``10.0.1.0/24`` -> ``1001024``, for logical IDs), and ``Ref: Identifier`` the
item itself. Loops nest: an inner loop sees the outer identifiers, in its collection too. A
``Fn::Sub`` left with no variable is the plain string, so a copy's ``Fn::GetAtt [!Sub
'Bucket${Name}', Arn]`` names its sibling as the transformed template does. ``Fn::If`` condition
names are left as written, as the transform leaves them.

The transform runs before the stack exists, so a collection is evaluated from parameters,
pseudo parameters and mappings only (``Collections``). A loop whose collection is not known
that way (a parameter with no value, ``Fn::GetAZs`` ...) is left out of the expansion, and named
in ``Expansion.unexpanded``: the resources it would create are not seen. So is a section whose
loops write more than a template CloudFormation accepts could hold.
"""

from __future__ import annotations

import re
from typing import Any

from msgspec import Struct, field

from vpclint.evaluate.cfn_intrinsics import resolve, text
from vpclint.values import PLACEHOLDERS, Unknown

LOOP = "Fn::ForEach::"
# What a section's loops may write: CloudFormation takes at most 500 resources (200 outputs) in
# the template the transform hands it, each at most 1 MB, so a loop past these is a template
# CloudFormation rejects, or a loop bomb; it is not read.
_MAX_ENTRIES = 1_000
_MAX_WRITTEN = 500_000  # values: mappings, lists and scalars
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")
_VARIABLE = re.compile(r"\$\{(?!!)[^}]*\}|&\{[^}]*\}")


class Expansion(Struct):
    """A section with its loops expanded: each entry, where its body is written in the template
    (``(section, 'Fn::ForEach::X', 2, 'Key${Id}')`` for a copy), and the loops left out, with
    why and where (the path of a loop inside an entry is that entry's)."""

    entries: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, tuple] = field(default_factory=dict)
    unexpanded: list[tuple[str, str, tuple]] = field(default_factory=list)


class Collections:
    """What a loop's collection may use: the transform sees parameters, pseudo parameters and
    mappings, nothing of the stack's resources, conditions or exports."""

    def __init__(self, parameters: dict[str, Any], pseudo: dict[str, Any], mappings: dict):
        self._names = {**pseudo, **parameters}
        self.mappings = mappings

    def ref(self, name: str) -> Any:
        return self._names.get(name, Unknown(f"Ref {name} cannot be evaluated by the "
                                             "AWS::LanguageExtensions transform", name))

    def getatt(self, name: str, attr: str) -> Unknown:
        return Unknown("a resource attribute is not known to the AWS::LanguageExtensions "
                       "transform", f"{name}.{attr}")

    def condition(self, name: str) -> Unknown:
        return Unknown("conditions are not evaluated by the AWS::LanguageExtensions transform",
                       name)

    def import_value(self, name: str) -> Unknown:
        return Unknown("Fn::ImportValue is not evaluated by the AWS::LanguageExtensions "
                       "transform", name)


def has_loops(value: Any) -> bool:
    """Whether ``Fn::ForEach`` appears anywhere in ``value`` (most templates: no, and are used
    as written). A loop over a stack, not recursion: every template's sections are searched,
    and no depth of nesting may raise."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            for key, item in current.items():
                if isinstance(key, str) and key.startswith(LOOP):
                    return True
                if isinstance(item, (dict, list)):
                    pending.append(item)
        elif isinstance(current, list):
            pending.extend(item for item in current if isinstance(item, (dict, list)))
    return False


def expand_section(name: str, section: dict, collections: Collections) -> Expansion:
    """The entries of template section ``name`` with every loop expanded."""
    expansion = Expansion()
    expander = _Expander(collections, expansion)
    expander.entries(section, {}, (name,))
    if expander.written > _MAX_WRITTEN:  # given up: no part of a template CloudFormation rejects
        written = [key for key, origin in expansion.origins.items() if len(origin) == 2]
        expansion.entries = {key: expansion.entries[key] for key in written}
        expansion.origins = {key: expansion.origins[key] for key in written}
    return expansion


class _Expander:
    def __init__(self, collections: Collections, expansion: Expansion):
        self.collections = collections
        self.expansion = expansion
        self.written = 0

    def entries(self, section: dict, bindings: dict[str, str], at: tuple) -> None:
        """Top-level entries of a section, recording where each one's body is written."""
        for key, body in section.items():
            if isinstance(key, str) and key.startswith(LOOP):
                for items, inner in self._copies(key, body, bindings, at + (key,)):
                    self.entries(inner, items, at + (key, 2))
                continue
            name = _key(key, bindings)
            if len(self.expansion.entries) >= _MAX_ENTRIES and len(at) > 1:  # a loop's copy
                self._give_up(at[-2], f"it would write more than {_MAX_ENTRIES} entries",
                              at[:-1])
                return
            if name not in self.expansion.entries:  # a duplicate: CloudFormation rejects it
                self.expansion.entries[name] = self.value(body, bindings, at + (key,))
                self.expansion.origins[name] = at + (key,)

    def value(self, value: Any, bindings: dict[str, str], at: tuple = ()) -> Any:
        """``value`` with the identifiers of ``bindings`` substituted and its loops expanded."""
        if isinstance(value, list):
            return [self.value(item, bindings) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" and isinstance(arg, str) and arg in bindings:
                return bindings[arg]
            if key == "Fn::Sub" and bindings:
                return _sub(arg, bindings, self, at)
            if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
                return {key: [arg[0]] + [self.value(branch, bindings, at) for branch in arg[1:]]}
        result: dict = {}
        for key, item in value.items():
            if isinstance(key, str) and key.startswith(LOOP):
                for items, inner in self._copies(key, item, bindings, at):
                    result.update(self.value(inner, items, at))
            else:
                result[_key(key, bindings)] = self.value(item, bindings, at)
        return result

    def _copies(self, loop: str, arg: Any, bindings: dict[str, str], at: tuple):
        """(bindings, fragment) for each item of a loop's collection; nothing (and a record in
        ``unexpanded``) when the loop is malformed or its collection is not known."""
        if self.written > _MAX_WRITTEN:
            return  # past the budget: the loop that went over it is recorded, the rest is moot
        items, why = self._collection(arg, bindings)
        if items is None:
            self.expansion.unexpanded.append((loop.removeprefix(LOOP), why, at))
            return
        identifier, fragment = arg[0], arg[2]
        self.written += len(items) * _size(fragment)
        if self.written > _MAX_WRITTEN:
            self._give_up(loop, f"it would write more than {_MAX_WRITTEN} values", at)
            return
        for item in items:
            if self.written > _MAX_WRITTEN:
                return
            yield {**bindings, identifier: item}, fragment

    def _give_up(self, loop: str, why: str, at: tuple) -> None:
        """Stop expanding the section: ``loop`` writes more than a template can hold."""
        self.expansion.unexpanded.append((loop.removeprefix(LOOP), why, at))
        self.written = _MAX_WRITTEN + 1

    def _collection(self, arg: Any, bindings: dict[str, str]) -> tuple[list[str] | None, str]:
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str) \
                or not isinstance(arg[2], dict):
            return None, "malformed Fn::ForEach"
        found = resolve(self.value(arg[1], bindings, ()), self.collections)
        if isinstance(found, Unknown):
            return None, found.reason
        if not isinstance(found, list):
            return None, "its collection is not a list"
        items = [text(item) for item in found]
        if not all(isinstance(item, str) and not any(p in item for p in PLACEHOLDERS)
                   for item in items):
            unknown = next((item for item in items if isinstance(item, Unknown)), None)
            return None, unknown.reason if unknown else "its collection is not a list of strings"
        return items, ""


def _size(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_size(item) for item in value.values())
    if isinstance(value, list):
        return 1 + sum(_size(item) for item in value)
    return 1


def _key(key: Any, bindings: dict[str, str]) -> Any:
    return _replace(key, bindings) if isinstance(key, str) and bindings else key


def _replace(written: str, bindings: dict[str, str]) -> str:
    for identifier, item in bindings.items():
        written = written.replace("${" + identifier + "}", item)
        written = written.replace("&{" + identifier + "}", _NOT_ALPHANUMERIC.sub("", item))
    return written


def _sub(arg: Any, bindings: dict[str, str], expander: _Expander, at: tuple) -> Any:
    """``Fn::Sub`` with the loop identifiers substituted; the plain string once no variable is
    left (the transform resolves it so)."""
    if isinstance(arg, str):
        written = _replace(arg, bindings)
        return written if not _VARIABLE.search(written) and "${!" not in written \
            else {"Fn::Sub": written}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
        return {"Fn::Sub": [_replace(arg[0], bindings), expander.value(arg[1], bindings, at)]}
    return {"Fn::Sub": expander.value(arg, bindings, at)}
