"""How vpclint names files: relative to the repository root for machines, to the working
directory for people.

Reporters, the baseline, the fingerprint and the CLI views all name files; they share these
answers so that a file is spelled the same in a SARIF URI, a baseline entry and a JSON report.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from vpclint.files import real_path

#: What ``relative_uri`` answers for a finding that has no file at all (it should not happen).
UNKNOWN_FILE = "<unknown>"


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
