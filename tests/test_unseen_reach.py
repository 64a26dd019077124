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

from fixture_cases import FIXTURES, ROOT, cases, expected
from vpclint.config import Config
from vpclint.engine import scan

UNSEEN = FIXTURES / "unseen"
CASES = [case for folder in sorted((FIXTURES / "rules").iterdir()) if folder.is_dir()
         for case in cases(folder)]


def _with_unseen_neighbours(case: Path, tmp_path: Path) -> Path:
    """A copy of ``case`` with the label module call in each of its Terraform modules."""
    copy = tmp_path / "case" / case.name
    if case.is_dir():
        shutil.copytree(case, copy)
        for module in {tf.parent for tf in copy.rglob("*.tf")}:
            shutil.copy(UNSEEN / "label_module.tf", module / "zz_label_module.tf")
    else:
        copy.parent.mkdir(parents=True)
        shutil.copy(case, copy)
    return copy


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_findings_do_not_change_beside_unseen_and_unrelated_code(case, tmp_path):
    copy = _with_unseen_neighbours(case, tmp_path)
    result = scan([str(copy), str(UNSEEN / "unrelated_root"), str(UNSEEN / "unrelated.yaml")],
                  Config(), root=tmp_path)
    found = set()
    for finding in result.active:
        path = Path(finding.location.file).resolve()
        if path.is_relative_to(copy.resolve()):
            relative = (case / path.relative_to(copy.resolve())) if case.is_dir() else case
            found.add((finding.rule.id, relative.relative_to(ROOT).as_posix(),
                       finding.location.line))
    assert found == expected(case)
