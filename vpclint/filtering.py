"""The filter stage: of everything the rules found, what the scan reports.

Every filter is applied here, in this order, each for one reason:

- selection (``select`` / ``ignore``): which rules run at all, decided before they run, so a
  rule left out costs nothing;
- focus: when files are named alone (pre-commit passes them), only findings in them are
  reported; a VPC000 internal error always is;
- inline suppressions: the findings they cover are kept, marked ``suppressed_by`` (SARIF reports
  the suppression); an ignore that suppresses nothing becomes a note;
- baseline: active findings recorded in the baseline are left out, and counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from vpclint.baseline import filter_baseline
from vpclint.config import Config
from vpclint.files import real_path
from vpclint.internal_error import INTERNAL_ERROR
from vpclint.rule import Finding, RuleModule
from vpclint.selection import Selector
from vpclint.source import Note
from vpclint.suppress import apply_suppressions

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.engine import Built


class Filtered(Struct, frozen=True):
    """The findings a scan reports, the notes filtering adds, and how many the baseline hid."""

    findings: tuple[Finding, ...]
    notes: tuple[Note, ...]
    baseline_hidden: int = 0


def select_rules(rules: dict[str, RuleModule], config: Config) -> dict[str, RuleModule]:
    """The rules ``config`` enables (``select`` / ``ignore``, by ID, slug or prefix)."""
    selector = Selector(config.select, config.ignore, {i: r.meta for i, r in rules.items()})
    return {rule_id: rule for rule_id, rule in rules.items() if selector.enabled(rule.meta)}


def filter_findings(findings: list[Finding], built: "Built", rules: dict[str, RuleModule],
                    enabled: dict[str, RuleModule], baseline: Path | None,
                    root: Path) -> Filtered:
    """Focus, suppressions and baseline applied to the findings of the ``enabled`` rules."""
    if built.focus is not None:
        findings = [f for f in findings
                    if real_path(f.location.file) in built.focus or f.rule is INTERNAL_ERROR]
    notes = apply_suppressions(findings, rules, built.suppressions, set(enabled),
                               built.resources)
    hidden = 0
    if baseline is not None:
        findings, hidden = filter_baseline(Path(baseline), findings, root)
    return Filtered(tuple(findings), tuple(notes), hidden)
