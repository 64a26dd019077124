"""``bench.py --peers``: vpclint against the floor a user compares it with, on the corpus.

In one invocation, and paired in turn (each round runs every command once, so a machine that
slows down during the call slows every command alike), it times:

* ``terraform fmt -check -recursive`` on the corpus (when ``terraform`` is installed): a Go
  parser reading every file, the floor a user compares a linter with;
* ``vpclint --version``: the start-up floor of vpclint itself;
* vpclint cold (``VPCLINT_NO_CACHE=1``) and warm (caches filled by a first run: an unchanged
  estate's reports are replayed, ``vpclint.result_cache``);
* "warm evaluated": the parse cache warm but the stored reports removed before each run, so
  everything after parsing runs (what a run after an edit costs, the edited file aside);
* the pre-commit path: one changed file of a big module (pre-commit passes the changed files
  alone), warm (replayed), warm evaluated, and cold; and "pre-commit edited", the same file in a
  copy of its module (outside the corpus, which stays untouched) whose text changes before each
  run, as it has when pre-commit runs: that file is parsed again and nothing is replayed, the
  module's other files come from the parse cache.

It prints each command's median wall-clock and CPU seconds (the process and its children), the
ratios of the performance budget, each taken round by round and then the median, and the peak
memory: of the largest single process (the kernel's ``ru_maxrss``), and of all the command's
processes at once (their resident sizes summed, sampled from ``/proc`` every few milliseconds in
a separate, untimed run, so the sampling costs the timed runs nothing).

Usage: ``python bench/bench.py --peers [--runs 5] [--corpus DIR]``
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple, Optional

# Not passed on to vpclint: its own switches, and PYTHONDONTWRITEBYTECODE (an installed vpclint
# has its bytecode compiled, as pip does on install; without it every run compiles all of it)
UNSET = ("VPCLINT_NO_CACHE", "VPCLINT_DEBUG", "PYTHONDONTWRITEBYTECODE")

PRE_COMMIT_FILE = "terraform-aws-modules__terraform-aws-vpc/main.tf"
# Mark a command whose stored reports are removed, or whose file is edited, before each run
# (read by this script only; vpclint itself ignores them)
FORGET_REPORTS = "BENCH_FORGET_REPORTS"
EDIT_FILE = "BENCH_EDIT_FILE"

# Goals: (name, numerator, denominator, at most this ratio)
RATIOS = (
    ("warm / terraform fmt", "warm", "terraform fmt", 1.0),
    ("warm evaluated / terraform fmt", "warm evaluated", "terraform fmt", 1.0),
    ("cold / terraform fmt", "cold", "terraform fmt", 3.5),
    ("pre-commit warm / --version", "pre-commit warm", "vpclint --version", 1.7),
    ("pre-commit evaluated / --version", "pre-commit evaluated", "vpclint --version", 1.7),
    ("pre-commit edited / --version", "pre-commit edited", "vpclint --version", 1.7),
)
VERSION_BUDGET = 0.150  # seconds, wall clock
RSS_BUDGET_MB = 200


class Run(NamedTuple):
    wall: float
    cpu: float
    peak_mb: float  # the largest single process of the run (its ru_maxrss, children included)


def _vpclint() -> list[str]:
    """The installed ``vpclint`` script next to this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("vpclint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vpclint.cli"]


def commands(corpus: Path, cache: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Name -> (argv, environment), every one run with the corpus as working directory."""
    base = {k: v for k, v in os.environ.items() if k not in UNSET}
    base.update(NO_COLOR="1", XDG_CACHE_HOME=str(cache))
    uncached = {**base, "VPCLINT_NO_CACHE": "1"}
    check = [*_vpclint(), "check", "--format", "json"]
    found: dict[str, tuple[list[str], dict[str, str]]] = {}
    if shutil.which("terraform"):
        found["terraform fmt"] = (["terraform", "fmt", "-check", "-recursive"], base)
    found["vpclint --version"] = ([*_vpclint(), "--version"], base)
    found["vpclint rules"] = ([*_vpclint(), "rules"], base)
    found["cold"] = ([*check, "."], uncached)
    found["warm"] = ([*check, "."], base)
    # its own cache directory, whose stored reports are removed before each run; the parse
    # cache there is filled by the warm-up round like the other's
    evaluated = {**base, "XDG_CACHE_HOME": str(cache / "evaluated"), FORGET_REPORTS: "1"}
    found["warm evaluated"] = ([*check, "."], evaluated)
    if (corpus / PRE_COMMIT_FILE).is_file():
        found["pre-commit warm"] = ([*check, PRE_COMMIT_FILE], base)
        found["pre-commit evaluated"] = ([*check, PRE_COMMIT_FILE], evaluated)
        found["pre-commit cold"] = ([*check, PRE_COMMIT_FILE], uncached)
        edited = _module_copy(corpus / PRE_COMMIT_FILE, cache / "edited") / Path(
            PRE_COMMIT_FILE).name
        found["pre-commit edited"] = ([*check, str(edited)], {**base, EDIT_FILE: str(edited)})
    return found


def _module_copy(file: Path, into: Path) -> Path:
    """A copy of the module directory holding ``file`` (its own files, not its subfolders)."""
    into.mkdir()
    for source in file.parent.iterdir():
        if source.is_file():
            shutil.copy2(source, into / source.name)
    return into


def _prepare(env: dict[str, str]) -> None:
    """What a command's marks ask for before a run: its stored reports removed; its file given
    a text it has not had before (a comment with a new number appended)."""
    if env.get(FORGET_REPORTS):
        shutil.rmtree(Path(env["XDG_CACHE_HOME"]) / "vpclint" / "results", ignore_errors=True)
    if env.get(EDIT_FILE):
        edited = Path(env[EDIT_FILE])
        text = edited.read_text(encoding="utf-8").split("\n# bench edit ")[0]
        edited.write_text(f"{text}\n# bench edit {time.time_ns()}\n", encoding="utf-8")


def _timed(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
    """One run: its wall clock, and the CPU time and peak memory the kernel reports for that
    process when it is reaped (``wait4``: its own and its reaped children's)."""
    _prepare(env)
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode(errors="replace")  # drained, so it never blocks
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.stderr.close()
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):  # findings (1); terraform fmt: unformatted files (3)
        tail = stderr.strip().splitlines()[-1:] or ["?"]
        print(f"  warning: {' '.join(argv[:3])} exited {code}: {tail[0]}", file=sys.stderr)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _tree_rss_kb(root: int) -> int:
    """The resident kilobytes of ``root`` and all its descendants now (Linux /proc)."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue  # the process ended meanwhile
    return total


def peak_all_processes_mb(argv: list[str], env: dict[str, str], cwd: Path) -> Optional[float]:
    """The largest sum of resident memory of a command's processes, sampled; None off Linux."""
    if not Path("/proc/self/task").is_dir():
        return None
    _prepare(env)
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(0.005)
    return peak / 1024


def run_peers(corpus: Path, runs: int) -> int:
    if not corpus.is_dir():
        print(f"bench: no corpus at {corpus} (give --corpus DIR)", file=sys.stderr)
        return 2
    cache = Path(tempfile.mkdtemp(prefix="vpclint-peers-"))
    try:
        return _run(corpus, runs, cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _run(corpus: Path, runs: int, cache: Path) -> int:
    todo = commands(corpus, cache)
    print(f"corpus: {corpus}; {os.cpu_count()} cores; python {sys.version.split()[0]}; "
          f"{runs} rounds, each command once per round, in turn; medians")
    if "terraform fmt" not in todo:
        print("terraform is not installed: the ratios to terraform fmt are not measured")
    for argv, env in todo.values():  # warm-up; fills the parse cache for the warm runs
        _timed(argv, env, corpus)
    results: dict[str, list[Run]] = {name: [] for name in todo}
    for _ in range(runs):
        for name, (argv, env) in todo.items():
            results[name].append(_timed(argv, env, corpus))
    peaks = {name: peak_all_processes_mb(argv, env, corpus) for name, (argv, env) in todo.items()}
    single = max(r.peak_mb for rs in results.values() for r in rs)
    print(f"\n{'command':<22} {'wall s':>8} {'cpu s':>8} {'peak MB (all processes)':>24}")
    for name, rs in results.items():
        peak = peaks[name]
        print(f"{name:<22} {statistics.median(r.wall for r in rs):>8.3f} "
              f"{statistics.median(r.cpu for r in rs):>8.3f} "
              f"{'-' if peak is None else f'{peak:.0f}':>24}")
    print(f"\n{'ratio (wall, median of rounds)':<34} {'measured':>9} {'goal':>7}")
    for label, top, bottom, goal in RATIOS:
        if top in results and bottom in results:
            ratio = statistics.median(a.wall / b.wall
                                      for a, b in zip(results[top], results[bottom]))
            cpu_ratio = statistics.median(a.cpu / b.cpu
                                          for a, b in zip(results[top], results[bottom]))
            print(f"{label:<34} {ratio:>8.2f}x {goal:>6.1f}x   (cpu {cpu_ratio:.2f}x)")
    for name in ("vpclint --version", "vpclint rules"):
        wall = statistics.median(r.wall for r in results[name])
        print(f"{name + ' (s)':<34} {wall:>9.3f} {VERSION_BUDGET:>7.3f}")
    known = [p for p in peaks.values() if p is not None]
    if known:
        print(f"{'peak RSS, all processes (MB)':<34} {max(known):>9.0f} {RSS_BUDGET_MB:>7}")
    print(f"{'peak RSS, one process (MB)':<34} {single:>9.0f}")
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0
