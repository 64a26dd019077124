"""JUnit XML: vpclint's verdict as test results, for CI systems that show tests (GitLab's test
report, Jenkins, Azure DevOps, CircleCI ...).

Each rule that ran is a test suite; each file it found something in is a test case of that
suite (class ``vpclint.VPC101``, name the file), failed with one ``<failure>`` that lists every
finding of the rule in the file, one per line, as the text report does. A rule that found
nothing is one passing test case, ``all files``, so a clean scan is a run of passing tests
rather than an empty report (which Jenkins, for one, treats as an error). A file whose
findings of a rule are all suppressed is a skipped test case with the reasons; vpclint failing
on part of the scan (``VPC000``) is an ``<error>``, not a failure of the infrastructure.

Readers differ in how many ``<failure>`` elements of one test case they show, so there is one
per test case. The document is valid against the JUnit schema that pytest checks its own
output with (Jenkins' ``junit-10.xsd``), which has no ``file`` attribute on test cases and
needs no ``time``: times are left out, so the same scan gives the same bytes. Text that XML 1.0
cannot hold (control characters a hostile template may put in a name) is replaced with U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from vpclint.internal_error import INTERNAL_ERROR
from vpclint.paths import relative_uri
from vpclint.reporters.common import detail_lines, level_of, plural, repo_location
from vpclint.reporters.common import rule_id, sort_key
from vpclint.rule import Finding

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

ALL_FILES = "all files"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(finding: Finding, root: Path) -> str:
    """``file:line:col: ID [level] message`` and its details, as the text report shows them."""
    span = finding.location
    head = (f"{relative_uri(span.file, root)}:{span.line}:{span.column}: {rule_id(finding)} "
            f"[{level_of(finding).value}] {finding.message}")
    details = detail_lines(finding, lambda at: repo_location(at, root))
    return "\n".join([head, *(f"  {line}" for line in details)])


def _testcase(suite: ET.Element, rid: str, name: str, findings: list[Finding],
              root: Path) -> str:
    """Add one test case; answer its outcome: ``passed``, ``failure``, ``error`` or ``skipped``."""
    case = ET.SubElement(suite, "testcase", {"classname": _xml(f"vpclint.{rid}"),
                                             "name": _xml(name)})
    active = [f for f in findings if f.suppressed_by is None]
    if not findings:
        return "passed"
    if not active:
        reasons = sorted({f.suppressed_by or "no reason given" for f in findings})
        ET.SubElement(case, "skipped", {"message": _xml(
            f"{plural(len(findings), 'finding')} suppressed: {'; '.join(reasons)}")})
        return "skipped"
    outcome = "error" if rid == INTERNAL_ERROR.id else "failure"
    levels = sorted({level_of(f).value for f in active})
    first = active[0]
    message = first.message if len(active) == 1 else \
        f"{plural(len(active), 'finding')}, first at line {first.location.line}: {first.message}"
    element = ET.SubElement(case, outcome, {"type": ",".join(levels), "message": _xml(message)})
    element.text = _xml("\n".join(_line(f, root) for f in active) + "\n")
    return outcome


def build_junit(result: "ScanResult") -> ET.Element:
    """The ``<testsuites>`` element (what ``render_junit`` serialises)."""
    root = Path(result.root)
    by_rule: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in sorted(result.findings, key=lambda f: sort_key(f, root)):
        by_rule[rule_id(finding)][relative_uri(finding.location.file, root)].append(finding)
    document = ET.Element("testsuites", {"name": "vpclint"})
    totals = {"tests": 0, "failure": 0, "error": 0}
    for rid in sorted(set(result.rules_run) | set(by_rule)):
        module = result.rules.get(rid)
        name = f"{rid} {module.meta.slug}" if module is not None else rid
        suite = ET.SubElement(document, "testsuite", {"name": _xml(name)})
        files = by_rule.get(rid, {})
        cases = [(file, files[file]) for file in sorted(files)] or [(ALL_FILES, [])]
        outcomes = [_testcase(suite, rid, file, findings, root) for file, findings in cases]
        counts = {key: outcomes.count(key) for key in ("failure", "error", "skipped")}
        suite.attrib.update({"tests": str(len(outcomes)), "failures": str(counts["failure"]),
                             "errors": str(counts["error"]), "skipped": str(counts["skipped"])})
        totals["tests"] += len(outcomes)
        totals["failure"] += counts["failure"]
        totals["error"] += counts["error"]
    document.attrib.update({"tests": str(totals["tests"]), "failures": str(totals["failure"]),
                            "errors": str(totals["error"])})
    return document


def render_junit(result: "ScanResult") -> str:
    """The JUnit XML document, indented, with its declaration, ending with a newline."""
    document = build_junit(result)
    ET.indent(document)
    body = ET.tostring(document, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
