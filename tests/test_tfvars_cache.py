"""``.tfvars`` files go through the parse cache too: a warm scan reads their values from it
instead of building python-hcl2's parser, a changed file is parsed again, and an entry that is
not a ``.tfvars`` parse of that file is a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclint.cache import ParseCache, encode
from vpclint.config import Config
from vpclint.engine import build
from vpclint.loaders.hcl import TfvarsFile, load_hcl

MAIN_TF = """\
variable "cidr" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = var.cidr
}
"""


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("VPCLINT_NO_CACHE", raising=False)
    return tmp_path / "xdg" / "vpclint"


def _project(root: Path, cidr: str) -> Path:
    project = root / "project"
    project.mkdir(exist_ok=True)
    (project / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    (project / "terraform.tfvars").write_text(f'cidr = "{cidr}"\n', encoding="utf-8")
    return project


def _cidr(project: Path):
    resources = build([str(project)], Config()).resources
    return next(r for r in resources if r.type == "aws_vpc").values["cidr_block"]


def _entries(cache_home: Path) -> list[Path]:
    return sorted(p for p in cache_home.iterdir() if not p.name.startswith("."))


def test_a_warm_scan_reads_tfvars_from_the_cache(cache_home, tmp_path, monkeypatch):
    project = _project(tmp_path, "10.1.0.0/16")
    assert _cidr(project) == "10.1.0.0/16"
    assert len(_entries(cache_home)) == 2  # main.tf and terraform.tfvars

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed although cached")
    monkeypatch.setattr("vpclint.loading.load_tfvars", no_parsing)
    assert _cidr(project) == "10.1.0.0/16"


def test_a_changed_tfvars_file_is_parsed_again(cache_home, tmp_path):
    project = _project(tmp_path, "10.1.0.0/16")
    assert _cidr(project) == "10.1.0.0/16"
    _project(tmp_path, "10.2.0.0/16")
    assert _cidr(project) == "10.2.0.0/16"


def test_a_bad_tfvars_entry_is_a_miss_and_rewritten(cache_home, tmp_path):
    project = _project(tmp_path, "10.1.0.0/16")
    _cidr(project)
    for entry in _entries(cache_home):
        entry.write_bytes(b"garbage")
    assert _cidr(project) == "10.1.0.0/16"
    assert all(ParseCache(cache_home).fetch(e.name) is not None for e in _entries(cache_home))


def test_only_a_tfvars_parse_of_that_file_is_a_hit(tmp_path):
    cache = ParseCache(tmp_path)
    key = "cd" * 32
    cache.store(key, load_hcl("vars.tfvars", 'x = 1\n'))  # a configuration's parse
    assert cache.fetch(key, "vars.tfvars") is None
    cache.store(key, TfvarsFile("other.tfvars", {}))
    assert cache.fetch(key, "vars.tfvars") is None
    cache.store(key, TfvarsFile("vars.tfvars", {}))
    assert cache.fetch(key, "vars.tfvars") == TfvarsFile("vars.tfvars", {})


def test_the_tfvars_round_trip_keeps_every_expression(tmp_path):
    from vpclint.loaders.hcl import load_tfvars

    values = load_tfvars("x.tfvars", 'a = 1\nb = "s-${var.x}"\nc = [1, { k = true }]\n')
    assert isinstance(values, dict) and set(values) == {"a", "b", "c"}
    cache = ParseCache(tmp_path)
    cache.store("ef" * 32, TfvarsFile("x.tfvars", values))
    assert cache.fetch("ef" * 32, "x.tfvars") == TfvarsFile("x.tfvars", values)
    assert encode(TfvarsFile("x.tfvars", values))  # fits the table
