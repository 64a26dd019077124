"""Cut a failing mutant down to what its failure needs: links, files, lines, then characters,
each kept only while the mutant still fails the same way (delta debugging), within a time
budget. Each try runs in a fresh worker, as in a round."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Callable

from .classify import same_class
from .mutant import Mutant
from .pool import run_one


def shrink(mutant: Mutant, timeout: float, memory_mb: int, budget: float = 600,
           signature: str | None = None,
           log: Callable[[str], None] = print) -> tuple[Mutant, list[dict]]:
    """Delta-debug the mutant: drop links, files, lines and then characters while it still
    fails with the same signature (the first one, unless given). The smallest mutant found and
    its failures."""
    failures = run_one(mutant, timeout, memory_mb)
    if not failures:
        raise SystemExit("shrink: the mutant does not fail")
    signature = signature or failures[0]["signature"]
    log(f"shrinking: {signature}")
    deadline = time.monotonic() + budget
    best, best_failures = mutant, failures
    tries = 0

    def fails(candidate: Mutant) -> bool:
        nonlocal best_failures, tries
        if time.monotonic() > deadline:
            return False
        tries += 1
        result = run_one(candidate, timeout, memory_mb)
        if any(same_class(f["signature"], signature) for f in result):
            best_failures = result
            return True
        return False

    for attr in ("links", "files"):
        keys = sorted(getattr(best, attr))
        kept = _ddmin(keys, lambda subset: fails(_with(best, attr, subset)),
                      keep_one=attr == "files")
        best = _with(best, attr, kept)
        log(f"  {attr}: {len(keys)} -> {len(kept)}")
    for unit in ("lines", "chars"):
        for rel in sorted(best.files):
            pieces = _split(best.files[rel], unit)
            if unit == "chars" and len(pieces) > 4000:
                continue
            kept = _ddmin(pieces, lambda subset: fails(_with_file(best, rel, b"".join(subset))))
            best = _with_file(best, rel, b"".join(kept))
            log(f"  {rel} by {unit}: {len(pieces)} -> {len(kept)} ({tries} runs)")
    best.mutations = best.mutations + ["shrunk"]
    return best, best_failures


def _split(content: bytes, unit: str) -> list[bytes]:
    """The pieces to drop one by one: lines (with their ends) or single bytes."""
    if unit == "lines":
        return content.splitlines(keepends=True)
    return [content[i:i + 1] for i in range(len(content))]


def _with(mutant: Mutant, attr: str, keys: list) -> Mutant:
    """A copy of the mutant with only these keys of its ``files`` or ``links``."""
    copy = Mutant(**{**asdict(mutant), "files": dict(mutant.files), "links": dict(mutant.links)})
    setattr(copy, attr, {k: getattr(mutant, attr)[k] for k in keys})
    return copy


def _with_file(mutant: Mutant, rel: str, content: bytes) -> Mutant:
    """A copy of the mutant with one file's content replaced."""
    copy = _with(mutant, "files", list(mutant.files))
    copy.files[rel] = content
    return copy


def _ddmin(items: list, fails: Callable[[list], bool], keep_one: bool = False) -> list:
    """Zeller's ddmin, simplified: drop chunks (halves, then quarters ...) not needed to fail."""
    chunks = 2
    while items:
        size = max(1, len(items) // chunks)
        for begin in range(0, len(items), size):
            candidate = items[:begin] + items[begin + size:]
            if (candidate or not keep_one) and fails(candidate):
                items = candidate
                chunks = max(chunks - 1, 2)
                break
        else:
            if size == 1:
                break
            chunks = min(len(items), chunks * 2)
    return items
