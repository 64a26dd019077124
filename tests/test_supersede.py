"""One defect, one finding: a rule's declared ``supersedes`` drops another rule's finding on the
same component, only when the superseding rule is enabled and fired there."""

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

CANNOT_BE_CREATED = [FIXTURES / "rules" / "VPC115" / "cfn_good_cannot_be_created.yaml",
                     FIXTURES / "rules" / "VPC115" / "tf_good_cannot_be_created"]


def _found(result) -> set[tuple[str, int]]:
    return {(f.rule.id, f.location.line) for f in result.findings}


@pytest.mark.parametrize("case", CANNOT_BE_CREATED, ids=lambda p: p.name)
def test_ignoring_the_superseding_rule_brings_the_lesser_finding_back(case: Path):
    everything = _found(scan([str(case)], Config()))
    assert {rule for rule, _ in everything} == {"VPC104"}
    without = _found(scan([str(case)], Config(ignore=["VPC104"])))
    # both services allow no principal: VPC115 reports them once VPC104 does not
    assert {rule for rule, _ in without} == {"VPC115"} and len(without) == 2


PUBLIC_SERVICE = [FIXTURES / "rules" / "VPC401" / "cfn_bad.yaml",
                  FIXTURES / "rules" / "VPC401" / "tf_bad"]


@pytest.mark.parametrize("case", PUBLIC_SERVICE, ids=lambda p: p.name)
def test_a_public_service_is_one_finding_and_ignoring_it_leaves_the_auto_accept_note(case: Path):
    """VPC401 (principal * and no acceptance) supersedes VPC407 (no acceptance) on the service:
    VPC407 no longer repeats VPC401's condition, so ``--ignore VPC401`` cannot hide both."""
    everything = scan([str(case)], Config())
    public = {(f.component.address, f.location.file) for f in everything.findings
              if f.rule.id == "VPC401"}
    assert public and not {f for f in everything.findings if f.rule.id == "VPC407"}
    without = scan([str(case)], Config(ignore=["VPC401"]))
    assert {(f.component.address, f.location.file) for f in without.findings
            if f.rule.id == "VPC407"} == public


def _service(name: str) -> EndpointService:
    return EndpointService(resource=Resource("cloudformation", "AWS::EC2::VPCEndpointService",
                                             name, "t.yaml", "t.yaml", {}))


def test_only_findings_on_the_component_the_superseding_rule_fired_on_are_dropped():
    broken, open_one = _service("Broken"), _service("Open")
    major = RuleMeta("VPC901", "major", Level.ERROR, "s", supersedes=("VPC902",))
    minor = RuleMeta("VPC902", "minor", Level.WARNING, "s")
    kept = drop_superseded([(major, [Finding(broken, "cannot be created")]),
                            (minor, [Finding(broken, "no principal"),
                                     Finding(open_one, "no principal")])])
    assert [[f.component for f in found] for _, found in kept] == [[broken], [open_one]]


def test_declared_overlaps_name_registered_rules_and_never_each_other():
    rules = load_rules()
    for rule_id, rule in rules.items():
        for lesser in rule.meta.supersedes:
            assert lesser in rules and lesser != rule_id, (rule_id, lesser)
            assert rule_id not in rules[lesser].meta.supersedes, (rule_id, lesser)


def _at(result, rule_id: str) -> set[tuple[str, str, int]]:
    return {(f.rule.id, Path(f.location.file).as_posix(), f.location.line)
            for f in result.findings if f.rule.id == rule_id}


NAT_OF_ANOTHER_VPC_AND_AZ = [
    FIXTURES / "rules" / "VPC217" / "cfn_bad_nat_other_vpc_and_az.yaml",
    FIXTURES / "rules" / "VPC217" / "tf_bad_nat_other_vpc_and_az"]


@pytest.mark.parametrize("case", NAT_OF_ANOTHER_VPC_AND_AZ, ids=lambda p: p.name)
def test_a_route_to_a_nat_of_another_vpc_hides_its_cross_az_note_only_while_reported(case: Path):
    """VPC217 (the route's NAT gateway is in another VPC) supersedes VPC216's cross-AZ note on
    the same route: ``--ignore VPC217`` brings the note back, at the same route."""
    everything = scan([str(case)], Config())
    routes = _at(everything, "VPC217")
    assert routes and not _at(everything, "VPC216")
    without = scan([str(case)], Config(ignore=["VPC217"]))
    assert {(file, line) for _, file, line in _at(without, "VPC216")} == \
        {(file, line) for _, file, line in routes}


def _where(result, rule_id: str) -> set[tuple[str, int]]:
    return {(Path(f.location.file).name, f.location.line) for f in result.findings
            if f.rule.id == rule_id}


GATEWAY_PRIVATE_DNS = [FIXTURES / "rules" / "VPC204" / "cfn_gateway.yaml",
                       FIXTURES / "rules" / "VPC204" / "tf_gateway"]


@pytest.mark.parametrize("case", GATEWAY_PRIVATE_DNS, ids=lambda p: p.name)
def test_private_dns_on_a_gateway_endpoint_is_vpc206_and_ignoring_it_leaves_vpc204(case: Path):
    """VPC206 (a Gateway endpoint takes no private DNS) supersedes VPC204 (private DNS in a VPC
    without DNS hostnames) on the endpoint: VPC204 no longer skips Gateway endpoints itself."""
    everything = scan([str(case)], Config())
    invalid = _where(everything, "VPC206")
    assert invalid and not _where(everything, "VPC204")
    without = scan([str(case)], Config(ignore=["VPC206"]))
    assert _where(without, "VPC204") == invalid


TYPE_OMITTED_WITH_SUBNETS = [  # (case, file and line of the endpoint VPC101 points at)
    (FIXTURES / "rules" / "VPC101" / "cfn_type_omitted_with_subnets.yaml",
     ("cfn_type_omitted_with_subnets.yaml", 16)),
    (FIXTURES / "rules" / "VPC101" / "tf_type_omitted_with_subnets", ("main.tf", 20)),
]


@pytest.mark.parametrize("case, endpoint", TYPE_OMITTED_WITH_SUBNETS,
                         ids=[case.name for case, _ in TYPE_OMITTED_WITH_SUBNETS])
def test_an_untyped_endpoint_with_subnets_is_vpc206_and_ignoring_it_leaves_vpc101(
        case: Path, endpoint: tuple[str, int]):
    """VPC206 (subnets on what is, with no type, a Gateway endpoint) supersedes VPC101 (a
    Gateway endpoint on no route table): VPC101 no longer skips such endpoints itself."""
    everything = scan([str(case)], Config())
    assert _where(everything, "VPC206") and not _where(everything, "VPC101")
    without = scan([str(case)], Config(ignore=["VPC206"]))
    assert _where(without, "VPC101") == {endpoint}


def test_a_finding_is_superseded_on_its_subjects_too():
    """A lesser finding reported at one component (a registration) whose defect names another
    as its subject (the target group) is dropped when the superseding rule fired on that one,
    and kept when it fired elsewhere."""
    group, other, registration = _service("Group"), _service("Other"), _service("Registration")
    major = RuleMeta("VPC901", "major", Level.ERROR, "s", supersedes=("VPC902",))
    minor = RuleMeta("VPC902", "minor", Level.WARNING, "s")
    about_group = Finding(registration, "target in another VPC", subjects=(group,))
    about_other = Finding(registration, "target in another VPC", subjects=(other,))
    kept = drop_superseded([(major, [Finding(group, "group in the wrong VPC")]),
                            (minor, [about_group, about_other])])
    assert [found for _, found in kept][1] == [about_other]


TARGET_GROUP_IN_OTHER_VPC = [  # (case, file and line of the registration VPC209 points at)
    (FIXTURES / "rules" / "VPC209" / "cfn_lb_in_other_vpc.yaml", ("cfn_lb_in_other_vpc.yaml", 46)),
    (FIXTURES / "rules" / "VPC209" / "tf_lb_in_other_vpc", ("main.tf", 65)),
]


@pytest.mark.parametrize("case, registration", TARGET_GROUP_IN_OTHER_VPC,
                         ids=[case.name for case, _ in TARGET_GROUP_IN_OTHER_VPC])
def test_a_target_group_in_another_vpc_than_its_balancer_is_vpc201_and_ignoring_it_leaves_vpc209(
        case: Path, registration: tuple[str, int]):
    """VPC201 (the target group is in another VPC than its load balancer) supersedes VPC209
    (a target registered from another VPC) on the group, though VPC209 reports at the
    registration: its finding names the group as a subject. VPC209 no longer skips itself."""
    everything = scan([str(case)], Config())
    assert _where(everything, "VPC201") and not _where(everything, "VPC209")
    without = scan([str(case)], Config(ignore=["VPC201"]))
    assert _where(without, "VPC209") == {registration}


PUBLIC_AND_ISOLATED_LAMBDA = [  # (case, file and line of the Lambda's subnets)
    (FIXTURES / "rules" / "VPC306" / "cfn_bad_public_and_isolated.yaml",
     ("cfn_bad_public_and_isolated.yaml", 93)),
    (FIXTURES / "rules" / "VPC306" / "tf_bad_public_and_isolated", ("main.tf", 100)),
]


@pytest.mark.parametrize("case, subnets", PUBLIC_AND_ISOLATED_LAMBDA,
                         ids=[case.name for case, _ in PUBLIC_AND_ISOLATED_LAMBDA])
def test_a_lambda_with_a_public_subnet_is_vpc306_and_ignoring_it_leaves_vpc305(
        case: Path, subnets: tuple[str, int]):
    """VPC306 (a Lambda in a public subnet) supersedes VPC305 (its other subnet has no path to
    SQS) on the Lambda: VPC305 no longer skips Lambdas with a public subnet itself."""
    everything = scan([str(case)], Config())
    assert _where(everything, "VPC306") == {subnets} and not _where(everything, "VPC305")
    without = scan([str(case)], Config(ignore=["VPC306"]))
    assert _where(without, "VPC305") == {subnets}
