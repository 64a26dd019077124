"""Load every discovered file, on all cores when there are many, cached by content.

Many files are parsed by this process and one worker process per other core, the workers taking
files from the front of the list and this process from the back until they meet: every core
parses, with one process fewer (and less memory) than a pool beside an idle parent.

Parsing dominates a scan's cost (python-hcl2 is a pure-Python parser), so parse results are kept
in a cache keyed by the SHA-256 of the file's bytes, the vpclint version and loaders' code, and the
path: a pre-commit run or a re-scan parses only what changed. The cache (``vpclint.cache``) lives
in ``$XDG_CACHE_HOME/vpclint`` (or ``~/.cache/vpclint``), a directory created private (0700);
``VPCLINT_NO_CACHE=1`` turns it off. An entry is a header line and the result as compact JSON
(read by the stdlib C decoder, so a cache file can never run code), rebuilt only into the loader
types of a fixed table: an entry that is corrupt, of another format, or holds anything the table
does not allow is a miss, and the file is parsed again. Entries are written atomically. At most
once a day the cache is pruned: entries unused for 30 days go, then the least recently used
until the rest fit in 200 MB.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vpclint import __version__
from vpclint.cache import open_cache
from vpclint.files import DEFAULT_MAX_MB, MB, FileProblem, decode_text, read_bytes
from vpclint.loaders.cfn import load_cfn
from vpclint.loaders.hcl import TfvarsFile, load_hcl, load_tfvars
from vpclint.errors import describe_crash
from vpclint.source import Failure, ParseError

PARALLEL_THRESHOLD = 48  # below this, starting worker processes costs more than it saves
CHUNK = 8  # files a worker parses per task at most: enough to amortise a task's round trip
AHEAD = 4  # tasks sent ahead to each worker, so that it never waits for the next one
# While its workers send results, this process hands the interpreter lock to the thread that
# reads them this often (seconds; Python's default is 5 ms): a worker whose result does not fit
# in the pipe waits until it is read, and at 5 ms a turn a worker spent a third of its time so.
SWITCH_INTERVAL = 0.0002


def _loader_fingerprint() -> bytes:
    """Changes whenever the loaders' code does, so a cache never serves an outdated parse."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted((Path(__file__).parent / "loaders").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


_FINGERPRINT = _loader_fingerprint()


def load_files(paths: list[str], max_bytes: int = DEFAULT_MAX_MB * MB) -> dict[str, Any]:
    """Path -> HclFile | CfnDocument | ParseError, for every path. Only regular files up to
    ``max_bytes`` are read (see ``vpclint.files``); the caller has checked the boundary."""
    cache = open_cache()
    results: dict[str, Any] = {}
    pending: list[tuple[str, bytes, str | None]] = []
    for path in paths:
        data = read_bytes(path, max_bytes)
        if isinstance(data, FileProblem):
            results[path] = ParseError(path, data.message, unread=True)
            continue
        key = hashlib.sha256(data + _FINGERPRINT + os.fsencode(path)).hexdigest()
        cached = cache.fetch(key, path)
        if cached is not None:
            results[path] = cached
        else:
            pending.append((path, data, key))
    loaded = _load_all([(p, d) for p, d, _ in pending])
    for (path, _, key), result in zip(pending, loaded):
        results[path] = result
        if not isinstance(result, Failure):  # a crash is not cached: the next run retries
            cache.store(key, result)
    return results


def load_tfvars_cached(path: str, text: str) -> dict | ParseError:
    """A ``.tfvars`` file's variables (name -> expression), from the parse cache when it holds
    them: a warm scan would otherwise build python-hcl2's parser for a few lines of values,
    which costs more than evaluating most modules. Keyed as ``load_files`` keys a file, and
    apart from any parse of the same path as configuration."""
    if not path.endswith(".tfvars"):  # a --var-file of another name: the cache tells by name
        return load_tfvars(path, text)
    cache = open_cache()
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass") + b"\0tfvars\0" + _FINGERPRINT
                         + os.fsencode(path)).hexdigest()
    cached = cache.fetch(key, path)
    if cached is not None:
        return cached.values if isinstance(cached, TfvarsFile) else cached
    parsed = load_tfvars(path, text)
    cache.store(key, parsed if isinstance(parsed, ParseError) else TfvarsFile(path, parsed))
    return parsed


def _load_all(items: list[tuple[str, bytes]]) -> list[Any]:
    """Each file's load, in order; many files shared between this process and the workers."""
    workers = _usable_cores() - 1
    if len(items) < PARALLEL_THRESHOLD or workers < 1:
        return [_load_one(item) for item in items]
    from concurrent.futures import BrokenExecutor, ProcessPoolExecutor  # a cold scan of many

    if any(path.endswith((".tf", ".tfvars")) for path, _ in items):
        from vpclint.loaders.hcl_convert import build_parser

        build_parser()  # once, before the fork: the workers inherit it
    loaded: list = [None] * len(items)
    sent: list = []  # (first index, files, the worker's future), in the order sent
    in_flight: deque = deque()
    # The workers take chunks from the front, this process one file at a time from the back,
    # until they meet. Between its files this process keeps each worker's next chunk at hand,
    # and chunks shrink near the meeting point, so that no process waits long for another.
    front, back, ahead = 0, len(items), AHEAD * workers
    # the workers inherit the command line's collector setting (off): loading leaves no cyclic
    # garbage, so reference counting frees it all and a collector would only cost time
    with ProcessPoolExecutor(max_workers=workers) as pool, _switch_interval(SWITCH_INTERVAL):
        while front < back:
            while in_flight and in_flight[0].done():
                in_flight.popleft()
            if len(in_flight) < ahead:
                chunk = items[front:front + max(1, min(CHUNK, (back - front) // (4 * ahead)))]
                try:
                    future = pool.submit(_load_chunk, chunk)
                except BrokenExecutor:  # a worker died: this process loads the rest
                    ahead = 0
                    continue
                sent.append((front, chunk, future))
                in_flight.append(future)
                front += len(chunk)
                continue
            back -= 1
            loaded[back] = _load_one(items[back])
        for first, chunk, future in sent:
            loaded[first:first + len(chunk)] = _worker_result(future, chunk)
    return loaded


@contextmanager
def _switch_interval(seconds: float):
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _usable_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the
    machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _worker_result(future, chunk: list[tuple[str, bytes]]) -> list[Any]:
    """A worker's loads of ``chunk``; if the worker died (killed, out of memory), this
    process loads the chunk itself, so the other files are not lost with it."""
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - BrokenProcessPool and its kin
        return _load_chunk(chunk)


def _load_chunk(chunk: list[tuple[str, bytes]]) -> list[Any]:
    return [_load_one(item) for item in chunk]


def _load_one(item: tuple[str, bytes]) -> Any:
    """Parse one file; a crash of vpclint's (never the input's fault) is a ``Failure``."""
    try:
        return _parse(*item)
    except Exception as error:  # noqa: BLE001 - one file must never stop the scan
        return Failure(item[0], f"vpclint failed to load this file ({describe_crash(error)})")


def _parse(path: str, data: bytes) -> Any:
    try:
        text = decode_text(data)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return ParseError(path, "file is not valid UTF-8 (nor UTF-16/32 with a byte-order mark)",
                          line)
    if path.endswith(".tf"):
        return load_hcl(path, text)
    if path.endswith(".tf.json"):
        from vpclint.loaders.tf_json import load_tf_json
        return load_tf_json(path, text)
    return load_cfn(path, text)
