"""The reports' JSON text (``json_text``) is the text ``json.dumps`` writes, written faster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpclint.config import Config
from vpclint.engine import scan
from vpclint.reporters.gitlab import build_gitlab
from vpclint.reporters.json_report import build_json
from vpclint.reporters.json_text import json_text
from vpclint.reporters.sarif import build_sarif

# every character below 128, and the ones an encoder is tempted to escape
_AWKWARD = "".join(map(chr, range(128))) + "\u2028\u2029\x85\xa0\ud7ff\ue000é✓\U0001f600"


@pytest.mark.parametrize("document", [
    {"text": _AWKWARD, "list": [1, -2, True, False, None, [], {}, [[]], {"x": {}}],
     "": "", "big": 2**64, "negative": -2**63},
    [],
    {},
    {1: "an integer key", "nested": [{"a": [{"b": "c"}]}]},
    "just a string",
])
def test_it_writes_what_json_dumps_writes(document):
    assert json_text(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("document", [
    {"file": "caf\udce9.tf"},  # a file name that is not UTF-8, decoded with surrogateescape
    {True: "a key msgspec does not write"},
    {None: "nor this one"},
])
def test_what_msgspec_cannot_write_is_written_by_json_dumps(document):
    assert json_text(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_the_reports_hold_no_float_msgspec_would_write_otherwise(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    scenarios = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"
    result = scan([str(scenarios)], Config())
    assert result.findings

    def floats(value) -> list:
        if isinstance(value, float):
            return [value]
        if isinstance(value, dict):
            return [f for item in value.values() for f in floats(item)]
        if isinstance(value, list):
            return [f for item in value for f in floats(item)]
        return []

    for build in (build_json, build_sarif, build_gitlab):
        assert floats(build(result)) == [], build.__name__
