"""SARIF 2.1.0 for GitHub code scanning, following shared/SARIF.md point by point.

What code scanning needs beyond schema validity, and why each piece is here:
- one run whose ``automationDetails.id`` is the category, so two uploads do not collide;
- ``rules[]`` with unique IDs and a ``ruleIndex`` per result that really points at its rule;
- URIs relative to the repository root under ``%SRCROOT%`` (never empty, no ``./`` or ``/``),
  and ``startLine >= 1``: results breaking either are dropped;
- a line-independent ``partialFingerprints`` entry, so alerts are not duplicated when lines move;
- ``relatedLocations`` linked from the message as ``[text](id)``, so the partner is a link (and
  so is the caller's argument a finding inside a Terraform module came through);
- ``codeFlows`` on flow findings: the path the traffic takes, one step per block it crosses;
- suppressed findings kept, with an ``inSource`` suppression and its justification;
- ``security-severity`` on exposure rules, so they rank as security alerts;
- the upload limits (25,000 results per run, 10 related locations per result).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import vpclint
from vpclint.json_text import json_text
from vpclint.paths import relative_path, relative_uri
from vpclint.reporters.common import display_address, level_of, rule_id, sort_key
from vpclint.rule import Finding, Level, RuleMeta
from vpclint.source import Span

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.hop import Hop
    from vpclint.model.components import Component
    from vpclint.result import ScanResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/vpclint/vpclint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "vpclintFingerprint/v1"
DEFAULT_CATEGORY = "vpclint/"
MAX_RESULTS = 25_000
MAX_RELATED = 10

_PROBLEM_SEVERITY = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "recommendation"}


# --- locations --------------------------------------------------------------------------------


def _artifact(file: str, root: Path) -> dict[str, Any]:
    """A file under the root as a %SRCROOT%-relative URI, any other file as an absolute file URI."""
    rel = relative_path(file, root) if file else None
    if rel is None:
        if not file:
            return {"uri": "unknown", "uriBaseId": SRCROOT}  # unreachable for engine-made findings
        return {"uri": Path(file).absolute().as_uri()}
    return {"uri": quote(rel.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, span.line), "startColumn": max(1, span.column)}
    if span.end_line >= span.line:
        region["endLine"] = span.end_line
        if span.end_column > 0 and (span.end_line > span.line or span.end_column > span.column):
            region["endColumn"] = span.end_column
    return region


def _physical(span: Span, root: Path) -> dict[str, Any]:
    return {"artifactLocation": _artifact(span.file, root), "region": _region(span)}


def _logical(component: "Component", root: Path) -> list[dict[str, Any]]:
    return [{"name": component.resource.address, "kind": "resource",
             "fullyQualifiedName": display_address(component, root)}]


def _link_text(text: str) -> str:
    """Escape what SARIF's embedded-link grammar reserves inside ``[link text]``."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


# --- rules ------------------------------------------------------------------------------------


_HEADING = re.compile(r"^\s*(?:#+\s*)?(\*\*)?what it does:?(?(1)\*\*)\s*:?\s*$", re.IGNORECASE)
_UNDERLINE = re.compile(r"^\s*(?:-{3,}|={3,})\s*$")


def _what_it_does(doc: str) -> str | None:
    """The first paragraph of the docstring's "What it does" section, joined into one line."""
    lines = doc.splitlines()
    for index, line in enumerate(lines):
        if not _HEADING.match(line):
            continue
        paragraph: list[str] = []
        for body in lines[index + 1:]:
            if _UNDERLINE.match(body) and not paragraph:
                continue
            if not body.strip():
                if paragraph:
                    break
                continue
            if body.lstrip().startswith("#"):
                break
            paragraph.append(body.strip())
        return " ".join(paragraph) or None
    return None


def _rule_descriptor(meta: RuleMeta, doc: str) -> dict[str, Any]:
    doc = inspect.cleandoc(doc or "").strip()
    level = Level(meta.level)
    tags = ["networking", meta.band]
    if meta.id[3:4] == "4" or meta.security_severity is not None:
        tags.append("security")
    properties: dict[str, Any] = {
        "tags": list(dict.fromkeys(tags)),
        "precision": meta.precision,
        "problem.severity": _PROBLEM_SEVERITY[level],
    }
    if meta.security_severity is not None:
        properties["security-severity"] = f"{float(meta.security_severity):.1f}"
    return {
        "id": meta.id,
        "name": meta.slug,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": _what_it_does(doc) or meta.summary},
        "help": {"text": doc or meta.summary, "markdown": doc or meta.summary},
        "helpUri": meta.help_uri,
        "defaultConfiguration": {"level": level.value},
        "properties": properties,
    }


def _rules(result: "ScanResult", findings: list[Finding]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One descriptor per rule that produced a result, sorted by ID, and each ID's index."""
    metas: dict[str, RuleMeta] = {}
    for finding in findings:
        if finding.rule is not None:
            metas.setdefault(finding.rule.id, finding.rule)
    descriptors, index = [], {}
    for position, rid in enumerate(sorted(metas)):
        module = result.rules.get(rid)
        meta = module.meta if module is not None else metas[rid]
        descriptors.append(_rule_descriptor(meta, module.doc if module is not None else ""))
        index[rid] = position
    return descriptors, index


# --- results ----------------------------------------------------------------------------------


def _result(finding: Finding, root: Path, rule_index: dict[str, int]) -> dict[str, Any]:
    span = finding.location
    rid = rule_id(finding)
    location: dict[str, Any] = {"physicalLocation": _physical(span, root)}
    if finding.component is not None:
        location["logicalLocations"] = _logical(finding.component, root)

    related, links = [], []
    for number, partner in enumerate(finding.related[:MAX_RELATED], start=1):
        related.append({
            "id": number,
            "physicalLocation": _physical(partner.component.span(partner.field), root),
            "logicalLocations": _logical(partner.component, root),
            "message": {"text": partner.message},
        })
        links.append(f"[{_link_text(partner.component.display)}]({number})")
    for number, origin in enumerate(finding.origins[:MAX_RELATED - len(related)],
                                    start=len(related) + 1):
        related.append({
            "id": number,
            "physicalLocation": _physical(origin.span, root),
            "message": {"text": f"set by the argument of {origin.call}"},
        })
        links.append(f"set by [{_link_text(origin.call)}]({number})")
    message = finding.message + (f" ({', '.join(links)})" if links else "")

    out: dict[str, Any] = {"ruleId": rid}
    if rid in rule_index:
        out["ruleIndex"] = rule_index[rid]
    out["level"] = level_of(finding).value
    out["message"] = {"text": message}
    out["locations"] = [location]
    out["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint(root)}
    if related:
        out["relatedLocations"] = related
    if finding.flow is not None:
        flows = _code_flows(finding.flow.hops, finding.flow.path, root)
        if flows:  # not capped: the 10-location limit is for relatedLocations
            out["codeFlows"] = flows
    if finding.instances:
        out["properties"] = {"instances": list(finding.instances)}
    if finding.suppressed_by is not None:
        suppression = {"kind": "inSource"}
        if finding.suppressed_by:
            suppression["justification"] = finding.suppressed_by
        out["suppressions"] = [suppression]
    return out


def _code_flows(hops: "list[Hop]", path: str, root: Path) -> list[dict[str, Any]]:
    """A flow's path (its ``hops``, ``path`` on one line) as one code flow: each hop that is in
    a file is one step, in order.

    A route step that sends the traffic somewhere in the scan (a NAT gateway, an internet
    gateway, a GWLB endpoint) is followed by a step at that component, so code scanning walks
    through every block on the path. Hops that are in no file (the public service endpoint,
    "no route") have no location: code scanning drops thread-flow locations without a physical
    location, so their label is appended to the previous step's message instead; the code
    flow's own message carries the whole path on one line.
    """
    steps: list[tuple["Component", str | None, str]] = []
    for hop in hops:
        if hop.component is None:
            if steps:
                component, field, text = steps[-1]
                steps[-1] = (component, field, f"{text} -> {hop.label}")
            continue
        steps.append((hop.component, hop.field, hop.label))
        if hop.target is not None and hop.target_label is not None:
            steps.append((hop.target, None, hop.target_label))
    if not steps:
        return []
    locations = []
    for order, (component, field, text) in enumerate(steps, start=1):
        locations.append({
            "location": {
                "physicalLocation": _physical(component.span(field), root),
                "logicalLocations": _logical(component, root),
                "message": {"text": text},
            },
            "executionOrder": order,
        })
    message = {"text": path or " -> ".join(text for *_, text in steps)}
    return [{"message": message, "threadFlows": [{"locations": locations}]}]


def _capped(findings: list[Finding]) -> list[Finding]:
    """At most MAX_RESULTS findings, keeping unsuppressed and severe ones first, in file order."""
    if len(findings) <= MAX_RESULTS:
        return findings
    ranked = sorted(findings, key=lambda f: (f.suppressed_by is not None, -level_of(f).rank))
    kept = set(map(id, ranked[:MAX_RESULTS]))
    return [f for f in findings if id(f) in kept]


def _notification(text: str, root: Path, span: Span | None = None, level: str = "note") -> dict[str, Any]:
    note: dict[str, Any] = {"message": {"text": text}, "level": level}
    if span is not None and span.file:
        note["locations"] = [{"physicalLocation": _physical(span, root)}]
    return note


def build_sarif(result: "ScanResult", *, category: str | None = None) -> dict[str, Any]:
    """The SARIF log as plain data (what ``render_sarif`` serialises)."""
    root = Path(result.root)
    everything = sorted(result.findings, key=lambda f: sort_key(f, root))
    findings = _capped(everything)
    rules, rule_index = _rules(result, findings)

    notifications = [_notification(n.message, root, Span(n.file, n.line))
                     for n in sorted(result.notes, key=lambda n: (relative_uri(n.file, root), n.line, n.message))]
    if len(findings) < len(everything):
        notifications.append(_notification(
            f"{len(everything) - len(findings)} findings were left out: SARIF uploads hold at most "
            f"{MAX_RESULTS} results per run.", root, level="warning"))
    for failure in getattr(result, "failures", None) or []:  # vpclint's own failures
        notifications.append(_notification(failure.message, root, Span(failure.file, failure.line),
                                           level="error"))
    truncated = sum(1 for f in findings if len(f.related) + len(f.origins) > MAX_RELATED)
    if truncated:
        notifications.append(_notification(
            f"{truncated} findings list only their first {MAX_RELATED} related locations.", root))

    category = category or DEFAULT_CATEGORY
    if not category.endswith("/"):
        category += "/"  # the part before the last slash is the category: keep all of it
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "vpclint",
            "version": vpclint.__version__,
            "semanticVersion": vpclint.__version__,
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }},
        "automationDetails": {"id": category},
        "originalUriBaseIds": {SRCROOT: {"uri": root.absolute().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        # an internal error leaves the results incomplete: the run did not succeed
        "invocations": [{"executionSuccessful": not result.internal_errors,
                         "toolExecutionNotifications": notifications}],
        "results": [_result(f, root, rule_index) for f in findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(result: "ScanResult", *, category: str | None = None) -> str:
    """The SARIF log as indented JSON text ending with a newline."""
    return json_text(build_sarif(result, category=category))
