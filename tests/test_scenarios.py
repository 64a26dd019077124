"""Scenario fixtures: realistic small infrastructures per use case, in Terraform and
CloudFormation. A correct variant must be silent; a broken one carries ``# expect:`` markers on
the lines its findings point at, and nothing else may fire."""

from __future__ import annotations

import pytest

from fixture_cases import FIXTURES, actual, expected

CASES = sorted(p for p in (FIXTURES / "scenarios").glob("*/*") if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_scenario_findings_match_markers(case):
    assert actual(case) == expected(case)


def test_scenarios_come_in_both_flavours():
    for scenario in sorted(p for p in (FIXTURES / "scenarios").iterdir() if p.is_dir()):
        assert {p.name for p in scenario.iterdir() if p.is_dir()} == {"terraform",
                                                                       "cloudformation"}, scenario
