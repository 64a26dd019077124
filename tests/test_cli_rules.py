"""`vpclint rules` and `vpclint explain`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vpclint.docs import HEADINGS, render_terminal
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
    assert "\nUse instead\n" in by_id.stdout
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


def test_rules_select_matching_nothing_is_a_usage_error():
    done = _run("rules", "--select", "zzz")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == ("vpclint: error: --select 'zzz' matches no rule ID, slug or "
                                   "ID prefix ('vpclint rules' without --select lists them all)")
    assert _run("rules", "--select", "VPC1,zzz").returncode == 2  # every entry must match


def test_rules_select_takes_ids_slugs_and_prefixes_like_check():
    done = _run("rules", "--select", "VPC30,gateway-endpoint-without-route-tables")
    ids = [line.split()[0] for line in done.stdout.splitlines()[1:]]
    assert ids and set(ids) == {"VPC101"} | {i for i in load_rules() if i.startswith("VPC30")}


def test_rules_columns_line_up_with_the_header():
    for args in ((), ("--select", "VPC001")):
        lines = _run("rules", *args).stdout.splitlines()
        header = lines[0]
        for name in ("SLUG", "LEVEL", "BAND", "SUMMARY"):
            column = header.index(name)
            assert all(line[column - 2:column] == "  " and line[column] != " "
                       for line in lines[1:]), (name, lines[:3])


# --- explain: rendered for a terminal -------------------------------------------------------


def test_explain_piped_is_plain_rendered_text():
    done = _run("explain", "VPC301")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("VPC301 aws-service-via-nat: ")
    for heading in HEADINGS:  # headings on their own line, without Markdown's #
        assert f"\n{heading}\n" in text
    assert "```" not in text and "## " not in text and "|---" not in text
    assert "python -m vpclint.docs" not in text and "Generated from" not in text
    assert "\x1b[" not in text  # piped: no colour
    assert "\n      resource \"aws_vpc\" \"main\" {" in text  # code blocks indented
    assert "  - https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html" in text
    assert text.rstrip().endswith("Online: https://github.com/vpclint/vpclint/blob/main/docs/"
                                  "rules/VPC301.md")


def test_generated_pages_keep_the_maintainer_note():
    page = (Path(__file__).resolve().parents[1] / "docs" / "rules" / "VPC301.md")
    if page.is_file():
        assert "python -m vpclint.docs" in page.read_text(encoding="utf-8")


def test_terminal_rendering_of_markdown():
    from vpclint.rule import RuleModule

    meta = load_rules()["VPC101"].meta
    doc = ("VPC101 x: a title.\n\n## What it does\n\nSee [the guide](https://example.com/g) and "
           "[VPC102](VPC102.md), **really** `aws_vpc_endpoint`.\n- one item that is long "
           "enough\n  to continue\n\n## Example\n\nTerraform:\n```hcl\nresource \"a\" \"b\" {}\n"
           "```\n")
    rule = RuleModule(meta=meta, doc=doc, check=lambda model: [], module="x")
    plain = render_terminal(rule, color=False, width=60)
    assert ("See the guide (https://example.com/g) and VPC102, really `aws_vpc_endpoint`."
            in " ".join(plain.split()))
    assert "  - one item that is long enough to continue" in plain
    assert "  Terraform:\n      resource \"a\" \"b\" {}" in plain
    assert all(len(line) <= 60 for line in plain.splitlines())
    colored = render_terminal(rule, color=True)
    assert "\x1b[1m\x1b[4mWhat it does\x1b[0m" in colored  # headings emphasised
    assert "\x1b[1mreally\x1b[0m" in colored and "`" not in colored


def _on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run vpclint with stdout on a pseudo-terminal; what it wrote there."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "vpclint.cli", *args], stdout=follower,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0, process.stderr.read()
    return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_explain_on_a_terminal_pages_long_text(tmp_path):
    capture = tmp_path / "paged.txt"
    pager = tmp_path / "pager.py"
    pager.write_text("import sys\nopen(sys.argv[1], 'wb').write(sys.stdin.buffer.read())\n")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "LESS")}
    env.update(PAGER=f"{sys.executable} {pager} {capture}", LINES="24", COLUMNS="80")
    shown = _on_a_terminal("explain", "VPC301", env=env)
    paged = capture.read_text(encoding="utf-8")
    assert "What it does" in paged and "aws-service-via-nat" not in shown
    assert "python -m vpclint.docs" not in paged and "```" not in paged
    assert "\x1b[" not in paged  # a pager other than less gets no escape codes
    assert all(len(line) <= 80 for line in paged.splitlines() if not line.startswith("  - http")
               and not line.startswith("      "))  # wrapped to the terminal


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_explain_on_a_terminal_is_coloured_unless_no_color():
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR",)}
    env.update(PAGER="", LINES="1000", COLUMNS="100")  # no pager: straight to the terminal
    coloured = _on_a_terminal("explain", "VPC101", env=env)
    assert "\x1b[1m" in coloured and "What it does" in coloured
    plain = _on_a_terminal("explain", "VPC101", env={**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain and "What it does" in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).replace("`", "") == plain.replace("`", "")
