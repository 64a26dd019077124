"""GitLab Code Quality: the JSON array a job publishes as ``artifacts:reports:codequality``.

GitLab reads a subset of the Code Climate issue format, and each field here is one it requires
(docs.gitlab.com, "Code Quality", "Implement a custom tool"): ``description``, ``check_name``,
``fingerprint``, ``severity`` (``info``, ``minor``, ``major``, ``critical`` or ``blocker``),
``location.path`` relative to the project root and ``location.lines.begin``. ``type`` and
``categories`` complete a Code Climate issue for other readers of the format; GitLab ignores
them.

The merge request widget compares fingerprints between the target branch and the merge
request, and shows issues with one fingerprint as one: so the fingerprint is the finding's
line-independent identity (the one SARIF and the baseline use), and two findings that share it
(the same rule on the same resource and attribute, with different messages) get distinct ones,
derived in report order, so none is hidden.

Suppressed findings are left out: GitLab has no notion of a suppressed issue, and listing them
would report what the user already decided.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpclint.json_text import json_text
from vpclint.paths import relative_uri
from vpclint.reporters.common import active_in_order, detail_lines, level_of
from vpclint.reporters.common import repo_location, rule_id
from vpclint.rule import Finding, Level

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

SEVERITIES = {Level.ERROR: "major", Level.WARNING: "minor", Level.NOTE: "info"}

#: Code Climate categories by rule band: exposure is a security matter, a detour through the
#: internet costs money and latency, everything else breaks connectivity or deployment.
_CATEGORIES = {"4": "Security", "3": "Performance"}


def _category(rid: str) -> str:
    return _CATEGORIES.get(rid[3:4], "Bug Risk")


def _unique(prints: list[str]) -> list[str]:
    """The fingerprints, each repeat replaced by a hash of it and its rank among its repeats."""
    seen: dict[str, int] = {}
    unique = []
    for value in prints:
        count = seen.get(value, 0)
        seen[value] = count + 1
        if count:
            value = hashlib.sha256(f"{value}#{count}".encode()).hexdigest()[:32]
        unique.append(value)
    return unique


def _issue(finding: Finding, root: Path, print_: str) -> dict[str, Any]:
    span = finding.location
    rid = rule_id(finding)
    details = detail_lines(finding, lambda at: repo_location(at, root))
    return {
        "type": "issue",
        "check_name": rid,
        "description": f"{rid}: " + "; ".join([finding.message, *details]),
        "categories": [_category(rid)],
        "fingerprint": print_,
        "severity": SEVERITIES[level_of(finding)],
        "location": {
            "path": relative_uri(span.file, root),
            "lines": {"begin": span.line, "end": max(span.line, span.end_line)},
        },
    }


def build_gitlab(result: "ScanResult") -> list[dict[str, Any]]:
    """The Code Quality issues as plain data (what ``render_gitlab`` serialises)."""
    root = Path(result.root)
    findings = active_in_order(result)
    prints = _unique([finding.fingerprint(root) for finding in findings])
    return [_issue(finding, root, print_) for finding, print_ in zip(findings, prints)]


def render_gitlab(result: "ScanResult") -> str:
    """The Code Quality report as indented JSON ending with a newline (no byte order mark,
    which GitLab's parser rejects)."""
    return json_text(build_gitlab(result))
