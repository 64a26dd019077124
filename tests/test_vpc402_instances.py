"""VPC402's finding on a policy that the instances of one block share (``for_each``,
``Fn::ForEach``) stands for all of them, and its message names every one, not the first alone."""

from __future__ import annotations

import pytest

from fixture_cases import FIXTURES
from vpclint.config import Config
from vpclint.engine import scan

SHARED_POLICY = [FIXTURES / "rules" / "VPC402" / "tf_bad_for_each_shared_policy",
                 FIXTURES / "rules" / "VPC402" / "cfn_bad_foreach_shared_policy.yaml"]


@pytest.mark.parametrize("case", SHARED_POLICY, ids=lambda p: p.name)
def test_the_merged_finding_names_every_endpoint_it_stands_for(case):
    (finding,) = [f for f in scan([str(case)], Config()).findings if f.rule.id == "VPC402"]
    assert len(finding.instances) == 3
    for instance in finding.instances:
        assert instance in finding.message
