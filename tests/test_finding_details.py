"""What a finding names beyond its location: every instance a merged finding stands for
(VPC402), and the partners the fix needs (VPC101's route tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_cases import FIXTURES
from vpclint.config import Config
from vpclint.engine import scan

RULES = FIXTURES / "rules"
SHARED_POLICY = [RULES / "VPC402" / "tf_bad_for_each_shared_policy",
                 RULES / "VPC402" / "cfn_bad_foreach_shared_policy.yaml"]
UNROUTED_WITH_CALLERS = {
    RULES / "VPC101" / "tf_bad_names_route_tables": ["aws_route_table.private_a",
                                                     "aws_route_table.private_b"],
    RULES / "VPC101" / "cfn_bad_names_route_tables.yaml": ["PrivateRouteTableA",
                                                           "PrivateRouteTableB"]}


def _only(case: Path, rule: str):
    (finding,) = [f for f in scan([str(case)], Config()).findings if f.rule.id == rule]
    return finding


@pytest.mark.parametrize("case", SHARED_POLICY, ids=lambda p: p.name)
def test_a_merged_endpoint_policy_finding_names_every_endpoint_it_stands_for(case):
    finding = _only(case, "VPC402")
    assert len(finding.instances) == 3
    for instance in finding.instances:
        assert instance in finding.message


@pytest.mark.parametrize("case", UNROUTED_WITH_CALLERS, ids=lambda p: p.name)
def test_an_unrouted_gateway_endpoint_names_the_tables_of_its_callers(case):
    finding = _only(case, "VPC101")
    tables = UNROUTED_WITH_CALLERS[case]
    assert [r.component.display for r in finding.related] == tables
    assert all(table in finding.message for table in tables)


def test_an_unrouted_gateway_endpoint_with_no_callers_names_no_table():
    finding = _only(RULES / "VPC101" / "tf_bad", "VPC101")
    assert not finding.related and "from subnets on" not in finding.message
