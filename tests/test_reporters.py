"""Reporter tests on hand-built scan results: locations, structure and SARIF validity, not wording."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from msgspec.structs import replace

from vpclint.model.components import Vpc, VpcEndpoint
from vpclint.paths import display_path, relative_uri
from vpclint.reporters import FORMATS, render
from vpclint.reporters.sarif import FINGERPRINT_KEY, build_sarif
from vpclint.result import ScanResult
from vpclint.rule import Finding, Level, Related, RuleMeta, RuleModule
from vpclint.source import Note, Resource, Span

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

ENDPOINT_TF = """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.eu-west-1.s3"
}
"""

VPC101_DOC = """VPC101: a Gateway endpoint with no route tables.

## What it does

Flags a Gateway endpoint that no route table
points at.

## Why it matters

Traffic keeps going over the NAT gateway.
"""

VPC101 = RuleMeta("VPC101", "gateway-endpoint-without-route-tables", Level.ERROR, "Gateway endpoint without route tables")
VPC401 = RuleMeta("VPC401", "endpoint-open-policy", Level.WARNING, "Endpoint policy allows everything",
                  security_severity=7.5)
VPC001 = RuleMeta("VPC001", "parse-error", Level.ERROR, "File could not be parsed")


def _module(meta: RuleMeta, doc: str = "") -> RuleModule:
    return RuleModule(meta=meta, doc=doc or meta.summary, check=lambda model: [], module="x")


def _resource(file: Path, rtype: str, address: str, line: int, field_line: int | None = None) -> Resource:
    spans = {(): Span(str(file), line, 1, line + 2, 2)}
    if field_line is not None:
        spans[("vpc_id",)] = Span(str(file), field_line, 3, field_line, 29)
    return Resource("terraform", rtype, address, str(file.parent), str(file), values={}, spans=spans)


def _scan(tmp_path: Path, *, endpoint_line: int = 5, vpc_line: int = 1, with_files: bool = True) -> ScanResult:
    """Two rules fire in infra/network/main.tf; one finding is suppressed, one is file-level."""
    tf = tmp_path / "infra" / "network" / "main.tf"
    if with_files:
        tf.parent.mkdir(parents=True, exist_ok=True)
        tf.write_text(ENDPOINT_TF)
    vpc = Vpc(resource=_resource(tf, "aws_vpc", "aws_vpc.main", vpc_line))
    endpoint = VpcEndpoint(resource=_resource(tf, "aws_vpc_endpoint", 'aws_vpc_endpoint.s3["a"]', endpoint_line,
                                              endpoint_line + 1),
                           origin={"vpc": ("vpc_id",)})
    findings = [
        Finding(endpoint, "endpoint has no route tables", related=[Related(vpc, "the endpoint's VPC")],
                rule=VPC101, instances=["a", "b"]),
        Finding(endpoint, "policy allows everything", field="vpc", rule=VPC401, suppressed_by="shared bucket"),
        Finding(None, "unexpected token", span=Span(str(tmp_path / "broken.tf"), 3, 7), rule=VPC001),
    ]
    return ScanResult(
        findings=findings,
        rules={m.id: _module(m, VPC101_DOC if m is VPC101 else "") for m in (VPC101, VPC401, VPC001)},
        root=tmp_path,
        notes=[Note(str(tf), "vpclint:ignore VPC999 suppresses nothing", 2)],
        files_scanned=2,
        files_read=frozenset({os.path.realpath(tf)}),  # what the scan parsed may be quoted
    )


def _sarif(result: ScanResult, **kwargs) -> dict:
    return json.loads(render(result, "sarif", **kwargs))


# --- paths and fingerprints -----------------------------------------------------------------


def test_relative_uri_forward_slashes_and_outside_root(tmp_path):
    assert relative_uri(tmp_path / "a" / "b.tf", tmp_path) == "a/b.tf"
    assert relative_uri(str(tmp_path / "a" / ".." / "c.yaml"), tmp_path) == "c.yaml"
    outside = tmp_path.parent / "elsewhere.tf"
    assert relative_uri(outside, tmp_path) == outside.absolute().as_posix()
    assert relative_uri(tmp_path, tmp_path)  # never empty


def test_fingerprint_survives_line_moves(tmp_path):
    before = _scan(tmp_path, endpoint_line=5, vpc_line=1)
    after = _scan(tmp_path, endpoint_line=40, vpc_line=20)
    for old, new in zip(before.findings, after.findings):
        assert old.location.line != new.location.line or old.component is None
        assert old.fingerprint(tmp_path) == new.fingerprint(tmp_path)
    prints = [f.fingerprint(tmp_path) for f in before.findings]
    assert len(set(prints)) == len(prints)
    assert all(len(p) == 32 for p in prints)


def test_fingerprint_ignores_where_the_repository_is_checked_out(tmp_path):
    first = _scan(tmp_path / "one", with_files=False)
    second = _scan(tmp_path / "two", with_files=False)
    assert [f.fingerprint(tmp_path / "one") for f in first.findings] == \
        [f.fingerprint(tmp_path / "two") for f in second.findings]


# --- SARIF ------------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(tmp_path):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (the ../shared checkout is absent)")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text())
    log = _sarif(_scan(tmp_path))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")


def test_sarif_rules_unique_sorted_and_rule_index_correct(tmp_path):
    result = _scan(tmp_path)
    result.findings.append(Finding(result.findings[0].component, "again", field="vpc", rule=VPC101))
    log = _sarif(result)
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == sorted(set(ids)) == ["VPC001", "VPC101", "VPC401"]
    for res in run["results"]:
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_sarif_rule_metadata(tmp_path):
    rules = {r["id"]: r for r in _sarif(_scan(tmp_path))["runs"][0]["tool"]["driver"]["rules"]}
    vpc101, vpc401 = rules["VPC101"], rules["VPC401"]
    assert vpc101["name"] == VPC101.slug
    assert vpc101["fullDescription"]["text"].startswith("Flags a Gateway endpoint")
    assert "Why it matters" not in vpc101["fullDescription"]["text"]
    assert "Why it matters" in vpc101["help"]["markdown"] and vpc101["help"]["text"]
    assert vpc101["helpUri"] == VPC101.help_uri
    assert vpc101["defaultConfiguration"]["level"] == "error"
    assert vpc101["properties"]["problem.severity"] == "error"
    assert "security" not in vpc101["properties"]["tags"]
    assert "security-severity" not in vpc101["properties"]
    assert vpc401["properties"]["security-severity"] == "7.5"
    assert {"networking", "exposure", "security"} <= set(vpc401["properties"]["tags"])


def test_sarif_locations_relative_to_root_from_a_subdirectory(tmp_path):
    run = _sarif(_scan(tmp_path))["runs"][0]
    by_rule = {res["ruleId"]: res for res in run["results"]}
    location = by_rule["VPC101"]["locations"][0]
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "infra/network/main.tf", "uriBaseId": "%SRCROOT%"}
    assert location["physicalLocation"]["region"]["startLine"] == 5
    assert location["logicalLocations"][0]["name"] == 'aws_vpc_endpoint.s3["a"]'
    assert by_rule["VPC401"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6  # the field
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    for res in run["results"]:
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri and not uri.startswith(("/", "./"))
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_sarif_start_line_never_zero(tmp_path):
    result = _scan(tmp_path)
    result.findings.append(Finding(None, "empty file", span=Span(str(tmp_path / "x.tf"), 0, 0), rule=VPC001))
    for res in _sarif(result)["runs"][0]["results"]:
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_suppression_and_fingerprint(tmp_path):
    result = _scan(tmp_path)
    by_rule = {res["ruleId"]: res for res in _sarif(result)["runs"][0]["results"]}
    assert by_rule["VPC401"]["suppressions"] == [{"kind": "inSource", "justification": "shared bucket"}]
    assert "suppressions" not in by_rule["VPC101"]
    assert by_rule["VPC101"]["partialFingerprints"][FINGERPRINT_KEY] == result.findings[0].fingerprint(tmp_path)


def test_sarif_related_locations_are_linked_from_the_message(tmp_path):
    res = next(r for r in _sarif(_scan(tmp_path))["runs"][0]["results"] if r["ruleId"] == "VPC101")
    (related,) = res["relatedLocations"]
    assert related["id"] == 1
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "infra/network/main.tf"
    assert related["physicalLocation"]["region"]["startLine"] == 1
    assert "[aws_vpc.main](1)" in res["message"]["text"]


def test_sarif_caps_related_locations(tmp_path):
    result = _scan(tmp_path)
    vpc = result.findings[0].related[0].component
    result.findings[0].related = [Related(vpc, f"partner {n}") for n in range(15)]
    res = next(r for r in _sarif(result)["runs"][0]["results"] if r["ruleId"] == "VPC101")
    assert [loc["id"] for loc in res["relatedLocations"]] == list(range(1, 11))
    assert "(10)" in res["message"]["text"] and "(11)" not in res["message"]["text"]


def test_sarif_link_text_escapes_brackets(tmp_path):
    result = _scan(tmp_path)
    endpoint = result.findings[0].component
    result.findings[0].related = [Related(endpoint, "itself")]
    res = next(r for r in _sarif(result)["runs"][0]["results"] if r["ruleId"] == "VPC101")
    assert '[aws_vpc_endpoint.s3\\["a"\\]](1)' in res["message"]["text"]


def test_sarif_category_and_notifications(tmp_path):
    assert _sarif(_scan(tmp_path))["runs"][0]["automationDetails"]["id"] == "vpclint/"
    run = _sarif(_scan(tmp_path), category="infra/prod")["runs"][0]
    assert run["automationDetails"]["id"] == "infra/prod/"
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_sarif_file_outside_root_gets_an_absolute_uri(tmp_path):
    result = _scan(tmp_path / "repo", with_files=False)
    outside = tmp_path / "other" / "main.tf"
    result = replace(result, findings=[Finding(None, "unexpected token", span=Span(str(outside), 2),
                                               rule=VPC001)])
    (res,) = build_sarif(result)["runs"][0]["results"]
    artifact = res["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == outside.as_uri() and "uriBaseId" not in artifact


# --- text -------------------------------------------------------------------------------------


def test_text_lines_frame_partner_and_no_colour(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # text names files relative to the current directory
    result = _scan(tmp_path)
    out = render(result, "text")
    assert "\x1b[" not in out
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("infra/network/main.tf:5:1: VPC101 [error]"))
    frame = lines[head + 1:head + 5]
    assert [line.split("|")[0].split()[-1] for line in frame if line.split("|")[0].strip()] == ["4", "5", "6"]
    caret = frame[2]
    assert caret.split("|", 1)[1].lstrip(" ").startswith("^")
    assert any(line.startswith("  partner: ") and line.endswith("at infra/network/main.tf:1") for line in lines)
    assert "  instances: a, b" in lines
    assert any(line.startswith("broken.tf:3:7: VPC001 [error]") for line in lines)
    assert not any("VPC401" in line for line in lines)  # suppressed: only counted
    assert "infra/network/main.tf:2: note: vpclint:ignore VPC999 suppresses nothing" in lines
    assert "1 suppressed" in lines[-1] and "2 errors" in lines[-1]


def test_text_orders_by_file_then_line(tmp_path):
    out = render(_scan(tmp_path), "text")
    assert out.index("broken.tf:3:7") < out.index("infra/network/main.tf:5:1")


def test_text_caret_under_the_column(tmp_path):
    result = _scan(tmp_path)
    result.findings[0].field = "vpc"  # line 6, column 3: `vpc_id`
    lines = render(result, "text").splitlines()
    head = next(i for i, line in enumerate(lines) if "main.tf:6:3: VPC101" in line)
    source, caret = lines[head + 2], lines[head + 3]
    assert source[caret.index("^"):].startswith("vpc_id")
    assert caret.rstrip().endswith("~")  # the span runs to end_column


def test_text_colour_only_when_asked(tmp_path):
    assert "\x1b[" in render(_scan(tmp_path), "text", color=True)


def test_text_missing_file_omits_the_frame(tmp_path):
    lines = render(_scan(tmp_path, with_files=False), "text").splitlines()
    head = next(i for i, line in enumerate(lines) if "VPC101" in line)
    assert lines[head + 1].startswith("  partner: ")


def test_text_clean_scan_summary(tmp_path):
    out = render(ScanResult(findings=[], rules={}, root=tmp_path, files_scanned=3), "text")
    assert out.strip().splitlines()[-1].endswith("in 3 files")


# --- JSON -------------------------------------------------------------------------------------


def test_json_structure(tmp_path):
    result = _scan(tmp_path)
    doc = json.loads(render(result, "json"))
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "vpclint"
    assert doc["summary"]["total"] == 2 and doc["summary"]["suppressed"] == 1
    assert doc["summary"]["files_scanned"] == 2
    assert [(f["rule_id"], f["file"], f["line"]) for f in doc["findings"]] == [
        ("VPC001", "broken.tf", 3),
        ("VPC101", "infra/network/main.tf", 5),
        ("VPC401", "infra/network/main.tf", 6),
    ]
    vpc101 = doc["findings"][1]
    assert vpc101["address"] == 'aws_vpc_endpoint.s3["a"]' and vpc101["resource_type"] == "aws_vpc_endpoint"
    assert vpc101["fingerprint"] == result.findings[0].fingerprint(tmp_path)
    assert vpc101["related"][0]["address"] == "aws_vpc.main" and vpc101["related"][0]["line"] == 1
    assert vpc101["instances"] == ["a", "b"]
    assert doc["findings"][2]["suppressed"] is True and doc["findings"][2]["justification"]
    assert doc["findings"][0]["address"] is None and doc["findings"][0]["end_line"] is None
    assert doc["notes"] == [{"file": "infra/network/main.tf", "line": 2, "message": doc["notes"][0]["message"]}]


def test_json_is_deterministic(tmp_path):
    result = _scan(tmp_path)
    first = render(result, "json")
    result.findings.reverse()
    assert render(result, "json") == first


def test_every_format_renders_and_unknown_is_rejected(tmp_path):
    for fmt in FORMATS:
        assert render(_scan(tmp_path), fmt).endswith("\n")
    with pytest.raises(ValueError):
        render(_scan(tmp_path), "xml")


# --- text: paths relative to the current directory ---------------------------------------------


def test_text_paths_are_relative_to_the_current_directory(tmp_path, monkeypatch):
    """From beside the repository, text names ``../repo/...`` (a path that opens from here),
    while JSON and SARIF keep naming files relative to the repository root."""
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _scan(repo)
    monkeypatch.chdir(elsewhere)
    lines = render(result, "text").splitlines()
    assert any(line.startswith("../repo/infra/network/main.tf:5:1: VPC101") for line in lines)
    assert any(line.startswith("../repo/broken.tf:3:7: VPC001") for line in lines)
    assert any(line.endswith("at ../repo/infra/network/main.tf:1") for line in lines)
    assert "../repo/infra/network/main.tf:2: note: vpclint:ignore VPC999 suppresses nothing" in lines
    assert (elsewhere / "../repo/infra/network/main.tf").is_file()
    monkeypatch.chdir(repo / "infra")  # inside the repository, below its root
    assert any(line.startswith("network/main.tf:5:1: VPC101")
               for line in render(result, "text").splitlines())
    doc = json.loads(render(result, "json"))
    assert {f["file"] for f in doc["findings"]} == {"broken.tf", "infra/network/main.tf"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in _sarif(result)["runs"][0]["results"]}
    assert uris == {"broken.tf", "infra/network/main.tf"}


def test_display_path_relative_beside_and_absolute_across_roots(tmp_path):
    assert display_path(tmp_path / "a" / "b.tf", tmp_path) == "a/b.tf"
    assert display_path(tmp_path / "a" / "b.tf", tmp_path / "c") == "../a/b.tf"
    # sharing nothing but the filesystem root: an absolute path, not a chain of ../
    first = Path(tmp_path.anchor, "vpclint-nowhere-1", "main.tf")
    assert display_path(first, Path(tmp_path.anchor, "vpclint-nowhere-2")) == first.as_posix()
    assert display_path("", tmp_path) == "<unknown>"


# --- text: frames on long lines, and reading only what frames show ---------------------------


def _long_line_scan(tmp_path: Path, prefix: str, field_at: int | None = None) -> ScanResult:
    """A VPC101 finding on line 2 of a file whose line 2 is ``prefix`` + the resource."""
    tf = tmp_path / "main.tf"
    tf.write_text(f"# minified\n{prefix}resource \"aws_vpc_endpoint\" \"s3\" {{ vpc_id = x }}\n"
                  "# end\n")
    column = len(prefix) + 1
    spans = {(): Span(str(tf), 2, column, 2, column + 45)}
    resource = Resource("terraform", "aws_vpc_endpoint", "aws_vpc_endpoint.s3", str(tmp_path),
                        str(tf), values={}, spans=spans)
    finding = Finding(VpcEndpoint(resource=resource), "endpoint has no route tables", rule=VPC101)
    return ScanResult(findings=[finding], rules={"VPC101": _module(VPC101)}, root=tmp_path,
                      files_scanned=1, files_read=frozenset({os.path.realpath(tf)}))


def test_text_frame_of_a_huge_line_is_cut_around_the_column(tmp_path):
    from vpclint.reporters.text import ELLIPSIS, MAX_FRAME_WIDTH

    prefix = "x" * 2_000_000 + " "  # a 2 MB minified line before the resource
    out = render(_long_line_scan(tmp_path, prefix), "text", cwd=tmp_path)
    assert len(out) < 2_000
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("main.tf:2:2000002: VPC101"))
    source, caret = lines[head + 2], lines[head + 3]
    assert source.split("| ", 1)[1].startswith(ELLIPSIS)  # cut on the left ...
    assert not source.endswith(ELLIPSIS)  # ... and the line ends inside the window
    assert len(source.split("| ", 1)[1]) <= MAX_FRAME_WIDTH + 2
    at = caret.index("^")
    assert source[at:].startswith('resource "aws_vpc_endpoint"')  # the caret still points at it
    assert caret.rstrip().endswith("~")


def test_text_frame_cut_on_the_right_keeps_the_caret_at_the_column(tmp_path):
    from vpclint.reporters.text import ELLIPSIS, MAX_FRAME_WIDTH

    result = _long_line_scan(tmp_path, "")
    tf = tmp_path / "main.tf"
    tf.write_text(tf.read_text().replace("{ vpc_id = x }", "{ vpc_id = x }" + " y" * 1_000_000))
    lines = render(result, "text", cwd=tmp_path).splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("main.tf:2:1: VPC101"))
    source, caret = lines[head + 2], lines[head + 3]
    text = source.split("| ", 1)[1]
    assert text.startswith('resource "aws_vpc_endpoint"') and text.endswith(ELLIPSIS)
    assert len(text) == MAX_FRAME_WIDTH + 1
    assert source[caret.index("^"):].startswith("resource")


def test_text_reads_each_file_once_and_only_up_to_the_frames(tmp_path, monkeypatch):
    import vpclint.reporters.text as text_reporter

    result = _scan(tmp_path)
    result.findings.append(Finding(result.findings[0].component, "second finding in the file",
                                   field="vpc", rule=VPC401))
    tf = tmp_path / "infra" / "network" / "main.tf"
    tf.write_text(ENDPOINT_TF + "# filler\n" * 200_000)  # 1.8 MB after the last frame
    opened, read = [], []

    class Counting:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def readline(self, limit=-1):
            line = self.handle.readline(limit)
            read.append(len(line))
            return line

    original = text_reporter._open

    def counting_open(file):
        opened.append(str(file))
        return Counting(original(file))

    monkeypatch.setattr(text_reporter, "_open", counting_open)
    out = render(result, "text", cwd=tmp_path)
    assert out.count("infra/network/main.tf:") >= 2
    assert opened.count(str(tf)) == 1  # once per report, not once per finding
    assert sum(read) < 1_000  # up to line 7 (the last frame line), not the 1.8 MB after it


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and symlinks as on POSIX")
def test_text_frames_never_read_a_fifo_or_a_symlink_out_of_the_repository(tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("line one\nTOKEN=hunter2\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "stolen.tf").symlink_to(secret)
    os.mkfifo(repo / "pipe.tf")
    result = ScanResult(findings=[
        Finding(None, "cannot read stolen.tf", span=Span(str(repo / "stolen.tf"), 2), rule=VPC001),
        Finding(None, "cannot read pipe.tf", span=Span(str(repo / "pipe.tf"), 1), rule=VPC001),
    ], rules={"VPC001": _module(VPC001)}, root=repo, files_scanned=2)
    out = render(result, "text", cwd=repo)  # returns: the FIFO is not opened
    assert "hunter2" not in out and "line one" not in out
    assert "stolen.tf:2:1: VPC001" in out and "pipe.tf:1:1: VPC001" in out


# --- one level for the report and the exit code -----------------------------------------------


def test_report_and_exit_code_agree_on_the_level_of_every_finding(tmp_path):
    """Overridden, default and unstamped levels: the JSON report shows the level that decided
    the exit code, and an unstamped finding (a bug upstream) is an error in both."""
    from vpclint.exit_codes import EXIT_FINDINGS, EXIT_OK, exit_code

    span = Span(str(tmp_path / "main.tf"), 1, 1)
    cases = [(Finding(None, "overridden", span=span, rule=VPC401, level=Level.ERROR), "error"),
             (Finding(None, "default", span=span, rule=VPC401), "warning"),
             (Finding(None, "unstamped", span=span), "error")]
    for finding, level in cases:
        result = ScanResult(findings=[finding], rules={}, root=tmp_path, files_scanned=1)
        (shown,) = json.loads(render(result, "json"))["findings"]
        assert shown["level"] == level, finding.message
        assert exit_code([finding], "error") == (EXIT_FINDINGS if level == "error" else EXIT_OK)
