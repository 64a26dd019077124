"""Does vpclint's cost stay linear in the size of the estate? Time it on 1x, 2x, 5x, 10x.

For each scale, ``generate_estate.py`` writes a synthetic estate N times the size of the corpus
into a temporary directory, and this script times ``vpclint check`` on it, end to end in a
subprocess, as the median of several runs:

* cold: a fresh, empty parse cache (``XDG_CACHE_HOME`` set to a new temporary directory);
* warm: the parse cache filled by a first run, as on a developer's machine or in CI with a
  cached directory, the stored reports removed before each run (so everything after parsing
  runs: the cost of a run after an edit);
* replay: both caches filled and nothing changed, so the stored reports are replayed
  (``vpclint.result_cache``): the cost of checking that nothing changed;

each as wall-clock seconds and as CPU seconds of the process and its children (steadier on a
shared machine, and larger than the wall clock when parsing uses several cores);
and, in a separate subprocess with a warm cache, the CPU time of each stage (median of the runs):
build (discover, load, evaluate, model), the flow analysis, and the rules. Seconds per file
should stay flat as the estate grows: that is what "linear" means here.

Peers installed on the machine (cfn-lint on the CloudFormation templates, checkov and tflint
on the whole estate) are timed on the same files, once per scale listed in ``--peer-scales``
(they are slow: cfn-lint takes about half a second per template); vpclint is timed on the same
CloudFormation templates alone for a like-for-like comparison. Peers that are not installed are
skipped; nothing is installed. Timings never go in unit tests: run this by hand.

``--peers`` measures something else: vpclint against ``terraform fmt`` on the corpus itself,
with the ratios of the performance budget (see ``peers.py``).

Usage: ``python bench/bench.py [--scales 1,2,5,10] [--runs 3] [--peer-scales 1,2]``, or
``python bench/bench.py --peers [--runs 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_estate import CORPUS, DEFAULT_BASE_FILES, corpus_files, generate  # noqa: E402
from peers import UNSET, run_peers  # noqa: E402

# Each stage's wall-clock and CPU time (this process only: with a warm cache nothing is parsed,
# so no worker processes run); a full collection before each stage, so a stage is not charged
# for the garbage of the last. The cyclic collector is off otherwise, as the CLI turns it off for
# a run: left on, its passes over the whole model grow with the estate and were charged to the
# stages (the analysis seemed to grow 1.7 times faster than the estate; it does not).
_STAGES = """
import gc, json, sys, time
gc.disable()
from vpclint.analyze import analyze
from vpclint.config import Config
from vpclint.engine import _run_rules, build
from vpclint.registry import load_rules
from vpclint.rule import Context
rules = load_rules()
times = {}
def stage(name, work):
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    times[name] = time.perf_counter() - wall
    times[name + "_cpu"] = time.process_time() - cpu
    return result
built = stage("build", lambda: build([sys.argv[1]], Config()))
analysis = stage("analyze", lambda: analyze(built.model))
context = Context(built.model, Config(), built.diagnostics, analysis)
findings = stage("rules", lambda: _run_rules(rules, context, []))
print(json.dumps({**times, "components": len(built.model.components),
                  "flows": len(analysis.flows), "findings": len(findings)}))
"""


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["XDG_CACHE_HOME"] = str(cache)
    env["NO_COLOR"] = "1"
    return env


class Timing(NamedTuple):
    """Wall-clock seconds, and CPU seconds (user + system) of the command and its children.

    CPU time is the steadier measure of work on a shared machine (other jobs stretch the wall
    clock, not the CPU time); it exceeds the wall clock when parsing runs on several cores."""

    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], env: dict[str, str] | None = None) -> Timing:
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode not in (0, 1):  # 1: findings (vpclint), or lint errors (peers)
        tail = done.stderr.strip().splitlines()[-1:] or ["?"]
        print(f"  warning: {command[0]} exited {done.returncode}: {tail[0]}", file=sys.stderr)
    return Timing(elapsed, cpu)


def _evaluated(command: list[str], cache: Path) -> Timing:
    """A warm run that evaluates: the parse cache kept, the stored reports removed first (the
    peers keep no results between runs either)."""
    shutil.rmtree(cache / "vpclint" / "results", ignore_errors=True)
    return _timed(command, _env(cache))


def _median(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in timings),
                  statistics.median(t.cpu for t in timings))


def _vpclint(*args: str) -> list[str]:
    return [sys.executable, "-m", "vpclint.cli", "check", *args, "--format", "json"]


def time_vpclint(estate: Path, runs: int, scratch: Path, cold_runs: bool = True) -> dict:
    cold = []
    for run in range(runs if cold_runs else 0):
        cache = scratch / f"cold-{run}"
        cold.append(_timed(_vpclint(str(estate)), _env(cache)))
        shutil.rmtree(cache, ignore_errors=True)
    warm_cache = scratch / "warm"
    _timed(_vpclint(str(estate)), _env(warm_cache))  # fills the cache
    warm = [_evaluated(_vpclint(str(estate)), warm_cache) for _ in range(runs)]
    replay = [_timed(_vpclint(str(estate)), _env(warm_cache)) for _ in range(runs)]
    stages = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _STAGES, str(estate)],
                              env=_env(warm_cache), capture_output=True, text=True, check=True)
        stages.append(json.loads(done.stdout.strip().splitlines()[-1]))
    result = {"cold": _median(cold) if cold else Timing(float("nan"), float("nan")),
              "warm": _median(warm), "replay": _median(replay), **stages[0]}
    for stage in ("build", "analyze", "rules"):
        for key in (stage, f"{stage}_cpu"):
            result[key] = statistics.median(s[key] for s in stages)
    shutil.rmtree(warm_cache, ignore_errors=True)
    return result


def time_peers(estate: Path, scratch: Path, runs: int) -> dict[str, tuple[Timing, int]]:
    """Timing and files processed, per installed peer; vpclint on the CFN templates alone."""
    templates = sorted(str(p) for p in (estate / "cloudformation").rglob("*.yaml"))
    tf_files = len(list((estate / "terraform").rglob("*.tf")))
    found: dict[str, tuple[Timing, int]] = {}
    if shutil.which("cfn-lint"):
        pattern = str(estate / "cloudformation" / "**" / "*.yaml")
        found["cfn-lint"] = (_median([_timed(["cfn-lint", "--", pattern])
                                      for _ in range(runs)]), len(templates))
        cache = scratch / "cfn-cold"
        found["vpclint (same templates, cold)"] = (
            _timed(_vpclint(str(estate / "cloudformation")), _env(cache)), len(templates))
        found["vpclint (same templates, warm)"] = (_median([
            _evaluated(_vpclint(str(estate / "cloudformation")), cache)
            for _ in range(runs)]), len(templates))
        shutil.rmtree(cache, ignore_errors=True)
    if shutil.which("checkov"):
        found["checkov"] = (_median([
            _timed(["checkov", "-d", str(estate), "--quiet", "--compact",
                    "--framework", "terraform", "cloudformation", "-o", "json"])
            for _ in range(runs)]), tf_files + len(templates))
    if shutil.which("tflint"):
        found["tflint"] = (_median([
            _timed(["tflint", "--recursive", f"--chdir={estate / 'terraform'}"])
            for _ in range(runs)]), tf_files)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,2,5,10", help="comma-separated N (default 1,2,5,10)")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per measurement (median; default 3, with --peers 5)")
    parser.add_argument("--peers", action="store_true",
                        help="time terraform fmt, vpclint --version, cold, warm and the "
                        "pre-commit path on the corpus, paired in turn, with the budget's ratios")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="the corpus for --peers (default: ../shared/corpus)")
    parser.add_argument("--peer-scales", default="1,2",
                        help="scales at which to time installed peers ('' for none)")
    parser.add_argument("--peer-runs", type=int, default=1, help="runs per peer measurement")
    parser.add_argument("--base-files", type=int, default=None,
                        help="corpus size in files (default: counted in the corpus)")
    parser.add_argument("--no-cold", action="store_true",
                        help="skip the cold-cache runs (to re-measure warm runs and stages)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the estates here and keep them (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.peers:
        return run_peers(args.corpus.resolve(), args.runs or 5)
    args.runs = args.runs or 3
    scales = [float(s) for s in args.scales.split(",") if s]
    peer_scales = {float(s) for s in args.peer_scales.split(",") if s}
    base = args.base_files or corpus_files() or DEFAULT_BASE_FILES
    peers = [p for p in ("cfn-lint", "checkov", "tflint") if shutil.which(p)]
    print(f"corpus: {base} files ({CORPUS if corpus_files() else 'absent: --base-files'}); "
          f"{os.cpu_count()} cores; python {sys.version.split()[0]}; median of {args.runs} runs")
    print(f"peers installed: {', '.join(peers) or 'none'}; not installed: "
          f"{', '.join(p for p in ('cfn-lint', 'checkov', 'tflint') if p not in peers) or '-'}")
    header = (f"{'scale':>5} {'files':>6} {'components':>10} {'flows':>6} | "
              f"{'cold wall s':>11} {'cpu s':>7} {'cpu ms/file':>11} | "
              f"{'warm wall s':>11} {'cpu s':>7} {'cpu ms/file':>11} | "
              f"{'build cpu s':>11} {'analyze cpu s':>13} {'rules cpu s':>11} | "
              f"{'replay wall s':>13}")
    rows, peer_rows = [], []
    root = args.keep or Path(tempfile.mkdtemp(prefix="vpclint-bench-"))
    try:
        for scale in scales:
            estate = root / f"estate-{scale:g}x"
            if estate.exists():
                shutil.rmtree(estate)
            counts = generate(estate, scale, base)
            scratch = Path(tempfile.mkdtemp(prefix="vpclint-cache-"))
            try:
                t = time_vpclint(estate, args.runs, scratch, not args.no_cold)
                rows.append((scale, counts["files"], t))
                if not rows[1:]:
                    print(header)
                print(_row(scale, counts["files"], t), flush=True)
                if scale in peer_scales:
                    for name, (seconds, files) in time_peers(estate, scratch,
                                                             args.peer_runs).items():
                        peer_rows.append((scale, name, seconds, files))
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            if args.keep is None:
                shutil.rmtree(estate, ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if len(rows) > 1:
        first_scale, first_files, first = rows[0]
        print("\nlinearity: (time at N x) / (time at the smallest) / (size ratio); 1.00 = "
              "linear, below 1 = fixed start-up cost amortised")
        for scale, files, t in rows[1:]:
            size = files / first_files
            print(f"  {scale:g}x: cold cpu {t['cold'].cpu / first['cold'].cpu / size:.2f}, "
                  f"warm cpu {t['warm'].cpu / first['warm'].cpu / size:.2f}, "
                  f"build cpu {t['build_cpu'] / first['build_cpu'] / size:.2f}, "
                  f"analyze cpu {t['analyze_cpu'] / first['analyze_cpu'] / size:.2f}, "
                  f"rules cpu {t['rules_cpu'] / first['rules_cpu'] / size:.2f}")
    if peer_rows:
        print("\nsame files, other tools:")
        for scale, name, timing, files in peer_rows:
            print(f"  {scale:g}x {name:<32} wall {timing.wall:8.2f} s  cpu {timing.cpu:8.2f} s  "
                  f"{1000 * timing.cpu / files:7.1f} cpu ms/file  ({files} files)")
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _row(scale: float, files: int, t: dict) -> str:
    cold, warm = t["cold"], t["warm"]
    return (f"{scale:>5g} {files:>6} {t['components']:>10} {t['flows']:>6} | "
            f"{cold.wall:>11.2f} {cold.cpu:>7.2f} {1000 * cold.cpu / files:>11.1f} | "
            f"{warm.wall:>11.2f} {warm.cpu:>7.2f} {1000 * warm.cpu / files:>11.1f} | "
            f"{t['build_cpu']:>11.2f} {t['analyze_cpu']:>13.3f} {t['rules_cpu']:>11.2f} | "
            f"{t['replay'].wall:>13.2f}")


if __name__ == "__main__":
    sys.exit(main())
