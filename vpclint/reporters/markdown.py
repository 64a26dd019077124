"""Markdown for a CI job summary or a pull-request comment (GitHub and GitLab flavours alike).

A heading with the summary line of the text report, a table of counts by rule and level (the
rule linked to its documentation), then a table of the findings: level, rule, ``file:line``
relative to the repository root, and the message with its details (partners, the path of a
flow) on lines of their own.

Everything that comes from the scanned files (messages name resources, paths, values) is
escaped, so a template cannot change the page it is shown on: the characters Markdown gives a
meaning to inline (emphasis, code, links, HTML, GitHub's ``$`` maths) are backslash-escaped,
line breaks become ``<br>`` so a row stays a row, control characters become U+FFFD, and ``|``
is escaped in every cell, code spans included, as GitHub's table syntax requires. Paths are
code spans whose backtick fence is longer than any run of backticks in them.

When findings are about flows (a workload's traffic detouring through NAT, or finding no path),
the report ends with the Mermaid graph of those flows (``vpclint graph --problems``), which
GitHub and GitLab draw in a job summary or a pull-request comment; from the same scan, so CI
scans once. GitHub draws a diagram of at most ``MERMAID_MAX_CHARS``: a larger one is replaced
by a line saying how to draw it.

A pull-request comment holds at most 65,536 characters: the findings table stops before the
report reaches ``MAX_CHARS`` (less the graph) and says how many findings it leaves out (the
SARIF and JSON reports have them all). The counts table is always complete.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from vpclint.paths import relative_uri
from vpclint.reporters.common import active_in_order, detail_lines, level_of, plural
from vpclint.reporters.common import repo_location, rule_id, summary_line
from vpclint.rule import Finding

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

MAX_CHARS = 60_000
#: GitHub renders a Mermaid diagram of at most 50,000 characters; a larger one is an error box.
MERMAID_MAX_CHARS = 50_000
_INLINE = re.compile(r"([\\`*_\[\]<>~&$])")
_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: str) -> str:
    """``value`` as literal Markdown text on one line: inline syntax escaped, breaks as ``<br>``,
    control characters as U+FFFD."""
    value = _CONTROL.sub("\ufffd", value)
    return "<br>".join(_INLINE.sub(r"\\\1", line) for line in _BREAK.split(value))


def code(value: str) -> str:
    """``value`` as a code span on one line, fenced by more backticks than it holds in a row."""
    value = _CONTROL.sub("\ufffd", _BREAK.sub(" ", value))
    fence = "`" * (max((len(run) for run in re.findall("`+", value)), default=0) + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") else value
    return f"{fence}{padded}{fence}"


def row(*cells: str) -> str:
    """A table row; ``|`` is escaped in every cell, where GitHub would end the cell."""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _rule_cell(result: "ScanResult", rid: str) -> str:
    module = result.rules.get(rid)
    if module is None:
        return text(rid)
    return f"[{text(rid)}]({module.meta.help_uri}) {code(module.meta.slug)}"


def _counts(result: "ScanResult", findings: list[Finding]) -> list[str]:
    counts = Counter((rule_id(f), level_of(f)) for f in findings)
    lines = [row("Rule", "Level", "Findings", "What it checks"), "|:--|:--|--:|:--|"]
    for (rid, level), count in sorted(counts.items(), key=lambda kv: (-kv[0][1].rank, kv[0][0])):
        module = result.rules.get(rid)
        summary = text(module.meta.summary) if module is not None else ""
        lines.append(row(_rule_cell(result, rid), level.value, str(count), summary))
    return lines


def _finding_row(finding: Finding, root: Path) -> str:
    span = finding.location
    where = code(f"{relative_uri(span.file, root)}:{span.line}")
    details = detail_lines(finding, lambda at: repo_location(at, root))
    message = "<br>".join(text(line) for line in [finding.message, *details])
    return row(level_of(finding).value, text(rule_id(finding)), where, message)


def graph_section(result: "ScanResult", max_chars: int = MERMAID_MAX_CHARS) -> list[str]:
    """The Mermaid graph of the flows findings are about, under its heading; one line saying
    how to draw it when it is larger than ``max_chars``; nothing when no finding is about a
    flow (or the result holds no model)."""
    if result.built is None:
        return []
    from vpclint.graph import problem_flows_mermaid  # the graph stack only when it is drawn

    mermaid = problem_flows_mermaid(result).rstrip("\n")
    if not mermaid:
        return []
    heading = ["", "#### Flows with problems", ""]
    if len(mermaid) > max_chars:
        return heading + [f"_The graph of these flows has {len(mermaid):,} characters, more than "
                          f"GitHub draws ({max_chars:,}): run `vpclint graph --problems` "
                          "locally._"]
    return heading + ["```mermaid", mermaid, "```"]


def render_markdown(result: "ScanResult", *, max_chars: int = MAX_CHARS) -> str:
    """The report as Markdown, at most about ``max_chars`` characters, ending with a newline."""
    root = Path(result.root)
    findings = active_in_order(result)
    graph = graph_section(result, min(MERMAID_MAX_CHARS, max_chars // 2)) if findings else []
    max_chars -= sum(len(line) + 1 for line in graph)
    lines = [f"### vpclint: {text(summary_line(result))}"]
    if result.notes:
        lines += ["", f"The text report has {plural(len(result.notes), 'note')}: what vpclint "
                  "could not read or judge."]
    if findings:
        lines += ["", *_counts(result, findings), "", "#### Findings", "",
                  row("Level", "Rule", "Where", "Finding"), "|:--|:--|:--|:--|"]
        size = sum(len(line) + 1 for line in lines)
        for listed, finding in enumerate(findings):
            entry = _finding_row(finding, root)
            if size + len(entry) + 1 > max_chars - 200:  # room for the line saying what is left
                left = len(findings) - listed
                lines += ["", f"_{plural(left, 'more finding')} not listed here: the SARIF or "
                          "JSON report has them all._"]
                break
            lines.append(entry)
            size += len(entry) + 1
    return "\n".join(lines + graph) + "\n"
