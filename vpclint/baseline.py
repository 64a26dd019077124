"""Baselines: record today's findings so that only new ones are reported and fail the build.

Findings are matched by ``Finding.fingerprint`` (rule, resource type and address,
file relative to the repository root, field), never by line, so editing a file above a known
finding does not bring it back. The file is sorted JSON so that a re-recorded baseline diffs
cleanly in review::

    {"version": 1, "fingerprints": {"<fp>": {"rule": "VPC303", "file": "net/main.tf",
                                             "address": "aws_vpc_endpoint.ssm"}}}

Only active findings are recorded and hidden: a finding suppressed inline is already accounted
for, and stays in the results so SARIF can report its suppression.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from vpclint.errors import ConfigError
from vpclint.paths import relative_uri  # files named as SARIF names them
from vpclint.rule import Finding

VERSION = 1


def write_baseline(path: Path, findings: Iterable[Finding], root: Path) -> int:
    """Record the active findings in ``path``; return how many fingerprints were written."""
    entries: dict[str, dict[str, str | None]] = {}
    for finding in findings:
        if finding.suppressed_by is not None:
            continue
        entries[finding.fingerprint(root)] = {
            "rule": finding.rule.id if finding.rule is not None else None,
            "file": relative_uri(finding.location.file, root),
            "address": finding.component.address if finding.component is not None else None,
        }
    document = {"version": VERSION, "fingerprints": dict(sorted(entries.items()))}
    check_baseline_path(path, writing=True)
    try:
        text = json.dumps(document, indent=2, sort_keys=True) + "\n"
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
    return len(entries)


def check_baseline_path(path: Path, writing: bool = False) -> None:
    """``ConfigError`` when ``path`` cannot be the baseline: checked before a scan, not after.

    A baseline to read must be an existing file; one to write must not be a directory.
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory, not a baseline file (name a file, e.g. "
                          f"{path / '.vpclint-baseline.json'})")
    if not writing and not path.is_file():
        raise ConfigError(
            f"{path}: baseline file not found (record one with --baseline {path} --write-baseline)"
        )


def load_baseline(path: Path) -> set[str]:
    """The fingerprints recorded in ``path``; ``ConfigError`` if it is missing or malformed."""
    path = Path(path)
    check_baseline_path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a valid baseline file: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("fingerprints"), dict):
        raise ConfigError(f"{path}: not a valid baseline file: expected a 'fingerprints' object")
    if document.get("version") != VERSION:
        raise ConfigError(
            f"{path}: unsupported baseline version {document.get('version')!r} "
            f"(expected {VERSION}); re-record it with --write-baseline"
        )
    return set(document["fingerprints"])


def filter_baseline(path: Path, findings: list[Finding], root: Path) -> tuple[list[Finding], int]:
    """The findings minus the active ones recorded in the baseline, and how many were hidden."""

    known = load_baseline(path)
    kept: list[Finding] = []
    hidden = 0
    for finding in findings:
        if finding.suppressed_by is None and finding.fingerprint(root) in known:
            hidden += 1
        else:
            kept.append(finding)
    return kept, hidden
