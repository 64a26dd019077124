"""The step logic of the vpclint GitHub Action (``action.yml`` at the repository root).

One scan gives every view a pull request needs: the text report in the step log, annotations
on the changed lines, SARIF for code scanning (uploaded by the next step of the action), and a
job summary: the Markdown report (counts by rule and level, the findings, and the Mermaid
graph of the flows that have problems), all written by that one ``vpclint check`` run.

The action passes its inputs as environment variables (never spliced into the shell script,
so an input cannot run commands): ``INPUT_PATH`` (paths, split as a shell splits words),
``INPUT_ARGS`` (more ``vpclint check`` options, split the same way, placed last so they win),
``INPUT_FAIL_LEVEL`` and ``INPUT_CATEGORY``. It reads the runner's own ``GITHUB_WORKSPACE``
(where to run), ``RUNNER_TEMP`` (where reports go), ``GITHUB_STEP_SUMMARY`` and
``GITHUB_OUTPUT``. It always exits 0 once vpclint has run, with vpclint's exit code in the
``exit-code`` output, so the SARIF upload runs before the action fails the job on findings.

Run it anywhere with those variables pointed at temporary files: that is how the tests run it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

VPCLINT = [sys.executable, "-m", "vpclint.cli"]


@dataclass(frozen=True)
class Inputs:
    """The action's inputs, as ``vpclint`` arguments."""

    paths: list[str]
    args: list[str]
    fail_level: str
    category: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Inputs":
        return cls(paths=shlex.split(env.get("INPUT_PATH", "")) or ["."],
                   args=shlex.split(env.get("INPUT_ARGS", "")),
                   fail_level=env.get("INPUT_FAIL_LEVEL", "").strip() or "error",
                   category=env.get("INPUT_CATEGORY", "").strip())


@dataclass(frozen=True)
class Reports:
    """Where the one scan writes each report."""

    directory: Path

    @property
    def sarif(self) -> Path:
        return self.directory / "vpclint.sarif"

    @property
    def markdown(self) -> Path:
        return self.directory / "vpclint.md"

    @property
    def annotations(self) -> Path:
        return self.directory / "annotations.txt"


def check_command(inputs: Inputs, reports: Reports) -> list[str]:
    """``vpclint check``: text to the log, the other reports to files, the user's options last."""
    category = ["--category", inputs.category] if inputs.category else []
    return [*VPCLINT, "check", *inputs.paths, "--fail-level", inputs.fail_level, *category,
            "--report", f"sarif:{reports.sarif}", "--report", f"markdown:{reports.markdown}",
            "--report", f"github:{reports.annotations}", *inputs.args]


def summary(reports: Reports, exit_code: int) -> str:
    """The job summary: the Markdown report (its graph included), or why there is none."""
    if not reports.markdown.is_file():
        return (f"### vpclint wrote no report\n\nvpclint exited with code {exit_code} without "
                "writing its report: the step log says why.\n")
    return reports.markdown.read_text(encoding="utf-8")


def set_outputs(path: str | None, values: dict[str, str]) -> None:
    """Append ``name=value`` lines to the ``GITHUB_OUTPUT`` file (nothing outside a runner)."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            if "\n" in value:
                raise ValueError(f"output {name} holds a line break: {value!r}")
            handle.write(f"{name}={value}\n")


def main(env: Mapping[str, str] = os.environ) -> int:
    inputs = Inputs.from_env(env)
    temp = env.get("RUNNER_TEMP") or tempfile.mkdtemp(prefix="vpclint-")
    reports = Reports(Path(temp).absolute() / "vpclint")
    reports.directory.mkdir(parents=True, exist_ok=True)
    for stale in (reports.sarif, reports.markdown, reports.annotations):
        stale.unlink(missing_ok=True)  # a second use of the action in one job starts clean
    workspace = env.get("GITHUB_WORKSPACE") or None
    exit_code = subprocess.run(check_command(inputs, reports), cwd=workspace).returncode
    sys.stdout.flush()
    if reports.annotations.is_file():
        sys.stdout.write(reports.annotations.read_text(encoding="utf-8"))
        sys.stdout.flush()

    text = summary(reports, exit_code)
    if env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(text)
    outputs = {"exit-code": str(exit_code)}
    for name, path in (("sarif-file", reports.sarif), ("markdown-file", reports.markdown)):
        if path.is_file():
            outputs[name] = str(path)
    set_outputs(env.get("GITHUB_OUTPUT"), outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
