"""Mutation fuzzer for the whole vpclint pipeline: any input in, findings out, never a crash.

Seeds are the Terraform and CloudFormation files of the real-world corpus (``../shared/corpus``
beside the repository, when it is present) and of the project's own ``fixtures/``. Each mutant
is one seed file changed by one to three mutators (lines deleted, duplicated or swapped;
characters flipped or inserted, NUL bytes, non-UTF-8 bytes, BOMs, UTF-16; truncation; very long
lines; CRLF; nesting thousands deep; odd YAML tags, anchors and aliases; huge numbers and counts;
resources that reference themselves or each other; a module that calls itself; pieces of two
seeds spliced together), laid out in a temporary directory as a small project (the mutated file
with its sibling files, so a Terraform module stays whole, and links to the rest of its
repository, so relative module sources and nested-stack template paths still resolve), and run
through the real pipeline in-process: ``vpclint.engine.scan`` and then the text, JSON and SARIF
reporters.

A mutant fails when an exception escapes, when the scan reports an internal error (a rule that
crashed, ``ScanResult.internal_errors``) or a note or finding mentions one, when the JSON or
SARIF output is not JSON, when it takes longer than ``--timeout`` seconds, when it needs more
than ``--memory`` MB of address space (``RLIMIT_AS`` in the worker: ``MemoryError`` is a
failure), when the worker process dies, or when an odd YAML tag made the loader run Python code.
Mutants run in worker processes, so a hang or a crash is reported and the round goes on.

Every mutant is a pure function of ``--seed`` and its index, so a round is reproducible: the
same seed, count and seed files give the same mutants whatever ``--jobs`` is. ``--save DIR``
keeps each failing mutant as ``DIR/<seed>-<index>-<kind>/``: the project as it was scanned
(``project/``), ``mutant.json`` (seed, index, seed file, mutations, file contents) and
``failure.txt`` (the traceback). Then:

    python bench/fuzz.py --seed 1 --count 20000 --jobs 2 --timeout 10 --save /tmp/fuzz
    python bench/fuzz.py --replay /tmp/fuzz/1-000123-exception     # rerun one, show the traceback
    python bench/fuzz.py --shrink /tmp/fuzz/1-000123-exception --out /tmp/min  # minimize it

``--replay`` also takes a plain file or directory to scan. ``--shrink`` removes files and lines
(then characters) while the mutant still fails the same way, and saves the smallest it found.
The summary groups failures by kind and by where they happen: the exception type and the
innermost vpclint frame of its traceback (for a timeout, where the scan was when time ran out).
The exit code is 1 when any mutant failed.

The package, by step: ``seeds`` (the files to mutate), ``generate`` (mutant number i of a
round: ``mutators/`` changes the text, ``layout`` lays out the project around it, ``mutant``
holds it), ``worker`` and ``pool`` (the processes that run mutants under limits), ``check`` (one
mutant through scan and the reporters), ``classify`` and ``contained`` (what a failure is
called), ``rounds`` and ``summary`` (a round and its report), ``saved`` and ``shrink`` (a failing
mutant kept and cut down), ``cli`` (the options of ``bench/fuzz.py``).
"""
