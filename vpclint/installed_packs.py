"""The installed rule packs (entry points), remembered while nothing is installed or removed.

Finding them means importing ``importlib.metadata`` and reading the metadata of every installed
distribution: about 13 ms of each ``vpclint check`` that evaluates (a tenth of a pre-commit
run's own work) and of ``vpclint rules``, for an answer that only an install, an uninstall or a
reinstall changes, and that nearly always is "vpclint's own pack, nothing else".

So when a discovery finds exactly that, it is noted in the private cache directory with a
fingerprint of where it was read from: ``sys.path``, the name of every distribution's
``.dist-info`` or ``.egg-info`` folder in its directories (it carries the version), the size and
modification time of each one's ``entry_points.txt`` (a reinstall rewrites it), and the import
hooks that can list distributions. The next run whose fingerprint is the same loads the
built-in pack without the discovery. Only that one answer is ever stored, never a module name to
import: a note someone else wrote could at most hide third-party packs from this user, and the
directory is private to them. With a third-party pack installed, every run discovers (its
entry points are what they are today, read from the metadata). ``VPCLINT_NO_CACHE`` turns it off.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from typing import Any, Optional

from vpclint.cache_dir import cache_dir, read_private, stamp, write_private

GROUP = "vpclint.rules"
BUILTIN_NAME, BUILTIN_MODULE = "builtin", "vpclint.rules"  # as pyproject.toml registers it
# beside the parse cache's entries and its ".pruned" stamp; no extension: the cache directory
# may lie in a scanned tree, whose .json files are templates
_NOTE = ".installed-packs"
_FORMAT = 1
_METADATA_SUFFIXES = (".dist-info", ".egg-info")


class BuiltinPack:
    """The built-in pack's entry point, loaded as ``importlib.metadata`` would load it."""

    name = BUILTIN_NAME
    value = BUILTIN_MODULE

    def load(self) -> Any:
        return importlib.import_module(BUILTIN_MODULE)


def entry_points(group: str = GROUP) -> list:
    """The installed entry points of ``group``: for the rule group, the noted answer when it
    still holds, else ``importlib.metadata``'s."""
    directory = cache_dir() if group == GROUP else None
    fingerprint = _fingerprint() if directory is not None else None
    if fingerprint is not None and _noted(directory, fingerprint):
        return [BuiltinPack()]
    from importlib.metadata import entry_points as installed

    found = list(installed(group=group))
    if fingerprint is not None and [(e.name, e.value) for e in found] == [
            (BUILTIN_NAME, BUILTIN_MODULE)]:
        write_private(directory / _NOTE, json.dumps(
            {"format": _FORMAT, "fingerprint": fingerprint}).encode())
    return found


def _noted(directory, fingerprint: str) -> bool:
    data = read_private(directory / _NOTE)
    try:
        note = json.loads(data) if data is not None else None
    except ValueError:
        return False
    return (isinstance(note, dict) and note.get("format") == _FORMAT
            and note.get("fingerprint") == fingerprint)


def _fingerprint() -> Optional[str]:
    """A digest of everything ``importlib.metadata`` reads to find distributions; None when an
    import hook this module does not know could list distributions of its own."""
    if any(hasattr(finder, "find_distributions") and not _standard(finder)
           for finder in sys.meta_path):
        return None
    digest = hashlib.sha256(f"{_FORMAT}\0{sys.version}\0{sys.prefix}".encode())
    for entry in sys.path:
        digest.update(f"\0\0{entry}\0{_state(entry or '.')}".encode())
    return digest.hexdigest()


def _standard(finder) -> bool:
    """The standard library's path finder (which ``importlib.metadata`` itself reads)."""
    return getattr(finder, "__module__", None) in ("importlib._bootstrap_external",
                                                    "_frozen_importlib_external")


def _state(path: str) -> str:
    """A ``sys.path`` entry as distribution discovery sees it: in a directory, the name of each
    distribution's metadata (with its version) and its entry points file's size and time; a
    file's (a zip's) size and time."""
    try:
        names = sorted(os.listdir(path))
    except NotADirectoryError:
        return str(stamp(path))
    except OSError as error:
        return f"unreadable {error.errno}"
    parts = []
    for name in names:
        if name.lower().endswith(_METADATA_SUFFIXES):
            folder = os.path.join(path, name)
            parts += [name, str(stamp(os.path.join(folder, "entry_points.txt"))
                                if os.path.isdir(folder) else stamp(folder))]
    return "\0".join(parts)
