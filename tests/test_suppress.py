"""Inline and template-level suppressions, unused-ignore notes, and the exit code they feed."""

from __future__ import annotations

import pytest

from vpclint.exit_codes import EXIT_FINDINGS, EXIT_OK, exit_code
from vpclint.model.components import VpcEndpoint
from vpclint.rule import Finding, Level, RuleMeta, RuleModule
from vpclint.source import Resource, Span, Suppression
from vpclint.suppress import DEFAULT_REASON, apply_suppressions

META = {
    m.id: m
    for m in (
        RuleMeta("VPC001", "parse-error", Level.ERROR, "s"),
        RuleMeta("VPC101", "gateway-endpoint-without-route-tables", Level.ERROR, "s"),
        RuleMeta("VPC303", "interface-endpoint-private-dns-off", Level.WARNING, "s"),
    )
}
RULES = {
    rid: RuleModule(meta, "doc", lambda model: [], f"vpclint.rules.{rid}")
    for rid, meta in META.items()
}
TF = "net/main.tf"
CFN = "stacks/net.yaml"


def endpoint(address="aws_vpc_endpoint.ssm", file=TF, suppressions=(), line=10) -> VpcEndpoint:
    resource = Resource(
        "terraform",
        "aws_vpc_endpoint",
        address,
        "net",
        file,
        {},
        spans={(): Span(file, line)},
        suppressions=list(suppressions),
    )
    return VpcEndpoint(resource=resource)


def finding(component, rule="VPC303", span=None) -> Finding:
    return Finding(component, "message", span=span, rule=META[rule])


def ignore(rule, line=9, reason="", file=TF) -> Suppression:
    return Suppression(rule, reason, Span(file, line))


def test_suppressed_by_id_with_reason():
    ep = endpoint(suppressions=[ignore("VPC303", reason="resolver forwards to on-prem")])
    f = finding(ep)
    notes = apply_suppressions([f], RULES, resources=[ep.resource])
    assert f.suppressed_by == "resolver forwards to on-prem"
    assert notes == []


@pytest.mark.parametrize(
    "ref", ["interface-endpoint-private-dns-off", "Interface-Endpoint-Private-DNS-Off", "vpc303"]
)
def test_suppressed_by_slug_or_any_case(ref):
    ep = endpoint(suppressions=[ignore(ref)])
    f = finding(ep)
    apply_suppressions([f], RULES, resources=[ep.resource])
    assert f.suppressed_by == DEFAULT_REASON


def test_other_rules_findings_are_not_suppressed():
    ep = endpoint(suppressions=[ignore("VPC101")])
    f = finding(ep, "VPC303")
    notes = apply_suppressions([f], RULES, resources=[ep.resource])
    assert f.suppressed_by is None
    assert [(n.file, n.line) for n in notes] == [(TF, 9)]


def test_only_the_suppressed_resource_is_affected():
    quiet = endpoint("aws_vpc_endpoint.a", suppressions=[ignore("VPC303")])
    loud = endpoint("aws_vpc_endpoint.b")
    fa, fb = finding(quiet), finding(loud)
    apply_suppressions([fa, fb], RULES, resources=[quiet.resource, loud.resource])
    assert fa.suppressed_by is not None
    assert fb.suppressed_by is None


def test_unused_ignore_on_a_clean_resource_is_noted():
    ep = endpoint(suppressions=[ignore("VPC303", line=4)])
    notes = apply_suppressions([], RULES, resources=[ep.resource])
    assert [(n.file, n.line) for n in notes] == [(TF, 4)]


def test_unused_ignore_for_a_rule_that_did_not_run_is_not_noted():
    ep = endpoint(suppressions=[ignore("VPC303")])
    notes = apply_suppressions([], RULES, enabled_ids={"VPC101"}, resources=[ep.resource])
    assert notes == []


def test_ignore_naming_an_unknown_rule_is_noted_even_if_not_enabled():
    ep = endpoint(suppressions=[ignore("VPC999", line=7)])
    notes = apply_suppressions([], RULES, enabled_ids=set(), resources=[ep.resource])
    assert [(n.file, n.line) for n in notes] == [(TF, 7)]
    assert "VPC999" in notes[0].message


def test_unknown_and_unused_are_distinct_notes():
    ep = endpoint(suppressions=[ignore("VPC999", line=7), ignore("VPC101", line=8)])
    notes = apply_suppressions([], RULES, resources=[ep.resource])
    assert [n.line for n in notes] == [7, 8]
    assert notes[0].message != notes[1].message


def test_instances_sharing_a_comment_count_once():
    shared = ignore("VPC303", line=3)
    a = endpoint('aws_vpc_endpoint.ssm["a"]', suppressions=[shared])
    copy = Suppression(shared.rule, shared.reason, shared.span)  # equal, not identical
    b = endpoint('aws_vpc_endpoint.ssm["b"]', suppressions=[copy])
    f = finding(a)
    notes = apply_suppressions([f], RULES, resources=[a.resource, b.resource])
    assert f.suppressed_by is not None
    assert notes == []


def test_resources_not_passed_are_still_seen_through_findings():
    ep = endpoint(suppressions=[ignore("VPC101", line=5)])
    notes = apply_suppressions([finding(ep)], RULES)
    assert [n.line for n in notes] == [5]


def test_file_level_suppression_covers_the_whole_file():
    in_file = endpoint("S3Endpoint", file=CFN)
    elsewhere = endpoint("aws_vpc_endpoint.x", file=TF)
    parse = finding(None, "VPC001", span=Span(CFN, 40))
    f_in, f_out = finding(in_file), finding(elsewhere)
    template = {
        CFN: [
            ignore("VPC303", line=2, file=CFN, reason="lab"),
            ignore("parse-error", line=3, file=CFN),
        ]
    }
    notes = apply_suppressions([f_in, f_out, parse], RULES, template)
    assert f_in.suppressed_by == "lab"
    assert parse.suppressed_by == DEFAULT_REASON
    assert f_out.suppressed_by is None
    assert notes == []


def test_unused_file_level_suppression_is_noted():
    template = {CFN: [ignore("VPC101", line=2, file=CFN)]}
    notes = apply_suppressions([finding(endpoint(file=CFN))], RULES, template)
    assert [(n.file, n.line) for n in notes] == [(CFN, 2)]


def test_resource_reason_wins_over_file_reason():
    ep = endpoint(file=CFN, suppressions=[ignore("VPC303", reason="resource", file=CFN, line=20)])
    f = finding(ep)
    template = {CFN: [ignore("VPC303", reason="template", file=CFN, line=2)]}
    notes = apply_suppressions([f], RULES, template, resources=[ep.resource])
    assert f.suppressed_by == "resource"
    assert notes == []  # both matched a finding: neither is stale


def test_suppressed_findings_do_not_fail_the_run():
    ep = endpoint(suppressions=[ignore("VPC101")])
    f = finding(ep, "VPC101")
    assert exit_code([f], "error") == EXIT_FINDINGS
    apply_suppressions([f], RULES, resources=[ep.resource])
    assert exit_code([f], "error") == EXIT_OK


@pytest.mark.parametrize(
    "fail_level, expected",
    [("error", EXIT_OK), ("warning", EXIT_FINDINGS), ("note", EXIT_FINDINGS), ("none", EXIT_OK)],
)
def test_exit_code_thresholds_for_a_warning(fail_level, expected):
    assert exit_code([finding(endpoint(), "VPC303")], fail_level) == expected


def test_finding_level_override_counts():
    f = finding(endpoint(), "VPC303")
    f.level = Level.ERROR
    assert exit_code([f], "error") == EXIT_FINDINGS
    assert exit_code([], "note") == EXIT_OK
