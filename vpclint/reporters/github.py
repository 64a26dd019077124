"""GitHub Actions annotations: one workflow command per finding, printed to a step's output.

``::error file=infra/main.tf,line=5,endLine=5,col=3,endColumn=29,title=VPC101::message``
makes the runner attach the message to that line of the pull request and of the run's
summary. What the runner needs, and why each piece is here:

- the runner reads a command from one output line, so the message and its details (partners,
  the path of a flow) are joined with newlines and escaped, as ``@actions/core`` does: ``%`` as
  ``%25``, ``\\r`` as ``%0D``, ``\\n`` as ``%0A``; property values also escape ``:`` and ``,``,
  which would otherwise end the property list or the property. Unescaped, a message holding a
  newline could start a workflow command of its own (``::add-mask::``, ``::stop-commands::``)
  chosen by whoever wrote the template;
- ``file`` is relative to the repository root (the workspace), as the runner resolves it;
- the annotation sits where the text report's caret does, on the first line of the span: a
  CloudFormation resource spans its whole block, and the place to read is its header. The
  runner keeps columns only when ``line`` and ``endLine`` are equal, so they are, and
  ``endColumn`` is given when the span ends on that line;
- levels map to ``error``, ``warning`` and ``notice``.

Suppressed findings are not annotated: the user already decided. GitHub shows only the first
few annotations of each level per step, so findings come in the order of every report (file,
line) and the SARIF upload or the job summary is the complete list.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vpclint.paths import UNKNOWN_FILE, relative_uri
from vpclint.reporters.common import active_in_order, detail_lines, level_of
from vpclint.reporters.common import repo_location, rule_id
from vpclint.rule import Finding, Level

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def escape_data(text: str) -> str:
    """A command's message, escaped as ``@actions/core`` escapes it (``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, escaped as ``@actions/core`` escapes it (``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(finding: Finding, root: Path) -> list[tuple[str, str]]:
    span = finding.location
    properties: list[tuple[str, str]] = []
    file = relative_uri(span.file, root)
    if file != UNKNOWN_FILE:
        properties += [("file", file), ("line", str(span.line)), ("endLine", str(span.line)),
                       ("col", str(span.column))]
        if span.end_line == span.line and span.end_column > span.column:
            properties.append(("endColumn", str(span.end_column)))
    properties.append(("title", rule_id(finding)))
    return properties


def annotation(finding: Finding, root: Path) -> str:
    """The workflow command for one finding, on one line."""
    properties = ",".join(f"{name}={escape_property(value)}"
                          for name, value in _properties(finding, root))
    details = detail_lines(finding, lambda at: repo_location(at, root))
    message = "\n".join([finding.message, *details])
    return f"::{COMMANDS[level_of(finding)]} {properties}::{escape_data(message)}"


def render_github(result: "ScanResult") -> str:
    """One annotation per unsuppressed finding, one per line, ending with a newline (or empty)."""
    root = Path(result.root)
    return "".join(annotation(finding, root) + "\n" for finding in active_in_order(result))
