"""``vpclint graph`` run as a user runs it: formats chosen by name or by the output file,
the options it shares with ``check``, usage errors, and byte-identical output across runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import FIXTURES
from mermaid_grammar import check as check_mermaid

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path, seed: str = "0") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VPCLINT_DEBUG", "FORCE_COLOR")}
    env.update(NO_COLOR="1", PYTHONHASHSEED=seed)
    return subprocess.run([sys.executable, "-m", "vpclint.cli", "graph", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(FIXTURES / "scenarios" / "lambda-sqs-secrets-nat", tmp_path / "lambda")
    return tmp_path


def test_output_file_suffix_chooses_the_format_and_findings_do_not_fail(repo):
    for name, marker in (("map.html", "<!DOCTYPE html>"), ("g.mmd", "flowchart LR"),
                         ("g.dot", "digraph vpclint {"), ("g.json", '"schema_version": 1')):
        done = run("examples", "-o", f"out/{name}", cwd=repo)
        assert done.returncode == 0, done.stderr
        assert marker in (repo / "out" / name).read_text(encoding="utf-8")
    done = run("examples", cwd=repo)
    assert done.returncode == 0 and done.stdout.startswith("%% vpclint graph")
    check_mermaid(done.stdout)


def test_output_is_byte_identical_across_runs(repo):
    for fmt in ("html", "json", "mermaid", "dot"):
        first = run("examples", "lambda", "-f", fmt, cwd=repo, seed="1").stdout
        second = run("lambda", "examples", "-f", fmt, cwd=repo, seed="2").stdout
        assert first and first == second, fmt


def test_rule_selection_and_baseline_decide_what_is_marked(repo):
    every = json.loads(run("examples", "-f", "json", cwd=repo).stdout)["findings"]
    assert {f["rule"] for f in every} >= {"VPC101", "VPC401"}
    chosen = json.loads(run("examples", "-f", "json", "--select", "VPC1", cwd=repo).stdout)
    assert {f["rule"][:4] for f in chosen["findings"]} == {"VPC1"}
    assert set(chosen["rules"]) == {f["rule"] for f in chosen["findings"]}
    baseline = repo / "baseline.json"
    subprocess.run([sys.executable, "-m", "vpclint.cli", "check", "examples", "--baseline",
                    str(baseline), "--write-baseline"], cwd=repo, capture_output=True,
                   check=True)
    hidden = json.loads(run("examples", "-f", "json", "--baseline", str(baseline),
                            cwd=repo).stdout)
    assert hidden["findings"] == [] and not any(n["findings"] for n in hidden["nodes"])


def test_focus_and_problems_narrow_the_picture(repo):
    whole = json.loads(run("lambda", "-f", "json", cwd=repo).stdout)
    one = json.loads(run("lambda", "-f", "json", "--focus", "aws_lambda_function.orders",
                         cwd=repo).stdout)
    assert [n["label"] for n in one["nodes"] if n["kind"] == "workload"] == ["orders"]
    assert len(one["nodes"]) < len(whole["nodes"])
    problems = json.loads(run("lambda", "-f", "json", "--problems", cwd=repo).stdout)
    assert all(f["findings"] for f in problems["flows"])


@pytest.mark.parametrize("args, words", [
    (("-f", "svg"), ("unknown format 'svg'", "html, mermaid, dot, json")),
    (("--focus", "nothing-like-this"), ("--focus nothing-like-this", "no VPC or workload")),
    (("--select", "VPC999"), ("VPC999",)),
])
def test_usage_errors_are_one_line_and_exit_2(repo, args, words):
    done = run("examples", *args, cwd=repo)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not done.stdout
    for word in words:
        assert word in done.stderr


def test_help_names_the_formats_and_focus(repo):
    done = subprocess.run([sys.executable, "-m", "vpclint.cli", "graph", "--help"], cwd=repo,
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0
    for word in ("--focus TEXT", "--problems", "html, mermaid, dot or json", "--baseline FILE",
                 "--var-file FILE", "vpclint graph ./infra -o network.html"):
        assert word in done.stdout, word
    listing = subprocess.run([sys.executable, "-m", "vpclint.cli", "--help"], cwd=repo,
                             capture_output=True, text=True).stdout
    assert "graph" in listing
