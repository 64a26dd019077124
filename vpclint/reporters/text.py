"""The terminal report: one ``path:line:col: ID [level] message`` line per finding, a code frame.

The first line is the format editors and CI logs turn into links. The frame shows the offending
line between its neighbours with a caret under the column, so a reader sees the problem without
opening the file; partner components follow as ``partner:`` lines because a pairing problem is
fixed on one side or the other, and a flow finding (a detour, a misdirected flow) ends with a
``path:`` line, the way the traffic goes from the workload to the service, on one line.
Suppressed findings are only counted: the user already decided.
Colour is added only when asked for (the CLI asks on a TTY without ``NO_COLOR``).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from vpclint.reporters import level_of, plural, relative_uri, rule_id, sort_key, source_path
from vpclint.rule import Finding, Level
from vpclint.source import Span

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

TAB_WIDTH = 4
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")  # keeps a hostile file from driving the terminal

_RESET = "\x1b[0m"
_STYLES = {
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
    Level.ERROR: "\x1b[1;31m",
    Level.WARNING: "\x1b[1;33m",
    Level.NOTE: "\x1b[1;36m",
    "caret": "\x1b[1;35m",
}


class _Painter:
    """Wraps text in ANSI styles, or leaves it alone when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style) -> str:
        if not self.enabled or not text:
            return text
        return f"{_STYLES[style]}{text}{_RESET}"


class _Sources:
    """Source lines by file, read once per report; ``None`` for a file that cannot be read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, file: str) -> list[str] | None:
        if file not in self._lines:
            try:
                text = source_path(file, self.root).read_text(encoding="utf-8", errors="replace")
                self._lines[file] = text.splitlines()
            except (OSError, ValueError):
                self._lines[file] = None
        return self._lines[file]


def _clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def _frame(span: Span, sources: _Sources, paint: _Painter) -> list[str]:
    """The offending line, one line either side, a gutter of line numbers and a caret line."""
    if not span.file:
        return []
    lines = sources.lines(span.file)
    if not lines or span.line > len(lines):
        return []
    first, last = max(1, span.line - 1), min(len(lines), span.line + 1)
    width = len(str(last))
    out = []
    for number in range(first, last + 1):
        raw = lines[number - 1]
        text = _clean(raw.expandtabs(TAB_WIDTH))
        marker = ">" if number == span.line else " "
        gutter = paint(f" {marker} {number:>{width}} |", "dim")
        out.append(f"{gutter} {text}".rstrip())
        if number == span.line:
            blank = paint("   " + " " * width + " |", "dim")
            out.append(f"{blank} {_caret(raw, span, paint)}")
    return out


def _caret(raw: str, span: Span, paint: _Painter) -> str:
    """A ``^~~~`` under the span on its first line (to the line's end for multi-line spans)."""
    start = min(span.column - 1, len(raw))
    if span.end_line == span.line and span.end_column > span.column:
        end = min(span.end_column - 1, len(raw))
    elif span.end_line > span.line:
        end = len(raw)
    else:
        end = start + 1
    indent = len(raw[:start].expandtabs(TAB_WIDTH))
    length = max(1, len(raw[:end].expandtabs(TAB_WIDTH)) - indent)
    return " " * indent + paint("^" + "~" * (length - 1), "caret")


def _finding_lines(finding: Finding, root: Path, sources: _Sources, paint: _Painter) -> list[str]:
    span = finding.location
    level = level_of(finding)
    where = paint(f"{relative_uri(span.file, root)}:{span.line}:{span.column}:", "bold")
    head = f"{where} {paint(rule_id(finding), 'bold')} {paint(f'[{level.value}]', level)} {_clean(finding.message)}"
    out = [head, *_frame(span, sources, paint)]
    for related in finding.related:
        at = related.component.span(related.field)
        out.append(f"  partner: {_clean(related.message)} at {relative_uri(at.file, root)}:{at.line}")
    if finding.instances:
        out.append(f"  instances: {_clean(', '.join(finding.instances))}")
    path = getattr(finding.flow, "path", None) if finding.flow is not None else None
    if path:
        out.append(f"  path: {_clean(path)}")
    return out


def _summary(result: "ScanResult", shown: list[Finding]) -> str:
    levels = Counter(level_of(f) for f in shown)
    parts = [plural(levels[level], level.value) for level in (Level.ERROR, Level.WARNING, Level.NOTE)
             if levels[level]]
    head = plural(len(shown), "finding") if shown else "No findings"
    if parts:
        head += f" ({', '.join(parts)})"
    head += f" in {plural(result.files_scanned, 'file')}"
    suppressed = len(result.findings) - len(shown)
    tail = []
    if suppressed:
        tail.append(f"{suppressed} suppressed")
    if result.baseline_hidden:
        tail.append(f"{result.baseline_hidden} hidden by baseline")
    return "; ".join([head, *tail])


def render_text(result: "ScanResult", *, color: bool = False) -> str:
    """The whole report as one string, ending with a newline."""
    root = Path(result.root)
    paint = _Painter(color)
    sources = _Sources(root)
    shown = sorted(result.active, key=lambda f: sort_key(f, root))
    blocks = ["\n".join(_finding_lines(f, root, sources, paint)) for f in shown]
    notes = sorted(result.notes, key=lambda n: (relative_uri(n.file, root), n.line, n.message))
    if notes:
        blocks.append("\n".join(
            f"{relative_uri(n.file, root)}:{n.line}: {paint('note:', Level.NOTE)} {_clean(n.message)}"
            for n in notes))
    blocks.append(paint(_summary(result, shown), "bold"))
    return "\n\n".join(blocks) + "\n"
