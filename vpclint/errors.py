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
