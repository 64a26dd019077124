"""vpclint as a pre-commit hook, run by the real ``pre-commit`` (``pre-commit try-repo``).

pre-commit passes only the changed files. The hook must still judge pairings across the
files of a Terraform module (an endpoint in ``a.tf`` whose route-table association lives in
``b.tf`` is fine), and must fail, with ``file:line``, on a defect in a changed file.

The hook repository is a snapshot of this working tree committed to a temporary git repository:
``try-repo`` on the working tree itself would leave out files that are not yet committed (it
only adds tracked files to its shadow copy), including new rules and the hooks file itself.
pre-commit then installs vpclint from that snapshot into its own virtual environment under a
temporary ``PRE_COMMIT_HOME``, which takes a while the first time: the subprocess timeouts are
generous on purpose.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 1200  # seconds: the first hook run pip-installs vpclint and its dependencies

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                       reason="the pre-commit package is not installed (pip install '.[test]')"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not (REPO / ".pre-commit-hooks.yaml").is_file(),
                       reason=".pre-commit-hooks.yaml is not in this checkout"),
]

_SNAPSHOT_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache",
    ".hypothesis", ".vpclint-cache", ".mypy_cache", ".tox", "*.sarif")

VPC = """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
"""

# a.tf and b.tf form one module: the endpoint's route table comes from b.tf.
MODULE_A = VPC + """
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
}
"""
MODULE_B = """\
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_endpoint_route_table_association" "s3_private" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  route_table_id  = aws_route_table.private.id
}
"""

# A module with a real defect: an S3 gateway endpoint on no route table (line 5).
BROKEN = VPC + """
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
}
"""
BROKEN_LINE = 5

# A module whose defect sits in a file that is not changed: not reported for other files.
MIXED_ENDPOINT = BROKEN
MIXED_SUBNET = """\
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
"""

# A root module whose endpoint takes its route tables from a module elsewhere in the repository:
# the module's output (no route table at all) decides the finding in the changed file.
CALLER = VPC + """
module "tables" {
  source = "../modules/tables"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = module.tables.ids
}
"""
CALLER_LINE = 12  # the route_table_ids argument, at column 3
TABLES_MODULE = """\
output "ids" {
  value = []
}
"""

CI_WORKFLOW = """\
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo hello
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "VPCLINT_DEBUG"}
    env.update({
        "PRE_COMMIT_HOME": str(home / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
        "GIT_AUTHOR_NAME": "vpclint tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "vpclint tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
    })
    # pre-commit must find the git and Python of this environment
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                   timeout=120)


def _commit_all(directory: Path, env: dict[str, str]) -> None:
    _git("init", "-q", cwd=directory, env=env)
    _git("add", "-A", cwd=directory, env=env)
    _git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=directory, env=env)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """(hook repository snapshot, project git repository, environment), shared by the tests
    so that pre-commit installs vpclint only once."""
    base = tmp_path_factory.mktemp("precommit")
    env = _env(base)
    hooks = base / "vpclint-hooks"
    shutil.copytree(REPO, hooks, ignore=_SNAPSHOT_IGNORE)
    _commit_all(hooks, env)

    project = base / "project"
    # judge only VPC101 (and parse errors): the snippets are minimal, and other rules rightly
    # flag them too (an S3 endpoint with no policy, ...)
    _write(project / ".vpclint.toml", 'select = ["VPC001", "VPC101"]\n')
    _write(project / "network" / "a.tf", MODULE_A)
    _write(project / "network" / "b.tf", MODULE_B)
    _write(project / "broken" / "main.tf", BROKEN)
    _write(project / "mixed" / "endpoint.tf", MIXED_ENDPOINT)
    _write(project / "mixed" / "subnet.tf", MIXED_SUBNET)
    _write(project / ".github" / "workflows" / "ci.yml", CI_WORKFLOW)
    _write(project / "live" / "main.tf", CALLER)
    _write(project / "modules" / "tables" / "main.tf", TABLES_MODULE)
    _commit_all(project, env)
    # the change being committed: touch the files, as an edit would
    for name in ("network/a.tf", "broken/main.tf", "mixed/subnet.tf", "live/main.tf"):
        path = project / name
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    _git("add", "-A", cwd=project, env=env)
    return hooks, project, env


def try_repo(setup, *files: str) -> subprocess.CompletedProcess:
    hooks, project, env = setup
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "vpclint", "--verbose",
         "--files", *files],
        cwd=project, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    if "An unexpected error has occurred" in result.stdout + result.stderr:
        log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
        details = log.read_text(encoding="utf-8") if log.is_file() else ""
        pytest.fail(f"pre-commit failed to run the hook:\n{result.stdout}\n{result.stderr}\n"
                    f"{details}")
    return result


def test_pairing_across_files_of_the_module_is_judged_whole(setup):
    # only a.tf changed (and a non-template YAML file): its endpoint's route-table association
    # in b.tf must be seen, and the workflow file skipped silently
    result = try_repo(setup, "network/a.tf", ".github/workflows/ci.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "VPC101" not in output
    assert "Passed" in output


def test_defect_in_a_changed_file_fails_the_hook_at_file_and_line(setup):
    result = try_repo(setup, "network/a.tf", "broken/main.tf")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"broken/main.tf:{BROKEN_LINE}:1: VPC101" in output
    assert "network/a.tf:" not in output  # no finding in the good module


def test_defect_in_an_unchanged_file_of_the_module_is_not_reported(setup):
    # mixed/endpoint.tf is broken but only mixed/subnet.tf changed: its findings are the
    # business of the commit that touches it
    result = try_repo(setup, "mixed/subnet.tf")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "VPC101" not in output


def test_a_commit_of_only_non_template_files_passes(setup):
    # pre-commit runs the hook on a changed CI workflow alone: no template at all is in the
    # scan, which `vpclint check` alone calls a usage error; the hook passes --allow-empty
    result = try_repo(setup, ".github/workflows/ci.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output and "error" not in output


def test_a_module_elsewhere_in_the_repository_is_read(setup):
    # vpclint reads nothing outside the paths it is given, but the hook passes --allow-read .
    # (pre-commit runs from the repository root): live/main.tf's module in ../modules is read,
    # and its empty output makes the endpoint's defect visible
    result = try_repo(setup, "live/main.tf")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"live/main.tf:{CALLER_LINE}:3: VPC101" in output
