"""What each command imports: ``vpclint --version`` and ``vpclint rules`` must stay instant, and
the pre-commit path must not pay for what it does not print.

Structural, never timed (the machines are noisy): a subprocess runs the command through
``vpclint.cli.run`` (what the console command runs) and reports the modules it imported; a heavy module on that list means an
eager import crept into the command line's import graph.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

_REPORT_MODULES = """
import contextlib, io, json, sys
from vpclint.cli import run
with contextlib.redirect_stdout(io.StringIO()):
    run(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
"""

# What none of the commands below needs unless it scans or parses.
_SCANNING = ("vpclint.engine", "vpclint.evaluate", "vpclint.loading", "vpclint.loaders",
             "vpclint.cache", "vpclint.discover", "vpclint.graph", "hcl2", "lark", "yaml",
             "jsonschema", "pydantic")
_REPORTERS = ("vpclint.reporters.text", "vpclint.reporters.json_report",
              "vpclint.reporters.sarif", "vpclint.reporters.github", "vpclint.reporters.gitlab",
              "vpclint.reporters.junit", "vpclint.reporters.markdown")


def imported(*args: str, cwd: Path | None = None, cache: Path | None = None) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VPCLINT_DEBUG", "VPCLINT_NO_CACHE")}
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    done = subprocess.run([sys.executable, "-c", _REPORT_MODULES, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The modules in ``modules`` that are one of ``packages`` or inside one."""
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_version_imports_only_the_command_line():
    modules = imported("--version")
    assert "vpclint.cli" in modules  # the probe works
    heavy = ("vpclint.analyze", "vpclint.model", "vpclint.registry", "vpclint.rules",
             "vpclint.docs", "vpclint.selection", "vpclint.fingerprint")
    assert loaded(modules, _SCANNING + heavy + _REPORTERS) == []
    # importlib.abc imports importlib.resources and tempfile: only a source checkout's
    # rule-pack finder needs importlib, and not its abc
    assert loaded(modules, ("importlib.abc", "importlib.resources", "re2")) == []


def test_rules_reads_the_catalogue_and_imports_no_rule():
    modules = imported("rules")
    assert "vpclint.rules._catalogue" in modules
    rule_modules = [m for m in modules if m.startswith("vpclint.rules.vpc")]
    assert rule_modules == []
    assert loaded(modules, _SCANNING + _REPORTERS + ("vpclint.model", "vpclint.analyze")) == []


def test_a_scan_served_from_the_cache_imports_no_parser(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text('resource "aws_vpc" "main" {\n  cidr_block = '
                                     '"10.0.0.0/16"\n}\n', encoding="utf-8")
    (project / "stack.yaml").write_text("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n"
                                        "    Properties:\n      CidrBlock: 10.0.0.0/16\n",
                                        encoding="utf-8")
    first = imported("check", ".", "--format", "json", cwd=project, cache=tmp_path / "cache")
    assert {"hcl2", "yaml"} <= first  # parsed, and cached
    # other options: no stored report to replay, so it evaluates from the parse cache
    again = imported("check", ".", "--format", "json", "--ignore", "VPC111", cwd=project,
                     cache=tmp_path / "cache")
    assert "vpclint.engine" in again
    assert loaded(again, ("hcl2", "lark", "yaml", "vpclint.loaders.hcl_convert",
                          "vpclint.loaders.cfn_yaml")) == []
    # nor what only some scans use: RE2 (a regex function), the data tables
    # (importlib.resources, which imports tempfile), the standard dataclasses
    assert loaded(again, ("re2", "importlib.resources", "tempfile", "dataclasses")) == []


def test_a_replayed_report_imports_neither_the_engine_nor_a_reporter(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "main" {\n  cidr_block = '
                                      '"10.0.0.0/16"\n}\n', encoding="utf-8")
    (tmp_path / "cache").mkdir()
    past = time.time() - 60  # a directory changed just before a run is not stored from
    os.utime(tmp_path, (past, past))
    first = imported("check", "main.tf", "--format", "sarif", cwd=tmp_path,
                     cache=tmp_path / "cache")
    assert "vpclint.engine" in first
    replayed = imported("check", "main.tf", "--format", "sarif", cwd=tmp_path,
                        cache=tmp_path / "cache")
    assert "vpclint.result_cache" in replayed
    assert loaded(replayed, _SCANNING + _REPORTERS + ("vpclint.model", "vpclint.analyze",
                                                      "vpclint.registry", "vpclint.rules")) == []


@pytest.mark.parametrize("fmt, reporter", [("json", "vpclint.reporters.json_report"),
                                           ("sarif", "vpclint.reporters.sarif")])
def test_check_imports_only_the_reporter_it_prints_with(tmp_path, fmt, reporter):
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "main" {\n  cidr_block = '
                                      '"10.0.0.0/16"\n}\n', encoding="utf-8")
    modules = imported("check", "main.tf", "--format", fmt, cwd=tmp_path)
    assert "vpclint.engine" in modules and reporter in modules
    # a Terraform-only scan (a pre-commit run on .tf files) loads no CloudFormation or plan code
    assert loaded(modules, ("vpclint.evaluate.cloudformation", "vpclint.evaluate.tf_plan")) == []
    others = tuple(r for r in _REPORTERS if r != reporter)
    assert loaded(modules, others + ("vpclint.graph", "vpclint.docs")) == []
    # typer 0.29 coerces every option through pydantic; pyproject.toml keeps typer below it
    assert loaded(modules, ("pydantic",)) == [], "reinstall: pip install -e ."
