"""Errors that end a run with exit code 2 and a one-line message instead of a traceback.

The CLI catches ``VpclintError`` and prints its message: these are the user's mistakes (a bad
flag, an invalid config, a missing baseline), not vpclint's, so a traceback would only hide the
one line that says what to fix.
"""

from __future__ import annotations


class VpclintError(Exception):
    """A usage error: the run cannot start or finish as asked (exit code 2)."""

    exit_code = 2


class ConfigError(VpclintError):
    """Invalid configuration: a config file, a select/ignore entry, a baseline file.

    The message names the file and the offending key or entry, so the user can fix it unaided.
    """


def describe_crash(error: BaseException) -> str:
    """An exception in one line for an internal-error report: its type, message and the
    innermost frame of vpclint's own code (what a bug report needs; no traceback)."""
    import traceback
    from pathlib import Path

    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "vpclint" in Path(f.filename).parts or "rules" in Path(
        f.filename).parts] or frames
    where = f" at {Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else ""
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{type(error).__name__}{': ' + text if text else ''}{where}"
