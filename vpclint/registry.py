"""Rule discovery through the ``vpclint.rules`` entry-point group.

Built-in rules and third-party packs register the same way: an entry point naming a module or a
package; every module in it that defines ``RULE`` and ``check`` is a rule. IDs must be unique
across all packs: a clash is a usage error, never a silent override.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from types import ModuleType

from vpclint.errors import VpclintError
from vpclint.rule import RuleMeta, RuleModule

GROUP = "vpclint.rules"
BUILTIN = "vpclint.rules"  # the built-in pack: the repository's rules/ folder, installed here


def load_rules() -> dict[str, RuleModule]:
    """All registered rules by ID, sorted by ID."""
    packs = [ep.load() for ep in entry_points(group=GROUP)]
    if not any(getattr(p, "__name__", "") == BUILTIN for p in packs):
        packs.append(importlib.import_module(BUILTIN))  # a checkout that was never installed
    found: dict[str, RuleModule] = {}
    for pack in packs:
        for module in _rule_modules(pack):
            rule = RuleModule(module.RULE, (module.__doc__ or "").strip(), module.check,
                              module.__name__)
            if rule.meta.id in found and found[rule.meta.id].module != rule.module:
                raise VpclintError(f"rule {rule.meta.id} is defined twice: in "
                                   f"{found[rule.meta.id].module} and in {rule.module}")
            found[rule.meta.id] = rule
    return dict(sorted(found.items()))


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
