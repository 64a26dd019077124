"""The mutation fuzzer (``bench/fuzz.py``, the package ``bench/fuzzing``): a short fixed-seed
round of the whole pipeline.

Each mutant (a fixture or corpus file with lines deleted, characters flipped, nesting thousands
deep, odd YAML tags, self-references, huge counts ...) is scanned and reported in text, JSON and
SARIF in a worker process, with a timeout and a memory limit. Any internal error, exception,
hang, crash or ``MemoryError`` fails the round, and the assertion message lists each failure
class with the command that runs its mutant again (and saves it with ``--save DIR``, to replay
or shrink it); the README says how to run a long round.

The rounds are fixed (seed, count): a failure here is a bug of vpclint's, reproducible on any
machine with the same seed files. The slowest passing mutant takes a few seconds on a quiet
machine; the per-mutant timeout is 60 s so that a busy CI runner (or a test run beside other
work) does not turn a slow pass into a failure, while a real hang still fails. Long rounds
(``bench/fuzz.py``) keep the stricter 10 s. The corpus round skips when ``../shared/corpus`` is
absent.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))  # the fuzzer is bench/fuzzing, beside bench/fuzz.py

from fuzzing.generate import make_mutant  # noqa: E402
from fuzzing.check import FuzzTimeout  # noqa: E402
from fuzzing.mutant import Mutant  # noqa: E402
from fuzzing.pool import Pool, run_one  # noqa: E402
from fuzzing.rounds import run_round  # noqa: E402
from fuzzing.saved import load_mutant  # noqa: E402
from fuzzing.seeds import CORPUS, SeedBank, find_seeds, seed_roots  # noqa: E402
from fuzzing.summary import Summary  # noqa: E402

SEED = 1
COUNT = 125  # per round: both rounds take about 30 s on two cores
JOBS = 2
TIMEOUT = 60  # seconds per mutant: generous, so only a hang fails on a loaded machine
MEMORY_MB = 2048

needs_fork = pytest.mark.skipif(sys.platform == "win32" or not hasattr(signal, "setitimer"),
                                reason="the fuzzer's workers need POSIX signals and fork")


def _round(roots: list[Path]) -> Summary:
    summary = run_round(SEED, COUNT, jobs=JOBS, timeout=TIMEOUT, memory_mb=MEMORY_MB,
                        roots=roots)
    assert summary.run == COUNT
    return summary


@needs_fork
def test_fuzz_round_on_fixtures_finds_no_failure():
    summary = _round(seed_roots(corpus=None, fixtures=True))
    if summary.failures:
        pytest.fail(summary.report(), pytrace=False)


@needs_fork
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_fuzz_round_on_corpus_finds_no_failure():
    summary = _round(seed_roots(corpus=CORPUS, fixtures=False))
    if summary.failures:
        pytest.fail(summary.report(), pytrace=False)


def test_mutants_depend_only_on_seed_and_index():
    bank = SeedBank(find_seeds(seed_roots(corpus=None)))
    first = [make_mutant(bank, SEED, i).to_json() for i in range(30)]
    again = [make_mutant(bank, SEED, i).to_json() for i in reversed(range(30))][::-1]
    assert first == again
    assert len({m["origin"] for m in first}) > 10  # different seed files ...
    assert len({tuple(m["mutations"]) for m in first}) > 20  # ... mutated in different ways


# The harness itself: a hang, a crash, a memory blow-up and an escaping exception of the
# pipeline are each reported as such (the workers are forked, so they see the monkeypatch).

def _fixture_mutant() -> Mutant:
    case = REPO / "fixtures" / "rules" / "VPC101" / "tf_good"
    return load_mutant(case)


def _failures_with(monkeypatch, replacement, timeout: float = 2) -> list[dict]:
    import vpclint.engine

    monkeypatch.setattr(vpclint.engine, "scan", replacement)
    return run_one(_fixture_mutant(), timeout=timeout, memory_mb=1024)


@needs_fork
def test_an_unmodified_fixture_passes():
    assert run_one(_fixture_mutant(), timeout=TIMEOUT, memory_mb=MEMORY_MB) == []


@needs_fork
def test_harness_reports_an_exception_with_its_innermost_frame(monkeypatch):
    def scan(paths, config, root=None):
        raise TypeError("boom")

    [failure] = _failures_with(monkeypatch, scan)
    assert failure["kind"] == "exception"
    assert failure["signature"].startswith("exception: TypeError at ")
    assert "boom" in failure["traceback"]


@needs_fork
def test_harness_reports_a_hang_as_a_timeout(monkeypatch):
    def scan(paths, config, root=None):
        while True:
            pass

    [failure] = _failures_with(monkeypatch, scan, timeout=1)
    assert failure["kind"] == "timeout"


@needs_fork
def test_harness_reports_memory_exhaustion(monkeypatch):
    def scan(paths, config, root=None):
        hog = []
        while True:
            hog.append(bytearray(50 * 1024 * 1024))

    [failure] = _failures_with(monkeypatch, scan, timeout=20)
    assert failure["kind"] == "memory"


@needs_fork
def test_harness_reports_a_dead_worker(monkeypatch):
    import os

    def scan(paths, config, root=None):
        os.kill(os.getpid(), signal.SIGSEGV)

    [failure] = _failures_with(monkeypatch, scan)
    assert failure["kind"] == "crash" and "SIGSEGV" in failure["signature"]


@needs_fork
def test_harness_reports_an_internal_error_the_engine_contained(monkeypatch):
    import vpclint.engine
    from vpclint import errors

    real_scan = vpclint.engine.scan

    def scan(paths, config, root=None):
        try:
            {}["missing"]
        except KeyError as error:  # contained, as the engine contains a failing rule
            errors.describe_crash(error)
        return real_scan(paths, config, root)

    failures = _failures_with(monkeypatch, scan, timeout=TIMEOUT)
    assert [f["kind"] for f in failures] == ["internal-error"]
    assert failures[0]["signature"].startswith("internal-error: KeyError at ")


@needs_fork
def test_a_worker_that_quits_after_a_mutant_too_slow_to_make_is_replaced(monkeypatch):
    """The alarm can go off while a mutant is being made: the worker reports it and exits, and
    the next task goes to a fresh worker, not to the one on its way out."""
    import fuzzing.worker

    def make_mutant(bank, seed, index):
        raise FuzzTimeout("per-mutant timeout")  # as the alarm would, in the middle of it

    monkeypatch.setattr(fuzzing.worker, "make_mutant", make_mutant)
    results = []
    Pool([], 1, TIMEOUT, MEMORY_MB).run([(SEED, 0), _fixture_mutant()], results.append)
    assert [[f["kind"] for f in r.failures] for r in results] == [["fuzzer-error"], []]
