"""A round: mutants ``start`` .. ``start + count - 1`` of one seed, run in a pool, tallied into a
``Summary``, the failing ones saved (at most ``save_limit`` per class, so one frequent bug does
not fill the disk)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Callable

from .pool import Pool
from .saved import save_mutant
from .seeds import CORPUS, FIXTURES, find_seeds, seed_roots
from .summary import Summary
from .worker import Result


def run_round(seed: int, count: int, jobs: int = 2, timeout: float = 10, memory_mb: int = 2048,
              roots: list[Path] | None = None, save: Path | None = None, start: int = 0,
              progress: Callable[[str], None] | None = None, save_limit: int = 20) -> Summary:
    """Fuzz ``count`` mutants, numbers ``start`` .. ``start + count - 1`` of round ``seed``."""
    roots = roots if roots is not None else seed_roots()
    seeds = find_seeds(roots)
    if not seeds:
        raise SystemExit("fuzz: no seed files (no corpus and no fixtures/)")
    summary = Summary(seed, count, seed_flags=_seed_flags(roots))
    began = last = time.perf_counter()
    saved_per_class: Counter = Counter()

    def on_result(result: Result) -> None:
        nonlocal last
        failures, mutant, index = result.failures, result.mutant, result.index
        summary.run += 1
        summary.unparsable += bool(result.stats.get("parse_error"))
        summary.with_findings += bool(result.stats.get("findings"))
        summary.slowest = sorted(summary.slowest + [(result.elapsed, index)], reverse=True)[:5]
        if failures:
            summary.failed += 1
            for failure in failures:
                failure.update(index=index, origin=mutant.origin if mutant else "?",
                               mutations=mutant.mutations if mutant else [])
            fresh = [f for f in failures if saved_per_class[f["signature"]] < save_limit]
            if save is not None and mutant is not None and fresh:
                where = str(save_mutant(save, mutant, failures))
                for failure in fresh:
                    saved_per_class[failure["signature"]] += 1
                    failure["saved"] = where
            summary.failures.extend(failures)
            if progress:
                for failure in failures:
                    progress(f"  FAIL mutant {index}: {failure['signature']}")
        now = time.perf_counter()
        if progress and (now - last > 30 or summary.run == summary.count):
            last = now
            rate = summary.run / (now - began)
            progress(f"[{summary.run}/{summary.count}] {rate:.1f}/s, {summary.failed} failed, "
                     f"{len(summary.classes())} classes, "
                     f"eta {(summary.count - summary.run) / rate:.0f} s")

    Pool(seeds, jobs, timeout, memory_mb).run(((seed, i) for i in range(start, start + count)),
                                              on_result)
    summary.seconds = time.perf_counter() - began
    return summary


def _seed_flags(roots: list[Path]) -> str:
    """The fuzz.py options that select these seed roots (to rerun a mutant the same way)."""
    names = {Path(r).resolve() for r in roots}
    flags = "" if FIXTURES.resolve() in names else " --no-fixtures"
    corpus = [r for r in names if r != FIXTURES.resolve()]
    if not corpus:
        flags += " --no-corpus"
    elif corpus[0] != CORPUS.resolve():
        flags += f" --corpus {corpus[0]}"
    return flags
