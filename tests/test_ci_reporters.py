"""The CI formats (github, gitlab, junit, markdown) on hand-built scan results: exact escaping,
structure and locations (rule, file, line), validity against what reads them, determinism.

The findings carry what a hostile or merely unusual template can put in a report: a file name
with a comma and a colon, messages with ``%``, line breaks, ``::``, Markdown and HTML syntax,
and a control character XML cannot hold.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import shutil

import pytest
import xmlschema
from markdown_it import MarkdownIt
from msgspec.structs import replace

from fixture_cases import FIXTURES
from mermaid_grammar import check as check_mermaid
from vpclint.config import Config
from vpclint.engine import scan
from vpclint.model.components import Vpc, VpcEndpoint
from vpclint.reporters import FORMATS, render
from vpclint.reporters.github import escape_data, escape_property
from vpclint.reporters.markdown import code, render_markdown, text
from vpclint.result import ScanResult
from vpclint.rule import Finding, Level, Related, RuleMeta, RuleModule
from vpclint.source import Resource, Span

SCHEMAS = Path(__file__).resolve().parent / "schemas"

VPC101 = RuleMeta("VPC101", "gateway-endpoint-without-route-tables", Level.ERROR,
                  "A Gateway VPC endpoint is attached to no route table")
VPC303 = RuleMeta("VPC303", "interface-endpoint-private-dns-off", Level.WARNING,
                  "Private DNS off | nothing points the name at it")
VPC407 = RuleMeta("VPC407", "endpoint-service-auto-accept", Level.NOTE, "Auto-accept")
VPC001 = RuleMeta("VPC001", "parse-error", Level.ERROR, "File could not be parsed")
VPC000 = RuleMeta("VPC000", "internal-error", Level.ERROR, "vpclint failed")
HOSTILE = "100% sure\r\n::add-mask::x | <img src=x> `tick` *b* _i_ $m$ [l](http://e) & a,b:c"


def _module(meta: RuleMeta) -> RuleModule:
    return RuleModule(meta=meta, doc=meta.summary, check=lambda model: [], module="x")


def _resource(file: Path, rtype: str, address: str, span: Span) -> Resource:
    return Resource("terraform", rtype, address, str(file.parent), str(file), values={},
                    spans={(): span})


def _result(root: Path) -> ScanResult:
    """VPC101 in main.tf (with a partner), a hostile VPC303 warning in ``odd,name:x.tf``, a note,
    a suppressed finding, a parse error and an internal error."""
    main, odd = root / "infra" / "main.tf", root / "infra" / "odd,name:x.tf"
    vpc = Vpc(resource=_resource(main, "aws_vpc", "aws_vpc.main", Span(str(main), 1, 1, 3, 2)))
    endpoint = VpcEndpoint(resource=_resource(main, "aws_vpc_endpoint", "aws_vpc_endpoint.s3",
                                              Span(str(main), 5, 1, 5, 1)))
    other = VpcEndpoint(resource=_resource(odd, "aws_vpc_endpoint", "aws_vpc_endpoint.sqs",
                                           Span(str(odd), 7, 3, 7, 30)))
    multi = VpcEndpoint(resource=_resource(odd, "aws_vpc_endpoint", "aws_vpc_endpoint.ssm",
                                           Span(str(odd), 12, 5, 20, 2)))
    findings = [
        Finding(endpoint, "endpoint has no route tables", rule=VPC101,
                related=[Related(vpc, "the endpoint's VPC")], instances=["a", "b"]),
        Finding(other, HOSTILE, rule=VPC303),
        Finding(multi, "accepts every connection", rule=VPC407),
        Finding(multi, "suppressed one", rule=VPC303, suppressed_by="on purpose"),
        Finding(None, "unexpected token \x01", span=Span(str(root / "broken.tf"), 3, 7),
                rule=VPC001),
        Finding(None, "KeyError('x')", span=Span(str(root / "boom.tf"), 1, 1), rule=VPC000),
    ]
    metas = (VPC101, VPC303, VPC407, VPC001, VPC000)
    return ScanResult(findings=findings, rules={m.id: _module(m) for m in metas}, root=root,
                      files_scanned=4, rules_run=frozenset({"VPC001", "VPC101", "VPC102",
                                                            "VPC303", "VPC407"}))


# --- github ------------------------------------------------------------------------------------


def test_github_escaping_is_the_toolkits():
    assert escape_data("100% a\r\nb::c,d") == "100%25 a%0D%0Ab::c,d"
    assert escape_property("a,b:c%\r\n") == "a%2Cb%3Ac%25%0D%0A"


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command read back as the runner reads it (ActionCommand.TryParseV2)."""
    assert line.startswith("::")
    end = line.index("::", 2)
    command, _, properties = line[2:end].partition(" ")

    def unescape(value: str, extra: bool) -> str:
        pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if extra else [])
        for escaped, raw in pairs + [("%25", "%")]:
            value = value.replace(escaped, raw)
        return value

    props = dict(item.split("=", 1) for item in properties.split(",") if item)
    return command, {k: unescape(v, True) for k, v in props.items()}, unescape(line[end + 2:], False)


def test_github_annotations_point_at_rule_file_and_line(tmp_path):
    lines = render(_result(tmp_path), "github").splitlines()
    assert lines[0] == ("::error file=boom.tf,line=1,endLine=1,col=1,title=VPC000::KeyError('x')")
    parsed = [_parse_command(line) for line in lines]
    assert [(c, p["title"], p["file"], int(p["line"])) for c, p, _ in parsed] == [
        ("error", "VPC000", "boom.tf", 1),
        ("error", "VPC001", "broken.tf", 3),
        ("error", "VPC101", "infra/main.tf", 5),
        ("warning", "VPC303", "infra/odd,name:x.tf", 7),
        ("notice", "VPC407", "infra/odd,name:x.tf", 12),
    ]  # the suppressed finding is not annotated


def test_github_annotation_of_a_hostile_message_stays_one_command(tmp_path):
    out = render(_result(tmp_path), "github")
    (line,) = [line for line in out.splitlines() if "title=VPC303" in line]
    assert line == ("::warning file=infra/odd%2Cname%3Ax.tf,line=7,endLine=7,col=3,endColumn=30,"
                    "title=VPC303::100%25 sure%0D%0A::add-mask::x | <img src=x> `tick` *b* _i_ "
                    "$m$ [l](http://e) & a,b:c")
    assert _parse_command(line)[2] == HOSTILE
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in out.splitlines())


def test_github_details_follow_the_message_and_multiline_spans_keep_their_first_line(tmp_path):
    commands = {p["title"]: (p, data) for _, p, data in
                map(_parse_command, render(_result(tmp_path), "github").splitlines())}
    props, message = commands["VPC101"]
    assert message == ("endpoint has no route tables\npartner: the endpoint's VPC at "
                       "infra/main.tf:1\ninstances: a, b")
    assert "endColumn" not in props  # the span ends where it starts
    props, _ = commands["VPC407"]  # spans lines 12 to 20
    assert (props["line"], props["endLine"], props["col"]) == ("12", "12", "5")
    assert "endColumn" not in props


# --- gitlab ------------------------------------------------------------------------------------


def test_gitlab_code_quality_fields(tmp_path):
    result = _result(tmp_path)
    issues = json.loads(render(result, "gitlab"))
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in issues] == [("VPC000", "boom.tf", 1), ("VPC001", "broken.tf", 3),
                                 ("VPC101", "infra/main.tf", 5),
                                 ("VPC303", "infra/odd,name:x.tf", 7),
                                 ("VPC407", "infra/odd,name:x.tf", 12)]
    for issue in issues:  # the fields GitLab requires, with the types it reads
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 32
        assert issue["type"] == "issue"
    assert [i["severity"] for i in issues] == ["major", "major", "major", "minor", "info"]
    vpc101 = issues[2]
    assert vpc101["fingerprint"] == result.findings[0].fingerprint(tmp_path)
    assert vpc101["description"] == ("VPC101: endpoint has no route tables; partner: the "
                                     "endpoint's VPC at infra/main.tf:1; instances: a, b")
    assert issues[4]["location"]["lines"] == {"begin": 12, "end": 20}
    assert issues[3]["description"] == f"VPC303: {HOSTILE}"  # JSON needs no other escaping


def test_gitlab_fingerprints_are_unique_and_survive_line_moves(tmp_path):
    result = _result(tmp_path)
    twin = Finding(result.findings[0].component, "same resource, same rule, other message",
                   rule=VPC101)
    result.findings.append(twin)
    prints = [i["fingerprint"] for i in json.loads(render(result, "gitlab"))]
    assert len(set(prints)) == len(prints)  # GitLab shows issues sharing one as one
    moved = _result(tmp_path)
    moved.findings[0].component.resource.spans[()] = Span(str(tmp_path / "infra" / "main.tf"), 40)
    before = {i["check_name"]: i["fingerprint"] for i in json.loads(render(_result(tmp_path),
                                                                           "gitlab"))}
    after = {i["check_name"]: i["fingerprint"] for i in json.loads(render(moved, "gitlab"))}
    assert before == after


def test_gitlab_clean_scan_is_an_empty_array(tmp_path):
    out = render(ScanResult(findings=[], rules={}, root=tmp_path), "gitlab")
    assert out == "[]\n"


# --- junit -------------------------------------------------------------------------------------


def test_junit_is_valid_against_the_junit_schema(tmp_path):
    out = render(_result(tmp_path), "junit")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="vpclint"')
    xmlschema.XMLSchema(SCHEMAS / "junit-10.xsd").validate(out)


def test_junit_one_case_per_rule_and_file(tmp_path):
    document = ET.fromstring(render(_result(tmp_path), "junit"))
    cases = {}
    for suite in document.iter("testsuite"):
        for case in suite.iter("testcase"):
            outcome = next((child.tag for child in case), "passed")
            cases[(case.get("classname"), case.get("name"))] = (suite.get("name"), outcome, case)
    assert {key: value[:2] for key, value in cases.items()} == {
        ("vpclint.VPC000", "boom.tf"): ("VPC000 internal-error", "error"),
        ("vpclint.VPC001", "broken.tf"): ("VPC001 parse-error", "failure"),
        ("vpclint.VPC101", "infra/main.tf"): ("VPC101 gateway-endpoint-without-route-tables",
                                              "failure"),
        ("vpclint.VPC102", "all files"): ("VPC102", "passed"),  # ran, found nothing
        ("vpclint.VPC303", "infra/odd,name:x.tf"): ("VPC303 interface-endpoint-private-dns-off",
                                                    "failure"),
        ("vpclint.VPC407", "infra/odd,name:x.tf"): ("VPC407 endpoint-service-auto-accept",
                                                    "failure"),
    }
    failure = cases[("vpclint.VPC101", "infra/main.tf")][2].find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == "endpoint has no route tables"
    assert failure.text == ("infra/main.tf:5:1: VPC101 [error] endpoint has no route tables\n"
                            "  partner: the endpoint's VPC at infra/main.tf:1\n"
                            "  instances: a, b\n")
    assert (document.get("tests"), document.get("failures"), document.get("errors")) == \
        ("6", "4", "1")


def test_junit_lists_every_finding_of_a_case_and_skips_suppressed_ones(tmp_path):
    result = _result(tmp_path)
    result.findings.pop(1)  # the hostile VPC303: what is left of it in odd,name:x.tf is suppressed
    endpoint = result.findings[0].component
    result.findings.append(Finding(endpoint, "second one", field="x", rule=VPC101))
    document = ET.fromstring(render(result, "junit"))
    by_name = {(c.get("classname"), c.get("name")): c for c in document.iter("testcase")}
    failure = by_name[("vpclint.VPC101", "infra/main.tf")].find("failure")
    assert failure.get("message").startswith("2 findings, first at line 5: ")
    assert failure.text.count("VPC101 [error]") == 2
    skipped = by_name[("vpclint.VPC303", "infra/odd,name:x.tf")].find("skipped")
    assert skipped.get("message") == "1 finding suppressed: on purpose"


def test_junit_replaces_what_xml_cannot_hold(tmp_path):
    out = render(_result(tmp_path), "junit")
    assert "\x01" not in out
    failure = next(c for c in ET.fromstring(out).iter("testcase")
                   if c.get("classname") == "vpclint.VPC001").find("failure")
    assert failure.get("message") == "unexpected token \ufffd"


def test_junit_clean_scan_is_a_run_of_passing_tests(tmp_path):
    result = ScanResult(findings=[], rules={"VPC101": _module(VPC101)}, root=tmp_path,
                        rules_run=frozenset({"VPC101", "VPC102"}))
    document = ET.fromstring(render(result, "junit"))
    assert [(c.get("classname"), c.get("name"), len(c)) for c in document.iter("testcase")] == \
        [("vpclint.VPC101", "all files", 0), ("vpclint.VPC102", "all files", 0)]
    assert (document.get("tests"), document.get("failures")) == ("2", "0")


# --- markdown ----------------------------------------------------------------------------------


def test_markdown_text_and_code_escaping():
    assert text("a|b <i> `c` *d* _e_ $f$ [g](h) & \\ ~i~") == \
        "a|b \\<i\\> \\`c\\` \\*d\\* \\_e\\_ \\$f\\$ \\[g\\](h) \\& \\\\ \\~i\\~"
    assert text("one\r\ntwo\nthree") == "one<br>two<br>three"
    assert code("a/b.tf:3") == "`a/b.tf:3`"
    assert code("we`ird``.tf") == "```we`ird``.tf```"
    assert code("`x") == "`` `x ``"


def test_markdown_counts_and_findings(tmp_path):
    out = render(_result(tmp_path), "markdown")
    lines = out.splitlines()
    assert lines[0] == "### vpclint: 5 findings (3 errors, 1 warning, 1 note) in 4 files; 1 suppressed"
    assert ("| [VPC101](https://github.com/vpclint/vpclint/blob/main/docs/rules/VPC101.md) "
            "`gateway-endpoint-without-route-tables` | error | 1 | A Gateway VPC endpoint is "
            "attached to no route table |") in lines
    assert ("| [VPC303](https://github.com/vpclint/vpclint/blob/main/docs/rules/VPC303.md) "
            "`interface-endpoint-private-dns-off` | warning | 1 | Private DNS off \\| nothing "
            "points the name at it |") in lines
    assert ("| error | VPC101 | `infra/main.tf:5` | endpoint has no route tables<br>partner: the "
            "endpoint's VPC at infra/main.tf:1<br>instances: a, b |") in lines
    assert ("| warning | VPC303 | `infra/odd,name:x.tf:7` | 100% sure<br>::add-mask::x \\| "
            "\\<img src=x\\> \\`tick\\` \\*b\\* \\_i\\_ \\$m\\$ \\[l\\](http://e) \\& a,b:c |") in lines
    assert out.endswith("|\n")


class _Tables(HTMLParser):
    """Each table of rendered HTML as rows of cell texts (tags stripped)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.in_cell = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.tables[-1][-1].append("")
            self.in_cell = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.in_cell = False

    def handle_data(self, data):
        if self.in_cell:
            self.tables[-1][-1][-1] += data


def test_markdown_renders_as_intended_tables_with_the_hostile_text_literal(tmp_path):
    gfm = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    html = gfm.render(render(_result(tmp_path), "markdown"))
    counts, findings = _Tables(html).tables
    assert all(len(row) == 4 for row in counts + findings)  # no cell split or row broken
    assert [row[:2] for row in findings[1:]] == [["error", "VPC000"], ["error", "VPC001"],
                                                 ["error", "VPC101"], ["warning", "VPC303"],
                                                 ["note", "VPC407"]]
    assert findings[4][3] == HOSTILE.replace("\r\n", "")  # the line break is a <br>, all else text
    assert "<img" not in html and "<code>tick" not in html and "<em>" not in html
    assert "<a href=\"http://e\"" not in html
    assert findings[4][2] == "infra/odd,name:x.tf:7"


def test_markdown_stays_under_its_size_and_says_what_it_leaves_out(tmp_path):
    result = _result(tmp_path)
    endpoint = result.findings[0].component
    result = replace(result, findings=[*result.findings, *(
        Finding(endpoint, f"finding number {n} " + "x" * 200, field=f"f{n}", rule=VPC101)
        for n in range(400))])
    out = render_markdown(result, max_chars=20_000)
    assert len(out) <= 20_000
    listed = sum(1 for line in out.splitlines() if line.startswith("| error | VPC101 |"))
    left = len(result.active) - sum(1 for line in out.splitlines()
                                    if line.startswith(("| error |", "| warning |", "| note |")))
    assert 0 < listed < 401
    assert f"_{left} more findings not listed here: the SARIF or JSON report has them all._" in out
    assert "| error | 401 |" in out  # the counts stay complete


def _scenario_result(tmp_path: Path, name: str) -> ScanResult:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURES / "scenarios" / name / "terraform", repo / "infra")
    return scan([str(repo / "infra")], Config(), root=repo)


def test_markdown_ends_with_the_mermaid_graph_of_the_flows_with_problems(tmp_path):
    result = _scenario_result(tmp_path, "lambda-sqs-secrets-nat")
    out = render(result, "markdown")
    assert "| warning | VPC303 | `infra/network.tf:126` |" in out
    findings, graph = out.split("\n#### Flows with problems\n\n")
    assert "#### Findings" in findings  # the findings first, the picture last
    assert graph.startswith("```mermaid\n") and graph.endswith("\n```\n")
    check_mermaid(graph[len("```mermaid\n"):-len("\n```\n")])
    assert "sqs: detour via NAT and internet gateway" in graph and "VPC303 [warning]" in graph
    small = render_markdown(result, max_chars=2_000)  # the graph would take more than half
    assert "```mermaid" not in small and "run `vpclint graph --problems` locally" in small
    assert len(small) <= 2_000


def test_markdown_draws_no_graph_when_no_finding_is_about_a_flow(tmp_path):
    result = _scenario_result(tmp_path, "private-s3-broken-partial-route-tables")
    assert result.active and "Flows with problems" in render(result, "markdown")
    result = replace(result, findings=[f for f in result.findings if f.flow is None])
    out = render(result, "markdown")
    assert "Flows with problems" not in out and "mermaid" not in out


def test_markdown_clean_scan(tmp_path):
    out = render(ScanResult(findings=[], rules={}, root=tmp_path, files_scanned=3), "markdown")
    assert out == "### vpclint: No findings in 3 files\n"


# --- all formats -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_ends_with_a_newline(tmp_path, fmt):
    first = render(_result(tmp_path), fmt)
    assert first == render(_result(tmp_path), fmt)
    assert first.endswith("\n")
