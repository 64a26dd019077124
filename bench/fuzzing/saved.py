"""A failing mutant on disk, to replay or shrink later: ``DIR/<seed>-<index>-<kind>/`` holds the
project as it was scanned (``project/``), ``mutant.json`` (seed, index, seed file, mutations,
file contents, failures) and ``failure.txt`` (the tracebacks). ``load_mutant`` reads one back,
or takes any file or directory as a project to check."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .layout import materialize
from .mutant import Mutant


def save_mutant(directory: Path, mutant: Mutant, failures: list[dict]) -> Path:
    """Save a failing mutant as ``directory/<seed>-<index>-<kind>/``."""
    slug = re.sub(r"[^a-z]+", "-", failures[0]["kind"])
    where = directory / f"{mutant.seed}-{mutant.index:06d}-{slug}"
    shutil.rmtree(where, ignore_errors=True)
    (where / "project").mkdir(parents=True)
    materialize(mutant, where / "project")
    data = mutant.to_json()
    data["failures"] = failures
    (where / "mutant.json").write_text(json.dumps(data, indent=1, default=str))
    text = [f"seed file: {mutant.origin}", f"mutations: {mutant.mutations}",
            f"config: {mutant.config}", f"scan: project/{mutant.target}",
            f"replay: python bench/fuzz.py --replay {where}", ""]
    for failure in failures:
        text += [failure["signature"], failure["message"], "", failure["traceback"], ""]
    (where / "failure.txt").write_text("\n".join(text), errors="backslashreplace")
    return where


def load_mutant(path: Path) -> Mutant:
    """A saved mutant (its directory or mutant.json), or any file or directory as a project."""
    if path.is_dir() and (path / "mutant.json").is_file():
        path = path / "mutant.json"
    if path.name == "mutant.json":
        return Mutant.from_json(json.loads(path.read_text()))
    path = path.resolve()
    mutant = Mutant(0, 0, str(path), ["replay of a plain path"])
    base = path.parent
    for file in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
        mutant.files[file.relative_to(base).as_posix()] = file.read_bytes()
    mutant.target = path.relative_to(base).as_posix()
    return mutant
