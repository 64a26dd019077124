"""Hostile and broken input: nothing outside the scan is read or printed, one bad file never
stops the scan of the others, and every bad input is named (a VPC001 finding or a note).

Each test puts a bad file beside a good module whose finding must still be reported: an S3
gateway endpoint on no route table (VPC101 at ``good/main.tf:1``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from vpclint.config import Config
from vpclint.engine import scan
from vpclint.errors import ConfigError
from vpclint.config import load_config
from vpclint.reporters import FORMATS, render

GOOD = """\
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.us-east-1.s3"
}
"""
GOOD_FINDING = ("VPC101", "good/main.tf", 1)
SECRET = "vpclint-test-secret-4711"
POSIX = pytest.mark.skipif(os.name == "nt", reason="FIFOs and symlinks as on POSIX")


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name, text in {"good/main.tf": GOOD, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(root: Path, *paths: str, **settings):
    config = Config(select=["VPC0", "VPC101"], **settings)
    return scan([str(root / p) for p in paths] or [str(root)], config, root=root)


def found(result) -> set[tuple[str, str, int]]:
    return {(f.rule.id, Path(f.location.file).relative_to(result.root).as_posix()
             if os.path.isabs(f.location.file) else f.location.file, f.location.line)
            for f in result.findings}


def reports(result) -> str:
    return "\n".join(render(result, fmt, color=False) for fmt in FORMATS)


def notes(result) -> list[str]:
    return [n.message for n in result.notes]


# --- nothing from outside the scan -----------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    outside = tmp_path / "outside" / "secrets.yaml"
    outside.parent.mkdir()
    outside.write_text(f"AWSTemplateFormatVersion: '2010-09-09'\nToken: {SECRET}\n  bad: [\n")
    return outside


@pytest.mark.parametrize("url", ["../../outside/secrets.yaml", "/etc/passwd",
                                 "../../../../../../../proc/self/environ"])
def test_nested_template_outside_the_scan_is_not_read(tmp_path, secret_file, url):
    root = project(tmp_path, {"stacks/parent.yaml": f"""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: {url}
"""})
    result = run(root)
    assert found(result) == {GOOD_FINDING}
    assert any("Child has a TemplateURL outside the scanned paths" in n for n in notes(result))
    text = reports(result)
    assert SECRET not in text and "root:x:0" not in text and "PATH=" not in text


def test_nested_template_inside_the_scan_is_still_read(tmp_path):
    root = project(tmp_path, {
        "stacks/parent.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child/net.yaml
""",
        "stacks/child/net.yaml": """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-1
      ServiceName: com.amazonaws.us-east-1.s3
"""})
    result = run(root, "stacks")
    assert ("VPC101", "stacks/child/net.yaml", 3) in found(result)


@POSIX
def test_template_symlinked_out_of_the_scan_is_not_read(tmp_path, secret_file):
    root = project(tmp_path, {})
    (root / "stolen.yaml").symlink_to(secret_file)
    result = run(root)
    assert found(result) == {GOOD_FINDING}
    assert any("outside the scanned paths" in n for n in notes(result))
    assert SECRET not in reports(result)


@POSIX
def test_terraform_file_symlinked_out_of_the_scan_is_a_finding_not_a_read(tmp_path, secret_file):
    root = project(tmp_path, {})
    (root / "good" / "stolen.tf").symlink_to(secret_file)
    result = run(root)
    assert ("VPC001", "good/stolen.tf", 1) in found(result)
    assert SECRET not in reports(result)


def test_module_source_outside_the_scan_is_not_read_unless_allowed(tmp_path):
    root = project(tmp_path, {
        "live/main.tf": 'module "net" {\n  source = "../modules/net"\n}\n',
        "modules/net/main.tf": GOOD})
    alone = run(root, "live")
    assert not any(f.rule.id == "VPC101" for f in alone.findings)
    assert any('module "net" comes from ../modules/net, outside the scanned paths' in n
               for n in notes(alone))
    allowed = run(root, "live", allow_read=[root])
    assert ("VPC101", "modules/net/main.tf", 1) in found(allowed)


@POSIX
def test_tfvars_symlinked_out_of_the_scan_is_not_read(tmp_path, secret_file):
    root = project(tmp_path, {"good/variables.tf": 'variable "x" {}\n\nresource "aws_vpc" "v" {'
                                                   '\n  cidr_block = var.x\n}\n'})
    (root / "good" / "terraform.tfvars").symlink_to(secret_file)
    result = run(root)
    assert ("VPC001", "good/terraform.tfvars", 1) in found(result)
    assert GOOD_FINDING in found(result)
    assert SECRET not in reports(result)


def test_config_file_cannot_name_files_outside_its_directory(tmp_path, secret_file):
    root = project(tmp_path, {".vpclint.toml": f'var-files = ["{secret_file}"]\n'})
    with pytest.raises(ConfigError, match="outside the config file's directory"):
        load_config(root)


# --- inputs that are not plain files --------------------------------------------------------


@POSIX
@pytest.mark.parametrize("name, expected", [("bad/x.tf", ("VPC001", "bad/x.tf", 1)),
                                            ("bad/x.yaml", None)])
def test_fifo_is_named_not_read(tmp_path, name, expected):
    root = project(tmp_path, {})
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / name)  # reading it would block forever
    result = run(root)
    assert GOOD_FINDING in found(result)
    if expected:
        assert expected in found(result)
    assert any("not a regular file (a FIFO)" in m for m in
               notes(result) + [f.message for f in result.findings])


@POSIX
def test_device_is_not_read(tmp_path):
    root = project(tmp_path, {})
    (root / "good" / "zero.tf").symlink_to("/dev/zero")  # endless: it must never be read
    result = run(root, allow_read=[Path("/dev")])
    assert ("VPC001", "good/zero.tf", 1) in found(result)
    assert any("not a regular file (a device)" in f.message for f in result.findings)


@POSIX
def test_symlink_loop_is_a_finding(tmp_path):
    root = project(tmp_path, {})
    (root / "good" / "a").symlink_to("b")
    (root / "good" / "b").symlink_to("a")
    (root / "good" / "loop.tf").symlink_to("a")
    result = run(root)
    assert found(result) == {GOOD_FINDING, ("VPC001", "good/loop.tf", 1)}
    assert any("symlink loop" in f.message for f in result.findings)


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the OS refuses such names")
def test_file_name_that_is_not_utf8_is_a_finding(tmp_path):
    root = project(tmp_path, {})
    bad = os.path.join(os.fsencode(root / "good"), b"\xff\xfe.tf")
    with open(bad, "wb") as handle:
        handle.write(b'resource "aws_vpc" "v" {}\n')
    result = run(root)
    assert ("VPC001", "good/\\xff\\xfe.tf", 1) in found(result)
    text = reports(result)
    assert "not valid UTF-8" in text


def test_file_over_the_size_limit_is_refused_and_the_limit_can_be_raised(tmp_path):
    padding = "# " + "x" * 78 + "\n"
    big = GOOD + padding * (1024 * 1024 // len(padding) + 1)  # just over 1 MB
    root = project(tmp_path, {"big/main.tf": big})
    refused = run(root, max_file_size=1)
    assert ("VPC001", "big/main.tf", 1) in found(refused)
    assert any("file too large (1.0 MB; the limit is 1 MB)" in f.message
               for f in refused.findings)
    assert GOOD_FINDING in found(refused)
    assert ("VPC101", "big/main.tf", 1) in found(run(root, max_file_size=2))


def test_template_over_the_size_limit_is_reported_not_skipped(tmp_path):
    body = "".join(f"  Subnet{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
                   f"      VpcId: vpc-1\n" for i in range(12000))
    root = project(tmp_path, {"cfn/big.yaml": f"AWSTemplateFormatVersion: '2010-09-09'\n"
                                              f"Resources:\n{body}"})
    result = run(root, max_file_size=0.5)
    assert ("VPC001", "cfn/big.yaml", 1) in found(result)


# --- evaluation that must stay bounded -------------------------------------------------------


def test_huge_count_is_not_expanded(tmp_path):
    root = project(tmp_path, {"count/main.tf": GOOD.replace(
        '"s3" {\n', '"s3" {\n  count        = 100000000\n')})
    result = run(root)
    assert ("VPC101", "count/main.tf", 1) in found(result)  # the configuration is still judged
    assert any("count makes 1e+08 instances, past the 10,000 that vpclint expands" in n
               for n in notes(result))


def test_huge_for_each_is_not_expanded(tmp_path):
    items = ", ".join(f'"k{i}"' for i in range(10001))
    root = project(tmp_path, {"many/main.tf": GOOD.replace(
        '"s3" {\n', f'"s3" {{\n  for_each     = toset([{items}])\n')})
    result = run(root)
    assert ("VPC101", "many/main.tf", 1) in found(result)
    assert any("for_each makes 10001 instances" in n for n in notes(result))


def test_module_calling_itself_is_noted_and_still_judged(tmp_path):
    root = project(tmp_path, {"selfish/main.tf": 'module "self" {\n  source = "./"\n}\n\n' + GOOD})
    result = run(root)
    assert ("VPC101", "selfish/main.tf", 5) in found(result)
    assert any('module "self" calls its own module' in n for n in notes(result))


def test_modules_calling_each_other_are_still_judged(tmp_path):
    root = project(tmp_path, {
        "ring/a/main.tf": 'module "b" {\n  source = "../b"\n}\n\n' + GOOD,
        "ring/b/main.tf": 'module "a" {\n  source = "../a"\n}\n'})
    result = run(root)
    assert ("VPC101", "ring/a/main.tf", 5) in found(result)


@pytest.mark.parametrize("template", [
    "  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !GetAtt S.VpcId\n",
    "  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !GetAtt B.VpcId\n"
    "  B:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !GetAtt A.VpcId\n",
], ids=["itself", "each-other"])
def test_attributes_referring_to_themselves_do_not_crash(tmp_path, template):
    root = project(tmp_path, {"cfn/loop.yaml": f"Resources:\n{template}"})
    result = run(root)
    assert found(result) == {GOOD_FINDING}
    assert result.internal_errors == 0


def test_policy_document_with_dynamic_statement_over_an_unknown(tmp_path):
    root = project(tmp_path, {"policy/main.tf": """\
variable "on" {}

data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = var.on ? [1] : []
    content {
      actions   = ["s3:*"]
      resources = ["*"]
    }
  }
}

data "aws_iam_policy_document" "q" {
  statement {
    principals {
      type        = []
      identifiers = ["*"]
    }
  }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.us-east-1.s3"
  policy       = data.aws_iam_policy_document.p.json
}
"""})
    result = run(root)
    assert ("VPC101", "policy/main.tf", 22) in found(result)
    assert result.internal_errors == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_template_in_utf16_or_32_with_a_byte_order_mark_is_read(tmp_path, encoding):
    root = project(tmp_path, {})
    text = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  S3:\n"
            "    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcId: vpc-1\n"
            "      ServiceName: com.amazonaws.us-east-1.s3\n")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (root / "wide.yaml").write_bytes(data)
    assert ("VPC101", "wide.yaml", 3) in found(run(root))


def test_deep_nesting_is_reported_in_words_about_the_file(tmp_path):
    root = project(tmp_path, {"deep/main.tf": "locals {\n  a = " + "{a=" * 100_000 + "1"
                              + "}" * 100_000 + "\n}\n"})
    result = run(root)
    (error,) = [f for f in result.findings if f.rule.id == "VPC001"]
    assert error.message == "cannot parse main.tf: expression nested too deeply to parse"
    assert GOOD_FINDING in found(result)



def test_a_property_nested_deeper_than_the_model_resolves_is_unknown_not_a_crash(tmp_path):
    # YAML flow lists 250 deep: the loader and the evaluator read them, resolving references
    # in the model goes past Python's recursion limit (found by the fuzzer, seed 3 #1207)
    nested = "[" * 250 + "tcp" + "]" * 250
    root = project(tmp_path, {"deep.yaml": (
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n"
        "      CidrBlock: 10.0.0.0/16\n"
        "  Group:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        "      GroupDescription: deep\n      VpcId: !Ref Vpc\n"
        f"      SecurityGroupIngress:\n        - IpProtocol: {nested}\n"
        "          CidrIp: 10.0.0.0/8\n"
        "  Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n"
        "      VpcId: !Ref Vpc\n      ServiceName: com.amazonaws.us-east-1.s3\n")})
    result = run(root)
    assert not [f for f in result.findings if f.rule.id == "VPC000"]
    assert ("VPC101", "deep.yaml", 14) in found(result)

# --- a crash of vpclint's is contained and reported -----------------------------------------


def test_a_crashing_rule_is_an_error_finding_and_the_others_still_run(tmp_path, monkeypatch):
    from msgspec.structs import replace

    from vpclint.registry import load_rules

    def crash(model):
        raise ValueError("boom")

    rules = load_rules()
    rules["VPC102"] = replace(rules["VPC102"], check=crash)
    monkeypatch.setattr("vpclint.engine.load_rules", lambda: rules)
    root = project(tmp_path, {})
    result = scan([str(root)], Config(select=["VPC101", "VPC102"]), root=root)
    assert {f.rule.id for f in result.findings} == {"VPC101", "VPC000"}
    (failure,) = [f for f in result.findings if f.rule.id == "VPC000"]
    assert "rule VPC102 failed" in failure.message and "ValueError: boom" in failure.message
    sarif = json.loads(render(result, "sarif"))
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert any("VPC102" in n["message"]["text"] for n in invocation["toolExecutionNotifications"])


def test_a_crash_while_evaluating_one_module_spares_the_others(tmp_path, monkeypatch):
    import vpclint.evaluate.terraform as terraform

    original = terraform._Instance.emit

    def emit(self):
        if self.directory.endswith("cursed"):
            raise KeyError("bug")
        return original(self)

    monkeypatch.setattr(terraform._Instance, "emit", emit)
    root = project(tmp_path, {"cursed/main.tf": GOOD})
    result = run(root)
    assert found(result) == {GOOD_FINDING, ("VPC000", "cursed/main.tf", 1)}


def test_a_crash_while_loading_one_file_spares_the_others(tmp_path, monkeypatch):
    import vpclint.loading as loading

    original = loading.load_hcl

    def load_hcl(path, text):
        if "cursed" in path:
            raise RuntimeError("bug")
        return original(path, text)

    monkeypatch.setattr(loading, "load_hcl", load_hcl)
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    root = project(tmp_path, {"cursed/main.tf": GOOD})
    result = run(root)
    assert found(result) == {GOOD_FINDING, ("VPC000", "cursed/main.tf", 1)}


def test_many_duplicate_endpoints_relate_a_bounded_number_of_partners(tmp_path):
    # 300 interface endpoints for one service with private DNS: one finding, partners counted
    # rather than listed 300 x 299 times
    root = project(tmp_path, {"dup/main.tf": """\
resource "aws_vpc_endpoint" "ssm" {
  for_each            = toset([for i in range(300) : tostring(i)])
  vpc_id              = "vpc-1"
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}
"""})
    result = scan([str(root / "dup")], Config(select=["VPC205"]), root=root)
    (finding,) = result.findings
    assert (finding.rule.id, finding.location.line) == ("VPC205", 6)
    assert len(finding.related) <= 10 and "and 296 more" in finding.message


def test_a_duplicate_resource_block_with_a_capped_for_each_is_no_internal_error(tmp_path):
    # two blocks of one address, only the second with a for_each past the instance cap: what
    # decides the instances' existence is read from the block that has it (fuzz seed 3 #3647)
    block = ('resource "aws_iam_role_policy_attachment" "ssm" {\n{extra}'
             '  role       = "app"\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n')
    root = project(tmp_path, {"dup/main.tf": block.replace("{extra}", "") + block.replace(
        "{extra}", "  for_each = range(100000000)\n")})
    result = run(root)
    assert not [f for f in result.findings if f.rule.id == "VPC000"]
    assert GOOD_FINDING in found(result)
    assert any("aws_iam_role_policy_attachment.ssm is declared more than once" in message
               and "line 5 of main.tf" in message for message in notes(result))


def test_an_infinite_list_index_is_unknown_not_a_crash(tmp_path):
    root = project(tmp_path, {"inf/main.tf": GOOD.replace(
        '  vpc_id       = "vpc-1"\n', '  vpc_id       = ["vpc-1"][1e999]\n')})
    assert found(run(root)) == {GOOD_FINDING, ("VPC101", "inf/main.tf", 1)}


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


def judged(root: Path, rule_id: str):
    """``run``, with one rule more."""
    return scan([str(root)], Config(select=["VPC0", "VPC101", rule_id]), root=root)


@pytest.mark.parametrize("expressions", [["region"], "region", 7])
def test_a_plan_whose_configuration_expressions_are_not_a_mapping_is_still_judged(
        tmp_path, expressions):
    plan = json.loads((FIXTURES / "VPC208" / "tf_plan_resource_region" / "plan.json").read_text())
    plan["configuration"]["root_module"]["resources"][0]["expressions"] = expressions
    root = project(tmp_path, {"plan/plan.json": json.dumps(plan, indent=2)})
    result = judged(root, "VPC208")
    assert found(result) == {GOOD_FINDING, ("VPC208", "plan/plan.json", 28)}


def test_a_crash_while_evaluating_one_plan_spares_the_others(tmp_path, monkeypatch):
    from vpclint.evaluate import tf_plan

    text = (FIXTURES / "VPC208" / "tf_plan_resource_region" / "plan.json").read_text()
    root = project(tmp_path, {"a/plan.json": text, "b/plan.json": text})
    real = tf_plan.evaluate_plan

    def crash_on_a(doc, modules):
        if Path(doc.file).parent.name == "a":
            raise KeyError("boom")
        return real(doc, modules)

    monkeypatch.setattr(tf_plan, "evaluate_plan", crash_on_a)
    result = judged(root, "VPC208")
    assert found(result) == {GOOD_FINDING, ("VPC000", "a/plan.json", 1),
                             ("VPC208", "b/plan.json", 13)}


def test_a_vpc_whose_cidr_is_unknown_leaves_the_gateway_rules_judging(tmp_path):
    """VPC214 reads the gateway VPC's CIDR for the addresses its security group must allow; a
    CIDR from a variable without a value is UNKNOWN, which must not crash the rule (a crash
    loses its findings in every template, not only this one)."""
    network = (FIXTURES / "VPC214" / "tf_bad" / "network.tf").read_text().replace(
        'cidr_block                       = "10.2.0.0/16"',
        "cidr_block                       = var.vpc_cidr", 1)
    template = (FIXTURES / "VPC214" / "cfn_bad.yaml").read_text().replace(
        "      CidrBlock: 10.2.0.0/16\n", "      CidrBlock: !Ref VpcCidr\n", 1).replace(
        "Resources:\n", "Parameters:\n  VpcCidr:\n    Type: String\nResources:\n", 1)
    root = project(tmp_path, {
        "tf/network.tf": network + '\nvariable "vpc_cidr" {\n  type = string\n}\n',
        "tf/gateways.tf": (FIXTURES / "VPC214" / "tf_bad" / "gateways.tf").read_text(),
        "cfn/template.yaml": template})
    result = judged(root, "VPC214")
    assert found(result) == {GOOD_FINDING, ("VPC214", "tf/gateways.tf", 19),
                             ("VPC214", "tf/gateways.tf", 73), ("VPC214", "cfn/template.yaml", 45),
                             ("VPC214", "cfn/template.yaml", 66)}


@pytest.mark.parametrize("count", ["-1e999", "-1", "0"])
def test_a_count_below_one_makes_no_instance_and_no_crash(tmp_path, count):
    root = project(tmp_path, {"none/main.tf": GOOD.replace(
        '"s3" {\n', f'"s3" {{\n  count        = {count}\n')})
    assert found(run(root)) == {GOOD_FINDING}
