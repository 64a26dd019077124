"""The ``vpclint`` command line, run as a user runs it: in a subprocess, judged by exit code,
output and files written.

Each test works in its own directory under ``tmp_path`` holding an empty ``.git``, so the
directory is the repository root (for relative paths in reports) and the config search stops
there instead of picking up a config file from an enclosing directory. The subprocess runs with
that directory as its working directory, so in CI it imports the installed vpclint, not the
source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vpclint

REPO = Path(__file__).resolve().parent.parent

VPC = """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

"""

# An S3 gateway endpoint (type omitted: Gateway is the default) on no route table: VPC101,
# reported at the block header on line 5.
S3_WITHOUT_ROUTE_TABLES = VPC + """\
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
}
"""
S3_LINE = 5

S3_WITH_ROUTE_TABLES = VPC + """\
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}
"""

CFN_S3_WITHOUT_ROUTE_TABLES = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.s3
"""
CFN_S3_LINE = 7

ONLY_VPC101 = 'select = ["VPC001", "VPC101"]\n'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VPCLINT_DEBUG", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "vpclint.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def findings(result: subprocess.CompletedProcess) -> set[tuple[str, str, int]]:
    document = json.loads(result.stdout)
    return {(f["rule_id"], f["file"], f["line"]) for f in document["findings"]
            if not f["suppressed"]}


def assert_clean_error(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2 with a one-line-ish message naming the problem, never a traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    # The snippets here are minimal, so other rules rightly flag them too (an S3 endpoint with
    # no policy, ...): the config keeps these tests about the CLI and the rule they exercise.
    write(tmp_path / ".vpclint.toml", ONLY_VPC101)
    return tmp_path


# --- basics ---------------------------------------------------------------------------------


def test_version(repo):
    result = run("--version", cwd=repo)
    assert result.returncode == 0
    assert result.stdout.strip() == f"vpclint {vpclint.__version__}"


def test_help_mentions_check(repo):
    result = run("--help", cwd=repo)
    assert result.returncode == 0
    assert "check" in result.stdout


def test_console_script_is_installed(repo):
    script = Path(sys.executable).with_name("vpclint")
    if not script.exists():
        pytest.skip(f"no vpclint script next to {sys.executable} (not installed in this env)")
    result = subprocess.run([str(script), "--version"], cwd=repo, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0
    assert result.stdout.strip() == f"vpclint {vpclint.__version__}"


@pytest.mark.parametrize("args,code", [(("--version",), 0),
                                       (("check", "net", "--format", "json"), 1),
                                       (("check", "net", "--fail-level", "bogus"), 2)],
                         ids=["version", "finding", "usage-error"])
def test_python_dash_m_vpclint_is_the_vpclint_command(repo, args, code):
    """``python -m vpclint`` answers exactly as the command does: output, errors, exit code."""
    write(repo / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    env = {k: v for k, v in os.environ.items() if k not in ("VPCLINT_DEBUG", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    module = subprocess.run([sys.executable, "-m", "vpclint", *args], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=120)
    command = run(*args, cwd=repo)
    assert module.returncode == code, module.stderr
    assert (module.returncode, module.stdout, module.stderr) == (
        command.returncode, command.stdout, command.stderr)


# --- exit codes -----------------------------------------------------------------------------


def test_defect_exits_1_and_points_at_the_block(repo):
    write(repo / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    text = run("check", "net", cwd=repo)
    assert text.returncode == 1, text.stderr
    assert f"net/main.tf:{S3_LINE}:1: VPC101 [error]" in text.stdout
    as_json = run("check", "net", "--format", "json", cwd=repo)
    assert as_json.returncode == 1
    assert findings(as_json) == {("VPC101", "net/main.tf", S3_LINE)}


def test_cloudformation_defect_exits_1(repo):
    write(repo / "stack.yaml", CFN_S3_WITHOUT_ROUTE_TABLES)
    result = run("check", ".", "--format", "json", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert findings(result) == {("VPC101", "stack.yaml", CFN_S3_LINE)}


def test_clean_module_exits_0(repo):
    write(repo / "net" / "main.tf", S3_WITH_ROUTE_TABLES)
    result = run("check", "net", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VPC101" not in result.stdout


def test_fail_level_none_reports_but_exits_0(repo):
    write(repo / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    result = run("check", ".", "--fail-level", "none", cwd=repo)
    assert result.returncode == 0
    assert "VPC101" in result.stdout


def test_nonexistent_path_exits_2(repo):
    assert_clean_error(run("check", "no-such-dir", cwd=repo), "no-such-dir")


def test_unknown_format_exits_2(repo):
    write(repo / "main.tf", S3_WITH_ROUTE_TABLES)
    assert_clean_error(run("check", ".", "--format", "xml", cwd=repo), "xml")


def test_unknown_selection_exits_2_with_a_message(repo):
    write(repo / "main.tf", S3_WITH_ROUTE_TABLES)
    assert_clean_error(run("check", ".", "--select", "VPC9", cwd=repo), "VPC9")


def test_unknown_option_is_a_usage_error(repo):
    write(repo / "main.tf", S3_WITH_ROUTE_TABLES)
    assert_clean_error(run("check", ".", "--no-such-option", cwd=repo), "--no-such-option")


def test_malformed_config_exits_2_naming_the_file(repo):
    write(repo / "main.tf", S3_WITH_ROUTE_TABLES)
    write(repo / ".vpclint.toml", 'fail-level = "error"\nselect = [VPC1\n')
    assert_clean_error(run("check", ".", cwd=repo), ".vpclint.toml")


def test_unknown_config_key_exits_2_naming_file_and_key(repo):
    write(repo / "main.tf", S3_WITH_ROUTE_TABLES)
    write(repo / ".vpclint.toml", 'failLevel = "warning"\n')
    assert_clean_error(run("check", ".", cwd=repo), ".vpclint.toml", "failLevel")


# --- output ---------------------------------------------------------------------------------


def test_sarif_to_output_file(repo):
    write(repo / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    result = run("check", "net", "--format", "sarif", "--output", "out/vpclint.sarif",
                 cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "VPC101" not in result.stdout  # the report went to the file
    sarif = json.loads((repo / "out" / "vpclint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    (found,) = run_["results"]
    assert found["ruleId"] == "VPC101"
    location = found["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "net/main.tf"
    assert location["region"]["startLine"] == S3_LINE


# --- baseline and suppressions --------------------------------------------------------------


def test_baseline_hides_recorded_findings(repo):
    write(repo / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    recorded = run("check", ".", "--baseline", "baseline.json", "--write-baseline", cwd=repo)
    assert recorded.returncode == 0, recorded.stderr
    assert json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["fingerprints"]
    again = run("check", ".", "--baseline", "baseline.json", cwd=repo)
    assert again.returncode == 0, again.stdout + again.stderr
    assert run("check", ".", cwd=repo).returncode == 1  # the finding is still there


def test_baseline_survives_lines_moving(repo):
    write(repo / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    assert run("check", ".", "--baseline", "b.json", "--write-baseline", cwd=repo).returncode == 0
    write(repo / "main.tf", "# network of the shop\n\n" + S3_WITHOUT_ROUTE_TABLES)
    assert run("check", ".", "--baseline", "b.json", cwd=repo).returncode == 0


def test_missing_baseline_exits_2(repo):
    write(repo / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    assert_clean_error(run("check", ".", "--baseline", "nope.json", cwd=repo), "nope.json")


def test_terraform_ignore_comment_above_the_block(repo):
    text = S3_WITHOUT_ROUTE_TABLES.replace(
        'resource "aws_vpc_endpoint" "s3" {',
        '# vpclint:ignore VPC101 route tables are attached by the platform team\n'
        'resource "aws_vpc_endpoint" "s3" {')
    write(repo / "main.tf", text)
    result = run("check", ".", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    (found,) = json.loads(result.stdout)["findings"]  # kept, marked suppressed
    assert found["rule_id"] == "VPC101"
    assert found["suppressed"] is True
    assert found["justification"] == "route tables are attached by the platform team"


def test_cloudformation_metadata_ignore(repo):
    text = CFN_S3_WITHOUT_ROUTE_TABLES.replace(
        "    Type: AWS::EC2::VPCEndpoint\n",
        "    Type: AWS::EC2::VPCEndpoint\n"
        "    Metadata:\n"
        "      vpclint:\n"
        "        ignore:\n"
        "          - id: gateway-endpoint-without-route-tables\n"
        "            reason: routes are added by another stack\n")
    write(repo / "stack.yaml", text)
    result = run("check", ".", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr


# --- parse errors ---------------------------------------------------------------------------


def test_parse_error_is_a_finding_and_the_scan_goes_on(repo):
    write(repo / "broken" / "main.tf", 'resource "aws_vpc" "main" {\n  cidr_block = \n')
    write(repo / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    result = run("check", ".", "--format", "json", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    found = findings(result)
    assert ("VPC101", "net/main.tf", S3_LINE) in found
    assert {rule for rule, file, _ in found if file == "broken/main.tf"} == {"VPC001"}


# --- the bundled examples -------------------------------------------------------------------

# The defects built into examples/ (see the README): each one must be found, and nothing else
# may be (the rest of the examples is meant to be correct).
EXAMPLE_DEFECTS = {
    ("VPC101", "examples/terraform/endpoints.tf", 4),  # S3 gateway endpoint on no route table
    ("VPC204", "examples/terraform/endpoints.tf", 38),  # private DNS, VPC without DNS hostnames
    ("VPC112", "examples/terraform/lattice.tf", 5),  # AWS_IAM service network, no auth policy
    ("VPC103", "examples/cloudformation/network.yaml", 188),  # ssm endpoint, type omitted
    ("VPC401", "examples/cloudformation/network.yaml", 232),  # principal "*", no acceptance
    ("VPC112", "examples/cloudformation/network.yaml", 292),  # AWS_IAM service, no auth policy
}


def test_examples_show_exactly_their_intended_defects():
    from vpclint.registry import load_rules

    if not (REPO / "examples").is_dir():
        pytest.skip("examples/ is not in this checkout")
    missing = sorted({rule for rule, _, _ in EXAMPLE_DEFECTS} - set(load_rules()))
    assert not missing, f"the examples show defects of rules that are not registered: {missing}"
    result = run("check", "examples", "--format", "json", cwd=REPO)
    assert result.returncode == 1, result.stderr
    assert findings(result) == EXAMPLE_DEFECTS


def test_readme_and_ci_run_the_same_test_command():
    ci, readme = REPO / ".ci" / "run", REPO / "README.md"
    if not (ci.is_file() and readme.is_file()):
        pytest.skip(".ci/run or README.md is not in this checkout")
    (line,) = [ln for ln in ci.read_text(encoding="utf-8").splitlines()
               if ln.startswith("TEST_COMMAND=")]
    command = line.split("=", 1)[1].split("#")[0].strip().strip('"')
    setup = [ln for ln in readme.read_text(encoding="utf-8").splitlines()
             if ln.startswith("python3 -m venv ")]
    assert len(setup) == 2, "the README has exactly two set-up commands"
    assert setup[1].endswith(f"&& {command}")


# --- usage errors: one line on stderr, exit 2, no traceback ---------------------------------


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    """``vpclint: error: ...`` on one line of stderr, naming the problem; exit 2."""
    assert_clean_error(result, *words)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vpclint: error: "), result.stderr


def test_output_naming_a_directory_is_a_usage_error(repo):
    write(repo / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    (repo / "reports").mkdir()
    result = run("check", "net", "--output", "reports", cwd=repo)
    assert_one_line_error(result, "--output reports", "is a directory")
    assert "IsADirectoryError" not in result.stderr


def test_output_under_a_file_is_a_usage_error(repo):
    write(repo / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    write(repo / "notes.txt", "not a directory\n")
    result = run("check", "net", "--output", "notes.txt/vpclint.sarif", cwd=repo)
    assert_one_line_error(result, "--output notes.txt/vpclint.sarif", "not a directory")


@pytest.mark.skipif(os.name == "nt" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="needs POSIX permissions that apply (not root)")
def test_output_in_a_read_only_directory_is_a_usage_error(repo):
    write(repo / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    locked = repo / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run("check", "net", "--output", "locked/vpclint.sarif", cwd=repo)
    finally:
        locked.chmod(0o700)
    assert_one_line_error(result, "--output locked/vpclint.sarif", "permission denied")


def test_output_creates_missing_directories(repo):
    write(repo / "net" / "main.tf", S3_WITH_ROUTE_TABLES)
    result = run("check", "net", "-f", "json", "-o", "build/reports/vpclint.json", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert json.loads((repo / "build" / "reports" / "vpclint.json").read_text())["findings"] == []


@pytest.mark.parametrize("option, name", [("--var-file", "prod.tfvars"),
                                          ("--parameter-file", "params.json")])
def test_missing_value_files_are_usage_errors(repo, option, name):
    write(repo / "net" / "main.tf", S3_WITH_ROUTE_TABLES)
    assert_one_line_error(run("check", "net", option, name, cwd=repo), f"{option} {name}",
                          "no such file")
    (repo / "envs").mkdir()
    assert_one_line_error(run("check", "net", option, "envs", cwd=repo), f"{option} envs",
                          "is a directory")


def test_missing_var_file_named_in_the_config_is_a_usage_error(repo):
    write(repo / "net" / "main.tf", S3_WITH_ROUTE_TABLES)
    write(repo / ".vpclint.toml", ONLY_VPC101 + 'var-files = ["prod.tfvars"]\n')
    assert_one_line_error(run("check", "net", cwd=repo), ".vpclint.toml", "var-files",
                          "prod.tfvars", "no such file")


def test_path_without_templates_is_a_usage_error_unless_allowed(repo):
    write(repo / ".github" / "workflows" / "ci.yml", "name: ci\non: [push]\njobs: {}\n")
    write(repo / "docs" / "README.md", "# docs\n")
    for path in (".github/workflows/ci.yml", "docs"):
        result = run("check", path, cwd=repo)
        assert_one_line_error(result, f"no Terraform or CloudFormation found in {path}",
                              "--allow-empty")
        assert result.stdout == ""
        allowed = run("check", path, "--allow-empty", cwd=repo)
        assert allowed.returncode == 0, allowed.stderr
        assert "No findings in 0 files" in allowed.stdout


def test_baseline_naming_a_directory_is_a_usage_error(repo):
    write(repo / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    (repo / "baselines").mkdir()
    for extra in ((), ("--write-baseline",)):
        result = run("check", ".", "--baseline", "baselines", *extra, cwd=repo)
        assert_one_line_error(result, "baselines", "is a directory")
        assert "not found" not in result.stderr


# --- help -------------------------------------------------------------------------------------

HELP_COMMANDS = [(), ("check",), ("flows",), ("rules",), ("explain",)]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "vpclint")
def test_help_shows_metavars_not_python_types(repo, command):
    result = run(*command, "--help", cwd=repo)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for python_type in ("<list[", "<str>", "<Path>", "<path>", "<int>", "<bool>", "{"):
        assert python_type not in text, f"{python_type!r} in:\n{text}"


def test_check_help_names_each_value_as_a_person_reads_it(repo):
    text = run("check", "--help", cwd=repo).stdout
    assert text.startswith("Usage: vpclint check [OPTIONS] PATH...")
    for record in ("PATH...", "-f, --format FORMAT", "-o, --output FILE", "--select RULES",
                   "--ignore RULES", "--exclude GLOB", "--fail-level LEVEL", "--config FILE",
                   "--baseline FILE", "--category NAME", "--var NAME=VALUE", "--var-file FILE",
                   "--region REGION", "--cfn-param KEY=VALUE", "--parameter-file FILE",
                   "--allow-empty", "--no-color"):
        assert f"  {record}" in text, record
    assert "vpclint check . --format sarif --output vpclint.sarif\n" in text
    assert "directories are created" in " ".join(text.split())  # --output's help says it


def test_path_argument_is_spelt_the_same_in_every_command(repo):
    for command in ("check", "flows"):
        assert f"Usage: vpclint {command} [OPTIONS] PATH...\n" in run(command, "--help",
                                                                      cwd=repo).stdout
    assert "Usage: vpclint explain [OPTIONS] RULE\n" in run("explain", "--help", cwd=repo).stdout


# --- text paths are relative to where the user stands ---------------------------------------


def _git_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True)
    else:
        (path / ".git").mkdir()
    return path


def test_text_paths_open_from_the_current_directory(tmp_path, monkeypatch):
    other = _git_repo(tmp_path / "infra-repo")
    write(other / ".vpclint.toml", ONLY_VPC101)
    write(other / "net" / "main.tf", S3_WITHOUT_ROUTE_TABLES)
    here = _git_repo(tmp_path / "app-repo")
    monkeypatch.chdir(here)
    text = run("check", "../infra-repo/net", cwd=Path.cwd())
    assert text.returncode == 1, text.stderr
    first = text.stdout.splitlines()[0]
    assert first.startswith(f"../infra-repo/net/main.tf:{S3_LINE}:1: VPC101"), first
    assert (Path.cwd() / first.split(":")[0]).is_file()  # it opens from here
    as_json = run("check", str(other / "net"), "-f", "json", cwd=Path.cwd())
    assert findings(as_json) == {("VPC101", "net/main.tf", S3_LINE)}  # the repository's root
    inside = run("check", ".", cwd=other / "net")
    assert inside.stdout.startswith(f"main.tf:{S3_LINE}:1: VPC101"), inside.stdout
