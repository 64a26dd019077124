"""How a failure is described: its kind, where in vpclint it happened, and the signature that
groups the failures of a round into classes.

A failure is a dict (it goes into ``mutant.json`` as it is): ``kind`` (exception,
internal-error, invalid-output, code-execution, timeout, memory, crash, fuzzer-error),
``signature`` (the kind with the exception type and the innermost frame of vpclint's own code,
so one bug is one class however many mutants hit it), ``where``, ``stage`` (what the check was
doing), ``message`` and ``traceback``.
"""

from __future__ import annotations

import re
import signal
import traceback
from pathlib import Path


def record(kind: str, signature: str, where: str = "", stage: str = "", message: str = "",
           trace: str = "") -> dict:
    """A failure, its message and traceback cut to what a report can hold."""
    return {"kind": kind, "signature": signature, "where": where, "stage": stage,
            "message": message[:2000], "traceback": trace[-20000:]}


def failure(kind: str, error: BaseException | None, detail: str = "", stage: str = "") -> dict:
    """A failure of ``kind``, placed at the innermost vpclint frame of ``error`` (if any)."""
    frames = list(traceback.extract_tb(error.__traceback__)) if error is not None else []
    where = _innermost_frame(frames)
    name = type(error).__name__ if error is not None else ""
    text = "".join(traceback.format_exception(error)) if error is not None else ""
    message = detail or (f"{name}: {error}" if error is not None else "")
    signature = f"{kind}: {name} at {where}" if error is not None else f"{kind}: {detail[:120]}"
    return record(kind, signature, where, stage, message, text)


def _ours(filename: str) -> str | None:
    """``filename`` relative to vpclint's package or the rule pack, if it is one of theirs."""
    path = Path(filename)
    if "vpclint" in path.parts[:-1]:
        return "/".join(path.parts[len(path.parts) - path.parts[::-1].index("vpclint"):])
    if path.parent.name == "rules" and (path.parent.parent / "vpclint").is_dir():
        return f"rules/{path.name}"
    return None


def _innermost_frame(frames: list[traceback.FrameSummary]) -> str:
    """``file.py:line function`` of the innermost frame in vpclint or its rules."""
    for frame in reversed(frames):
        short = _ours(frame.filename)
        if short is not None:
            return f"{short}:{frame.lineno} {frame.name}"
    if frames:
        return f"{Path(frames[-1].filename).name}:{frames[-1].lineno} {frames[-1].name}"
    return "?"


def stack_where(stack: str) -> str:
    """The innermost vpclint frame of a faulthandler dump (it lists innermost first)."""
    for line in stack.splitlines():
        match = re.match(r'\s*File "([^"]+)", line (\d+) in (\S+)', line)
        if match and _ours(match.group(1)) is not None:
            return f"{_ours(match.group(1))}:{match.group(2)} {match.group(3)}"
    return "?"


def exit_reason(code: int | None) -> str:
    """Why a worker process ended, from its exit code."""
    if code is None:
        return "died"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    if code == 1:  # faulthandler's dump_traceback_later(exit=True) exits with status 1
        return "timeout (stuck in C code)"
    return f"exited with status {code}"


def distinct(failures: list[dict]) -> list[dict]:
    """One failure per signature, the first of each."""
    seen: dict[str, dict] = {}
    for found in failures:
        seen.setdefault(found["signature"], found)
    return list(seen.values())


def same_class(found: str, wanted: str) -> bool:
    """Whether two signatures name the same failure, line numbers aside (they move as the
    engine changes)."""
    return _without_line_numbers(found) == _without_line_numbers(wanted)


def _without_line_numbers(signature: str) -> str:
    return re.sub(r":\d+\b", "", signature)
