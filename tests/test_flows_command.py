"""``vpclint flows``, run as a user runs it: how each workload reaches each service it uses.

Each test copies scenario fixtures into its own directory under ``tmp_path`` holding an empty
``.git`` (the repository root for relative paths) and runs the command in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import FIXTURES

SCENARIOS = FIXTURES / "scenarios"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VPCLINT_DEBUG", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "vpclint.cli", "flows", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for case in ("lambda-sqs-secrets-nat/terraform", "lambda-sqs-secrets-nat/cloudformation",
                 "gwlb-inspection/terraform"):
        shutil.copytree(SCENARIOS / case, tmp_path / case)
    return tmp_path


def _blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip().split("\n\n")]


def test_text_table_per_workload(repo):
    result = run("lambda-sqs-secrets-nat/terraform", cwd=repo)
    assert result.returncode == 0, result.stderr
    blocks = _blocks(result.stdout)
    assert len(blocks) == 2  # one workload, then the summary
    heading, header, *rows = blocks[0]
    line = _line_of(repo / "lambda-sqs-secrets-nat/terraform/function.tf",
                    'resource "aws_lambda_function" "orders"')
    assert heading == ("lambda orders (aws_lambda_function.orders)  "
                       f"lambda-sqs-secrets-nat/terraform/function.tf:{line}")
    assert header.split() == ["SERVICE", "VERDICT", "PATH"]
    # columns are aligned: every row's verdict and path start where the header's do
    verdict_at, path_at = header.index("VERDICT"), header.index("PATH")
    cells = [(row[2:verdict_at].strip(), row[verdict_at:path_at].strip(), row[path_at:])
             for row in rows]
    assert [(service, verdict) for service, verdict, _ in cells] == [
        ("secretsmanager", "private via interface endpoint"),
        ("secretsmanager", "private via interface endpoint"),
        ("sqs", "detour via NAT and internet gateway"),
        ("sqs", "detour via NAT and internet gateway"),
    ]
    assert cells[2][2] == ("subnet private_a 10.0.1.0/24 -> rtb private_a -> 0.0.0.0/0 nat a -> "
                           "rtb public -> 0.0.0.0/0 igw main -> sqs.us-east-1.amazonaws.com "
                           "(public)")
    assert blocks[-1] == ["1 workload, 4 flows: 2 private via interface endpoint, "
                          "2 detour via NAT and internet gateway"]


def test_json_lists_workloads_flows_hops_and_evidence(repo):
    result = run(".", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    workloads = {w["address"]: w for w in document["workloads"]}
    assert set(workloads) == {"OrdersFunction", "aws_lambda_function.orders",
                              "aws_autoscaling_group.app"}
    asg = workloads["aws_autoscaling_group.app"]
    assert (asg["kind"], asg["file"]) == ("autoscaling_group", "gwlb-inspection/terraform/app.tf")
    [flow] = asg["flows"]
    assert (flow["service"], flow["subnet"], flow["verdict"], flow["private"]) == (
        "sqs", "aws_subnet.app_a", "NAT_DETOUR", False)
    assert [hop["address"] for hop in flow["path"]] == [
        "aws_autoscaling_group.app", "aws_subnet.app_a", "aws_route_table.app_a",
        "aws_route_table.app_a", "aws_route_table.inspection_a",
        "aws_route_table.inspection_a", "aws_route_table.public_a",
        "aws_route_table.public_a", None]
    assert "gwlb endpoint inspection_a" in flow["path"][3]["label"]
    assert all(hop["line"] >= 1 for hop in flow["path"][:-1])
    assert sorted(next(w for w in e["reason"].split() if w.startswith("sqs:"))
                  for e in flow["evidence"]) == ["sqs:DeleteMessage", "sqs:ReceiveMessage"]
    assert {(e["service"], e["address"], e["file"]) for e in flow["evidence"]} == {
        ("sqs", "aws_iam_role.app", "gwlb-inspection/terraform/app.tf")}
    cfn = workloads["OrdersFunction"]
    assert {(f["service"], f["verdict"]) for f in cfn["flows"]} == {
        ("sqs", "NAT_DETOUR"), ("secretsmanager", "INTERFACE_ENDPOINT")}


def test_filter_by_workload_and_service(repo):
    result = run(".", "--workload", "ORDERS", "--service", "sqs", "-f", "json", cwd=repo)
    document = json.loads(result.stdout)
    assert [w["address"] for w in document["workloads"]] == ["OrdersFunction",
                                                            "aws_lambda_function.orders"]
    assert {f["service"] for w in document["workloads"] for f in w["flows"]} == {"sqs"}
    nothing = run(".", "--service", "kinesis-streams", cwd=repo)
    assert nothing.returncode == 0 and nothing.stdout == "No VPC workloads match.\n"


def test_region_names_the_public_endpoint(repo):
    def last_labels(*args):
        document = json.loads(run("lambda-sqs-secrets-nat/cloudformation", "-s", "sqs", "-f",
                                  "json", *args, cwd=repo).stdout)
        return {f["path"][-1]["label"] for w in document["workloads"] for f in w["flows"]}

    assert last_labels() == {"sqs.<region>.amazonaws.com (public)"}
    assert last_labels("--region", "eu-west-1") == {"sqs.eu-west-1.amazonaws.com (public)"}


def test_evidence_lines(repo):
    result = run("gwlb-inspection", "--evidence", cwd=repo)
    because = [line.strip() for line in result.stdout.splitlines() if "because:" in line]
    assert len(because) == 2 and all("app.tf:" in line for line in because)


def test_exclude_and_a_file_named_alone(repo):
    excluded = json.loads(run(".", "--exclude", "gwlb-inspection/*", "-f", "json",
                              cwd=repo).stdout)
    assert "aws_autoscaling_group.app" not in {w["address"] for w in excluded["workloads"]}
    # a file named alone is judged with its module, and only its workloads are shown
    alone = json.loads(run("lambda-sqs-secrets-nat/terraform/function.tf", "-f", "json",
                           cwd=repo).stdout)
    assert [w["address"] for w in alone["workloads"]] == ["aws_lambda_function.orders"]
    assert {f["verdict"] for f in alone["workloads"][0]["flows"]} == {"NAT_DETOUR",
                                                                      "INTERFACE_ENDPOINT"}
    network_only = run("lambda-sqs-secrets-nat/terraform/network.tf", cwd=repo)
    assert network_only.stdout.startswith("No VPC workloads found")


def test_config_file_is_read(repo):
    (repo / ".vpclint.toml").write_text('exclude = ["lambda-sqs-secrets-nat/*"]\n')
    document = json.loads(run(".", "-f", "json", cwd=repo).stdout)
    assert [w["address"] for w in document["workloads"]] == ["aws_autoscaling_group.app"]


def test_parse_errors_are_mentioned_on_stderr(repo):
    (repo / "broken.tf").write_text('resource "aws_vpc" "x" {\n')
    result = run(".", cwd=repo)
    assert result.returncode == 0
    assert "1 file could not be parsed" in result.stderr


def test_a_duplicate_key_leaves_the_template_analysed(repo):
    template = repo / "lambda-sqs-secrets-nat" / "cloudformation" / "template.yaml"
    text = template.read_text()
    # a second Description: CloudFormation keeps the last one, and so does vpclint
    template.write_text(text.replace("Resources:", "Description: twice\nResources:", 1))
    result = run("lambda-sqs-secrets-nat/cloudformation", "-f", "json", cwd=repo)
    assert "could not be parsed" not in result.stderr
    assert json.loads(result.stdout)["workloads"]


def test_output_writes_the_same_flows_to_a_file(repo):
    shown = run(".", "--format", "json", cwd=repo)
    written = run(".", "--format", "json", "-o", "out/flows.json", cwd=repo)
    assert written.returncode == 0 and written.stdout == "", written.stderr
    assert (repo / "out/flows.json").read_text(encoding="utf-8") == shown.stdout
    text = run(".", "--output", "flows.txt", cwd=repo)
    assert text.returncode == 0 and text.stdout == ""
    assert (repo / "flows.txt").read_text(encoding="utf-8") == run(".", cwd=repo).stdout
    refused = run(".", "-o", "out", cwd=repo)  # a directory, refused before scanning
    assert refused.returncode == 2 and "is a directory" in refused.stderr


def test_usage_errors_exit_2(repo):
    assert run(".", "--format", "sarif", cwd=repo).returncode == 2
    missing = run("no-such-dir", cwd=repo)
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr


def test_help_teaches_the_question_it_answers(repo):
    result = run("--help", cwd=repo)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "How does this Lambda reach SQS?" in text
    assert "vpclint flows ./infra --workload orders --service sqs" in text
    for option in ("--workload", "--service", "--evidence", "--format", "--exclude",
                   "--config", "--region", "--cfn-param", "--parameter-file", "--var"):
        assert option in text


def _line_of(file: Path, text: str) -> int:
    return next(n for n, line in enumerate(file.read_text().splitlines(), 1) if text in line)


def test_unknown_service_is_a_usage_error_with_a_hint(repo):
    result = run(".", "--service", "nosuch", cwd=repo)
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("vpclint: error: --service 'nosuch': not an AWS service name")
    assert "without --service to list the services" in line
    typo = run(".", "--service", "sqs3", cwd=repo)
    assert typo.returncode == 2 and "did you mean 'sqs'?" in typo.stderr
    # a real service that no workload uses is an answer, not an error
    unused = run(".", "--service", "kinesis-streams", cwd=repo)
    assert unused.returncode == 0 and unused.stdout == "No VPC workloads match.\n"


def test_path_without_templates_is_a_usage_error_unless_allowed(repo):
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.yaml").write_text("title: not a template\n")
    result = run("docs", cwd=repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("vpclint: error: no Terraform or CloudFormation found in docs")
    allowed = run("docs", "--allow-empty", cwd=repo)
    assert allowed.returncode == 0 and allowed.stdout.startswith("No VPC workloads found")


def test_text_names_files_from_the_current_directory(repo):
    case = repo / "lambda-sqs-secrets-nat" / "terraform"
    text = run(".", cwd=case).stdout
    heading = next(line for line in text.splitlines() if line and not line.startswith(" "))
    where = heading.rsplit("  ", 1)[1]
    assert not where.startswith("lambda-sqs-secrets-nat/")  # not the repository's root
    assert (case / where.rsplit(":", 1)[0]).is_file()
    document = json.loads(run(".", "-f", "json", cwd=case).stdout)
    assert document["workloads"][0]["file"].startswith("lambda-sqs-secrets-nat/terraform/")


def test_lattice_verdict_in_text_and_json(tmp_path):
    (tmp_path / ".git").mkdir()
    shutil.copytree(SCENARIOS / "lattice-central-endpoints/cloudformation", tmp_path / "stack")
    text = run("stack", "--workload", "WorkerA", "--service", "ssm", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    heading, header, row = _blocks(text.stdout)[0]
    verdict_at, path_at = header.index("VERDICT"), header.index("PATH")
    assert (row[2:verdict_at].strip(), row[verdict_at:path_at].strip()) == (
        "ssm", "private via VPC Lattice")
    assert row.endswith("-> service network association ConsumerAssociation (private DNS) -> "
                        "service network ServiceNetwork -> resource configuration "
                        "SsmResourceConfiguration (ssm.<region>.amazonaws.com) -> resource "
                        "gateway ResourceGateway -> interface endpoint SsmEndpoint")
    assert _blocks(text.stdout)[-1] == ["1 workload, 1 flow: 1 private via VPC Lattice"]
    document = json.loads(run("stack", "--format", "json", "--workload", "WorkerA", "--service",
                              "ssm", cwd=tmp_path).stdout)
    [flow] = document["workloads"][0]["flows"]
    assert (flow["verdict"], flow["verdict_text"], flow["private"]) == (
        "LATTICE", "private via VPC Lattice", True)
    assert [hop["address"] for hop in flow["path"]][3:] == [
        "ConsumerAssociation", "ServiceNetwork", "SsmResourceConfiguration", "ResourceGateway",
        "SsmEndpoint"]
    assert all(hop["file"] == "stack/template.yaml" and hop["line"] >= 1
               for hop in flow["path"])
