"""The vpclint GitHub Action: ``action.yml`` and its step logic, ``action/run.py``.

The metadata is validated against SchemaStore's schema for actions and read for what GitHub
relies on (inputs, outputs, a shell on every script step, no ``${{ }}`` spliced into a script).
The script runs as the runner runs it: a subprocess whose GitHub environment variables
(``GITHUB_WORKSPACE``, ``RUNNER_TEMP``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT``) point at
temporary files, judged by what it prints (the text report, annotations), the summary it
appends, the outputs it sets and the SARIF it leaves for the upload step. One test runs every
script step of ``action.yml`` itself, from installing vpclint out of a copy of this checkout
to failing the job, with a small evaluator for the expressions the file uses.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from fixture_cases import FIXTURES
from mermaid_grammar import check as check_mermaid
from test_cli import S3_LINE, S3_WITHOUT_ROUTE_TABLES, S3_WITH_ROUTE_TABLES, write

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
SCRIPT = REPO / "action" / "run.py"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "github-action.schema.json"
SCENARIOS = FIXTURES / "scenarios"
INPUTS = {"path", "args", "fail-level", "category", "upload-sarif"}

pytestmark = pytest.mark.skipif(not ACTION.is_file(), reason="action.yml is not in this checkout")


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _script_module():
    spec = importlib.util.spec_from_file_location("vpclint_action_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


# --- the metadata --------------------------------------------------------------------------------


def test_action_metadata_is_valid_against_the_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft7Validator(schema).iter_errors(_action())]
    assert not errors


def test_action_inputs_outputs_and_steps():
    action = _action()
    assert {"name", "description", "runs"} <= set(action)
    assert set(action["inputs"]) == INPUTS
    assert action["inputs"]["upload-sarif"]["default"] == "true"
    assert action["inputs"]["fail-level"]["default"] == "error"
    assert all(spec.get("description") for spec in action["inputs"].values())
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = {step.get("id", step["name"]): step for step in runs["steps"]}
    for output in action["outputs"].values():
        match = re.fullmatch(r"\$\{\{ steps\.(\w+)\.outputs\.[\w-]+ \}\}", output["value"])
        assert match and match.group(1) in steps, output
    upload = next(s for s in runs["steps"] if "uses" in s)
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"] == {"sarif_file": "${{ steps.check.outputs.sarif-file }}",
                              "category": "${{ inputs.category }}"}
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    check = steps["check"]
    assert "$GITHUB_ACTION_PATH/action/run.py" in check["run"]
    assert {"INPUT_PATH", "INPUT_ARGS", "INPUT_FAIL_LEVEL", "INPUT_CATEGORY"} <= set(check["env"])


def test_scripts_take_inputs_from_the_environment_never_spliced_in():
    for step in _action()["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], step["name"]  # an input could run commands


# --- the script, run as the runner runs it -----------------------------------------------------------


def _github_env(tmp_path: Path, workspace: Path, **inputs: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_")) and k != "VPCLINT_DEBUG"}
    (tmp_path / "runner").mkdir(exist_ok=True)
    env.update({"GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(tmp_path / "runner"),
                "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
                "GITHUB_OUTPUT": str(tmp_path / "output.txt"), "NO_COLOR": "1"})
    env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
    return env


def _outputs(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return dict(line.split("=", 1) for line in lines)


def _workspace(tmp_path: Path, main_tf: str) -> Path:
    workspace = tmp_path / "workspace"
    (workspace / ".git").mkdir(parents=True)
    write(workspace / "infra" / "main.tf", main_tf)
    return workspace


def _run_script(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT)], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_script_annotates_summarises_and_leaves_sarif_for_the_upload(tmp_path):
    workspace = _workspace(tmp_path, S3_WITHOUT_ROUTE_TABLES)
    (tmp_path / "summary.md").write_text("earlier step's summary\n", encoding="utf-8")
    env = _github_env(tmp_path, workspace, path="infra/main.tf", args="--select VPC101",
                      fail_level="error", category="vpclint/prod")
    done = _run_script(env, cwd=tmp_path)  # the script runs vpclint in GITHUB_WORKSPACE
    assert done.returncode == 0, done.stderr  # vpclint's verdict is an output, not the exit
    outputs = _outputs(tmp_path / "output.txt")
    assert outputs["exit-code"] == "1"
    assert f"infra/main.tf:{S3_LINE}:1: VPC101 [error]" in done.stdout  # text in the log
    assert (f"::error file=infra/main.tf,line={S3_LINE},endLine={S3_LINE},col=1,"
            "title=VPC101::") in done.stdout
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    (run,) = sarif["runs"]
    assert run["automationDetails"]["id"] == "vpclint/prod/"
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in run["results"]] == [("VPC101", "infra/main.tf", S3_LINE)]
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("earlier step's summary\n### vpclint: 1 finding (1 error) in 1 file")
    assert "| error | VPC101 | `infra/main.tf:5` |" in summary
    assert "`gateway-endpoint-without-route-tables` | error | 1 |" in summary
    assert "Flows with problems" not in summary  # no finding here is about a flow
    assert summary.endswith(Path(outputs["markdown-file"]).read_text(encoding="utf-8"))


def test_script_summary_draws_the_flows_with_problems_from_the_one_scan(tmp_path):
    workspace = tmp_path / "workspace"
    (workspace / ".git").mkdir(parents=True)
    shutil.copytree(SCENARIOS / "lambda-sqs-secrets-nat" / "terraform", workspace / "infra")
    env = _github_env(tmp_path, workspace, path="infra", fail_level="warning")
    done = _run_script(env, cwd=workspace)
    assert done.returncode == 0, done.stderr
    assert _outputs(tmp_path / "output.txt")["exit-code"] == "1"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| warning | VPC303 | `infra/network.tf:126` |" in summary
    graph = summary.split("#### Flows with problems\n\n```mermaid\n", 1)[1].split("\n```\n")[0]
    check_mermaid(graph)
    assert "workload orders" in graph and "sqs: detour via NAT and internet gateway" in graph
    assert "VPC303 [warning]" in graph  # the finding, as a note on its endpoint


def test_script_on_a_clean_tree_passes(tmp_path):
    workspace = _workspace(tmp_path, S3_WITH_ROUTE_TABLES)
    env = _github_env(tmp_path, workspace, path="infra/main.tf", args="--select VPC101")
    done = _run_script(env, cwd=workspace)
    assert done.returncode == 0, done.stderr
    assert _outputs(tmp_path / "output.txt")["exit-code"] == "0"
    assert "::error" not in done.stdout
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").startswith(
        "### vpclint: No findings in 1 file\n")


def test_script_when_vpclint_cannot_run(tmp_path):
    workspace = _workspace(tmp_path, S3_WITHOUT_ROUTE_TABLES)
    env = _github_env(tmp_path, workspace, path="infra/main.tf", fail_level="sometimes")
    done = _run_script(env, cwd=workspace)
    assert done.returncode == 0, done.stderr
    outputs = _outputs(tmp_path / "output.txt")
    assert outputs == {"exit-code": "2"}  # no SARIF to upload, no report
    assert "--fail-level: 'sometimes' is not one of" in done.stderr
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == (
        "### vpclint wrote no report\n\nvpclint exited with code 2 without writing its "
        "report: the step log says why.\n")


def test_script_splits_paths_and_args_as_a_shell_does(tmp_path):
    module = _script_module()
    inputs = module.Inputs.from_env({"INPUT_PATH": "infra 'stacks/my net'",
                                     "INPUT_ARGS": "--region eu-west-1 --var 'name=a b'",
                                     "INPUT_FAIL_LEVEL": "warning", "INPUT_CATEGORY": ""})
    reports = module.Reports(tmp_path)
    command = module.check_command(inputs, reports)
    assert command[len(module.VPCLINT):] == [
        "check", "infra", "stacks/my net", "--fail-level", "warning",
        "--report", f"sarif:{tmp_path / 'vpclint.sarif'}",
        "--report", f"markdown:{tmp_path / 'vpclint.md'}",
        "--report", f"github:{tmp_path / 'annotations.txt'}",
        "--region", "eu-west-1", "--var", "name=a b"]  # no --category: vpclint's default
    assert module.Inputs.from_env({}).paths == ["."]


# --- every step of action.yml -----------------------------------------------------------------


class _ActionRunner:
    """Runs a composite action's steps as the runner does, for the expressions action.yml uses:
    ``${{ inputs.NAME }}``, ``${{ steps.ID.outputs.NAME }}``, and ``if:`` conditions made of
    ``X == 'text'`` / ``X != 'text'`` joined by ``&&``. Anything else fails the test, so a change
    to action.yml that this runner cannot follow is noticed rather than skipped."""

    def __init__(self, action: dict, inputs: dict[str, str], env: dict[str, str], tmp: Path):
        self.inputs = {name: inputs.get(name, spec.get("default", ""))
                       for name, spec in action["inputs"].items()}
        self.steps, self.env, self.tmp = action["runs"]["steps"], env, tmp
        self.outputs: dict[str, dict[str, str]] = {}
        self.uses: list[tuple[str, dict[str, str]]] = []
        self.log: list[str] = []

    def value(self, expression: str) -> str:
        parts = expression.strip().split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"unsupported expression in action.yml: {expression}")

    def substitute(self, text: str) -> str:
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: self.value(m.group(1)), text)

    def condition(self, expression: str) -> bool:
        for clause in expression.split("&&"):
            match = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*", clause)
            assert match, f"unsupported condition in action.yml: {expression}"
            equal = self.value(match.group(1)).lower() == match.group(3).lower()
            if equal != (match.group(2) == "=="):
                return False
        return True

    def run(self) -> int:
        """Each step in turn; the exit code of the first failing script step, else 0."""
        for number, step in enumerate(self.steps):
            if "if" in step and not self.condition(step["if"]):
                continue
            if "uses" in step:
                self.uses.append((step["uses"], {k: self.substitute(str(v))
                                                 for k, v in step.get("with", {}).items()}))
                continue
            output = self.tmp / f"output-{number}.txt"
            output.write_text("", encoding="utf-8")
            env = {**self.env, "GITHUB_OUTPUT": str(output),
                   **{k: self.substitute(str(v)) for k, v in step.get("env", {}).items()}}
            script = self.tmp / f"step-{number}.sh"
            script.write_text(self.substitute(step["run"]), encoding="utf-8")
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                   str(script)], env=env, cwd=env["GITHUB_WORKSPACE"],
                                  capture_output=True, text=True, timeout=900)
            self.log.append(done.stdout + done.stderr)
            if "id" in step:
                self.outputs[step["id"]] = _outputs(output)
            if done.returncode != 0:
                return done.returncode
        return 0


def _checkout_of_the_action(target: Path) -> Path:
    """What ``uses: vpclint/vpclint@v0`` checks out: the repository's files."""
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
        ".vpclint-cache"))
    return target


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("python3") is None,
                    reason="the action's steps are bash scripts that run python3")
def test_every_step_of_the_action_from_install_to_failing_the_job(tmp_path):
    workspace = _workspace(tmp_path, S3_WITHOUT_ROUTE_TABLES)
    env = _github_env(tmp_path, workspace)
    env["GITHUB_ACTION_PATH"] = str(_checkout_of_the_action(tmp_path / "action-checkout"))
    runner = _ActionRunner(_action(), {"path": "infra/main.tf", "args": "--select VPC101",
                                       "category": "vpclint/prod"}, env, tmp_path)
    exit_code = runner.run()
    assert exit_code == 1, "\n".join(runner.log)  # the last step fails the job on the finding
    sarif_file = runner.outputs["check"]["sarif-file"]
    assert runner.uses == [("github/codeql-action/upload-sarif@v3",
                            {"sarif_file": sarif_file, "category": "vpclint/prod"})]
    assert Path(sarif_file).is_file()
    check_log = runner.log[1]
    assert f"::error file=infra/main.tf,line={S3_LINE}," in check_log
    assert "| error | VPC101 |" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "vpclint exited with code 1" in runner.log[-1]


def test_readme_documents_the_action_as_it_is():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    action = _action()
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", readme, re.S)
              if "uses: vpclint/vpclint@v0\n" in block]
    (workflow,) = blocks
    (step,) = [s for s in workflow["jobs"]["vpclint"]["steps"]
               if s.get("uses") == "vpclint/vpclint@v0"]
    assert set(step["with"]) <= set(action["inputs"])
    rows = re.findall(r"^\| `([\w-]+)` \|\s*`?([^|`]*?)`?\s*\| .+ \|$", readme, re.M)
    documented = {name: default for name, default in rows if name in action["inputs"]}
    assert set(documented) == set(action["inputs"])
    for name, default in documented.items():
        assert default == action["inputs"][name]["default"] or \
            (name == "category" and default == "vpclint/"), name  # empty: vpclint's default
