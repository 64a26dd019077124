#!/usr/bin/env python3
"""Mutation fuzzer for the whole vpclint pipeline: any input in, findings out, never a crash.

The fuzzer is the package ``bench/fuzzing/`` (its ``__init__`` tells how it works); this file
runs it from the command line, as the README shows:

    python bench/fuzz.py --seed 2 --count 20000 --jobs 2 --timeout 10 --save /tmp/fuzz
    python bench/fuzz.py --replay /tmp/fuzz/2-000123-timeout
    python bench/fuzz.py --shrink /tmp/fuzz/2-000123-timeout
"""

import sys

from fuzzing.cli import main  # bench/ is on sys.path: it holds the script being run

if __name__ == "__main__":
    sys.exit(main())
