"""Discovery: command-line paths -> the sources to load.

Terraform is judged per module (a directory's ``.tf`` and ``.tf.json`` files together), so a file
named on the command line, as pre-commit does with changed files, brings its whole directory in;
findings are then reported only for the named files (``Sources.focus``). A synthesized CDK app
(``cdk.out``) is scanned when named on the command line, never by walking past it: it is build
output, often stale, and a note says how to check it. CloudFormation files are
recognized by content, not by extension: other YAML and JSON (CI workflows, package.json,
parameter files) is skipped silently.

Every file is read through ``vpclint.files``: a file that is not a regular file (a FIFO, a
device, a symlink loop), a symlink out of the scanned paths, a file past the size limit or a
name that is not UTF-8 is never opened; it becomes a VPC001 finding when it is Terraform by
name (its module is then incomplete, so its pairings are not judged), or a note when it only
might have been a template.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from vpclint.files import (DEFAULT_MAX_MB, MB, Boundary, FileProblem, decode_text, display_name,
                           is_printable_name, read_bytes)
from vpclint.loaders.cfn import looks_like_template
from vpclint.source import Note, ParseError

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
    boundary: Boundary = field(default_factory=lambda: Boundary(()))  # what may be read
    unreadable: list[ParseError] = field(default_factory=list)  # Terraform files not read
    notes: list[Note] = field(default_factory=list)  # possible templates not read
    incomplete: set[str] = field(default_factory=set)  # module dirs with a file not read
    max_bytes: int = DEFAULT_MAX_MB * MB  # files larger than this are not read

    @property
    def file_count(self) -> int:
        return (sum(len(files) for files in self.terraform.values()) + len(self.cloudformation)
                + len(self.plans) + len(self.unreadable))


def discover(paths: list[str], exclude: list[str] | None = None, allow_read: list[str] = (),
             max_bytes: int = DEFAULT_MAX_MB * MB) -> Sources:
    """Find Terraform modules and CloudFormation templates under ``paths``; read nothing
    outside them (and the ``allow_read`` directories), nothing over ``max_bytes``."""
    sources = Sources(boundary=Boundary.around([p for p in paths if os.path.exists(p)],
                                               list(allow_read)), max_bytes=max_bytes)
    patterns = list(exclude or [])
    named_files: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            sources.missing.append(raw)
        elif path.is_dir():
            _walk(path, sources, patterns)
        else:
            resolved = Path(os.path.realpath(path))
            named_files.add(str(resolved))
            if _is_terraform(path.name):
                _add_module(resolved.parent, sources, patterns)
            else:
                _consider_cfn(resolved, sources, patterns, named=True)
    if named_files and not any(Path(p).is_dir() for p in paths):
        sources.focus = named_files
    for directory, files in sources.terraform.items():
        readable = [f for f in files if _readable_terraform(f, sources)]
        if len(readable) < len(files):
            sources.incomplete.add(directory)
        files[:] = sorted(readable)
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
    for directory, dirnames, filenames in os.walk(os.path.realpath(root)):
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
                              if _is_terraform(p.name) and not p.is_dir()
                              and not _excluded(p, patterns)]


def _readable_terraform(path: str, sources: Sources) -> bool:
    """Whether a ``.tf`` file can be loaded; if not, record why as a VPC001 finding."""
    problem = _problem(path, sources)
    if problem is None:
        return True
    sources.unreadable.append(ParseError(display_name(path), problem.message, unread=True))
    return False


def _problem(path: str, sources: Sources) -> FileProblem | None:
    """Why ``path`` must not be read, before reading it (the read checks the rest)."""
    if not is_printable_name(path):
        return FileProblem("file name is not valid UTF-8, so findings could not name it: not "
                           "read (rename the file)")
    return sources.boundary.check(path)


def _consider_cfn(path: Path, sources: Sources, patterns: list[str], named: bool = False) -> None:
    if _excluded(path, patterns) or not path.name.endswith(CFN_SUFFIXES):
        return
    problem = _problem(str(path), sources)
    # Sniff at most the size limit: a larger file may still be a template, and is then refused.
    head = read_bytes(str(path), sources.max_bytes, head=True) if problem is None else problem
    if isinstance(head, FileProblem):
        sources.notes.append(Note(display_name(str(path)), f"{head.message} (it may be a "
                                  "CloudFormation template)"))
        return
    try:
        text = decode_text(head)
    except UnicodeDecodeError:
        text = head.decode("utf-8", errors="replace")  # the loader reports where it is bad
    if looks_like_template(text):
        sources.cloudformation.append(str(path))
    elif path.suffix == ".json" and '"planned_values"' in text and '"format_version"' in text:
        sources.plans.append(str(path))
