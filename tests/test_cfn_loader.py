"""The CloudFormation loader: short tags, spans, JSON parity, duplicates, errors, pre-check."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpclint.loaders.cfn import CfnDocument, load_cfn, looks_like_template
from vpclint.source import ParseError, Span

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def load(text: str, file: str = "t.yaml") -> CfnDocument:
    doc = load_cfn(file, textwrap.dedent(text).lstrip("\n"))
    assert isinstance(doc, CfnDocument), doc
    return doc


def error(text: str, file: str = "t.yaml") -> ParseError:
    result = load_cfn(file, text)
    assert isinstance(result, ParseError), result
    return result


def props(doc: CfnDocument, logical_id: str = "R") -> dict:
    return doc.data["Resources"][logical_id]["Properties"]


# --- short tags --------------------------------------------------------------------------------

SHORT_TAGS = """
Resources:
  R:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      Ref: !Ref Vpc
      Cond: !Condition IsProd
      AttDot: !GetAtt Lb.LoadBalancerArn
      AttDots: !GetAtt Stack.Outputs.VpcId
      AttSeq: !GetAtt [Lb, DNSName]
      AttRef: !GetAtt [Lb, !Ref AttrName]
      Sub: !Sub "arn:${AWS::Partition}:s3:::${Bucket}"
      SubSeq: !Sub ["${A}-x", {A: !Ref B}]
      Join: !Join [",", [a, b]]
      Select: !Select [0, !GetAZs ""]
      Split: !Split [",", "a,b"]
      If: !If [IsProd, !Ref AWS::NoValue, x]
      Equals: !Equals [!Ref Env, prod]
      And: !And [!Condition A, !Not [!Condition B]]
      Or: !Or [!Condition A, !Condition B]
      Map: !FindInMap [M, !Ref AWS::Region, Ami]
      Import: !ImportValue shared-vpc
      B64: !Base64 "hello"
      Cidr: !Cidr [!GetAtt Vpc.CidrBlock, 6, 8]
      AZs: !GetAZs
      Transform: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
      Length: !Length [1, 2]
      ToJson: !ToJsonString {a: 1}
      Custom: !Whatever value
"""


def test_every_short_tag_becomes_its_long_form():
    p = props(load(SHORT_TAGS))
    assert p["Ref"] == {"Ref": "Vpc"}
    assert p["Cond"] == {"Condition": "IsProd"}
    assert p["AttDot"] == {"Fn::GetAtt": ["Lb", "LoadBalancerArn"]}
    assert p["AttDots"] == {"Fn::GetAtt": ["Stack", "Outputs.VpcId"]}  # first dot only
    assert p["AttSeq"] == {"Fn::GetAtt": ["Lb", "DNSName"]}
    assert p["AttRef"] == {"Fn::GetAtt": ["Lb", {"Ref": "AttrName"}]}
    assert p["Sub"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"}
    assert p["SubSeq"] == {"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]}
    assert p["Join"] == {"Fn::Join": [",", ["a", "b"]]}
    assert p["Select"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert p["Split"] == {"Fn::Split": [",", "a,b"]}
    assert p["If"] == {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "x"]}
    assert p["Equals"] == {"Fn::Equals": [{"Ref": "Env"}, "prod"]}
    assert p["And"] == {"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}
    assert p["Or"] == {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}
    assert p["Map"] == {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Ami"]}
    assert p["Import"] == {"Fn::ImportValue": "shared-vpc"}
    assert p["B64"] == {"Fn::Base64": "hello"}
    assert p["Cidr"] == {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 6, 8]}
    assert p["AZs"] == {"Fn::GetAZs": ""}
    assert p["Transform"] == {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}
    assert p["Length"] == {"Fn::Length": [1, 2]}
    assert p["ToJson"] == {"Fn::ToJsonString": {"a": 1}}
    assert p["Custom"] == {"Fn::Whatever": "value"}


def test_getatt_on_a_mapping_is_a_parse_error():
    err = error("Resources:\n  R:\n    Properties:\n      A: !GetAtt {x: 1}\n")
    assert (err.line, err.column) == (4, 10)
    assert "GetAtt" in err.message


# --- scalars -----------------------------------------------------------------------------------

def test_dates_stay_strings_and_yaml_11_booleans_follow_cloudformation():
    doc = load("""
        AWSTemplateFormatVersion: 2010-09-09
        Resources:
          R:
            Type: AWS::IAM::Policy
            Properties:
              Doc: {Version: 2012-10-17, Stamp: 2001-12-14t21:59:43.10-05:00}
              Explicit: !!timestamp 2020-01-01
              Flags: [yes, No, on, OFF, true, "yes", y]
              Numbers: [80, "80", 1.5, 0x10, ~]
              Cidr: 10.0.0.0/16
        """)
    assert doc.data["AWSTemplateFormatVersion"] == "2010-09-09"
    p = props(doc)
    assert p["Doc"] == {"Version": "2012-10-17", "Stamp": "2001-12-14t21:59:43.10-05:00"}
    assert p["Explicit"] == "2020-01-01"
    # CloudFormation (and cfn-lint) read YAML 1.1: unquoted yes/no/on/off are booleans
    assert p["Flags"] == [True, False, True, False, True, "yes", "y"]
    assert p["Numbers"] == [80, "80", 1.5, 16, None]
    assert p["Cidr"] == "10.0.0.0/16"


def test_mapping_keys_are_the_strings_written():
    doc = load("""
        Mappings:
          Accounts:
            123456789012: {on: 1, 2010-09-09: x}
        Resources: {}
        """)
    assert doc.data["Mappings"] == {"Accounts": {"123456789012": {"on": 1, "2010-09-09": "x"}}}


# --- spans -------------------------------------------------------------------------------------

SPANS = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Ep:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      SubnetIds:
        - !Ref SubnetA
        - subnet-123
      RouteTableIds: [rtb-1, rtb-2]
      PolicyDocument: |
        {"Statement": []}

  Next:
    Type: AWS::EC2::VPC
"""


def test_spans_of_keys_items_and_functions():
    doc = load(SPANS)
    s = doc.spans
    ep = ("Resources", "Ep")
    assert s[()] == Span("t.yaml", 1, 1, 15, 24)
    assert s[("AWSTemplateFormatVersion",)] == Span("t.yaml", 1, 1, 1, 39)
    assert s[ep] == Span("t.yaml", 3, 3, 12, 26)  # ends with its last value, not at "Next"
    assert s[ep + ("Type",)] == Span("t.yaml", 4, 5, 4, 32)
    assert s[ep + ("Properties", "VpcId")] == Span("t.yaml", 6, 7, 6, 22)
    assert s[ep + ("Properties", "VpcId", "Ref")] == Span("t.yaml", 6, 14, 6, 22)
    assert s[ep + ("Properties", "SubnetIds")] == Span("t.yaml", 7, 7, 9, 21)
    assert s[ep + ("Properties", "SubnetIds", 0)] == Span("t.yaml", 8, 11, 8, 23)
    assert s[ep + ("Properties", "SubnetIds", 0, "Ref")] == Span("t.yaml", 8, 11, 8, 23)
    assert s[ep + ("Properties", "SubnetIds", 1)] == Span("t.yaml", 9, 11, 9, 21)
    assert s[ep + ("Properties", "RouteTableIds")] == Span("t.yaml", 10, 7, 10, 36)
    assert s[ep + ("Properties", "RouteTableIds", 1)] == Span("t.yaml", 10, 30, 10, 35)
    assert s[ep + ("Properties", "PolicyDocument")] == Span("t.yaml", 11, 7, 12, 26)
    assert s[("Resources", "Next")] == Span("t.yaml", 14, 3, 15, 24)


def test_json_twin_gives_the_same_data_and_spans_at_its_own_lines():
    yaml_doc = load(SPANS)
    twin = json.dumps(yaml_doc.data, indent=2)
    json_doc = load(twin, "t.json")
    assert json_doc.data == yaml_doc.data
    lines = twin.splitlines()
    for path in [("Resources",), ("Resources", "Ep", "Properties", "SubnetIds", 1)]:
        span = json_doc.spans[path]
        key = path[-1]
        expected = f'"{key}"' if isinstance(key, str) else '"subnet-123"'
        assert lines[span.line - 1][span.column - 1:].startswith(expected)


def test_json_tabs_slash_escapes_and_numbers():
    doc = load('{\n\t"Resources": {\n\t\t"R": {"Type": "AWS::X", "P": "a\\/b", '
               '"N": [1e5, -1.5E-1, 7, true, null]}\n\t}\n}', "t.json")
    r = doc.data["Resources"]["R"]
    assert r["P"] == "a/b"
    assert r["N"] == [100000.0, -0.15, 7, True, None]
    assert doc.spans[("Resources", "R")] == Span("t.json", 3, 3, 3, 75)


def test_json_that_libyaml_refuses_still_loads_with_positions():
    text = '{"Resources": {"R": {"D": "\\ud83d\\ude00 x\x7f", "E": 3}},\n "Outputs": {}}'
    doc = load(text, "t.json")
    assert doc.data == {"Resources": {"R": {"D": "\U0001F600 x\x7f", "E": 3}}, "Outputs": {}}
    assert doc.spans[("Resources", "R", "E")] == Span("t.json", 1, 46, 1, 52)
    assert doc.spans[("Outputs",)] == Span("t.json", 2, 2, 2, 15)


# --- duplicates --------------------------------------------------------------------------------

def test_duplicate_keys_keep_the_last_value_and_are_reported():
    doc = load("""
        Resources:
          Tg:
            Type: AWS::VpcLattice::TargetGroup
            Properties:
              Tags:
                - {Key: version, Value: v1}
              Name: tg
              Tags:
                - {Key: version, Value: v2}
        """)
    assert props(doc, "Tg")["Tags"] == [{"Key": "version", "Value": "v2"}]
    assert doc.duplicates == [
        ParseError("t.yaml", "duplicate key 'Tags' (first defined at line 5)", 8, 7,
                   recovered=True)]
    assert doc.spans[("Resources", "Tg", "Properties", "Tags")].line == 8


def test_duplicate_keys_in_json():
    doc = load('{"Resources": {},\n "Resources": {"A": {"Type": "AWS::X"}}}', "t.json")
    assert doc.data == {"Resources": {"A": {"Type": "AWS::X"}}}
    assert [(d.line, d.column) for d in doc.duplicates] == [(2, 2)]
    assert "first defined at line 1" in doc.duplicates[0].message


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, column, words", [
    ("Resources:\n  A: [1, 2\n  B: 3\n", 3, 4, "expected ','"),
    ("Resources:\n  A: b\n   c: d\n", 3, 5, "mapping values"),
    ("Resources:\n\tA: 1\n", 2, 1, "tab"),
    ("Resources: {}\nX: \"a\x01\"\n", 2, 6, "#x0001"),
    ("Resources: !!binary aGVsbG8=\n", 1, 12, "unsupported YAML tag"),
    ("Resources: !!int abc\n", 1, 12, "int"),
    ("- a\n- b\n", 1, 1, "mapping"),
    ("just text\n", 1, 1, "mapping"),
    ("", 1, 1, "empty"),
    ("# a comment only\n", 1, 1, "empty"),
    ("A: 1\n---\nB: 2\n", 2, 1, "document"),
    ("? [a]\n: b\n", 1, 3, "key"),
    ("Base: &b {Type: AWS::X}\nResources:\n  R: *b\n", 3, 3, "aliases"),
    ("A: &a [*a]\n", 1, 4, "aliases"),
])
def test_parse_errors_carry_the_line(text, line, column, words):
    err = error(text)
    assert (err.line, err.column) == (line, column), err
    assert words.lower() in err.message.lower()


def test_invalid_json_reports_json_position():
    err = error('{\n  "Resources": {\n    "A" {}\n  }\n}', "t.json")
    assert (err.line, err.column) == (3, 9)
    assert "':'" in err.message


def test_bytes_that_are_not_utf8():
    err = error(b"Resources:\n  A: caf\xe9\n")
    assert (err.line, err.column) == (2, 9)
    doc = load_cfn("t.yaml", "\ufeffResources: {}\n".encode())
    assert isinstance(doc, CfnDocument) and doc.data == {"Resources": {}}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("utf-8", errors="replace")),
                 st.binary()))
def test_any_input_gives_a_document_or_a_parse_error(text):
    result = load_cfn("fuzz.yaml", text)
    assert isinstance(result, (CfnDocument, ParseError))
    if isinstance(result, ParseError):
        assert result.line >= 1 and result.column >= 1
        assert not result.message.startswith("cannot read template"), result


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    ["Resources:", "  A:", "    Type: AWS::X", "    P: !Ref B", "  - x", '{"a": [1,', "]}",
     "  B: !GetAtt [a, b]", "    C: |", "      text", "&a x", "*a", "? k", ": v", "!!str", "\t",
     "'q", '"\\ud83d"', "--- ", "...", "%YAML 1.1", "#c"]), max_size=12).map("\n".join))
def test_template_like_noise_never_raises(text):
    for name in ("fuzz.yaml", "fuzz.json"):
        result = load_cfn(name, text)
        assert isinstance(result, (CfnDocument, ParseError))
        if isinstance(result, ParseError):
            assert not result.message.startswith("cannot read template"), result


# --- looks_like_template -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "AWSTemplateFormatVersion: '2010-09-09'\n",
    "Resources:\n  V:\n    Type: AWS::EC2::VPC\n",
    "Transform: AWS::Serverless-2016-10-31\nResources:\n"
    "  F:\n    Type: AWS::Serverless::Function\n",
    '{"Resources": {"V": {"Type": "AWS::EC2::VPC"}}}',
    '{\n  "AWSTemplateFormatVersion": "2010-09-09"\n}',
])
def test_looks_like_template_true(text):
    assert looks_like_template(text)


@pytest.mark.parametrize("text", [
    '{"name": "app", "version": "1.0.0", "scripts": {"test": "jest"}}',  # package.json
    "name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n",  # GitHub workflow
    '[{"ParameterKey": "VpcCidr", "ParameterValue": "10.0.0.0/16"}]',  # CFN parameters file
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n",
    # serverless.yml: its Resources is nested under resources
    "service: api\nresources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n",
])
def test_looks_like_template_false(text):
    assert not looks_like_template(text)


# --- the real-world corpus ---------------------------------------------------------------------

@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_templates_load():
    failures, duplicates = [], []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json", ".template") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if not looks_like_template(text):
            continue
        result = load_cfn(str(path.relative_to(CORPUS)), text)
        if isinstance(result, ParseError):
            failures.append(result.file)
        elif result.duplicates:
            duplicates.append(result.file)
    assert failures == ["aws-cloudformation__cfn-lint/test/fixtures/templates/bad/json_parse.json"]
    assert duplicates == ["aws-samples__vpc-lattice-strangler-cfn-templates/cfn-lattice-basic.yaml"]
