"""The process exit code, computed from the findings that are left after filtering.

- 0: no active finding at or above the failing level (suppressed and baselined findings do not
  count; ``fail_level = "none"`` never fails, for report-only runs);
- 1: at least one active finding at or above the failing level;
- 2: usage or internal error (bad flag, invalid config, missing baseline): see
  ``vpclint.errors.VpclintError``. A file that cannot be parsed is a VPC001 finding, not exit 2.

Keeping 1 and 2 apart lets CI tell "the infrastructure has defects" from "vpclint was misused".
"""

from __future__ import annotations

from typing import Iterable

from vpclint.rule import Finding, Level, level_of

EXIT_OK = 0
EXIT_FINDINGS = 1


def exit_code(findings: Iterable[Finding], fail_level: str) -> int:
    """0 when no unsuppressed finding is at or above ``fail_level``, else 1.

    ``fail_level`` is one of the config's allowed values (``vpclint.config`` validates it, from
    a config file and from the command line alike)."""
    if fail_level == "none":
        return EXIT_OK
    threshold = Level(fail_level).rank
    for finding in findings:
        if finding.suppressed_by is None and level_of(finding).rank >= threshold:
            return EXIT_FINDINGS
    return EXIT_OK
