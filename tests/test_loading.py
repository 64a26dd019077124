"""Loading many files: shared between this process and a worker, each result in its file's place."""

from __future__ import annotations

import os

import pytest

import vpclint.loading as loading
from vpclint.loaders.hcl import HclFile
from vpclint.source import Failure

MODULE = 'resource "aws_vpc" "v{i}" {{\n  cidr_block = "10.{i}.0.0/16"\n}}\n'


@pytest.fixture
def paths(tmp_path, monkeypatch):
    """Enough files for the shared path, on two cores, without the cache."""
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    monkeypatch.setattr(loading, "_usable_cores", lambda: 2)
    made = []
    for i in range(loading.PARALLEL_THRESHOLD + 20):
        path = tmp_path / f"m{i:03}.tf"
        path.write_text(MODULE.format(i=i), encoding="utf-8")
        made.append(str(path))
    return made


def _one_by_one(paths, monkeypatch) -> dict:
    with monkeypatch.context() as serial:
        serial.setattr(loading, "PARALLEL_THRESHOLD", len(paths) + 1)
        return loading.load_files(paths)


def test_one_usable_core_loads_in_this_process_alone(paths, monkeypatch):
    monkeypatch.setattr(loading, "_usable_cores", lambda: 1)
    monkeypatch.setattr(loading, "_load_chunk", None)  # the shared path would call it
    loaded = loading.load_files(paths)
    assert all(isinstance(result, HclFile) for result in loaded.values())


def test_many_files_load_as_they_do_one_by_one_and_in_order(paths, monkeypatch):
    shared = loading.load_files(paths)
    assert list(shared) == paths
    assert [r.blocks[0].labels for r in shared.values()] == [
        ("aws_vpc", f"v{i}") for i in range(len(paths))]
    assert shared == _one_by_one(paths, monkeypatch)


def test_this_process_parses_beside_the_worker(paths, monkeypatch, tmp_path):
    log = tmp_path / "pids.log"
    original = loading.load_hcl

    def load_hcl(path, text):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return original(path, text)

    monkeypatch.setattr(loading, "load_hcl", load_hcl)
    loading.load_files(paths)
    pids = log.read_text(encoding="utf-8").split()
    assert len(pids) == len(paths)
    assert str(os.getpid()) in pids and len(set(pids)) == 2


def test_a_crash_in_one_file_is_a_failure_naming_it_and_spares_the_others(paths, monkeypatch):
    original = loading.load_hcl
    cursed = paths[3]  # early in the list: a worker's share

    def load_hcl(path, text):
        if path == cursed:
            raise RuntimeError("bug")
        return original(path, text)

    monkeypatch.setattr(loading, "load_hcl", load_hcl)
    loaded = loading.load_files(paths)
    assert isinstance(loaded[cursed], Failure) and loaded[cursed].file == cursed
    assert all(isinstance(loaded[p], HclFile) for p in paths if p != cursed)


def test_a_worker_that_dies_loses_no_file(paths, monkeypatch):
    original = loading.load_hcl
    parent = os.getpid()

    def load_hcl(path, text):
        if os.getpid() != parent:
            os._exit(3)  # the worker process ends at its first file
        return original(path, text)

    monkeypatch.setattr(loading, "load_hcl", load_hcl)
    assert loading.load_files(paths) == _one_by_one(paths, monkeypatch)
