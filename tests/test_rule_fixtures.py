"""Every rule's fixtures: bad cases are found at the marked lines, good cases stay silent."""

from __future__ import annotations

import pytest

from fixture_cases import FIXTURES, actual, cases, expected, flavours_and_kinds
from vpclint.registry import load_rules

RULE_DIRS = sorted(p for p in (FIXTURES / "rules").iterdir() if p.is_dir())
CASES = [case for folder in RULE_DIRS for case in cases(folder)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_case_findings_match_markers(case):
    assert actual(case) == expected(case)


@pytest.mark.parametrize("rule_id", sorted(load_rules()))
def test_rule_has_good_and_bad_fixtures_in_both_flavours(rule_id):
    folder = FIXTURES / "rules" / rule_id
    assert folder.is_dir(), f"no fixtures for {rule_id}"
    assert flavours_and_kinds(folder, rule_id) >= {("tf", "bad"), ("tf", "good"), ("cfn", "bad"),
                                                    ("cfn", "good")}
