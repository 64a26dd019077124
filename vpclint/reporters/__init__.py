"""Reporters: turn a ``ScanResult`` into text for a terminal, JSON for scripts, SARIF for code
scanning, or the formats CI systems read (GitHub annotations, GitLab Code Quality, JUnit XML,
Markdown for job summaries and pull-request comments).

Every reporter answers the same questions the same way (which level a finding has, which path
and position it points at, in which order findings come), so those answers live here, once.
Every machine-read format names files relative to the repository root (``ScanResult.root``),
never to the scanned directory, because that is what code scanning, CI systems and scripts
expect wherever vpclint runs.
Text is read by a person in a terminal, who opens the file from where they stand: it names files
relative to the current directory (``display_path``), as ruff, tflint and cfn-lint do.
"""

from __future__ import annotations

import os
from collections import Counter
from importlib import import_module
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Callable

from vpclint.files import real_path
from vpclint.rule import Finding, Level, level_of
from vpclint.source import Span

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.model.components import Component
    from vpclint.result import ScanResult

#: The format table: each format's module and function, and the render options it takes
#: (``color``, ``cwd``, ``category``). Modules are imported only when their format is asked
#: for, so ``vpclint --version`` and the pre-commit path never load what they do not print.
_RENDERERS: dict[str, tuple[str, str, frozenset[str]]] = {
    "text": ("vpclint.reporters.text", "render_text", frozenset({"color", "cwd"})),
    "json": ("vpclint.reporters.json_report", "render_json", frozenset()),
    "sarif": ("vpclint.reporters.sarif", "render_sarif", frozenset({"category"})),
    "github": ("vpclint.reporters.github", "render_github", frozenset()),
    "gitlab": ("vpclint.reporters.gitlab", "render_gitlab", frozenset()),
    "junit": ("vpclint.reporters.junit", "render_junit", frozenset()),
    "markdown": ("vpclint.reporters.markdown", "render_markdown", frozenset()),
}
FORMATS = tuple(_RENDERERS)

#: What ``relative_uri`` answers for a finding that has no file at all (it should not happen).
UNKNOWN_FILE = "<unknown>"


def render(result: "ScanResult", fmt: str, *, color: bool = False, category: str | None = None,
           cwd: str | PurePath | None = None) -> str:
    """Render ``result`` in ``fmt`` (one of ``FORMATS``).

    ``color`` and ``cwd`` (what text paths are relative to; default: the current directory)
    are for text, ``category`` for SARIF; each format is handed only the options it takes.
    """
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module, function, takes = _RENDERERS[fmt]
    options = {"color": color, "category": category, "cwd": cwd}
    renderer = getattr(import_module(module), function)
    return renderer(result, **{name: value for name, value in options.items() if name in takes})


def _absolute(path: str | PurePath) -> Path:
    """An absolute, normalised path; a relative one is taken relative to the working directory."""
    return Path(os.path.abspath(os.fspath(path)))


def relative_path(file: str | PurePath, root: str | PurePath) -> Path | None:
    """``file`` relative to ``root`` when it lies strictly under it, else ``None``.

    Tries the plain normalised paths first, then the symlink-resolved ones (``/tmp`` may be a
    link to ``/private/tmp``, and the loaders may have recorded either spelling).
    """
    path, base = _absolute(file), _absolute(root)
    rel = _strictly_under(path, base)
    if rel is None:  # resolving symlinks costs system calls: only when the spelling differs
        rel = _strictly_under(Path(real_path(str(path))), Path(real_path(str(base))))
    return rel


def _strictly_under(path: Path, base: Path) -> Path | None:
    try:
        rel = path.relative_to(base)
    except ValueError:
        return None
    return rel if rel.parts else None


def relative_uri(file: str | PurePath, root: str | PurePath) -> str:
    """How reports name ``file``: relative to ``root`` with forward slashes, else absolute.

    Never empty and never starting with ``./`` or ``/`` when relative: code scanning drops
    results whose URI is empty or carries such a prefix. Not percent-encoded; SARIF does that.
    """
    if not os.fspath(file):
        return UNKNOWN_FILE
    rel = relative_path(file, root)
    if rel is None:
        return _absolute(file).as_posix()
    return rel.as_posix()


def display_path(file: str | PurePath, cwd: str | PurePath | None = None) -> str:
    """How the text report names ``file``: a path that opens from ``cwd`` (default: the current
    directory), so an editor or a terminal can follow it.

    Relative to ``cwd`` when the file is under it (``infra/main.tf``), with ``..`` when it is
    beside it (``../other/main.tf``); absolute when the two share nothing but the filesystem
    root or lie on different drives, where a chain of ``..`` would only hide the real place.
    """
    if not os.fspath(file):
        return UNKNOWN_FILE
    path = _absolute(file)
    base = _absolute(cwd if cwd is not None else os.getcwd())
    for candidate, anchor in ((path, base), (Path(os.path.realpath(path)),
                                             Path(os.path.realpath(base)))):
        try:
            common = Path(os.path.commonpath([candidate, anchor]))
        except ValueError:  # different drives
            continue
        if common == Path(common.anchor):
            continue
        return Path(os.path.relpath(candidate, anchor)).as_posix()
    return path.as_posix()


def source_path(file: str, root: str | PurePath) -> Path:
    """Where to read ``file`` from: as recorded, or under the root if that is where it exists."""
    path = Path(file)
    if not path.is_absolute() and not path.exists():
        under_root = Path(root) / path
        if under_root.exists():
            return under_root
    return path


def rule_id(finding: Finding) -> str:
    """The ID the engine stamped on ``finding`` (``"unknown"`` if it was never stamped)."""
    return finding.rule.id if finding.rule is not None else "unknown"


def display_address(component: "Component", root: str | PurePath) -> str:
    """The address users see, with a CloudFormation template path made relative to ``root``."""
    resource = component.resource
    if resource.flavour == "cloudformation":
        return f"{relative_uri(resource.file, root)}#{resource.address}"
    return resource.display_address


def sort_key(finding: Finding, root: str | PurePath) -> tuple:
    """File, line, column, rule: the order every reporter lists findings in (deterministic)."""
    span: Span = finding.location
    address = finding.component.resource.address if finding.component is not None else ""
    return (relative_uri(span.file, root), span.line, span.column, rule_id(finding), address,
            finding.field or "", finding.message)


def repo_location(span: Span, root: str | PurePath) -> str:
    """``file:line`` with the file relative to the repository root, as CI systems name it."""
    return f"{relative_uri(span.file, root)}:{span.line}"


def detail_lines(finding: Finding, where: Callable[[Span], str]) -> list[str]:
    """What a finding says beyond its message, one line each: the partners to look at, the
    module-call arguments that decided the value at fault, the instances it stands for, and a
    flow finding's path. ``where`` names a location the way the report names files."""
    lines = [f"partner: {related.message} at {where(related.component.span(related.field))}"
             for related in finding.related]
    lines += [f"set by: the argument of {origin.call} at {where(origin.span)}"
              for origin in finding.origins]
    if finding.instances:
        label = "instances" if len(finding.instances) > 1 else "instance"
        lines.append(f"{label}: {', '.join(finding.instances)}")
    path = getattr(finding.flow, "path", None) if finding.flow is not None else None
    if path:
        lines.append(f"path: {path}")
    return lines


def active_in_order(result: "ScanResult") -> list[Finding]:
    """The findings not suppressed inline, in the order every report lists them."""
    root = Path(result.root)
    return sorted(result.active, key=lambda f: sort_key(f, root))


def summary_line(result: "ScanResult") -> str:
    """``6 findings (5 errors, 1 warning) in 12 files; 2 suppressed; 1 hidden by baseline``."""
    shown = result.active
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


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
