"""Flow findings in the reports: SARIF code flows, the text ``path:`` line, the JSON ``path``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixture_cases import FIXTURES, ROOT
from vpclint.analyze import analyze
from vpclint.config import Config
from vpclint.engine import build, scan
from vpclint.reporters import render
from vpclint.result import ScanResult
from vpclint.rule import Finding, Level, Related, RuleMeta, RuleModule

SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
NAT_CASE = FIXTURES / "scenarios" / "lambda-sqs-secrets-nat" / "terraform"
NO_PATH_CASE = FIXTURES / "scenarios" / "ssm-no-nat-missing-ssmmessages"
DETOUR = RuleMeta("VPC399", "test-detour", Level.WARNING, "AWS-service traffic detours")


def _validate(log: dict) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (the ../shared checkout is absent)")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)


def _detour_result() -> tuple[ScanResult, object]:
    """A detour finding on the SQS flow of the broken Lambda scenario, plus a plain finding."""
    model = build([str(NAT_CASE)], Config()).model
    flow = next(f for f in analyze(model).flows
                if f.service == "sqs" and f.subnet.address == "aws_subnet.private_a")
    findings = [
        Finding(flow.default_route, "SQS traffic of the Lambda detours through NAT",
                field="target", related=[Related(flow.workload, "the Lambda")], flow=flow,
                rule=DETOUR),
        Finding(flow.nat, "a finding without a flow", rule=DETOUR),
    ]
    rules = {DETOUR.id: RuleModule(DETOUR, DETOUR.summary, lambda model: [], "x")}
    return ScanResult(findings=findings, rules=rules, root=ROOT, files_scanned=2), flow


def test_sarif_code_flow_walks_every_block_of_the_path():
    result, flow = _detour_result()
    log = json.loads(render(result, "sarif"))
    _validate(log)
    with_flow = [r for r in log["runs"][0]["results"] if "codeFlows" in r]
    assert len(with_flow) == 1  # the finding without a flow gets none
    code_flow = with_flow[0]["codeFlows"][0]
    assert code_flow["message"]["text"] == flow.path
    steps = code_flow["threadFlows"][0]["locations"]
    assert [s["executionOrder"] for s in steps] == list(range(1, len(steps) + 1))
    names = [s["location"]["logicalLocations"][0]["name"] for s in steps]
    assert names == [
        "aws_lambda_function.orders", "aws_subnet.private_a", "aws_route_table.private_a",
        "aws_route.private_a_default", "aws_nat_gateway.a",  # the route, then where it leads
        "aws_route_table.public",
        "aws_route_table.public", "aws_internet_gateway.main",  # its inline route, the IGW
    ]
    for step in steps:
        physical = step["location"]["physicalLocation"]
        assert physical["artifactLocation"]["uri"].startswith("fixtures/scenarios/")
        assert physical["region"]["startLine"] >= 1
    # the public endpoint is in no file: its label ends the last step's message
    assert steps[-1]["location"]["message"]["text"].endswith(
        "-> sqs.us-east-1.amazonaws.com (public)")


def test_sarif_code_flow_of_a_real_scan_validates():
    result = scan([str(NO_PATH_CASE)], Config(), root=ROOT)
    log = json.loads(render(result, "sarif"))
    _validate(log)
    flows = [r["codeFlows"] for r in log["runs"][0]["results"] if "codeFlows" in r]
    assert flows, "VPC307 findings carry their failing flow"
    for code_flows in flows:
        steps = code_flows[0]["threadFlows"][0]["locations"]
        assert steps[-1]["location"]["message"]["text"].endswith(
            "no route to ssmmessages.us-east-1.amazonaws.com") or steps[-1]["location"][
            "message"]["text"].endswith("no route to ssmmessages.<region>.amazonaws.com")


def test_text_report_shows_the_path_on_one_line():
    result, flow = _detour_result()
    text = render(result, "text")
    lines = [line for line in text.splitlines() if line.startswith("  path: ")]
    assert lines == [f"  path: {flow.path}"]
    assert "-> 0.0.0.0/0 nat a -> rtb public -> 0.0.0.0/0 igw main ->" in lines[0]


def test_json_report_lists_the_hops():
    result, flow = _detour_result()
    findings = json.loads(render(result, "json"))["findings"]
    by_message = {f["message"]: f for f in findings}
    assert by_message["a finding without a flow"]["path"] is None
    path = by_message["SQS traffic of the Lambda detours through NAT"]["path"]
    assert [hop["label"] for hop in path] == [hop.label for hop in flow.hops]
    assert [hop["address"] for hop in path] == [
        "aws_lambda_function.orders", "aws_subnet.private_a", "aws_route_table.private_a",
        "aws_route.private_a_default", "aws_route_table.public", "aws_route_table.public", None]
    assert path[-1] == {"label": "sqs.us-east-1.amazonaws.com (public)", "file": None,
                        "line": None, "address": None}
    assert all(hop["file"].startswith("fixtures/scenarios/") and hop["line"] >= 1
               for hop in path[:-1])
    route = path[3]
    assert (route["file"], route["line"]) == (
        "fixtures/scenarios/lambda-sqs-secrets-nat/terraform/network.tf",
        _line_of(NAT_CASE / "network.tf", "nat_gateway_id         = aws_nat_gateway.a.id"))


def _line_of(file: Path, text: str) -> int:
    return next(n for n, line in enumerate(file.read_text().splitlines(), 1) if text in line)


def test_sarif_code_flow_walks_a_path_through_vpc_lattice():
    """A Lattice path in a code flow: the association at its private DNS setting, the service
    network, the resource configuration at its custom domain name, the resource gateway and the
    central endpoint, each a step in its file."""
    case = FIXTURES / "scenarios" / "lattice-central-endpoints" / "terraform"
    model = build([str(case)], Config()).model
    flow = next(f for f in analyze(model).flows
                if f.service == "ssm" and f.subnet.address == "aws_subnet.private_a")
    finding = Finding(flow.workload, "reaches SSM through VPC Lattice", flow=flow, rule=DETOUR)
    rules = {DETOUR.id: RuleModule(DETOUR, DETOUR.summary, lambda model: [], "x")}
    log = json.loads(render(ScanResult(findings=[finding], rules=rules, root=ROOT,
                                       files_scanned=2), "sarif"))
    _validate(log)
    steps = log["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"]
    names = [s["location"]["logicalLocations"][0]["name"] for s in steps]
    assert names[3:] == [
        "aws_vpclattice_service_network_vpc_association.consumer",
        "aws_vpclattice_service_network.shared",
        'aws_vpclattice_resource_configuration.agent["ssm"]',
        "aws_vpclattice_resource_gateway.endpoints", 'aws_vpc_endpoint.agent["ssm"]']
    lines = [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps]
    assert lines[3] == _line_of(case / "consumer.tf", "private_dns_enabled        = true")
    assert lines[5] == _line_of(case / "endpoints.tf", "custom_domain_name          =")
