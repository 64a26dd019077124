"""Internal errors the engine contained: a rule or an evaluation step that raised, which the
engine turned into a VPC000 finding and a one-line description, going on with the rest.

The fuzzer wants the exception itself, with its traceback and innermost frame, to tell one bug
from another: in the worker, every vpclint module's ``describe_crash`` is wrapped to keep what
it is given (``CAUGHT``).
"""

from __future__ import annotations

import re
import sys

from .classify import failure, record

CAUGHT: list[BaseException] = []  # what describe_crash was given during the current check


def watch_contained_crashes() -> None:
    """Wrap ``vpclint.errors.describe_crash`` where vpclint and its rules imported it (once, in
    each worker, after every module is imported)."""
    import vpclint.engine  # noqa: F401 - imports the modules that report crashes
    from vpclint import errors

    original = errors.describe_crash

    def describe_crash(error: BaseException) -> str:
        CAUGHT.append(error)
        return original(error)

    for name, module in list(sys.modules.items()):
        if (name == "vpclint" or name.startswith(("vpclint.", "rules"))) and \
                getattr(module, "describe_crash", None) is original:
            module.describe_crash = describe_crash


def internal_errors(result) -> list[dict]:
    """What the scan reported as its own failure: ``ScanResult.failures`` (VPC000 findings), an
    internal-error count, and any note or finding that speaks of an internal error; one failure
    per exception caught, or one for the messages when none was."""
    messages = [f.message for f in result.failures]
    messages += [n.message for n in result.notes if "internal error" in n.message.lower()]
    messages += [f.message for f in result.findings
                 if "internal error" in f.message.lower()
                 or (f.rule is not None and f.rule.id == "VPC000")]
    count = result.internal_errors
    if not messages and not count and not CAUGHT:
        return []
    failures = []
    for error in CAUGHT:  # the exceptions themselves, with their tracebacks
        kind = "memory" if isinstance(error, MemoryError) else "internal-error"
        failures.append(failure(kind, error, f"{type(error).__name__}: {error}"[:300]
                                + "\n(contained: " + (messages[0] if messages else "?") + ")",
                                "scan"))
    if not failures:  # a message without an exception: its text, numbers and names left out
        message = "; ".join(dict.fromkeys(messages)) or f"{count} internal errors"
        generic = re.sub(r"\d+", "N", re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message))[:160]
        failures.append(record("internal-error", f"internal-error: {generic}", stage="scan",
                               message=message))
    return failures
