"""Where vpclint keeps its caches: one private directory per user.

Its own module because several caches share it (parsed files in ``vpclint.cache``, whole-scan
reports in ``vpclint.result_cache``, the HCL parser's tables in ``vpclint.loaders.hcl_tables``),
and the reports must be reachable without importing the rest: a run served from the report
cache loads neither the loaders nor the engine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional


def cache_dir() -> Optional[Path]:
    """``$XDG_CACHE_HOME/vpclint`` (or ``~/.cache/vpclint``), created private; None when
    ``VPCLINT_NO_CACHE`` is set, or when it cannot be made private or is another user's."""
    if os.environ.get("VPCLINT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "vpclint"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name == "posix":
            status = os.stat(path)
            if status.st_uid != os.getuid():
                return None  # its owner could put anything in it
            if status.st_mode & 0o077:
                os.chmod(path, 0o700)
    except OSError:
        return None
    return path


_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_BINARY", 0)
               | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
_WRITE_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
                | getattr(os, "O_NOFOLLOW", 0))


def stamp(path: str) -> tuple[int, int]:
    """The size and modification time (ns) of ``path``, (-1, -1) when it cannot be read: what
    the caches compare to notice that a file they depend on changed."""
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return (status.st_size, status.st_mtime_ns)


def read_private(path: Path) -> Optional[bytes]:
    """The bytes of the regular file ``path``; None when it is missing, unreadable, a symlink
    (refused, not followed) or anything else (a FIFO is opened without blocking, then refused)."""
    try:
        fd = os.open(path, _READ_FLAGS)
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return handle.read()
    except OSError:
        return None


def write_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` readable by this user only, atomically (a temporary file named
    ``<name>.<pid>.tmp`` renamed into place: a reader never sees half of it); False when it
    could not be written, which leaves nothing behind."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(os.open(tmp, _WRITE_FLAGS, 0o600), "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True
