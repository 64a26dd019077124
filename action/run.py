"""The step logic of the vpclint GitHub Action (``action.yml`` at the repository root).

One scan gives every view a pull request needs: the text report in the step log, annotations
on the changed lines, SARIF for code scanning (uploaded by the next step of the action), and a
job summary: the Markdown report (counts by rule and level, the findings) and, when the
installed vpclint has a ``graph`` command, the Mermaid graph of the flows that have problems.

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
from functools import partial
from pathlib import Path
from typing import Callable, Mapping

VPCLINT = [sys.executable, "-m", "vpclint.cli"]

#: The graph the summary shows, as ``vpclint graph`` is expected to draw it: Mermaid, only the
#: flows with a problem and what they cross. Used only when ``vpclint graph --help`` offers
#: every option named here; otherwise the summary says the graph is not available.
GRAPH_OPTIONS = ("--format", "mermaid", "--only-problems")

#: GitHub renders a Mermaid diagram of at most 50,000 characters; a larger one is an error box.
MERMAID_MAX_CHARS = 50_000

NO_GRAPH = ("_The graph of the flows with problems needs "
            f"`vpclint graph {' '.join(GRAPH_OPTIONS)}`, which this version of vpclint does not "
            "have._\n")

Runner = Callable[..., subprocess.CompletedProcess]


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


def graph_section(inputs: Inputs, run: Runner = subprocess.run) -> str:
    """The Markdown of the graph of the flows with problems, or one line saying why there is none.

    The graph takes the same paths and options as the check (values, region, selection,
    baseline), so it draws the network the check judged.
    """
    probe = run([*VPCLINT, "graph", "--help"], capture_output=True, text=True)
    if probe.returncode != 0 or not all(option in probe.stdout for option in GRAPH_OPTIONS
                                        if option.startswith("--")):
        return NO_GRAPH
    drawn = run([*VPCLINT, "graph", *inputs.paths, *GRAPH_OPTIONS, *inputs.args],
                capture_output=True, text=True)
    mermaid = drawn.stdout.strip()
    if drawn.returncode not in (0, 1) or not mermaid:
        reason = (drawn.stderr.strip().splitlines() or [f"exit code {drawn.returncode}"])[-1]
        return f"_The graph of the flows with problems could not be drawn: {reason}_\n"
    if len(mermaid) > MERMAID_MAX_CHARS:
        return (f"_The graph of the flows with problems has {len(mermaid):,} characters, more "
                f"than GitHub renders ({MERMAID_MAX_CHARS:,}): run `vpclint graph` locally._\n")
    if not mermaid.startswith("```"):
        mermaid = f"```mermaid\n{mermaid}\n```"
    return f"#### Flows with problems\n\n{mermaid}\n"


def summary(reports: Reports, exit_code: int, graph: Callable[[], str]) -> str:
    """The job summary: the Markdown report and the graph, or why vpclint wrote no report."""
    if not reports.markdown.is_file():
        return (f"### vpclint wrote no report\n\nvpclint exited with code {exit_code} without "
                "writing its report: the step log says why.\n")
    return reports.markdown.read_text(encoding="utf-8") + "\n" + graph()


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

    text = summary(reports, exit_code,
                   lambda: graph_section(inputs, partial(subprocess.run, cwd=workspace)))
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
