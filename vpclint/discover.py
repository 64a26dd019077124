"""Discovery: command-line paths -> the sources to load.

Terraform is judged per module (a directory's ``.tf`` and ``.tf.json`` files together), so a file
named on the command line, as pre-commit does with changed files, brings its whole directory in;
findings are then reported only for the named files (``Sources.focus``). A synthesized CDK app
(``cdk.out``) is scanned when named on the command line, never by walking past it: it is build
output, often stale, and a note says how to check it. CloudFormation files are
recognized by content, not by extension: other YAML and JSON (CI workflows, package.json,
parameter files) is skipped silently.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from vpclint.loaders.cfn import looks_like_template

SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", "cdk.out", ".venv", "__pycache__",
                       ".tox", ".mypy_cache", ".pytest_cache", ".vpclint-cache"})
CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TF_SUFFIXES = (".tf", ".tf.json")


@dataclass
class Sources:
    """What to load: Terraform module directories with their files, CloudFormation templates."""

    terraform: dict[str, list[str]] = field(default_factory=dict)  # module dir -> .tf files
    cloudformation: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)  # terraform show -json output
    focus: set[str] | None = None  # report only these files (files named on the command line)
    missing: list[str] = field(default_factory=list)  # paths that do not exist
    skipped_cdk: list[str] = field(default_factory=list)  # cdk.out directories passed over

    @property
    def file_count(self) -> int:
        return (sum(len(files) for files in self.terraform.values()) + len(self.cloudformation)
                + len(self.plans))


def discover(paths: list[str], exclude: list[str] | None = None) -> Sources:
    """Find Terraform modules and CloudFormation templates under ``paths``."""
    sources = Sources()
    patterns = list(exclude or [])
    named_files: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            sources.missing.append(raw)
        elif path.is_dir():
            _walk(path, sources, patterns)
        else:
            resolved = str(path.resolve())
            named_files.add(resolved)
            if _is_terraform(path.name):
                _add_module(path.resolve().parent, sources, patterns)
            else:
                _consider_cfn(path.resolve(), sources, patterns, named=True)
    if named_files and all(Path(p).is_file() for p in paths if Path(p).exists()):
        sources.focus = named_files
    for files in sources.terraform.values():
        files.sort()
    sources.cloudformation = sorted(set(sources.cloudformation))
    sources.plans = sorted(set(sources.plans))
    return sources


def _excluded(path: Path, patterns: list[str]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(path.name, p)
               or fnmatch.fnmatch(text, f"*/{p}") or fnmatch.fnmatch(text, f"*/{p}/*")
               for p in patterns)


def _is_terraform(name: str) -> bool:
    return name.endswith(TF_SUFFIXES)


def _walk(root: Path, sources: Sources, patterns: list[str]) -> None:
    for directory, dirnames, filenames in os.walk(root.resolve()):
        base = Path(directory)
        if "cdk.out" in dirnames and (base / "cdk.out" / "manifest.json").is_file():
            sources.skipped_cdk.append(str(base / "cdk.out"))
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not _excluded(base / d, patterns))
        for name in sorted(filenames):
            path = base / name
            if _excluded(path, patterns):
                continue
            if _is_terraform(name):
                sources.terraform.setdefault(str(base), []).append(str(path))
            elif name.endswith(CFN_SUFFIXES):
                _consider_cfn(path, sources, patterns)


def _add_module(directory: Path, sources: Sources, patterns: list[str]) -> None:
    key = str(directory)
    if key in sources.terraform:
        return
    sources.terraform[key] = [str(p) for p in sorted(directory.iterdir())
                              if p.is_file() and _is_terraform(p.name)
                              and not _excluded(p, patterns)]


def _consider_cfn(path: Path, sources: Sources, patterns: list[str], named: bool = False) -> None:
    if _excluded(path, patterns) or not path.name.endswith(CFN_SUFFIXES):
        return
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        if named:
            sources.missing.append(str(path))
        return
    if looks_like_template(head):
        sources.cloudformation.append(str(path))
    elif path.suffix == ".json" and '"planned_values"' in head and '"format_version"' in head:
        sources.plans.append(str(path))
