"""Findings inside called Terraform modules: the caller's argument that decided them, and which
root module each instance belongs to when one module is called from several roots."""

from __future__ import annotations

import json
from pathlib import Path

from vpclint.config import Config
from vpclint.engine import scan
from vpclint.reporters import render

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "fixtures" / "rules"
SHARED_NAT = RULES / "VPC216" / "tf_bad_shared_module"
RAM_SHARE = RULES / "VPC403" / "tf_bad_module_argument"


def _findings(*paths: Path, rule: str):
    result = scan([str(p) for p in paths], Config(), root=ROOT)
    return result, [f for f in result.active if f.rule.id == rule]


def _relative(path: str) -> str:
    return Path(path).resolve().relative_to(ROOT).as_posix()


def _at(findings) -> list[tuple[str, str, int]]:
    return [(f.rule.id, _relative(f.location.file), f.location.line) for f in findings]


_SHARED_NAT_AT = ("VPC216", "fixtures/rules/VPC216/tf_bad_shared_module/modules/vpc/main.tf", 41)


def test_instances_of_a_module_called_from_several_roots_name_their_root():
    _, findings = _findings(SHARED_NAT, rule="VPC216")
    assert _at(findings) == [_SHARED_NAT_AT]  # one defect on one line of the shared module
    assert _relative(findings[0].location.file) == \
        "fixtures/rules/VPC216/tf_bad_shared_module/modules/vpc/main.tf"
    base = "fixtures/rules/VPC216/tf_bad_shared_module/examples"
    assert findings[0].instances == [  # the "public" example routes to its internet gateway
        f"module.vpc.aws_nat_gateway.this in {base}/private",
        f"module.vpc.aws_nat_gateway.this in {base}/staging"]


def test_a_module_under_one_root_keeps_plain_addresses():
    _, findings = _findings(SHARED_NAT / "examples" / "private", SHARED_NAT / "modules",
                            rule="VPC216")
    assert _at(findings) == [_SHARED_NAT_AT] and findings[0].instances == []


def test_a_finding_in_a_module_relates_the_callers_argument_that_decided_it():
    _, findings = _findings(RAM_SHARE, rule="VPC403")
    assert _at(findings) == [
        ("VPC403", "fixtures/rules/VPC403/tf_bad_module_argument/lattice/main.tf", 18)]
    (origin,) = findings[0].origins
    assert (_relative(origin.span.file), origin.span.line, origin.call) == (
        "fixtures/rules/VPC403/tf_bad_module_argument/examples/ram_share/main.tf", 12,
        "module.lattice")
    assert findings[0].instances == ["module.lattice.aws_vpclattice_service_network.this in "
                                     "fixtures/rules/VPC403/tf_bad_module_argument/examples/"
                                     "ram_share"]


def test_a_merged_finding_keeps_the_arguments_of_every_instance(tmp_path):
    (tmp_path / "lattice").mkdir()
    (tmp_path / "lattice" / "main.tf").write_text((RAM_SHARE / "lattice" / "main.tf").read_text())
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(
            'module "lattice" {\n  source = "../lattice"\n'
            f'  service_network = {{ name = "{name}", auth_type = "NONE" }}\n'
            '  share_with = ["444455556666"]\n}\n')
    result = scan([str(tmp_path)], Config(), root=tmp_path)
    (finding,) = [f for f in result.active if f.rule.id == "VPC403"]
    assert [(Path(o.span.file).parent.name, o.span.line) for o in finding.origins] == [
        ("a", 3), ("b", 3)]


def test_reporters_show_the_callers_argument():
    result, _ = _findings(RAM_SHARE, rule="VPC403")
    argument = "fixtures/rules/VPC403/tf_bad_module_argument/examples/ram_share/main.tf"
    text = render(result, "text", cwd=ROOT)
    assert f"  set by: the argument of module.lattice at {argument}:12" in text
    report = json.loads(render(result, "json"))
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "VPC403"]
    assert finding["origins"] == [{"file": argument, "line": 12, "column": 5,
                                   "call": "module.lattice"}]
    sarif = json.loads(render(result, "sarif"))
    (entry,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "VPC403"]
    origin = entry["relatedLocations"][-1]
    assert origin["physicalLocation"]["artifactLocation"]["uri"] == argument
    assert origin["physicalLocation"]["region"]["startLine"] == 12
    assert f"set by [module.lattice]({origin['id']})" in entry["message"]["text"]
