"""Where vpclint keeps its caches: one private directory per user.

Its own module because two caches share it (parsed files in ``vpclint.cache``, whole-scan
reports in ``vpclint.result_cache``), and the second must be reachable without importing the
first: a run served from the report cache loads neither the loaders nor the engine.
"""

from __future__ import annotations

import os
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
