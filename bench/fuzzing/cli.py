"""The command line of ``bench/fuzz.py``: a round (the default), ``--show`` (list the mutants
without running them), ``--replay`` (run one saved mutant, or any path, and show its
traceback) and ``--shrink`` (minimize a saved mutant). The exit code is 1 when a mutant
failed."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .generate import make_mutant
from .pool import run_one
from .rounds import run_round
from .saved import load_mutant, save_mutant
from .seeds import CORPUS, SeedBank, find_seeds, seed_roots
from .shrink import shrink


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Mutation fuzzer for the whole vpclint pipeline "
                    "(see bench/fuzzing/__init__.py).")
    parser.add_argument("--seed", type=int, default=1, help="the round's random seed")
    parser.add_argument("--count", type=int, default=300, help="mutants to run")
    parser.add_argument("--start", type=int, default=0, help="index of the first mutant")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: one per core)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per mutant")
    parser.add_argument("--memory", type=int, default=2048,
                        help="MB of address space per worker (RLIMIT_AS); 0: no limit")
    parser.add_argument("--save", type=Path, help="save failing mutants under this directory")
    parser.add_argument("--save-limit", type=int, default=20,
                        help="mutants saved per failure class")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the real-world corpus")
    parser.add_argument("--no-corpus", action="store_true", help="seeds from fixtures/ only")
    parser.add_argument("--no-fixtures", action="store_true", help="seeds from the corpus only")
    parser.add_argument("--replay", type=Path,
                        help="run one saved mutant (or a plain file or directory) and show it")
    parser.add_argument("--shrink", type=Path, help="minimize a saved mutant")
    parser.add_argument("--signature", help="with --shrink: the failure to keep (default: first)")
    parser.add_argument("--out", type=Path, help="where --shrink saves (default: <mutant>-min)")
    parser.add_argument("--budget", type=float, default=600, help="seconds --shrink may take")
    parser.add_argument("--show", action="store_true",
                        help="list the mutants (seed file, mutations) without running them")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.replay:
        return _replay(args)
    if args.shrink:
        return _shrink(args)
    roots = seed_roots(None if args.no_corpus else args.corpus, fixtures=not args.no_fixtures)
    if args.show:
        return _show(args, roots)
    return _round(args, roots)


def _replay(args: argparse.Namespace) -> int:
    mutant = load_mutant(args.replay)
    print(f"replaying mutant {mutant.index} of seed {mutant.seed}: {mutant.origin}")
    for mutation in mutant.mutations:
        print(f"  {mutation}")
    failures = run_one(mutant, args.timeout, args.memory)
    if not failures:
        print("no failure")
        return 0
    for failure in failures:
        print(f"\n{failure['signature']}\n{failure['message']}\n\n{failure['traceback']}")
    return 1


def _shrink(args: argparse.Namespace) -> int:
    mutant = load_mutant(args.shrink)
    small, failures = shrink(mutant, args.timeout, args.memory, args.budget, args.signature)
    out = args.out or args.shrink.parent / (args.shrink.name.removesuffix(".json") + "-min")
    out.mkdir(parents=True, exist_ok=True)
    where = save_mutant(out, small, failures)
    print(f"saved to {where}")
    for rel, content in small.files.items():
        print(f"--- {rel} ({len(content)} bytes)")
        print(content[:3000].decode("utf-8", "backslashreplace"))
    return 0


def _show(args: argparse.Namespace, roots: list[Path]) -> int:
    bank = SeedBank(find_seeds(roots))
    for index in range(args.start, args.start + args.count):
        mutant = make_mutant(bank, args.seed, index)
        print(f"{index}: {mutant.origin} -> {mutant.target}: {mutant.mutations} "
              f"{mutant.config or ''}")
    return 0


def _round(args: argparse.Namespace, roots: list[Path]) -> int:
    print(f"seeds from {', '.join(str(r) for r in roots)}", flush=True)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    summary = run_round(args.seed, args.count, args.jobs, args.timeout, args.memory, roots,
                        args.save, args.start, progress=lambda s: print(s, flush=True),
                        save_limit=args.save_limit)
    print(summary.report())
    print("slowest mutants: " + ", ".join(f"{index} ({seconds:.1f} s)"
                                          for seconds, index in summary.slowest))
    return 1 if summary.failures else 0
