"""Two rules never describe one endpoint in contradictory words: every rule names an endpoint's
type the way ``VpcEndpoint.intended_type`` and its written type say, so an endpoint whose type is
omitted for an Interface-only service is never "an Interface endpoint" in one finding and "a
Gateway endpoint" in another."""

from __future__ import annotations

import re

import pytest

from fixture_cases import FIXTURES, ROOT, cases
from vpclint.config import Config
from vpclint.engine import scan
from vpclint.model.components import ENDPOINT_TYPES, VpcEndpoint

ENDPOINT_FOLDERS = ("VPC101", "VPC102", "VPC103", "VPC105", "VPC201", "VPC204", "VPC206",
                    "VPC207", "VPC208")
CASES = [case for rule in ENDPOINT_FOLDERS for case in cases(FIXTURES / "rules" / rule)]


def _typed_names(message: str, endpoint: VpcEndpoint) -> set[str]:
    """The types a message gives the endpoint: "<Type> endpoint <name>"."""
    types = "|".join(sorted(ENDPOINT_TYPES, key=len, reverse=True))
    pattern = rf"\b({types})( \(the default type\))? endpoint {re.escape(endpoint.display)}\b"
    return {match.group(1) for match in re.finditer(pattern, message)}


def _contradictions(result) -> list[str]:
    wrong = []
    for finding in result.findings:
        endpoint = finding.component
        if not isinstance(endpoint, VpcEndpoint) or not isinstance(endpoint.intended_type, str):
            continue
        # "<Type> endpoint X" only when Type is both the type meant and the type written
        agreed = {endpoint.intended_type} & {endpoint.endpoint_type}
        if _typed_names(finding.message, endpoint) - agreed:
            wrong.append(f"{finding.rule.id}: {finding.message}")
    return wrong


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_rules_name_an_endpoint_by_the_type_it_is_meant_to_have(case):
    assert _contradictions(scan([str(case)], Config())) == []


def test_examples_in_another_region_name_the_ssm_endpoint_alike():
    result = scan([str(ROOT / "examples")], Config(region="eu-west-1"))
    about = [f for f in result.findings
             if isinstance(f.component, VpcEndpoint) and f.component.display == "SsmEndpoint"]
    assert {f.rule.id for f in about} == {"VPC103", "VPC208"}
    assert _contradictions(result) == []
    region = next(f for f in about if f.rule.id == "VPC208")
    assert "meant as Interface" in region.message and "Interface endpoint" not in region.message
