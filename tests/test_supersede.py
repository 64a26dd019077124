"""One defect, one finding: a rule's declared ``supersedes`` drops another rule's finding on the
same defect (its component or subjects), only when the superseding rule is enabled and fired
there."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_cases import FIXTURES
from vpclint.config import Config
from vpclint.engine import scan
from vpclint.model.components import EndpointService
from vpclint.registry import load_rules
from vpclint.rule import Finding, Level, RuleMeta
from vpclint.source import Resource
from vpclint.supersede import drop_superseded

RULES = FIXTURES / "rules"

# (case, the superseding rule, the lesser rule, where the lesser rule reports once the
# superseding one is ignored: (file name, line) of each finding), in both IaCs
DECLARED_OVERLAPS = [
    # an untyped (so Gateway) endpoint for a service with no Gateway endpoint: the fix, a type,
    # also decides which subnets and attributes it needs
    (RULES / "VPC103" / "cfn_bad.yaml", "VPC103", "VPC102", {("cfn_bad.yaml", 43)}),
    (RULES / "VPC103" / "tf_bad", "VPC103", "VPC102", {("main.tf", 62), ("main.tf", 69)}),
    (RULES / "VPC103" / "cfn_bad_route_tables.yaml", "VPC103", "VPC206",
     {("cfn_bad_route_tables.yaml", 22)}),
    (RULES / "VPC103" / "tf_bad", "VPC103", "VPC206", {("main.tf", 65)}),
    # an endpoint of the wrong type for its service: its missing routes follow from the type
    (RULES / "VPC113" / "cfn_good_type_mismatch.yaml", "VPC105", "VPC113",
     {("cfn_good_type_mismatch.yaml", 17)}),
    (RULES / "VPC105" / "tf_bad", "VPC105", "VPC113", {("main.tf", 87), ("main.tf", 100)}),
    # an endpoint service EC2 refuses to create (no load balancer) allows no principal either
    (RULES / "VPC115" / "cfn_good_cannot_be_created.yaml", "VPC104", "VPC115",
     {("cfn_good_cannot_be_created.yaml", 13), ("cfn_good_cannot_be_created.yaml", 17)}),
    (RULES / "VPC115" / "tf_good_cannot_be_created", "VPC104", "VPC115",
     {("main.tf", 15), ("main.tf", 19)}),
    # a public service (principal * and no acceptance) is also one that accepts automatically
    (RULES / "VPC401" / "cfn_bad.yaml", "VPC401", "VPC407", {("cfn_bad.yaml", 32)}),
    (RULES / "VPC401" / "tf_bad", "VPC401", "VPC407", {("main.tf", 38), ("main.tf", 45)}),
    # a route to the NAT gateway of another VPC, which is also in another AZ
    (RULES / "VPC217" / "cfn_bad_nat_other_vpc_and_az.yaml", "VPC217", "VPC216",
     {("cfn_bad_nat_other_vpc_and_az.yaml", 68)}),
    (RULES / "VPC217" / "tf_bad_nat_other_vpc_and_az", "VPC217", "VPC216", {("main.tf", 62)}),
    # private DNS on a Gateway endpoint, in a VPC without DNS hostnames
    (RULES / "VPC204" / "cfn_gateway.yaml", "VPC206", "VPC204", {("cfn_gateway.yaml", 19)}),
    (RULES / "VPC204" / "tf_gateway", "VPC206", "VPC204", {("main.tf", 20)}),
    # subnets on an untyped (so Gateway) endpoint that is on no route table
    (RULES / "VPC101" / "cfn_type_omitted_with_subnets.yaml", "VPC206", "VPC101",
     {("cfn_type_omitted_with_subnets.yaml", 16)}),
    (RULES / "VPC101" / "tf_type_omitted_with_subnets", "VPC206", "VPC101", {("main.tf", 20)}),
    # a target group in another VPC than its load balancer: VPC209 reports at the registration,
    # naming the group as its subject
    (RULES / "VPC209" / "cfn_lb_in_other_vpc.yaml", "VPC201", "VPC209",
     {("cfn_lb_in_other_vpc.yaml", 46)}),
    (RULES / "VPC209" / "tf_lb_in_other_vpc", "VPC201", "VPC209", {("main.tf", 65)}),
    # a Lambda with a public subnet, whose other subnet has no path to SQS
    (RULES / "VPC306" / "cfn_bad_public_and_isolated.yaml", "VPC306", "VPC305",
     {("cfn_bad_public_and_isolated.yaml", 93)}),
    (RULES / "VPC306" / "tf_bad_public_and_isolated", "VPC306", "VPC305", {("main.tf", 100)}),
]


def _where(result, rule_id: str) -> set[tuple[str, int]]:
    return {(Path(f.location.file).name, f.location.line) for f in result.findings
            if f.rule.id == rule_id}


@pytest.mark.parametrize("case, owner, lesser, lesser_at", DECLARED_OVERLAPS,
                         ids=[f"{o}>{l}-{c.name}" for c, o, l, _ in DECLARED_OVERLAPS])
def test_the_superseding_finding_alone_and_ignoring_it_brings_the_lesser_back(
        case: Path, owner: str, lesser: str, lesser_at: set[tuple[str, int]]):
    """By default only the superseding rule reports the defect; ``--ignore`` of that rule
    brings the lesser finding back where it points, so the defect never vanishes."""
    everything = scan([str(case)], Config())
    assert _where(everything, owner) and not _where(everything, lesser)
    without = scan([str(case)], Config(ignore=[owner]))
    assert _where(without, lesser) == lesser_at


def _service(name: str) -> EndpointService:
    return EndpointService(resource=Resource("cloudformation", "AWS::EC2::VPCEndpointService",
                                             name, "t.yaml", "t.yaml", {}))


MAJOR = RuleMeta("VPC901", "major", Level.ERROR, "s", supersedes=("VPC902",))
MINOR = RuleMeta("VPC902", "minor", Level.WARNING, "s")


def test_only_findings_on_the_component_the_superseding_rule_fired_on_are_dropped():
    broken, open_one = _service("Broken"), _service("Open")
    kept = drop_superseded([(MAJOR, [Finding(broken, "cannot be created")]),
                            (MINOR, [Finding(broken, "no principal"),
                                     Finding(open_one, "no principal")])])
    assert [[f.component for f in found] for _, found in kept] == [[broken], [open_one]]


def test_a_finding_is_superseded_on_its_subjects_too():
    """A lesser finding reported at one component (a registration) whose defect names another
    as its subject (the target group) is dropped when the superseding rule fired on that one,
    and kept when it fired elsewhere."""
    group, other, registration = _service("Group"), _service("Other"), _service("Registration")
    about_group = Finding(registration, "target in another VPC", subjects=(group,))
    about_other = Finding(registration, "target in another VPC", subjects=(other,))
    kept = drop_superseded([(MAJOR, [Finding(group, "group in the wrong VPC")]),
                            (MINOR, [about_group, about_other])])
    assert [found for _, found in kept][1] == [about_other]


def test_declared_overlaps_name_registered_rules_and_never_each_other():
    rules = load_rules()
    for rule_id, rule in rules.items():
        for lesser in rule.meta.supersedes:
            assert lesser in rules and lesser != rule_id, (rule_id, lesser)
            assert rule_id not in rules[lesser].meta.supersedes, (rule_id, lesser)


def test_every_declared_overlap_is_shown_in_both_iacs():
    """Each ``supersedes`` pair has a Terraform and a CloudFormation case above."""
    shown = {(owner, lesser, case.name.startswith("tf_"))
             for case, owner, lesser, _ in DECLARED_OVERLAPS}
    for rule_id, rule in load_rules().items():
        for lesser in rule.meta.supersedes:
            assert {(rule_id, lesser, True), (rule_id, lesser, False)} <= shown, (rule_id, lesser)
