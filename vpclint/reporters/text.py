"""The terminal report: one ``path:line:col: ID [level] message`` line per finding, a code frame.

The first line is the format editors and CI logs turn into links, with the path relative to the
current directory so that it opens from where the user stands. The frame shows the offending
line between its neighbours with a caret under the column, so a reader sees the problem without
opening the file; partner components follow as ``partner:`` lines because a pairing problem is
fixed on one side or the other, and a flow finding (a detour, a misdirected flow) ends with a
``path:`` line, the way the traffic goes from the workload to the service, on one line.
Suppressed findings are only counted: the user already decided.
Colour is added only when asked for (the CLI asks on a TTY without ``NO_COLOR``).

Frames stay small whatever the input: a frame line shows at most ``MAX_FRAME_WIDTH`` characters
around the column, with ``…`` where it is cut (a minified template is one line of megabytes),
and each file is read once per report, only up to the last line a frame shows (and never more
than ``MAX_READ`` characters), keeping only the characters the frames need. Frames show only
what the scan itself may read: a regular file (a FIFO would block), inside the repository or
reached without a symlink (``x.tf -> /etc/passwd`` is a VPC001 finding, never a frame).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from msgspec import Struct

from vpclint.paths import display_path, relative_uri
from vpclint.reporters.common import active_in_order, detail_lines, level_of
from vpclint.reporters.common import rule_id, source_path, summary_line
from vpclint.rule import Finding, Level
from vpclint.source import Span

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.result import ScanResult

TAB_WIDTH = 4
MAX_FRAME_WIDTH = 200  # source characters a frame line shows at most
LEFT_CONTEXT = 80  # characters kept left of the column when a long line is cut
ELLIPSIS = "\u2026"
_READ_CHUNK = 64 * 1024  # characters read at a time, so a long line is never held whole
MAX_READ = 16 * 1024 * 1024  # characters read of one file at most, for all its frames
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


class _Line(Struct):
    """What was kept of one source line: its length and the character ranges frames show."""

    length: int
    pieces: list[tuple[int, str]]  # (offset of the first character, text)

    def text(self, start: int, end: int) -> str:
        """Characters ``start`` to ``end`` (clamped to the line), from the kept ranges."""
        start, end = max(0, min(start, self.length)), max(0, min(end, self.length))
        if end <= start:
            return ""
        for offset, text in self.pieces:
            if offset <= start and end <= offset + len(text):
                return text[start - offset:end - offset]
        return ""  # not kept: never asked for by a frame


def _window(span: Span) -> tuple[int, int]:
    """The characters ``[start, end)`` a frame shows of lines too long to show whole."""
    column = span.column - 1
    start = 0 if column < MAX_FRAME_WIDTH - LEFT_CONTEXT // 2 else column - LEFT_CONTEXT
    return start, start + MAX_FRAME_WIDTH


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _read(path: Path, wanted: dict[int, list[tuple[int, int]]]) -> dict[int, _Line]:
    """The wanted character ranges of the wanted lines of ``path``, read in one pass that
    stops after the last wanted line and never holds a whole long line."""
    ranges = {number: _merge(spans) for number, spans in wanted.items()}
    last = max(ranges)
    found: dict[int, _Line] = {}
    number, offset, budget = 1, 0, MAX_READ
    kept: list[list[str]] = []
    with _open(path) as handle:
        while number <= last and budget > 0:
            chunk = handle.readline(min(_READ_CHUNK, budget))
            budget -= len(chunk)
            ends = chunk.endswith("\n")
            text = chunk[:-1] if ends else chunk
            spans = ranges.get(number)
            if spans:
                kept = kept or [[] for _ in spans]
                for (start, end), bits in zip(spans, kept):
                    low, high = max(start, offset), min(end, offset + len(text))
                    if low < high:
                        bits.append(text[low - offset:high - offset])
            offset += len(text)
            if ends or (not chunk and offset):  # a line ends, or the file ends mid-line
                if spans:
                    found[number] = _Line(offset, [(start, "".join(bits)) for (start, _), bits
                                                   in zip(spans, kept)])
                number, offset, kept = number + 1, 0, []
            if not chunk:
                break
    return found


def _open(path: Path):
    """``path`` opened for reading text, if it is a regular file: never blocks on a FIFO."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path}: not a regular file")
    except OSError:
        os.close(descriptor)
        raise
    return open(descriptor, encoding="utf-8-sig", errors="replace", newline=None)


def _may_show(path: Path, files_read: frozenset[str]) -> bool:
    """Whether a frame may show ``path``: only a file the scan itself parsed (so inside the
    scanned paths, a regular file, under the size limit). A file vpclint refused to read (a
    symlink out of the scan, a FIFO) is a VPC001 finding whose target is not vpclint's to
    print."""
    try:
        real = os.path.realpath(path)
        return real in files_read and stat.S_ISREG(os.stat(real).st_mode)
    except (OSError, ValueError):
        return False


class _Sources:
    """The source lines the frames of one report show, each file read once, up front."""

    def __init__(self, root: Path, spans: list[Span], files_read: frozenset[str]) -> None:
        wanted: dict[str, dict[int, list[tuple[int, int]]]] = {}
        for span in spans:
            if not span.file:
                continue
            lines = wanted.setdefault(span.file, {})
            window = _window(span)
            for number in range(max(1, span.line - 1), span.line + 2):
                lines.setdefault(number, []).extend([(0, MAX_FRAME_WIDTH), window])
        self._lines: dict[str, dict[int, _Line] | None] = {}
        for file, lines in wanted.items():
            path = source_path(file, root)
            try:
                self._lines[file] = _read(path, lines) if _may_show(path, files_read) else None
            except (OSError, ValueError):
                self._lines[file] = None

    def lines(self, file: str) -> dict[int, _Line] | None:
        return self._lines.get(file)


def _clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def _frame(span: Span, sources: _Sources, paint: _Painter) -> list[str]:
    """The offending line, one line either side, a gutter of line numbers and a caret line."""
    if not span.file:
        return []
    lines = sources.lines(span.file)
    if not lines or span.line not in lines:
        return []
    numbers = [n for n in range(max(1, span.line - 1), span.line + 2) if n in lines]
    if max(lines[n].length for n in numbers) <= MAX_FRAME_WIDTH:
        start, end = 0, MAX_FRAME_WIDTH  # every line fits: shown whole
    else:
        start, end = _window(span)
    width = len(str(numbers[-1]))
    out = []
    for number in numbers:
        line = lines[number]
        cut_left = start > 0 and line.length > 0
        shown = (ELLIPSIS if cut_left else "") + line.text(start, end)
        text = _clean(shown.expandtabs(TAB_WIDTH)) + (ELLIPSIS if line.length > end else "")
        marker = ">" if number == span.line else " "
        gutter = paint(f" {marker} {number:>{width}} |", "dim")
        out.append(f"{gutter} {text}".rstrip())
        if number == span.line:
            blank = paint("   " + " " * width + " |", "dim")
            out.append(f"{blank} {_caret(line, span, start, end, cut_left, paint)}")
    return out


def _caret(line: _Line, span: Span, start: int, end: int, cut_left: bool,
           paint: _Painter) -> str:
    """A ``^~~~`` under the span on its first line (to the line's end for multi-line spans),
    within the characters the frame shows."""
    first = min(span.column - 1, line.length)
    if span.end_line == span.line and span.end_column > span.column:
        last = min(span.end_column - 1, line.length)
    elif span.end_line > span.line:
        last = line.length
    else:
        last = first + 1
    first = min(max(first, start), end)
    last = max(min(last, end), first)
    before = (ELLIPSIS if cut_left else "") + line.text(start, first)
    indent = len(before.expandtabs(TAB_WIDTH))
    length = max(1, len((before + line.text(first, last)).expandtabs(TAB_WIDTH)) - indent)
    return " " * indent + paint("^" + "~" * (length - 1), "caret")


def _finding_lines(finding: Finding, cwd: Path, sources: _Sources, paint: _Painter) -> list[str]:
    span = finding.location
    level = level_of(finding)
    where = paint(f"{display_path(span.file, cwd)}:{span.line}:{span.column}:", "bold")
    head = f"{where} {paint(rule_id(finding), 'bold')} {paint(f'[{level.value}]', level)} {_clean(finding.message)}"
    out = [head, *_frame(span, sources, paint)]
    out += [f"  {_clean(line)}" for line in
            detail_lines(finding, lambda at: f"{display_path(at.file, cwd)}:{at.line}")]
    return out


def render_text(result: "ScanResult", *, color: bool = False,
                cwd: str | PurePath | None = None) -> str:
    """The whole report as one string, ending with a newline.

    Files are named relative to ``cwd`` (default: the current directory); the order is the
    repository's, as in every format.
    """
    root = Path(result.root)
    here = Path(cwd) if cwd is not None else Path.cwd()
    paint = _Painter(color)
    shown = active_in_order(result)
    sources = _Sources(root, [f.location for f in shown], result.files_read)
    blocks = ["\n".join(_finding_lines(f, here, sources, paint)) for f in shown]
    notes = sorted(result.notes, key=lambda n: (relative_uri(n.file, root), n.line, n.message))
    if notes:
        blocks.append("\n".join(
            f"{display_path(n.file, here)}:{n.line}: {paint('note:', Level.NOTE)} {_clean(n.message)}"
            for n in notes))
    blocks.append(paint(summary_line(result), "bold"))
    return "\n\n".join(blocks) + "\n"
