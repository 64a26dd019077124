"""Worker processes fed one task at a time, from the parent's side: a worker that hangs past
its own limits is killed, one that dies is replaced, and either way the task gets a failure
(``timeout`` or ``crash``) and the round goes on. A worker that ends itself after a timeout or a
memory error says so in its last ``Result``, and is replaced before it gets another task.

Workers are forked after the parent imported all of vpclint, so every worker runs one snapshot
of the code even while the source tree is being edited, and each sees what the parent set up
(a test's monkeypatch, for one).
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
import time
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Callable, Iterable

from .classify import exit_reason, record, stack_where
from .generate import make_mutant
from .mutant import Mutant
from .seeds import Seed, SeedBank
from .worker import Result, Task, serve


def _import_everything() -> None:
    """Import vpclint, its rules and its lazily imported modules now, in the parent: forked
    workers share this one snapshot of the code, so a round stays consistent while the source
    tree is being edited."""
    import pkgutil

    import vpclint
    from vpclint.registry import load_rules

    for module in pkgutil.walk_packages(vpclint.__path__, "vpclint."):
        if module.name.endswith("__main__"):
            continue
        try:
            __import__(module.name)
        except Exception:  # noqa: BLE001 - an optional module; the worker will report it
            pass
    load_rules()


class Pool:
    """Worker processes fed one mutant at a time; a worker that hangs or dies is replaced."""

    def __init__(self, seeds: list[Seed], jobs: int, timeout: float, memory_mb: int) -> None:
        self.context = multiprocessing.get_context("fork")
        _import_everything()  # every worker then runs the same code, even if files change
        self.seeds, self.jobs, self.timeout, self.memory_mb = seeds, jobs, timeout, memory_mb
        self.base = Path(tempfile.mkdtemp(prefix="vpclint-fuzz-"))
        self.slots: list[dict] = []
        self.counter = 0

    def _start(self) -> dict:
        self.counter += 1
        workdir = self.base / f"w{self.counter}"
        workdir.mkdir()
        parent, child = self.context.Pipe()
        process = self.context.Process(target=serve, daemon=True, args=(
            child, self.seeds, self.memory_mb, self.timeout, str(workdir)))
        process.start()
        child.close()
        return {"process": process, "conn": parent, "task": None, "started": 0.0,
                "workdir": workdir}

    def _stop(self, slot: dict, kill: bool = False) -> None:
        if kill and slot["process"].is_alive():
            slot["process"].kill()
        slot["process"].join(timeout=10)
        slot["conn"].close()
        shutil.rmtree(slot["workdir"], ignore_errors=True)

    def _dead(self, slot: dict, bank: SeedBank, reason: str) -> Result:
        """The result for the task of a worker that died or was killed."""
        task = slot["task"]
        stack_file = slot["workdir"] / "stack.txt"
        stack = stack_file.read_text(errors="replace") if stack_file.exists() else ""
        self._stop(slot, kill=True)
        where = stack_where(stack)
        if stack.startswith("phase: generate"):  # the fuzzer's own fault: do not make it again
            mutant, kind = None, "fuzzer-error"
        else:
            mutant = task if isinstance(task, Mutant) else make_mutant(bank, *task)
            kind = "timeout" if reason.startswith("timeout") else "crash"
        found = record(kind, f"{kind}: {reason} at {where}", where, message=f"worker {reason}",
                       trace=stack)
        return Result(task, [found], mutant, time.perf_counter() - slot["started"])

    def run(self, tasks: Iterable[Task], on_result: Callable[[Result], None]) -> None:
        """Run every task; ``on_result`` for each, in the order they finish."""
        bank = SeedBank(self.seeds)
        tasks = iter(tasks)
        self.slots = [self._start() for _ in range(self.jobs)]
        remaining = True
        hard_limit = 2 * self.timeout + 10  # the worker's own limits come first
        try:
            while True:
                for number, slot in enumerate(self.slots):
                    if slot["task"] is not None or not remaining:
                        continue
                    task = next(tasks, None)
                    if task is None:
                        remaining = False
                        break
                    if not slot["process"].is_alive():
                        self._stop(slot)
                        slot = self.slots[number] = self._start()
                    slot["task"], slot["started"] = task, time.perf_counter()
                    slot["conn"].send(task)
                busy = [s for s in self.slots if s["task"] is not None]
                if not busy:
                    return
                now = time.perf_counter()
                wait = max(0.05, min(s["started"] + hard_limit - now for s in busy))
                ready = set(wait_for([s["conn"] for s in busy]
                                     + [s["process"].sentinel for s in busy], timeout=wait))
                for number, slot in enumerate(list(self.slots)):
                    if slot["task"] is None:
                        continue
                    result, replace = None, False
                    if slot["conn"] in ready or slot["process"].sentinel in ready:
                        try:
                            if slot["conn"].poll():
                                result = slot["conn"].recv()
                        except (EOFError, OSError):
                            result = None
                        if result is None:
                            slot["process"].join(timeout=5)
                            result = self._dead(slot, bank, exit_reason(slot["process"].exitcode))
                            replace = True
                        elif result.worker_exits:
                            self._stop(slot)  # it said so: do not send it the next task
                            replace = True
                    elif time.perf_counter() - slot["started"] > hard_limit:
                        result = self._dead(slot, bank, "timeout (killed)")
                        replace = True
                    if result is None:
                        continue
                    slot["task"] = None
                    if replace:
                        self.slots[number] = self._start()
                    on_result(result)
        finally:
            for slot in self.slots:
                try:
                    slot["conn"].send(None)
                except (OSError, ValueError):
                    pass
                self._stop(slot, kill=True)
            shutil.rmtree(self.base, ignore_errors=True)


def run_one(mutant: Mutant, timeout: float, memory_mb: int) -> list[dict]:
    """Check one mutant in a fresh worker (so hangs and crashes are caught): its failures."""
    results: list[Result] = []
    Pool([], 1, timeout, memory_mb).run([mutant], results.append)
    return results[0].failures
