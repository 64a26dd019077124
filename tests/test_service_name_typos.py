"""VPC105's judgement of ``com.amazonaws.<region>.<svc>`` names: typo, or a service it may not know."""

from __future__ import annotations

import pytest

from rules._pairing import known_services, misspelling


@pytest.mark.parametrize(("name", "meant"), [
    ("secretmanager", "secretsmanager"),          # a letter missing
    ("ecr.dkrr", "ecr.dkr"),                       # a letter too many
    ("cloudwatch", "monitoring"),                  # the product name, not the endpoint's
    ("elasticloadbalancer", "elasticloadbalancing"),  # another form of the last word
    ("elasticloadbalancers", "elasticloadbalancing"),
    ("elasticfilesystems", "elasticfilesystem"),
])
def test_typos_name_the_service_meant(name, meant):
    assert misspelling(name) == meant


@pytest.mark.parametrize("name", [
    "elasticloadbalancing", "ssm-fips", "s3.cn",  # known, a FIPS variant, a China name
    "iottwinmaker.control",  # far from every known name: maybe newer than the list
    "bedrock-agentcore.memory",
    "sqx",  # too short to judge
    "notification",  # a stem shared with no known service
])
def test_known_and_possibly_new_services_are_no_typo(name):
    assert misspelling(name) is None


def test_no_two_known_services_are_forms_of_one_word():
    from rules._pairing import _stem
    stems = [_stem(service) for service in known_services()]
    assert len(stems) == len(set(stems))
