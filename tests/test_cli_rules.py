"""`vpclint rules` and `vpclint explain`."""

from __future__ import annotations

import json
import subprocess
import sys

from vpclint.registry import load_rules


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vpclint.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_rules_lists_every_registered_rule_as_json():
    done = _run("rules", "--format", "json")
    assert done.returncode == 0
    listed = {entry["id"]: entry for entry in json.loads(done.stdout)}
    assert set(listed) == set(load_rules())
    assert listed["VPC101"]["slug"] == "gateway-endpoint-without-route-tables"


def test_rules_text_filters_by_prefix():
    done = _run("rules", "--select", "VPC1")
    ids = [line.split()[0] for line in done.stdout.splitlines()[1:]]
    assert ids and all(rule_id.startswith("VPC1") for rule_id in ids)


def test_explain_accepts_id_or_slug_and_rejects_unknown():
    by_id = _run("explain", "VPC204")
    by_slug = _run("explain", "private-dns-without-vpc-dns")
    assert by_id.returncode == 0 and by_id.stdout == by_slug.stdout
    assert "## Use instead" in by_id.stdout
    unknown = _run("explain", "VPC999")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_var_and_var_file_feed_root_variables(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "rts" { type = list(string) }\n'
        'resource "aws_vpc_endpoint" "s3" {\n  vpc_id = "vpc-0123456789abcdef0"\n'
        '  service_name = "com.amazonaws.us-east-1.s3"\n  route_table_ids = var.rts\n}\n')
    (tmp_path / "prod.tfvars").write_text("rts = []\n")
    assert _run("check", str(tmp_path)).returncode == 0  # no value: UNKNOWN, silent
    assert _run("check", str(tmp_path), "--var", "rts=[]").returncode == 1
    assert _run("check", str(tmp_path), "--var-file", str(tmp_path / "prod.tfvars")).returncode == 1
