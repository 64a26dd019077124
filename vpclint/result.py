"""What a scan produces, as the filter and the reporters see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vpclint.rule import Finding, RuleModule
from vpclint.source import Note


@dataclass(eq=False)
class ScanResult:
    """Findings (suppressed ones included, marked ``suppressed_by``), the rules that ran, notes.

    ``root`` is the repository root (the nearest ancestor of the scanned paths holding ``.git``,
    else the current directory): SARIF URIs are relative to it whatever directory was scanned.
    """

    findings: list[Finding]
    rules: dict[str, RuleModule]
    root: Path
    notes: list[Note] = field(default_factory=list)
    files_scanned: int = 0
    baseline_hidden: int = 0
    internal_errors: int = 0  # rules that crashed: the report is incomplete (exit code 2)

    @property
    def active(self) -> list[Finding]:
        """The findings not suppressed inline."""
        return [f for f in self.findings if f.suppressed_by is None]
