"""The use-case scenario catalogue: every ``<use-case>-broken-<defect>`` scenario has its correct
``<use-case>`` beside it, the correct one carries no marker, and the broken one names at least
one finding (``expect:``, or ``expect-later:`` for a finding vpclint does not report yet).
The findings themselves are compared with the markers in test_scenarios.py."""

from __future__ import annotations

import re

import pytest

from fixture_cases import FIXTURES

SCENARIOS = FIXTURES / "scenarios"
_ANY_MARKER = re.compile(r"expect(?:-later)?:\s*VPC\d{3}")
BROKEN = sorted(p for p in SCENARIOS.iterdir() if p.is_dir() and "-broken-" in p.name)


def _markers(scenario) -> list[str]:
    return [m.group(0) for f in sorted(scenario.rglob("*")) if f.is_file()
            for m in _ANY_MARKER.finditer(f.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("broken", BROKEN, ids=lambda p: p.name)
def test_broken_variant_has_a_silent_correct_variant(broken):
    correct = SCENARIOS / broken.name.split("-broken-")[0]
    assert correct.is_dir(), f"{broken.name} has no correct variant {correct.name}"
    assert _markers(correct) == [], f"{correct.name} is the correct variant: no markers"


@pytest.mark.parametrize("broken", BROKEN, ids=lambda p: p.name)
def test_broken_variant_names_its_findings(broken):
    assert _markers(broken), f"{broken.name} names no finding"


def test_catalogue_is_not_empty():
    assert len(BROKEN) >= 24
