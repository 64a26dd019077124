"""One mutant through the real pipeline, in the current (worker) process: ``vpclint.engine.scan``
and then the text, JSON and SARIF reporters, under an alarm.

A mutant fails when an exception escapes, when the scan reports an internal error, when the
JSON or SARIF output is not JSON, when it runs out of time (the alarm) or memory (``RLIMIT_AS``,
set by the worker), or when an odd YAML tag made the loader run Python code. A crash of the
whole process is the pool's to see.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

from .classify import distinct, failure
from .contained import CAUGHT, internal_errors
from .layout import materialize
from .mutant import Mutant
from .mutators.yaml_tags import MARKER

FORMATS = ("text", "json", "sarif")


class FuzzTimeout(BaseException):
    """Raised by the per-mutant alarm; a BaseException so the engine's handlers let it pass."""


def _alarm(signum, frame):
    raise FuzzTimeout("per-mutant timeout")


def arm_alarm(seconds: float) -> None:
    """Raise ``FuzzTimeout`` in this process after ``seconds``."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def disarm_alarm() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)


def _config(mutant: Mutant):
    from vpclint.config import Config

    settings = dict(mutant.config)
    if mutant.allow_read:
        settings["allow_read"] = [Path(p) for p in mutant.allow_read]
    return Config(**settings)


def check(mutant: Mutant, workdir: Path, timeout: float) -> tuple[list[dict], dict[str, int]]:
    """Run the mutant through scan and the three reporters. The failures found (one per kind
    and place, none when it passed), and what the scan found, for the round's statistics: did
    a file fail to parse (VPC001), and how many other findings were there (empty when the scan
    or the reports did not finish)."""
    from vpclint.engine import scan  # at call time: a test may have replaced it
    from vpclint.reporters import render

    project = Path(tempfile.mkdtemp(prefix=f"m{mutant.index}-", dir=workdir))
    old_cwd = os.getcwd()
    stage = "materialize"
    stats: dict[str, int] = {}
    CAUGHT.clear()
    try:
        target = materialize(mutant, project)
        os.chdir(project)
        arm_alarm(timeout)
        try:
            stage = "scan"
            result = scan([str(target)], _config(mutant), root=project)
            outputs = {}
            for fmt in FORMATS:
                stage = f"render {fmt}"
                outputs[fmt] = render(result, fmt)
        finally:
            disarm_alarm()
        stage = "checks"
        ids = [f.rule.id if f.rule is not None else "" for f in result.findings]
        stats.update(parse_error=int("VPC001" in ids),
                     findings=sum(1 for i in ids if i not in ("VPC001", "VPC000")))
        failures = []
        if (project / MARKER).exists():
            failures.append(failure("code-execution", None, "a YAML python/object tag was run"))
        for fmt in ("json", "sarif"):
            try:
                json.loads(outputs[fmt])
            except ValueError as error:
                failures.append(failure("invalid-output", error,
                                        f"the {fmt} report is not JSON: {error}", f"render {fmt}"))
        failures.extend(internal_errors(result))
        return distinct(failures), stats
    except FuzzTimeout as error:
        return [failure("timeout", error, f"over {timeout:g} s (in {stage})", stage)], stats
    except MemoryError as error:
        return [failure("memory", error, f"MemoryError (in {stage})", stage)], stats
    except BaseException as error:  # noqa: BLE001 - anything escaping is the finding
        if isinstance(error, KeyboardInterrupt):
            raise
        return [failure("exception", error, stage=stage)], stats
    finally:
        disarm_alarm()
        os.chdir(old_cwd)
        shutil.rmtree(project, ignore_errors=True)
