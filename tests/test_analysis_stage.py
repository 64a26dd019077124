"""The analyze stage: run once by the engine, guarded, on a model frozen at build; rules read
it from their context."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclint import engine
from vpclint.config import Config
from vpclint.engine import build, scan
from vpclint.model.components import Vpc
from vpclint.registry import load_rules
from vpclint.result import Diagnostics
from vpclint.rule import AnalysisNotDeclared, Context

ROOT = Path(__file__).resolve().parent.parent
# an endpoint in no subnet (VPC102, which needs no analysis), in each IaC
CASES = [ROOT / "fixtures" / "rules" / "VPC102" / "tf_bad",
         ROOT / "fixtures" / "rules" / "VPC102" / "cfn_bad.yaml"]
NEEDING = sorted(i for i, r in load_rules().items() if r.meta.needs_analysis)


def _found(result, rule_id: str) -> list[tuple[str, int]]:
    return sorted((f.location.file, f.location.line) for f in result.findings
                  if f.rule.id == rule_id)


def _counting(monkeypatch, crash: bool = False) -> list:
    """Replace the engine's ``analyze`` by one that records its calls (and crashes if asked)."""
    calls: list = []
    real = engine.analyze

    def counted(model):
        calls.append(model)
        if crash:
            raise RuntimeError("boom")
        return real(model)

    monkeypatch.setattr(engine, "analyze", counted)
    return calls


def test_the_rules_needing_the_analysis_are_declared():
    assert {"VPC101", "VPC202", "VPC203", "VPC301", "VPC305", "VPC306"} <= set(NEEDING)
    assert "VPC102" not in NEEDING and "VPC001" not in NEEDING


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_the_analysis_runs_once_per_scan(case, monkeypatch):
    calls = _counting(monkeypatch)
    result = scan([str(case)], Config(), root=ROOT)
    assert len(calls) == 1 and result.analysis is not None
    assert set(NEEDING) <= result.rules_run


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_no_analysis_when_no_enabled_rule_needs_it(case, monkeypatch):
    calls = _counting(monkeypatch)
    result = scan([str(case)], Config(select=["VPC102"]), root=ROOT)
    assert calls == [] and result.analysis is None
    assert _found(result, "VPC102")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_crash_in_the_analysis_is_one_internal_error_and_the_other_rules_still_run(
        case, monkeypatch):
    healthy = scan([str(case)], Config(), root=ROOT)
    calls = _counting(monkeypatch, crash=True)
    result = scan([str(case)], Config(), root=ROOT)
    assert len(calls) == 1
    (internal,) = [f for f in result.findings if f.rule.id == "VPC000"]
    assert "failed to analyze the network" in internal.message and "boom" in internal.message
    assert internal.location.file == str(case)
    assert _found(result, "VPC102") == _found(healthy, "VPC102") != []
    assert not [f for f in result.findings if f.rule.id in NEEDING]
    skipped = {note.message.split()[0] for note in result.notes if "did not run" in note.message}
    assert skipped == set(NEEDING)
    assert not set(NEEDING) & result.rules_run and "VPC102" in result.rules_run
    assert result.analysis is None


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_the_model_is_frozen_after_build(case):
    model = build([str(case)], Config()).model
    with pytest.raises(AttributeError, match="frozen"):
        model.exported = set()
    with pytest.raises(AttributeError, match="frozen"):
        model.add(Vpc(resource=model.components[0].resource))
    assert isinstance(model.opaque_scopes, frozenset) and isinstance(model.components, tuple)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_rule_that_reads_the_analysis_must_declare_it(case):
    model = build([str(case)], Config()).model
    with pytest.raises(AnalysisNotDeclared):
        Context(model, Config(), Diagnostics()).analysis  # noqa: B018 - the read raises


def test_scan_diagnostics_are_on_the_scan_not_the_model(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "main" {\n  cidr_block = \n')
    (tmp_path / "t.yaml").write_text('AWSTemplateFormatVersion: "2010-09-09"\n'
                                     'Resources:\n  Vpc: [\n')
    result = scan([str(tmp_path)], Config(), root=tmp_path)
    parsed = {Path(e.file).name for e in result.built.diagnostics.parse_errors}
    assert parsed == {"main.tf", "t.yaml"}
    assert {Path(f.location.file).name for f in result.findings if f.rule.id == "VPC001"} == \
        parsed
    assert not hasattr(result.built.model, "parse_errors")
