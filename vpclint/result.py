"""What a scan produces, as the reporters and the views of a scan see it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from vpclint.rule import Finding, RuleModule
from vpclint.source import Failure, Note, ParseError

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.analyze import Analysis
    from vpclint.engine import Built
    from vpclint.evaluate.references import Unresolved


class Diagnostics(Struct, frozen=True):
    """What the scan found wrong with the files themselves, apart from the network they
    describe: files that could not be parsed (VPC001) and references to nothing (VPC002)."""

    parse_errors: tuple[ParseError, ...] = ()
    unresolved: tuple["Unresolved", ...] = ()


class ScanResult(Struct, frozen=True, eq=False):
    """Findings (suppressed ones included, marked ``suppressed_by``; baselined ones left out),
    the rules that ran, notes. Built by the engine once every filter has applied: nothing
    changes it afterwards.

    ``root`` is the repository root (the nearest ancestor of the scanned paths holding ``.git``,
    else the current directory): SARIF URIs are relative to it whatever directory was scanned.
    """

    findings: tuple[Finding, ...]
    rules: dict[str, RuleModule]
    root: Path
    notes: tuple[Note, ...] = ()
    files_scanned: int = 0
    baseline_hidden: int = 0
    failures: tuple[Failure, ...] = ()  # where vpclint itself failed
    # Real paths of the files the scan parsed: the only files a report may quote from. Every
    # one passed the reading checks (inside the scan, a regular file, under the size limit).
    files_read: frozenset[str] = frozenset()
    # The model the findings point at (with the resources it was built from, and the scan's
    # diagnostics), for views that draw the network around them (``vpclint graph``, a CI
    # summary's graph of broken flows).
    built: "Built | None" = None
    # The analysis the rules read, when some enabled rule (or the caller) needed it and it did
    # not fail: the flows those views draw.
    analysis: "Analysis | None" = None
    # IDs of the rules that ran (the enabled ones): a rule that ran and found nothing passed,
    # which a report of test results (JUnit) shows; ``rules`` holds every rule loaded.
    rules_run: frozenset[str] = frozenset()

    @property
    def internal_errors(self) -> int:
        """How many parts of the scan vpclint failed on (each is also a VPC000 finding)."""
        return len(self.failures)

    @property
    def active(self) -> list[Finding]:
        """The findings not suppressed inline."""
        return [f for f in self.findings if f.suppressed_by is None]
