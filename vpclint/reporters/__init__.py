"""Reporters: turn a ``ScanResult`` into text for a terminal, JSON for scripts, SARIF for code
scanning, or the formats CI systems read (GitHub annotations, GitLab Code Quality, JUnit XML,
Markdown for job summaries and pull-request comments).

This package's entry is the format table and ``render``; what every reporter answers the same
way lives in ``vpclint.reporters.common``, which the format modules import (and never this
module, which loads them by name).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
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
