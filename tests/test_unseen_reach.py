"""What vpclint cannot see reaches only what it is handed.

An uninitialised module, a remote nested stack, a custom resource or an ``Fn::ForEach`` may give
partners to the components whose identifiers reach it, and to none other; an UNKNOWN link in
one root module or template names nothing in another (only outputs and exports leave a scope).
So every rule fixture must be judged exactly as its markers say when an unrelated module call
is added to each of its Terraform modules, and when another repository's code, full of UNKNOWN
links, is scanned beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixture_cases import FIXTURES, ROOT, case_config, cases, expected
from vpclint.engine import scan

UNSEEN = FIXTURES / "unseen"
CASES = [case for folder in sorted((FIXTURES / "rules").iterdir()) if folder.is_dir()
         for case in cases(folder)]


def _with_unseen_neighbours(case: Path, tmp_path: Path) -> Path:
    """``case``, or for a Terraform case a copy with the label module call in each module."""
    modules = {tf.parent for tf in case.rglob("*.tf")} if case.is_dir() else set()
    if not modules:
        return case
    copy = tmp_path / case.name
    shutil.copytree(case, copy)
    for module in modules:
        shutil.copy(UNSEEN / "label_module.tf", copy / module.relative_to(case) / "zz_label.tf")
    return copy


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_findings_do_not_change_beside_unseen_and_unrelated_code(case, tmp_path):
    scanned = _with_unseen_neighbours(case, tmp_path).resolve()
    result = scan([str(scanned), str(UNSEEN / "unrelated_root"), str(UNSEEN / "unrelated.yaml")],
                  case_config(case), root=tmp_path)
    found = set()
    for finding in result.active:
        path = Path(finding.location.file).resolve()
        if path == scanned or path.is_relative_to(scanned):
            original = case / path.relative_to(scanned) if case.is_dir() else case
            found.add((finding.rule.id, original.relative_to(ROOT).as_posix(),
                       finding.location.line))
    assert found == expected(case)
