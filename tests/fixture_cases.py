"""Fixture cases and their expected findings, read from `# expect: VPC101` markers.

A case is a directory (one Terraform module, or a set of templates scanned together, with its own
``.vpclint.toml`` when it is deployed with a parameter or var file) or a single CloudFormation
file. A marker comment names the rule(s) expected on that very line; a case with
no marker must produce no finding at all, so every case also checks "one defect, one finding".
A case directory may hold a ``.vpclint.toml`` (parameter files, var files, a region): it is
scanned with that config, as vpclint run in that directory would be.
"""

from __future__ import annotations

import re
from pathlib import Path

from vpclint.config import CONFIG_FILE, Config, load_config
from vpclint.engine import scan

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
_MARKER = re.compile(r"expect:\s*((?:VPC\d{3}[,\s]*)+)")
_CASE_FILES = (".yaml", ".yml", ".json", ".template", ".tf")


def cases(folder: Path) -> list[Path]:
    """Every case under a rule's or scenario's fixture folder."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() or entry.suffix in _CASE_FILES:
            found.append(entry)
    return found


def expected(case: Path, root: Path = ROOT) -> set[tuple[str, str, int]]:
    """Markers in comments, plus an ``EXPECT`` file in the case directory for files that cannot
    hold comments (JSON): one ``VPC101 path/in/case.json:8`` per line. Paths are relative to
    ``root`` (the checkout)."""
    files = [case] if case.is_file() else sorted(p for p in case.rglob("*") if p.is_file())
    marks = set()
    sidecar = case / "EXPECT" if case.is_dir() else None
    if sidecar is not None and sidecar.is_file():
        for line in sidecar.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                rule, where = line.split()
                path, _, number = where.rpartition(":")
                marks.add((rule, (case / path).relative_to(root).as_posix(), int(number)))
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            match = _MARKER.search(line)
            if match:
                for rule in re.findall(r"VPC\d{3}", match.group(1)):
                    marks.add((rule, file.relative_to(root).as_posix(), number))
    return marks


def case_config(case: Path) -> Config:
    """The configuration a case directory's own ``.vpclint.toml`` gives (a case deployed with a
    parameter file or a var file names it there, as its repository would), else the defaults."""
    own = case / CONFIG_FILE if case.is_dir() else None
    return load_config(case, own) if own is not None and own.is_file() else Config()


def actual(case: Path, config: Config | None = None,
           root: Path = ROOT) -> set[tuple[str, str, int]]:
    result = scan([str(case)], config or case_config(case), root=root)
    found = set()
    for finding in result.active:
        location = finding.location
        found.add((finding.rule.id, Path(location.file).resolve().relative_to(root).as_posix(),
                   location.line))
    return found


def flavours_and_kinds(folder: Path, rule_id: str) -> set[tuple[str, str]]:
    """("tf" | "cfn", "bad" | "good") of each case in a rule's fixture folder: a bad case marks
    a finding of the rule."""
    kinds = set()
    for case in cases(folder):
        flavour = "tf" if case.is_dir() and any(case.rglob("*.tf")) else "cfn"
        marks = {m for m in expected(case, folder.parents[2]) if m[0] == rule_id}
        kinds.add((flavour, "bad" if marks else "good"))
    return kinds

