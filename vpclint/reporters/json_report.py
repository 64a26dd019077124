"""The JSON report: a stable, versioned document for scripts (documented in docs/json-schema.md).

Scripts break on reordering and renamed keys, so the shape is fixed by ``schema_version`` (bumped
on any incompatible change), findings come in a deterministic order, and unknown positions are
``null`` rather than a made-up 0. Suppressed findings are included and marked, so a script can
audit the suppressions as well as act on the findings.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vpclint
from vpclint.json_text import json_text
from vpclint.paths import relative_uri
from vpclint.reporters.common import level_of, path_hops, rule_id, sort_key
from vpclint.rule import Finding, Level
from vpclint.source import Span

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

SCHEMA_VERSION = 1


def _known(value: int) -> int | None:
    return value if value > 0 else None


def _finding(finding: Finding, root: Path) -> dict[str, Any]:
    span: Span = finding.location
    component = finding.component
    rule = finding.rule
    return {
        "rule_id": rule_id(finding),
        "slug": rule.slug if rule is not None else None,
        "level": level_of(finding).value,
        "message": finding.message,
        "file": relative_uri(span.file, root),
        "line": span.line,
        "column": span.column,
        "end_line": _known(span.end_line),
        "end_column": _known(span.end_column),
        "address": component.resource.address if component is not None else None,
        "resource_type": component.resource.type if component is not None else None,
        "field": finding.field,
        "fingerprint": finding.fingerprint(root),
        "suppressed": finding.suppressed_by is not None,
        "justification": finding.suppressed_by,
        "related": [
            {
                "message": related.message,
                "file": relative_uri(at.file, root),
                "line": at.line,
                "column": at.column,
                "address": related.component.resource.address,
            }
            for related in finding.related
            for at in [related.component.span(related.field)]
        ],
        "origins": [
            {
                "file": relative_uri(origin.span.file, root),
                "line": origin.span.line,
                "column": origin.span.column,
                "call": origin.call,
            }
            for origin in finding.origins
        ],
        "instances": list(finding.instances),
        "path": path_hops(finding.flow.hops, root) if finding.flow is not None else None,
    }


def build_json(result: "ScanResult") -> dict[str, Any]:
    """The report as plain data (what ``render_json`` serialises)."""
    root = Path(result.root)
    findings = sorted(result.findings, key=lambda f: sort_key(f, root))
    active = [f for f in findings if f.suppressed_by is None]
    levels = Counter(level_of(f) for f in active)
    notes = sorted(result.notes, key=lambda n: (relative_uri(n.file, root), n.line, n.message))
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "vpclint", "version": vpclint.__version__},
        "root": Path(root).absolute().as_posix(),
        "summary": {
            "total": len(active),
            "error": levels[Level.ERROR],
            "warning": levels[Level.WARNING],
            "note": levels[Level.NOTE],
            "suppressed": len(findings) - len(active),
            "baseline_hidden": result.baseline_hidden,
            "files_scanned": result.files_scanned,
        },
        "findings": [_finding(f, root) for f in findings],
        "notes": [{"file": relative_uri(n.file, root), "line": n.line, "message": n.message} for n in notes],
    }


def render_json(result: "ScanResult") -> str:
    """The report as indented JSON text ending with a newline."""
    return json_text(build_json(result))
