"""VPC000 internal-error: where vpclint itself failed, reported as an error-level finding.

A bug of vpclint's, met in one file's loading or evaluation, or in one rule, must neither stop
the scan of everything else nor pass silently: the failure is contained to the part it hit,
every other file and rule is still checked, and the failure becomes a VPC000 finding at the
file (or the component the rule was checking). It is an error, so CI fails on an incomplete
report instead of passing; SARIF also marks the run ``executionSuccessful: false``.

VPC000 is the engine's, not a rule module's: it cannot be selected or ignored, since no
configuration should make an incomplete report look complete.
"""

from __future__ import annotations

from vpclint.rule import Finding, Level, RuleMeta, RuleModule
from vpclint.source import Failure, Span

INTERNAL_ERROR = RuleMeta("VPC000", "internal-error", Level.ERROR,
                          "vpclint failed on part of the scan: its findings are missing")

_DOC = """VPC000 internal-error: vpclint failed on part of the scan.

## What it does
Reports a file, module or rule on which vpclint itself failed (a bug of vpclint's). That part's
findings are missing from the report; every other file and rule was still checked.

## Why it matters
A report with a hole in it must not look complete: VPC000 is an error, so CI fails instead of
passing on what vpclint could not check.

## Use instead
Upgrade vpclint; if the failure stays, report it with the message (it names the exception and
where in vpclint it happened) and, if you can, the smallest file that shows it.
"""

INTERNAL_ERROR_RULE = RuleModule(INTERNAL_ERROR, _DOC, lambda ctx: iter(()), __name__)


def internal_error_findings(failures: list[Failure], paths: list[str]) -> list[Finding]:
    """One VPC000 finding per failure; a failure located nowhere (a rule that failed outside
    any component) is placed at the first scanned path."""
    findings = []
    for failure in dict.fromkeys(failures):
        span = Span(failure.file or (paths[0] if paths else ""), failure.line)
        finding = Finding(None, failure.message, span=span)
        finding.rule, finding.level = INTERNAL_ERROR, Level.ERROR
        findings.append(finding)
    return findings
