"""vpclint's JSON text (``json_text``) is the text ``json.dumps`` writes, written faster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import vpclint.cli
import vpclint.cli_flows
import vpclint.graph.json_format
import vpclint.reporters.gitlab
import vpclint.reporters.json_report
import vpclint.reporters.sarif
from vpclint.json_text import json_text

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


@pytest.mark.parametrize("command", [
    ["check", "--format", "json"], ["check", "--format", "sarif"], ["check", "--format", "gitlab"],
    ["graph", "--format", "json"], ["flows", "--format", "json"],
])
def test_every_json_output_is_the_text_json_dumps_writes(command, monkeypatch, tmp_path):
    """What msgspec would write otherwise (a float, ``1e16`` for ``1e+16``, ``null`` for a NaN)
    appears in none of them: each document vpclint writes, on all the scenario fixtures, is
    compared with ``json.dumps``'s text for it."""
    written = []

    def checked(document):
        text = json_text(document)
        assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        written.append(text)
        return text

    for module in (vpclint.cli_flows, vpclint.graph.json_format, vpclint.reporters.gitlab,
                   vpclint.reporters.json_report, vpclint.reporters.sarif):
        monkeypatch.setattr(module, "json_text", checked)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")  # a replayed report would write nothing
    scenarios = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"
    vpclint.cli.run([*command, str(scenarios), "-o", str(tmp_path / "out.json")])
    assert len(written) == 1 and (tmp_path / "out.json").read_text(encoding="utf-8") == written[0]
    assert len(written[0]) > 10_000  # findings, flows and components were written
