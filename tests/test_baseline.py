"""Baselines: record findings, hide them on later runs, survive line moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpclint.baseline import filter_baseline, write_baseline
from vpclint.errors import ConfigError
from vpclint.model.components import VpcEndpoint
from vpclint.rule import Finding, Level, RuleMeta
from vpclint.source import Resource, Span

VPC303 = RuleMeta("VPC303", "interface-endpoint-private-dns-off", Level.WARNING, "s")
VPC101 = RuleMeta("VPC101", "gateway-endpoint-without-route-tables", Level.ERROR, "s")


def endpoint(root: Path, address="aws_vpc_endpoint.ssm", line=10) -> VpcEndpoint:
    file = str(root / "net" / "main.tf")
    resource = Resource(
        "terraform",
        "aws_vpc_endpoint",
        address,
        "net",
        file,
        {"private_dns_enabled": False},
        spans={(): Span(file, line), ("private_dns_enabled",): Span(file, line + 3, 3)},
    )
    return VpcEndpoint(resource=resource, origin={"private_dns": ("private_dns_enabled",)})


def finding(component, rule=VPC303, field="private_dns") -> Finding:
    return Finding(component, "private DNS is off", field=field, rule=rule)


def test_recorded_findings_are_hidden(tmp_path):
    baseline = tmp_path / "baseline.json"
    s3 = "aws_vpc_endpoint.s3"
    old = [finding(endpoint(tmp_path)), finding(endpoint(tmp_path, s3), VPC101, None)]
    assert write_baseline(baseline, old, tmp_path) == 2
    again = [finding(endpoint(tmp_path)), finding(endpoint(tmp_path, s3), VPC101, None)]
    kept, hidden = filter_baseline(baseline, again, tmp_path)
    assert (kept, hidden) == ([], 2)


def test_new_findings_are_kept(tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(baseline, [finding(endpoint(tmp_path))], tmp_path)
    new = finding(endpoint(tmp_path, "aws_vpc_endpoint.ecr_api"))
    other_rule = finding(endpoint(tmp_path), VPC101, None)
    current = [finding(endpoint(tmp_path)), new, other_rule]
    kept, hidden = filter_baseline(baseline, current, tmp_path)
    assert kept == [new, other_rule]
    assert hidden == 1


def test_baseline_survives_line_moves(tmp_path):
    baseline = tmp_path / "baseline.json"
    before = finding(endpoint(tmp_path, line=10))
    write_baseline(baseline, [before], tmp_path)
    after = finding(endpoint(tmp_path, line=57))
    assert after.location.line != before.location.line
    kept, hidden = filter_baseline(baseline, [after], tmp_path)
    assert (kept, hidden) == ([], 1)


def test_suppressed_findings_are_neither_recorded_nor_hidden(tmp_path):
    baseline = tmp_path / "baseline.json"
    quiet = finding(endpoint(tmp_path))
    quiet.suppressed_by = "accepted"
    assert write_baseline(baseline, [quiet], tmp_path) == 0
    write_baseline(baseline, [finding(endpoint(tmp_path))], tmp_path)
    kept, hidden = filter_baseline(baseline, [quiet], tmp_path)
    assert (kept, hidden) == ([quiet], 0)


def test_file_is_versioned_sorted_and_relative(tmp_path):
    baseline = tmp_path / "baseline.json"
    findings = [finding(endpoint(tmp_path, f"aws_vpc_endpoint.e{i}")) for i in range(5)]
    write_baseline(baseline, findings, tmp_path)
    document = json.loads(baseline.read_text())
    assert document["version"] == 1
    assert list(document["fingerprints"]) == sorted(document["fingerprints"])
    entries = sorted(document["fingerprints"].values(), key=lambda e: e["address"])
    assert entries[0] == {"rule": "VPC303", "file": "net/main.tf", "address": "aws_vpc_endpoint.e0"}
    # re-recording the same findings gives the same bytes (clean diffs in review)
    text = baseline.read_text()
    write_baseline(baseline, list(reversed(findings)), tmp_path)
    assert baseline.read_text() == text


def test_file_level_findings_are_recorded(tmp_path):
    baseline = tmp_path / "baseline.json"
    parse = Finding(None, "cannot parse", span=Span(str(tmp_path / "bad.yaml"), 3), rule=VPC101)
    write_baseline(baseline, [parse], tmp_path)
    entry = next(iter(json.loads(baseline.read_text())["fingerprints"].values()))
    assert entry["address"] is None
    assert entry["file"] == "bad.yaml"


def test_missing_baseline_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        filter_baseline(tmp_path / "nope.json", [], tmp_path)
    assert "nope.json" in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"version": 1}',
        '{"version": 1, "fingerprints": []}',
        '{"version": 9, "fingerprints": {}}',
    ],
)
def test_malformed_baseline_is_a_config_error_naming_the_file(tmp_path, text):
    baseline = tmp_path / "broken-baseline.json"
    baseline.write_text(text)
    with pytest.raises(ConfigError) as info:
        filter_baseline(baseline, [finding(endpoint(tmp_path))], tmp_path)
    assert "broken-baseline.json" in str(info.value)
