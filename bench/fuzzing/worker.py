"""A worker process: takes tasks from its pipe, makes each mutant and checks it, sends back a
``Result``.

It runs under limits so that what it runs into is reported rather than suffered: an address
space limit (``RLIMIT_AS``, so a memory blow-up is a ``MemoryError``), the alarm of ``check``
(a hang in Python), and a faulthandler watchdog that dumps the stack and exits when even the
alarm is not seen (a hang in C code). The stack file also says which phase the worker was in,
for the pool to read if the worker dies.
"""

from __future__ import annotations

import faulthandler
import os
import resource
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from .check import FuzzTimeout, arm_alarm, check, disarm_alarm
from .classify import failure
from .contained import watch_contained_crashes
from .generate import make_mutant
from .mutant import Mutant
from .seeds import Seed, SeedBank

Task = tuple[int, int] | Mutant  # (seed, index) of a mutant to make, or a mutant


@dataclass
class Result:
    """What became of one task."""

    task: Task
    failures: list[dict]
    mutant: Mutant | None  # sent back only when it failed (to be saved and reported)
    elapsed: float
    stats: dict[str, int] = field(default_factory=dict)  # see check.check
    worker_exits: bool = False  # the worker ends after sending this: the pool starts another

    @property
    def index(self) -> int:
        return self.task[1] if isinstance(self.task, tuple) else self.task.index


def serve(conn, seeds: list[Seed], memory_mb: int, timeout: float, workdir: str) -> None:
    """The worker's main loop, until the pipe closes or sends None."""
    os.environ["VPCLINT_NO_CACHE"] = "1"
    os.environ.pop("VPCLINT_DEBUG", None)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    dump = open(Path(workdir) / "stack.txt", "w+")
    faulthandler.enable(dump)
    watch_contained_crashes()
    bank = SeedBank(seeds)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        _phase(dump, "generate")
        # a scan stuck in C code never sees the alarm: dump the stack and exit a bit later
        faulthandler.dump_traceback_later(2 * timeout + 3, exit=True, file=dump)
        started = time.perf_counter()
        try:
            arm_alarm(timeout)
            mutant = task if isinstance(task, Mutant) else make_mutant(bank, *task)
        except BaseException as error:  # noqa: BLE001 - a bug of the fuzzer, reported as such
            faulthandler.cancel_dump_traceback_later()
            found = failure("fuzzer-error", error, f"making the mutant: {error!r}")
            exits = isinstance(error, FuzzTimeout)  # interrupted anywhere: start afresh
            conn.send(Result(task, [found], None, 0.0, worker_exits=exits))
            if exits:
                return
            continue
        finally:
            disarm_alarm()
        _phase(dump, "scan")
        failures, stats = check(mutant, Path(workdir), timeout)
        faulthandler.cancel_dump_traceback_later()
        elapsed = time.perf_counter() - started
        exits = _needs_fresh_worker(failures)
        conn.send(Result(task, failures, mutant if failures else None, elapsed, stats, exits))
        if exits:
            return


def _needs_fresh_worker(failures: list[dict]) -> bool:
    """After a timeout or a memory error the worker's memory may be fragmented or its state
    half-changed: it exits, and the pool starts another."""
    return any(f["kind"] in ("memory", "timeout") for f in failures)


def _phase(dump, name: str) -> None:
    """Note in the stack-dump file what the worker is doing, for the parent if it dies."""
    dump.seek(0)
    dump.truncate()
    dump.write(f"phase: {name}\n")
    dump.flush()
