"""Rule discovery through the ``vpclint.rules`` entry-point group.

Built-in rules and third-party packs register the same way: an entry point naming a module or a
package; every module in it that defines ``RULE`` and ``check`` is a rule. IDs must be unique
across all packs: a clash is a usage error, never a silent override.

Listing the rules (``vpclint rules``, ``explain``) needs their metadata only, while importing
a rule imports what its check reads (the model, the analysis): more than half of what ``vpclint
rules`` would cost. So a pack may carry a catalogue, a ``_catalogue`` module whose ``RULES``
holds each rule's module name (in the pack) and ``RuleMeta`` fields as plain values (``python
-m vpclint.docs`` writes the built-in pack's, and a test fails when it is stale).
``load_catalogue`` reads it instead of importing the rules, and imports the pack's modules when
there is none or it does not name exactly the pack's public modules (a rule added or removed
since it was written).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from msgspec.structs import asdict

from vpclint.errors import VpclintError
from vpclint.installed_packs import entry_points
from vpclint.rule import Level, RuleMeta, RuleModule

GROUP = "vpclint.rules"
BUILTIN = "vpclint.rules"  # the built-in pack: the repository's rules/ folder, installed here
CATALOGUE = "_catalogue"


def _packs() -> list[ModuleType]:
    packs = [ep.load() for ep in entry_points(group=GROUP)]
    if not any(getattr(p, "__name__", "") == BUILTIN for p in packs):
        packs.append(importlib.import_module(BUILTIN))  # a checkout that was never installed
    return packs


def load_catalogue() -> dict[str, tuple[RuleMeta, str]]:
    """Every registered rule's metadata and module name, by ID, sorted by ID: from each pack's
    catalogue when it has a current one, else from its imported modules."""
    found: dict[str, tuple[RuleMeta, str]] = {}
    for pack in _packs():
        listed = _catalogued(pack)
        if listed is None:
            listed = [(m.RULE, m.__name__) for m in _rule_modules(pack)]
        for meta, module in listed:
            _add(found, meta.id, module, (meta, module))
    return dict(sorted(found.items()))


def _catalogued(pack: ModuleType) -> list[tuple[RuleMeta, str]] | None:
    """The pack's catalogue as (metadata, module name), when it names exactly the pack's public
    modules (those whose names do not start with ``_``: a pack's helpers do)."""
    paths = getattr(pack, "__path__", None)
    if paths is None:
        return None
    try:
        catalogue = importlib.import_module(f"{pack.__name__}.{CATALOGUE}")
        entries = [(_meta(fields), f"{pack.__name__}.{name}") for name, fields in catalogue.RULES]
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    modules = {f"{pack.__name__}.{info.name}" for info in pkgutil.iter_modules(paths)
               if not info.name.startswith("_")}
    return entries if {module for _, module in entries} == modules else None


def _meta(fields: dict) -> RuleMeta:
    return RuleMeta(**{**fields, "level": Level(fields["level"]),
                       "supersedes": tuple(fields.get("supersedes", ()))})


def catalogue_source(rules: dict[str, RuleModule]) -> str:
    """The text of a pack's ``_catalogue`` module for ``rules`` (what ``python -m
    vpclint.docs`` writes for the built-in pack)."""
    lines = ['"""The rules of this pack, as ``vpclint.registry.load_catalogue`` reads them without',
             "importing them. Written by ``python -m vpclint.docs``: do not edit.", '"""', "",
             "RULES = ("]
    for rule in rules.values():
        fields = {**asdict(rule.meta), "level": rule.meta.level.value,
                  "supersedes": list(rule.meta.supersedes)}
        lines.append(f"    ({rule.module.rpartition('.')[2]!r}, {{")
        lines += [f"        {name!r}: {value!r}," for name, value in fields.items()]
        lines.append("    }),")
    return "\n".join(lines + [")", ""])


def _add(found: dict, rule_id: str, module: str, value) -> None:
    if rule_id in found and _module_of(found[rule_id]) != module:
        raise VpclintError(f"rule {rule_id} is defined twice: in {_module_of(found[rule_id])} "
                           f"and in {module}")
    found[rule_id] = value


def _module_of(value) -> str:
    return value.module if isinstance(value, RuleModule) else value[1]


def load_rules() -> dict[str, RuleModule]:
    """All registered rules by ID, sorted by ID."""
    found: dict[str, RuleModule] = {}
    for pack in _packs():
        for module in _rule_modules(pack):
            rule = load_rule(module.__name__)
            _add(found, rule.meta.id, rule.module, rule)
    return dict(sorted(found.items()))


def load_rule(name: str) -> RuleModule:
    """The rule in module ``name`` (as ``load_catalogue`` names it)."""
    module = importlib.import_module(name)
    return RuleModule(module.RULE, (module.__doc__ or "").strip(), module.check, module.__name__)


def _rule_modules(pack: ModuleType):
    if _is_rule(pack):
        yield pack
    for info in pkgutil.iter_modules(getattr(pack, "__path__", [])):
        module = importlib.import_module(f"{pack.__name__}.{info.name}")
        if _is_rule(module):
            yield module


def _is_rule(module: ModuleType) -> bool:
    return isinstance(getattr(module, "RULE", None), RuleMeta) and callable(
        getattr(module, "check", None))
