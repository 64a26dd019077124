"""Discovery: command-line paths -> the sources to load.

Terraform is judged per module (a directory's ``.tf`` and ``.tf.json`` files together), so a file
named on the command line, as pre-commit does with changed files, brings its whole directory in;
findings are then reported only for the named files (``Sources.focus``). A synthesized CDK app
(a directory holding a cloud assembly ``manifest.json``: ``cdk.out``, or wherever ``cdk synth
-o`` wrote it) is checked through its manifest: the stack templates it lists, with the account
and region of each (``Sources.environments``), and never its asset folders; a note says so,
and ``--exclude cdk.out`` turns it off. A ``cdk.out`` without a manifest is build output left
alone. CloudFormation files are recognized by content, not by extension: other YAML and JSON
(CI workflows, package.json, parameter files) is skipped silently.

Every file is read through ``vpclint.files``: a file that is not a regular file (a FIFO, a
device, a symlink loop), a symlink out of the scanned paths, a file past the size limit or a
name that is not UTF-8 is never opened; it becomes a VPC001 finding when it is Terraform by
name (its module is then incomplete, so its pairings are not judged), or a note when it only
might have been a template.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from msgspec import Struct, field

from vpclint.cloud_assembly import MANIFEST, Environment, SynthesizedStack, read_assembly
from vpclint.files import (DEFAULT_MAX_MB, MB, SKIP_DIRS, Boundary, FileProblem, decode_text,
                           display_name, forget_real_paths, is_printable_name, read_bytes)
from vpclint.loaders.cfn import looks_like_template
from vpclint.source import Note, ParseError

CDK_OUT = "cdk.out"  # walked only when it holds a cloud assembly manifest
CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TF_SUFFIXES = (".tf", ".tf.json")


class Sources(Struct):
    """What to load: Terraform module directories with their files, CloudFormation templates."""

    terraform: dict[str, list[str]] = field(default_factory=dict)  # module dir -> .tf files
    cloudformation: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)  # terraform show -json output
    focus: set[str] | None = None  # report only these files (files named on the command line)
    missing: list[str] = field(default_factory=list)  # paths that do not exist
    # the synthesized CDK stacks' templates -> where each deploys
    environments: dict[str, Environment] = field(default_factory=dict)
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
    forget_real_paths()  # directories may have changed since the last scan in this process
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
        if MANIFEST in filenames and _cloud_assembly(base, sources, patterns):
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not _excluded(base / d, patterns)
                             and (d != CDK_OUT or (base / d / MANIFEST).is_file()))
        for name in sorted(filenames):
            path = base / name
            if _excluded(path, patterns):
                continue
            if _is_terraform(name):
                sources.terraform.setdefault(str(base), []).append(str(path))
            elif name.endswith(CFN_SUFFIXES):
                _consider_cfn(path, sources, patterns)


def _cloud_assembly(directory: Path, sources: Sources, patterns: list[str]) -> bool:
    """Add the stack templates the cloud assembly in ``directory`` lists, with their
    environments, and say so in a note; False when ``directory`` holds none (a
    ``manifest.json`` of another tool)."""

    def read(path: Path) -> bytes | None:
        if _excluded(path, patterns) or _problem(str(path), sources) is not None:
            return None
        data = read_bytes(str(path), sources.max_bytes)
        return None if isinstance(data, FileProblem) else data

    stacks = read_assembly(directory, read)
    if stacks is None:
        return False
    checked = []
    for stack in stacks:
        before = len(sources.cloudformation)
        _consider_cfn(stack.template, sources, patterns)
        if len(sources.cloudformation) > before:
            sources.environments[str(stack.template)] = stack.environment
            checked.append(stack)
    sources.notes.append(Note(display_name(str(directory / MANIFEST)),
                              _assembly_note(directory, stacks, checked)))
    return True


def _assembly_note(directory: Path, stacks: list[SynthesizedStack],
                   checked: list[SynthesizedStack]) -> str:
    where = ", ".join(f"{s.name} ({s.environment.account or 'any account'}, "
                      f"{s.environment.region or 'any region'})" for s in checked[:5])
    more = f" and {len(checked) - 5} more" if len(checked) > 5 else ""
    skipped = f" ({len(stacks) - len(checked)} of the templates it lists not read)" \
        if len(checked) < len(stacks) else ""
    return (f"CDK cloud assembly {directory.name}: checked the {len(checked)} synthesized "
            f"stacks its manifest lists{': ' + where + more if checked else ''}{skipped}, not "
            f"its asset folders (--exclude {directory.name} skips it)")


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
