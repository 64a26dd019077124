"""Which rules run: ``select`` / ``ignore`` entries by ID, slug or ID prefix.

An entry is a rule ID (``VPC101``), a slug (``gateway-endpoint-without-route-tables``) or an ID
prefix (``VPC3`` = every public-internet detour rule, ``VPC`` = all), case-insensitive. For each
rule the most specific matching entry decides, whether it came from ``select`` or ``ignore``:
an ID or slug beats any prefix, a longer prefix beats a shorter one, and on a tie ``ignore``
wins. So ``--select VPC3 --ignore VPC303`` runs the band without VPC303, and
``--ignore VPC3 --select VPC303`` runs VPC303 alone from that band. This is what users expect
from ruff and flake8, and unlike "ignore always beats select" it lets a narrow select re-enable
one rule of an ignored band. With no ``select`` entry at all, every rule is selected.

Entries that match nothing are errors, not silently ignored: a typo in ``ignore`` would
otherwise leave a rule running that the user believes is off.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from vpclint.errors import ConfigError
from vpclint.rule import RuleMeta

def _as_list(metas: Mapping[str, RuleMeta] | Iterable[RuleMeta]) -> list[RuleMeta]:
    return list(metas.values()) if isinstance(metas, Mapping) else list(metas)


def _split(entries: Iterable[str] | None) -> list[str]:
    """Entries as given, with comma-separated lists (``VPC1,VPC3``) split and blanks dropped."""
    out: list[str] = []
    for entry in entries or ():
        out.extend(part.strip() for part in str(entry).split(",") if part.strip())
    return out


def resolve_rule_ref(
    text: str, metas: Mapping[str, RuleMeta] | Iterable[RuleMeta]
) -> RuleMeta | None:
    """The rule named exactly by ``text`` (an ID or a slug, any case), or ``None``.

    Prefixes are not accepted here: a suppression names one rule, never a band.
    """
    key = text.strip().lower()
    for meta in _as_list(metas):
        if meta.id.lower() == key or meta.slug.lower() == key:
            return meta
    return None


def _specificity(entry: str, meta: RuleMeta) -> int:
    """How specifically ``entry`` names ``meta``: 0 for no match, higher for a closer match."""
    key = entry.lower()
    rule_id = meta.id.lower()
    if key == rule_id or key == meta.slug.lower():
        return len(rule_id) + 1  # an exact ID or slug beats every prefix
    if rule_id.startswith(key):
        return len(key)
    return 0


class Selector:
    """Decides, per rule, whether it runs, from ``select`` and ``ignore`` entries."""

    def __init__(
        self,
        select: Iterable[str] | None,
        ignore: Iterable[str] | None,
        metas: Mapping[str, RuleMeta] | Iterable[RuleMeta],
    ) -> None:
        self.select = _split(select)
        self.ignore = _split(ignore)
        self.metas = _as_list(metas)
        for option, entries in (("select", self.select), ("ignore", self.ignore)):
            for entry in entries:
                if not any(_specificity(entry, meta) for meta in self.metas):
                    raise ConfigError(
                        f"{option}: {entry!r} matches no rule ID, slug or ID prefix "
                        "(run `vpclint rules` to list the rules)"
                    )

    def enabled(self, meta: RuleMeta) -> bool:
        """Whether ``meta``'s rule runs: the most specific matching entry wins, ignore on ties."""
        best_select = max((_specificity(e, meta) for e in self.select), default=0)
        best_ignore = max((_specificity(e, meta) for e in self.ignore), default=0)
        if best_ignore and best_ignore >= best_select:
            return False
        if best_select:
            return True
        return not self.select  # no select entries: everything is selected by default

    def enabled_ids(self) -> set[str]:
        """The IDs of the known rules that run."""
        return {meta.id for meta in self.metas if self.enabled(meta)}
