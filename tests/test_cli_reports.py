"""``vpclint check --report FORMAT:FILE``: one scan, several reports, run as a user runs it.

Every extra report must be byte for byte what ``--format FORMAT`` prints in a run of its own,
so CI can scan once and feed code scanning, annotations and a summary from that one scan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from test_cli import ONLY_VPC101, S3_LINE, S3_WITHOUT_ROUTE_TABLES, assert_clean_error, run, write
from vpclint.reporters import FORMATS

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".vpclint.toml", ONLY_VPC101)
    write(tmp_path / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    return tmp_path


def test_one_scan_writes_every_format_as_its_own_run_would(repo):
    extras = [f for f in FORMATS if f != "text"]
    reports = [arg for fmt in extras for arg in ("--report", f"{fmt}:out/report.{fmt}")]
    result = run("check", "net", *reports, cwd=repo)
    assert result.returncode == 1, result.stderr
    assert f"net/main.tf:{S3_LINE}:1: VPC101 [error]" in result.stdout  # text to the terminal
    for fmt in extras:
        alone = run("check", "net", "--format", fmt, cwd=repo)
        written = (repo / "out" / f"report.{fmt}").read_text(encoding="utf-8")
        assert written == alone.stdout, fmt
    sarif = json.loads((repo / "out" / "report.sarif").read_text(encoding="utf-8"))
    (found,) = sarif["runs"][0]["results"]
    assert (found["ruleId"], found["locations"][0]["physicalLocation"]["region"]["startLine"]) \
        == ("VPC101", S3_LINE)


def test_reports_beside_output_and_category(repo):
    result = run("check", "net", "--format", "github", "--output", "annotations.txt",
                 "--report", "sarif:vpclint.sarif", "--category", "vpclint/prod", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    annotations = (repo / "annotations.txt").read_text(encoding="utf-8")
    assert annotations.startswith(f"::error file=net/main.tf,line={S3_LINE},")
    sarif = json.loads((repo / "vpclint.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["automationDetails"]["id"] == "vpclint/prod/"


def test_the_same_format_twice_and_a_format_from_the_config(repo):
    write(repo / ".vpclint.toml", ONLY_VPC101 + 'format = "markdown"\n')
    result = run("check", "net", "--report", "junit:a.xml", "--report", "junit:b/a.xml", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("### vpclint: 1 finding (1 error) in 1 file")
    assert (repo / "a.xml").read_bytes() == (repo / "b" / "a.xml").read_bytes()


@pytest.mark.parametrize("value,words", [
    ("sarif", ["--report sarif", "expected FORMAT:FILE"]),
    (":x.sarif", ["expected FORMAT:FILE"]),
    ("sarif:", ["expected FORMAT:FILE"]),
    ("xml:x.xml", ["unknown format 'xml'", "junit"]),
    ("sarif:out.json", ["out.json", "also written by --output out.json"]),
    ("sarif:net", ["--report net", "is a directory"]),
])
def test_bad_reports_are_usage_errors_before_the_scan(repo, value, words):
    result = run("check", "net", "--output", "out.json", "--report", value, cwd=repo)
    assert_clean_error(result, *words)
    assert not (repo / "out.json").exists()


def test_two_reports_to_one_file_is_a_usage_error(repo):
    result = run("check", "net", "--report", "sarif:x", "--report", "json:./x", cwd=repo)
    assert_clean_error(result, "--report json:./x", "also written by --report sarif:x")


def test_flows_takes_none_of_the_new_formats(repo):
    assert "--report" not in run("flows", "--help", cwd=repo).stdout
    assert_clean_error(run("flows", "net", "--format", "github", cwd=repo), "unknown format")


def test_help_and_readme_name_every_format(repo):
    help_text = " ".join(run("check", "--help", cwd=repo).stdout.split())
    assert "--report FORMAT:FILE" in help_text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `--format FORMAT`"))
    documented = re.findall(r"`(\w+)`", row.split("|")[2])
    for fmt in FORMATS:
        assert fmt in help_text, fmt
        assert fmt in documented, fmt
    assert any(line.startswith("| `--report FORMAT:FILE`") for line in readme.splitlines())
