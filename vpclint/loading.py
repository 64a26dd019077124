"""Load every discovered file, in parallel over all cores when there are many, cached by content.

Parsing dominates a scan's cost (python-hcl2 is a pure-Python parser), so parse results are kept
in a cache keyed by the SHA-256 of the file's bytes and the vpclint version: a pre-commit run or a
re-scan parses only what changed. The cache lives in ``$XDG_CACHE_HOME/vpclint`` (or
``~/.cache/vpclint``); ``VPCLINT_NO_CACHE=1`` turns it off. A corrupt cache entry is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from vpclint import __version__
from vpclint.loaders.cfn import load_cfn
from vpclint.loaders.hcl import load_hcl
from vpclint.source import ParseError

PARALLEL_THRESHOLD = 48  # below this, starting worker processes costs more than it saves


def _loader_fingerprint() -> bytes:
    """Changes whenever the loaders' code does, so a cache never serves an outdated parse."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted((Path(__file__).parent / "loaders").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


_FINGERPRINT = _loader_fingerprint()


def load_files(paths: list[str]) -> dict[str, Any]:
    """Path -> HclFile | CfnDocument | ParseError, for every path."""
    cache = _cache_dir()
    results: dict[str, Any] = {}
    pending: list[tuple[str, bytes, str | None]] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            results[path] = ParseError(path, f"cannot read file: {error.strerror or error}")
            continue
        key = hashlib.sha256(data + _FINGERPRINT + path.encode()).hexdigest()
        cached = _read_cache(cache, key)
        if cached is not None:
            results[path] = cached
        else:
            pending.append((path, data, key))
    if len(pending) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor() as pool:
            loaded = list(pool.map(_load_one, [(p, d) for p, d, _ in pending], chunksize=8))
    else:
        loaded = [_load_one((p, d)) for p, d, _ in pending]
    for (path, _, key), result in zip(pending, loaded):
        results[path] = result
        _write_cache(cache, key, result)
    return results


def _load_one(item: tuple[str, bytes]) -> Any:
    path, data = item
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return ParseError(path, "file is not valid UTF-8", line)
    if path.endswith(".tf"):
        return load_hcl(path, text)
    if path.endswith(".tf.json"):
        from vpclint.loaders.tf_json import load_tf_json
        return load_tf_json(path, text)
    return load_cfn(path, text)


def _cache_dir() -> Path | None:
    if os.environ.get("VPCLINT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "vpclint"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def _read_cache(cache: Path | None, key: str) -> Any:
    if cache is None:
        return None
    try:
        with open(cache / key, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # noqa: BLE001 - a missing or corrupt entry is a cache miss
        return None


def _write_cache(cache: Path | None, key: str, value: Any) -> None:
    if cache is None:
        return
    try:
        tmp = cache / f"{key}.{os.getpid()}.tmp"
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache / key)
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        pass
