"""CloudFormation evaluation: parameters, pseudo parameters, conditions, intrinsic functions,
exports and imports across templates, nested stacks, and the CLI options that feed them.

Each test writes its templates under ``tmp_path`` and evaluates them as a scan does; a value
that CloudFormation could not know before deployment must come out UNKNOWN, never guessed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpclint.analyze.routing import Routing
from vpclint.cloud_assembly import Environment
from vpclint.config import Config
from vpclint.errors import ConfigError
from vpclint.evaluate.cfn_intrinsics import MaybeAbsent
from vpclint.evaluate.cfn_parameters import read_parameter_file
from vpclint.evaluate.cloudformation import Evaluation, evaluate_templates
from vpclint.loaders.cfn import CfnDocument, load_cfn
from vpclint.model.build import build_model
from vpclint.model.components import External, Route, Vpc, VpcEndpoint
from vpclint.values import (DEPLOYMENT_PARTITION, DEPLOYMENT_REGION, HOLE, Choice, ListElement,
                            PartialString, Ref, Unknown, decide)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def doc(*parts: str) -> str:
    """Template text from sections written at any indentation."""
    return "".join(textwrap.dedent(part).lstrip("\n") for part in parts)


def load(path: Path) -> CfnDocument:
    doc = load_cfn(str(path.resolve()), path.read_text(encoding="utf-8"))
    assert isinstance(doc, CfnDocument), doc
    return doc


def evaluate(tmp_path: Path, templates: dict[str, str], **settings) -> Evaluation:
    paths = [write(tmp_path / name, text) for name, text in templates.items()]
    return evaluate_templates([load(p) for p in paths], Config(**settings))


def values(tmp_path: Path, template: str, **settings) -> dict[str, dict]:
    """Logical ID -> evaluated properties of a single template."""
    evaluation = evaluate(tmp_path, {"t.yaml": template}, **settings)
    return {r.address: r.values for r in evaluation.resources}


def prop(tmp_path: Path, expression: str, header: str = "", **settings):
    """The value of one property written as ``expression`` (YAML), after ``header`` sections."""
    template = doc(header) + "Resources:\n  R:\n    Type: AWS::X::Y\n" \
        "    Properties:\n      P: " + expression + "\n  Res:\n    Type: AWS::EC2::VPC\n"
    return values(tmp_path, template, **settings)["R"].get("P", "<removed>")


def unknown(value, reason: str = "") -> bool:
    return isinstance(value, Unknown) and reason in value.reason


PARAMS = """
Parameters:
  Env: {Type: String, Default: prod}
  NoDefault: {Type: String}
  Count: {Type: Number, Default: 2}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b ,subnet-c"}
  Ids: {Type: "List<AWS::EC2::Subnet::Id>", Default: "subnet-1,subnet-2"}
  Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/ami}
  Empty: {Type: String, Default: ""}
"""


# --- parameters and pseudo parameters ----------------------------------------------------------


def test_parameter_default_given_value_and_missing_value(tmp_path):
    assert prop(tmp_path, "!Ref Env", PARAMS) == "prod"
    assert prop(tmp_path, "!Ref Env", PARAMS, cfn_params={"Env": "dev"}) == "dev"
    assert unknown(prop(tmp_path, "!Ref NoDefault", PARAMS), "no default")
    assert prop(tmp_path, "!Ref Empty", PARAMS) == ""


def test_parameter_types(tmp_path):
    assert prop(tmp_path, "!Ref Count", PARAMS) == "2"  # Ref of a Number is a string
    assert prop(tmp_path, "!Ref Subnets", PARAMS) == ["subnet-a", "subnet-b", "subnet-c"]
    assert prop(tmp_path, "!Ref Ids", PARAMS) == ["subnet-1", "subnet-2"]
    assert prop(tmp_path, "!Ref Ids", PARAMS, cfn_params={"Ids": "subnet-9"}) == ["subnet-9"]
    # the given value of an SSM parameter type names the SSM parameter, not its content
    assert unknown(prop(tmp_path, "!Ref Ami", PARAMS, cfn_params={"Ami": "/x"}), "SSM")


def test_pseudo_parameters_follow_the_region(tmp_path):
    assert prop(tmp_path, "!Ref AWS::Region") == DEPLOYMENT_REGION
    assert prop(tmp_path, "!Ref AWS::Partition") == DEPLOYMENT_PARTITION
    assert unknown(prop(tmp_path, "!Ref AWS::URLSuffix"), "--region")
    assert prop(tmp_path, "!Ref AWS::Region", region="eu-west-1") == "eu-west-1"
    assert prop(tmp_path, "!Ref AWS::Partition", region="eu-west-1") == "aws"
    assert prop(tmp_path, "!Ref AWS::URLSuffix", region="eu-west-1") == "amazonaws.com"
    assert prop(tmp_path, "!Ref AWS::Partition", region="cn-north-1") == "aws-cn"
    assert prop(tmp_path, "!Ref AWS::URLSuffix", region="cn-north-1") == "amazonaws.com.cn"
    assert prop(tmp_path, "!Ref AWS::Partition", region="us-gov-west-1") == "aws-us-gov"
    for name in ("AWS::AccountId", "AWS::StackName", "AWS::StackId"):
        assert unknown(prop(tmp_path, f"!Ref {name}", region="us-east-1"), "deploy time")


def test_unknown_region_names_services_but_decides_nothing(tmp_path):
    header = """
    Conditions:
      InVirginia: !Equals [!Ref AWS::Region, us-east-1]
    Mappings:
      Regions:
        us-east-1: {Ami: ami-east}
        eu-west-1: {Ami: ami-west}
    """
    assert prop(tmp_path, '!Sub "com.amazonaws.${AWS::Region}.s3"') == "com.amazonaws.<region>.s3"
    assert unknown(prop(tmp_path, "!If [InVirginia, a, b]", header), "--region")
    assert unknown(prop(tmp_path, "!FindInMap [Regions, !Ref AWS::Region, Ami]", header),
                   "--region")
    assert unknown(prop(tmp_path, "!Base64 {'Fn::Sub': '${AWS::Region}'}"), "--region")
    assert prop(tmp_path, "!If [InVirginia, a, b]", header, region="us-east-1") == "a"


# --- parameter files ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    [{"ParameterKey": "Env", "ParameterValue": "dev"}],  # create-stack --parameters
    ["Env=dev"],  # deploy --parameter-overrides
    {"Env": "dev"},  # plain object
    {"Parameters": {"Env": "dev"}, "Tags": {"team": "net"}},  # CodePipeline configuration
])
def test_parameter_file_forms(tmp_path, content):
    path = tmp_path / "params.json"
    path.write_text(json.dumps(content))
    assert read_parameter_file(path) == {"Env": "dev"}
    assert prop(tmp_path, "!Ref Env", PARAMS, parameter_files=[path]) == "dev"


def test_parameter_files_later_wins_and_cfn_param_wins_over_files(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps({"Env": "one", "Count": "5"}))
    second.write_text(json.dumps([{"ParameterKey": "Env", "ParameterValue": "two"}]))
    files = [first, second]
    assert prop(tmp_path, "!Ref Env", PARAMS, parameter_files=files) == "two"
    assert prop(tmp_path, "!Ref Count", PARAMS, parameter_files=files) == "5"
    assert prop(tmp_path, "!Ref Env", PARAMS, parameter_files=files,
                cfn_params={"Env": "cli"}) == "cli"


def test_use_previous_value_is_unknown(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([{"ParameterKey": "Env", "UsePreviousValue": True}]))
    assert unknown(prop(tmp_path, "!Ref Env", PARAMS, parameter_files=[path]), "UsePrevious")


@pytest.mark.parametrize("content", ["not json", "42", '[{"Key": "Env"}]'])
def test_bad_parameter_file_is_a_config_error(tmp_path, content):
    path = tmp_path / "p.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match="p.json"):
        read_parameter_file(path)


# --- conditions --------------------------------------------------------------------------------

CONDITIONS = PARAMS + doc("""
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref NoDefault, x]
  ProdAndUnknown: !And [!Condition IsProd, !Condition Unknown]
  DevAndUnknown: !And [!Condition IsDev, !Condition Unknown]
  ProdOrUnknown: !Or [!Condition IsProd, !Condition Unknown]
  NotUnknown: !Not [!Condition Unknown]
  CountIsTwo: !Equals [!Ref Count, 2]
  Loop: !Not [!Condition Loop]
""")


@pytest.mark.parametrize("condition, expected", [
    ("IsProd", "then"), ("IsDev", "else"), ("DevAndUnknown", "else"),
    ("ProdOrUnknown", "then"), ("CountIsTwo", "then"),
    ("Unknown", None), ("ProdAndUnknown", None), ("NotUnknown", None), ("Loop", None),
    ("Undeclared", None),
])
def test_conditions_with_unknown_propagation(tmp_path, condition, expected):
    value = prop(tmp_path, f"!If [{condition}, then, else]", CONDITIONS)
    if expected is None:
        assert unknown(value)
    else:
        assert value == expected


def test_if_with_equal_branches_needs_no_condition(tmp_path):
    assert prop(tmp_path, "!If [Unknown, same, same]", CONDITIONS) == "same"


def test_resource_whose_condition_is_false_is_absent(tmp_path):
    template = doc(CONDITIONS, """
    Resources:
      ProdVpc:
        Type: AWS::EC2::VPC
        Condition: IsProd
      DevVpc:
        Type: AWS::EC2::VPC
        Condition: IsDev
      MaybeVpc:
        Type: AWS::EC2::VPC
        Condition: Unknown
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Properties:
          VpcId: !Ref DevVpc
    """)
    found = values(tmp_path, template)
    assert set(found) == {"ProdVpc", "MaybeVpc", "Endpoint"}  # an unknown condition may hold
    assert unknown(found["Endpoint"]["VpcId"], "condition is false")


def test_no_value_removes_properties_and_list_items(tmp_path):
    template = doc(CONDITIONS, """
    Resources:
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Properties:
          VpcId: vpc-1
          RouteTableIds:
            - rtb-1
            - !If [IsDev, rtb-2, !Ref AWS::NoValue]
            - !If [IsProd, rtb-3, !Ref AWS::NoValue]
          PolicyDocument: !If [IsDev, {}, !Ref AWS::NoValue]
          SubnetIds: !Ref AWS::NoValue
    """)
    found = values(tmp_path, template)["Endpoint"]
    assert found == {"VpcId": "vpc-1", "RouteTableIds": ["rtb-1", "rtb-3"]}


def test_evaluated_values_point_at_their_source_and_removed_ones_at_the_resource(tmp_path):
    template = doc(CONDITIONS, """
    Resources:
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Properties:
          RouteTableIds: !If
            - IsProd
            - - rtb-1
              - rtb-2
            - !Ref AWS::NoValue
          SubnetIds: !If [IsDev, [subnet-1], !Ref AWS::NoValue]
    """)
    evaluation = evaluate(tmp_path, {"t.yaml": template})
    endpoint = evaluation.resources[0]
    lines = template.splitlines()
    assert lines[endpoint.locate(("RouteTableIds", 1)).line - 1].strip() == "- rtb-2"
    assert endpoint.locate(("SubnetIds",)).line == endpoint.locate(()).line  # removed


# --- intrinsic functions -----------------------------------------------------------------------


@pytest.mark.parametrize("expression, expected", [
    ('!Sub "${Env}-${AWS::Region}-${!Literal}"', "prod-us-east-1-${Literal}"),
    ('!Sub ["${A}/${Env}", {A: !Ref Count}]', "2/prod"),
    ("!Join [',', [a, !Ref Env, 3]]", "a,prod,3"),
    ("!Join ['-', !Ref Subnets]", "subnet-a-subnet-b-subnet-c"),
    ("!Select [1, !Ref Subnets]", "subnet-b"),
    ("!Select ['0', [x, y]]", "x"),
    ("!Split [',', 'a,b,,c']", ["a", "b", "", "c"]),
    ("!FindInMap [Regions, us-east-1, Ami]", "ami-east"),
    ("!FindInMap [Regions, !Ref AWS::Region, Ami]", "ami-east"),
    ("!FindInMap [Regions, !Ref NoDefault, Family]", "linux"),  # every entry agrees
    ("!FindInMap [Regions, eu-north-1, Ami, {DefaultValue: ami-default}]", "ami-default"),
    ("!Cidr [10.0.0.0/16, 3, 8]", ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
    ("!Cidr ['2001:db8::/56', 2, 64]", ["2001:db8::/64", "2001:db8:0:1::/64"]),
    ("!Base64 hello", "aGVsbG8="),
    ("{'Fn::Length': !Ref Subnets}", 3),
    ("{'Fn::ToJsonString': {a: [1, !Ref Env]}}", '{"a":[1,"prod"]}'),
])
def test_intrinsic_functions(tmp_path, expression, expected):
    header = doc(PARAMS, """
    Mappings:
      Regions:
        us-east-1: {Ami: ami-east, Family: linux}
        eu-west-1: {Ami: ami-west, Family: linux}
    """)
    assert prop(tmp_path, expression, header, region="us-east-1") == expected


@pytest.mark.parametrize("expression, reason", [
    ('!Sub "${Env}-${NoDefault}"', "no default"),
    ('!Sub "https://${AWS::URLSuffix}/x"', "--region"),
    ("!Join ['', [a, !Ref NoDefault]]", "no default"),
    ("!Select [0, !GetAZs '']", "availability zones"),
    ("!Split [',', !Ref NoDefault]", "no default"),
    ("!FindInMap [Regions, !Ref NoDefault, Ami]", "no default"),  # the entries disagree
    ("!FindInMap [Regions, nowhere, Ami]", "malformed"),
    ("!Cidr [!GetAtt Res.CidrBlock, 2, 8]", "physical ID"),
    ("!Cidr [10.0.0.0/24, 3, 8]", "malformed"),  # three /24s do not fit in a /24
    ("!Base64 {'Fn::Sub': '${NoDefault}'}", "no default"),
    ("{'Fn::Length': !Ref NoDefault}", "no default"),
    ("{'Fn::ToJsonString': [!Ref Res]}", "physical ID"),
    ("!ImportValue nobody-exports-this", "no template of the scan exports"),
    ("{'Fn::Transform': {Name: AWS::Include}}", "not evaluated"),
    ("!Select [5, [a]]", "malformed"),
])
def test_intrinsic_functions_propagate_unknown(tmp_path, expression, reason):
    header = doc(PARAMS, """
    Mappings:
      Regions:
        us-east-1: {Ami: ami-east}
        eu-west-1: {Ami: ami-west}
    """)
    assert unknown(prop(tmp_path, expression, header), reason)


def test_references_to_resources_stay_references(tmp_path):
    scope = str((tmp_path / "t.yaml").resolve())
    assert prop(tmp_path, "!Ref Res") == Ref(scope, "Res", None)
    assert prop(tmp_path, "!GetAtt Res.VpcId") == Ref(scope, "Res", "VpcId")
    assert prop(tmp_path, "!GetAtt [Res, !Ref Attr]",
                "Parameters:\n  Attr: {Type: String, Default: CidrBlock}\n") == \
        Ref(scope, "Res", "CidrBlock")
    assert prop(tmp_path, '!Sub "${Res}"') == Ref(scope, "Res", None)
    assert prop(tmp_path, '!Sub "${Res.VpcId}"') == Ref(scope, "Res", "VpcId")
    assert prop(tmp_path, '!Sub ["${V}", {V: !Ref Res}]') == Ref(scope, "Res", None)
    assert prop(tmp_path, "!Join ['', [!Ref Res]]") == Ref(scope, "Res", None)
    # a string built around a physical ID is not known before deployment
    assert unknown(prop(tmp_path, '!Sub "${Res}-x"'), "physical ID")
    assert unknown(prop(tmp_path, "!Join [',', [!Ref Res, b]]"), "physical ID")
    assert unknown(prop(tmp_path, "!Ref Nowhere"), "declared nowhere")
    # a physical ID is never empty: the usual test for an optional ID is decided
    assert prop(tmp_path, "!If [NoId, a, b]", "Conditions:\n  NoId: !Equals [!Ref Res, '']\n") \
        == "b"
    assert unknown(prop(tmp_path, "!If [Id, a, b]", "Conditions:\n  Id: !Equals [!Ref Res, x]\n"))


def test_if_on_unknown_condition_with_no_value_may_shift_a_list(tmp_path):
    header = CONDITIONS
    item = "!If [Unknown, x, !Ref AWS::NoValue]"
    assert isinstance(prop(tmp_path, f"[a, {item}, b]", header)[1], MaybeAbsent)
    assert unknown(prop(tmp_path, f"!Select [1, [a, {item}, b]]", header))
    assert prop(tmp_path, f"!Select [0, [a, {item}, b]]", header) == "a"
    assert unknown(prop(tmp_path, f"{{'Fn::Length': [a, {item}]}}", header))
    # an unknown value that is certainly there does not change the length
    assert prop(tmp_path, "{'Fn::Length': [a, !Ref NoDefault]}", header) == 2


def test_malformed_functions_are_unknown_not_crashes(tmp_path):
    for expression in ("!Join [only-one]", "!Select [a, b, c]", "!Sub [1, 2]", "!Cidr [x, 1, 1]",
                       "!FindInMap [M]", "!GetAtt [a]", "!If [C]", "!Split [',', [1]]",
                       "{Ref: [x]}", "!Base64 [x]", "{'Fn::Length': x}", "!ImportValue [x]"):
        assert unknown(prop(tmp_path, expression), ""), expression


# --- exports and imports across templates -------------------------------------------------------

NETWORK = """
Parameters:
  Env: {Type: String, Default: prod}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
Outputs:
  VpcId:
    Value: !Ref Vpc
    Export: {Name: !Sub "${Env}-VpcId"}
  ByStackName:
    Value: !Ref Vpc
    Export: {Name: !Sub "${AWS::StackName}-VpcId"}
  Cidr:
    Value: !GetAtt Vpc.CidrBlock
    Export: {Name: literal-cidr}
"""

CONSUMER = """
Parameters:
  Env: {Type: String, Default: prod}
  NetworkStack: {Type: String, Default: network}
Resources:
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !ImportValue {"Fn::Sub": "${Env}-VpcId"}
      ServiceName: com.amazonaws.us-east-1.s3
  ByStackName:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !ImportValue {"Fn::Sub": "${NetworkStack}-VpcId"}
      ServiceName: com.amazonaws.us-east-1.s3
"""


def test_import_links_the_model_across_templates(tmp_path):
    evaluation = evaluate(tmp_path, {"network.yaml": NETWORK, "consumer.yaml": CONSUMER})
    model = build_model(evaluation.resources)
    endpoints = {e.address: e for e in model.of(VpcEndpoint)}
    vpc = model.of(Vpc)[0]
    assert vpc.file.endswith("network.yaml")
    assert endpoints["Endpoint"].vpc is vpc
    # the export named after AWS::StackName cannot be matched: the stack name is not known
    assert unknown(endpoints["ByStackName"].vpc, "no template of the scan exports 'network-VpcId'")


def test_import_of_an_export_declared_twice_is_unknown(tmp_path):
    evaluation = evaluate(tmp_path, {"a.yaml": NETWORK, "b.yaml": NETWORK,
                                     "consumer.yaml": CONSUMER})
    endpoint = next(r for r in evaluation.resources if r.address == "Endpoint")
    assert unknown(endpoint.values["VpcId"], "2 templates of the scan export 'prod-VpcId'")


def test_import_reads_only_exports_of_its_own_account_and_region(tmp_path):
    """CDK stages synthesize one stack per account with the same stack name, so the same
    export names: the consumer in account 222 imports its own account's export."""
    paths = {name: write(tmp_path / name, text) for name, text in
             (("dev.yaml", NETWORK), ("prod.yaml", NETWORK), ("consumer.yaml", CONSUMER),
              ("anywhere.yaml", CONSUMER))}
    environments = {str(paths["dev.yaml"].resolve()): Environment("111111111111", "eu-west-1"),
                    str(paths["prod.yaml"].resolve()): Environment("222222222222", "eu-west-1"),
                    str(paths["consumer.yaml"].resolve()): Environment("222222222222",
                                                                       "eu-west-1")}
    evaluation = evaluate_templates([load(p) for p in paths.values()], Config(),
                                    environments=environments)
    endpoint = {r.file: r for r in evaluation.resources if r.address == "Endpoint"}
    assert endpoint[str(paths["consumer.yaml"].resolve())].values["VpcId"] == \
        Ref(str(paths["prod.yaml"].resolve()), "Vpc")
    # a stack of another account imports none of them
    lone = evaluate_templates([load(paths["dev.yaml"]), load(paths["consumer.yaml"])], Config(),
                              environments={k: v for k, v in environments.items()
                                            if not k.endswith("prod.yaml")})
    assert unknown(next(r for r in lone.resources if r.address == "Endpoint").values["VpcId"],
                   "no template of the scan deployed to this stack's account and region exports")
    # a stack whose account is not known may be in either: the import stays unknown
    assert unknown(endpoint[str(paths["anywhere.yaml"].resolve())].values["VpcId"],
                   "2 templates of the scan export 'prod-VpcId'")


@pytest.mark.parametrize("service_name", [
    "!Sub 'com.amazonaws.vpce.${AWS::Region}.${Service}'",
    "!Join ['.', [com.amazonaws.vpce, !Ref AWS::Region, !Ref Service]]",  # as the CDK writes it
    "!Join ['', [com.amazonaws.vpce., !Ref AWS::Region, ., !Ref Service]]",
])
def test_a_privatelink_name_built_on_the_service_links_it(tmp_path, service_name):
    found = values(tmp_path, f"""
    Resources:
      Service: {{Type: AWS::EC2::VPCEndpointService, Properties: {{}}}}
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Properties: {{ServiceName: {service_name}}}
    """, region="eu-west-1")
    assert found["Endpoint"]["ServiceName"] == Ref(str((tmp_path / "t.yaml").resolve()),
                                                   "Service", "ServiceName")


def test_a_name_joined_on_a_resource_elsewhere_is_no_link(tmp_path):
    found = values(tmp_path, """
    Resources:
      Service: {Type: AWS::EC2::VPCEndpointService, Properties: {}}
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Properties: {ServiceName: !Join ['.', [com.amazonaws, !Ref AWS::Region, !Ref Service]]}
    """, region="eu-west-1")
    assert not isinstance(found["Endpoint"]["ServiceName"], Ref)


def test_export_whose_condition_is_false_is_not_exported(tmp_path):
    network = NETWORK.replace("  VpcId:\n    Value", "  VpcId:\n    Condition: Never\n    Value") \
        + "Conditions:\n  Never: !Equals [a, b]\n"
    evaluation = evaluate(tmp_path, {"network.yaml": network, "consumer.yaml": CONSUMER})
    endpoint = next(r for r in evaluation.resources if r.address == "Endpoint")
    assert unknown(endpoint.values["VpcId"], "no template of the scan exports")


def test_imported_value_is_evaluated_in_the_exporting_template(tmp_path):
    consumer = "Resources:\n  R:\n    Type: AWS::X::Y\n    Properties:\n" \
               "      Cidr: !ImportValue literal-cidr\n"
    evaluation = evaluate(tmp_path, {"network.yaml": NETWORK, "consumer.yaml": consumer})
    cidr = next(r for r in evaluation.resources if r.address == "R").values["Cidr"]
    assert cidr == Ref(str((tmp_path / "network.yaml").resolve()), "Vpc", "CidrBlock")


def test_split_of_joined_physical_ids_gives_each_id(tmp_path):
    """A list of IDs crosses stacks as one string (``!Join [",", [!Ref A, !Ref B]]``); the
    importer's ``Fn::Split`` gives each ID back, since a physical ID holds no comma."""
    res = Ref(str((tmp_path / "t.yaml").resolve()), "Res")
    assert prop(tmp_path, "!Split [',', !Join [',', [!Ref Res, subnet-x, !Ref Res]]]") == [
        res, "subnet-x", res]
    first, second = prop(tmp_path, "!Split [',', !Sub 'a-${Res},b']")
    assert isinstance(first, PartialString) and first.parts == ("a-", res) and second == "b"
    assert prop(tmp_path, "!Split [',', !Ref Res]") == [res]
    # an attribute or a value not known may hold the delimiter; another delimiter may be in an
    # ID (rtb-0abc): the items are not known
    assert unknown(prop(tmp_path, "!Split [',', !Join [',', [!GetAtt Res.CidrBlock, x]]]"))
    assert unknown(prop(tmp_path, "!Split [',', !Join [',', [!Ref Res, !Ref NoDefault]]]",
                        PARAMS))
    assert unknown(prop(tmp_path, "!Split ['-', !Ref Res]"))


def test_imported_list_of_ids_links_each(tmp_path):
    network = NETWORK + "    Export: {Name: literal-cidr}\n" \
        "  RouteTables:\n    Value: !Join [',', [!Ref TableA, !Ref TableB]]\n" \
        "    Export: {Name: route-tables}\n"
    network = network.replace("Resources:\n", "Resources:\n"
                              "  TableA: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}\n"
                              "  TableB: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}\n")
    consumer = doc("""
    Resources:
      S3:
        Type: AWS::EC2::VPCEndpoint
        Properties:
          ServiceName: com.amazonaws.us-east-1.s3
          VpcId: vpc-0a1b2c3d4e5f60718
          RouteTableIds: !Split [",", !ImportValue route-tables]
    """)
    model = build_model(evaluate(tmp_path, {"network.yaml": network,
                                            "consumer.yaml": consumer}).resources)
    endpoint = model.of(VpcEndpoint)[0]
    assert [t.address for t in endpoint.route_tables] == ["TableA", "TableB"]
    assert not endpoint.route_tables.open


def test_cyclic_imports_are_unknown(tmp_path):
    loop = """
    Resources:
      R: {Type: AWS::X::Y, Properties: {P: !ImportValue b}}
    Outputs:
      O: {Value: !ImportValue b, Export: {Name: a}}
    """
    other = loop.replace("!ImportValue b", "!ImportValue a").replace("Name: a", "Name: b")
    evaluation = evaluate(tmp_path, {"a.yaml": textwrap.dedent(loop),
                                     "b.yaml": textwrap.dedent(other)})
    assert all(unknown(r.values["P"], "depends on itself") for r in evaluation.resources)


# --- nested stacks -----------------------------------------------------------------------------

PARENT = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  RouteTable:
    Type: AWS::EC2::RouteTable
  Routed:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child/endpoint.yaml
      Parameters:
        VpcId: !Ref Vpc
        RouteTableIds: !Ref RouteTable
  Unrouted:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./child/endpoint.yaml
      Parameters:
        VpcId: !Ref Vpc
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/endpoint.yaml
Outputs:
  EndpointId:
    Value: !GetAtt Routed.Outputs.EndpointId
"""

CHILD = """
Parameters:
  VpcId: {Type: AWS::EC2::VPC::Id}
  RouteTableIds: {Type: CommaDelimitedList, Default: ""}
Conditions:
  Routed: !Not [!Equals [!Select [0, !Ref RouteTableIds], ""]]
Resources:
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref VpcId
      RouteTableIds: !If [Routed, !Ref RouteTableIds, !Ref AWS::NoValue]
Outputs:
  EndpointId:
    Value: !Ref Endpoint
"""


def test_nested_stack_gets_the_parameters_its_parent_passes(tmp_path):
    evaluation = evaluate(tmp_path, {"parent.yaml": PARENT, "child/endpoint.yaml": CHILD})
    scope = str((tmp_path / "parent.yaml").resolve())
    found = {r.address: r for r in evaluation.resources}
    # the child, also in the scan, is evaluated once per parent stack resource, not on its own
    assert "Endpoint" not in found
    routed, unrouted = found["Routed/Endpoint"], found["Unrouted/Endpoint"]
    assert routed.file == unrouted.file == str((tmp_path / "child/endpoint.yaml").resolve())
    assert routed.scope == scope
    assert routed.values == {"VpcId": Ref(scope, "Vpc"), "RouteTableIds": [Ref(scope, "RouteTable")]}
    assert unrouted.values == {"VpcId": Ref(scope, "Vpc")}
    assert evaluation.opaque == set()  # the remote nested stack is handed nothing


def test_nested_list_parameter_given_joined_ids_gets_each_id(tmp_path):
    """A parent passes several IDs to a list parameter as ``!Join [",", [...]]`` (a parameter
    value is a string): the child sees each ID, spaces around them trimmed."""
    parent = PARENT.replace("RouteTableIds: !Ref RouteTable",
                            'RouteTableIds: !Join [", ", [!Ref RouteTable, rtb-0abc, !Ref Vpc]]')
    evaluation = evaluate(tmp_path, {"parent.yaml": parent, "child/endpoint.yaml": CHILD})
    scope = str((tmp_path / "parent.yaml").resolve())
    routed = next(r for r in evaluation.resources if r.address == "Routed/Endpoint")
    assert routed.values["RouteTableIds"] == [Ref(scope, "RouteTable"), "rtb-0abc",
                                              Ref(scope, "Vpc")]


def test_nested_stack_links_in_the_model(tmp_path):
    evaluation = evaluate(tmp_path, {"parent.yaml": PARENT.replace("  Remote:", "  Gone:\n"
                                     "    Type: AWS::EC2::VPC\n  Remote:"),
                                     "child/endpoint.yaml": CHILD})
    model = build_model(evaluation.resources)
    endpoints = {e.address: e for e in model.of(VpcEndpoint)}
    vpc = next(v for v in model.of(Vpc) if v.address == "Vpc")
    assert endpoints["Routed/Endpoint"].vpc is vpc
    assert endpoints["Unrouted/Endpoint"].route_tables.known_empty


def test_nested_stack_outputs_reach_the_parent(tmp_path):
    parent = PARENT + """
  Consumer:
    Type: AWS::X::Y
    Properties:
      Endpoint: !GetAtt Routed.Outputs.EndpointId
      FromRemote: !GetAtt Remote.Outputs.EndpointId
"""
    parent = parent.replace("Outputs:\n  EndpointId:\n    Value: !GetAtt Routed.Outputs.EndpointId\n",
                            "")
    evaluation = evaluate(tmp_path, {"parent.yaml": parent, "child/endpoint.yaml": CHILD})
    consumer = next(r for r in evaluation.resources if r.address == "Consumer")
    scope = str((tmp_path / "parent.yaml").resolve())
    assert consumer.values["Endpoint"] == Ref(scope, "Routed/Endpoint")
    assert unknown(consumer.values["FromRemote"], "cannot read")


def test_resources_handed_out_by_outputs_are_exported(tmp_path):
    parent = PARENT + """
  Subnets:
    Value: !Join [",", [!Ref Vpc, !Ref RouteTable]]
"""
    evaluation = evaluate(tmp_path, {"parent.yaml": parent, "child/endpoint.yaml": CHILD})
    scope = str((tmp_path / "parent.yaml").resolve())
    # a nested stack's outputs go to its parent, which is seen: only what the parent's own
    # outputs name leaves the scan
    assert evaluation.exported == {(scope, "Routed"), (scope, "Routed/Endpoint"),
                                   (scope, "Vpc"), (scope, "RouteTable")}


def test_what_decides_whether_a_resource_exists_is_recorded_when_unknown(tmp_path):
    parent = """
    Parameters:
      Env: {Type: String}
    Conditions:
      Production: !Equals [!Ref Env, prod]
      Always: !Equals [a, a]
    Resources:
      Sure: {Type: AWS::EC2::VPC, Condition: Always}
      Maybe: {Type: AWS::EC2::VPC, Condition: Production}
      Endpoints:
        Type: AWS::CloudFormation::Stack
        Condition: Production
        Properties: {TemplateURL: child/endpoint.yaml, Parameters: {VpcId: vpc-1}}
    """
    evaluation = evaluate(tmp_path, {"parent.yaml": textwrap.dedent(parent),
                                     "child/endpoint.yaml": CHILD})
    exists_if = {r.address: r.exists_if for r in evaluation.resources}
    assert exists_if["Sure"] is None and exists_if["Maybe"] == "Condition Production"
    assert exists_if["Endpoints/Endpoint"] == "Condition Production of nested stack Endpoints"


def test_what_a_stack_vpclint_cannot_read_is_handed_is_recorded(tmp_path):
    parent = """
    Parameters:
      Names: {Type: CommaDelimitedList}
    Resources:
      Vpc: {Type: AWS::EC2::VPC}
      Table: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
      Endpoint: {Type: AWS::EC2::VPCEndpoint, Properties: {VpcId: !Ref Vpc}}
      Alone: {Type: AWS::EC2::VPCEndpoint, Properties: {VpcId: !Ref Vpc}}
      Remote:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: https://example.com/routes.yaml
          Parameters: {TableId: !Ref Table}
      App:
        Type: AWS::Serverless::Application
        Properties:
          Location: {ApplicationId: arn:aws:serverlessrepo:us-east-1:111122223333:applications/x}
          Parameters: {VpcId: !GetAtt Vpc.VpcId}
      Fn::ForEach::Routes:
        - Name
        - !Ref Names
        - Route${Name}:
            Type: AWS::EC2::Route
            Properties: {RouteTableId: !Ref Table, VpcEndpointId: !Ref Endpoint}
    """
    evaluation = evaluate(tmp_path, {"parent.yaml": textwrap.dedent(parent)})
    scope = str((tmp_path / "parent.yaml").resolve())
    assert evaluation.opaque_inputs == {(scope, "Table"), (scope, "Vpc"), (scope, "Endpoint")}
    assert evaluation.opaque == set()


def test_import_passed_to_a_nested_stack_links(tmp_path):
    parent = """
    Resources:
      Endpoints:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: child/endpoint.yaml
          Parameters: {VpcId: !ImportValue literal-vpc}
    """
    # the child's condition is met while its nested stacks are sought, before exports are known
    child = CHILD.replace("Resources:\n", "Resources:\n  Inner:\n"
                          "    Type: AWS::CloudFormation::Stack\n    Condition: Routed\n"
                          "    Properties: {TemplateURL: nowhere.yaml}\n")
    network = NETWORK + "  Literal:\n    Value: !Ref Vpc\n    Export: {Name: literal-vpc}\n"
    evaluation = evaluate(tmp_path, {"parent.yaml": parent, "child/endpoint.yaml": child,
                                     "network.yaml": network})
    endpoint = next(r for r in evaluation.resources if r.address == "Endpoints/Endpoint")
    assert endpoint.values["VpcId"] == Ref(str((tmp_path / "network.yaml").resolve()), "Vpc")


def test_nested_template_outside_the_scan_is_read_from_disk(tmp_path):
    write(tmp_path / "elsewhere" / "child" / "endpoint.yaml", CHILD)
    parent = write(tmp_path / "elsewhere" / "parent.yaml", PARENT)
    evaluation = evaluate_templates([load(parent)], Config())
    assert {"Routed/Endpoint", "Unrouted/Endpoint"} <= {r.address for r in evaluation.resources}


def test_child_nested_by_no_template_of_the_scan_is_evaluated_on_its_own(tmp_path):
    evaluation = evaluate(tmp_path, {"child/endpoint.yaml": CHILD})
    endpoint = evaluation.resources[0]
    assert endpoint.address == "Endpoint"
    assert unknown(endpoint.values["VpcId"], "no default")


def test_child_whose_only_parent_stack_does_not_exist_is_evaluated_once_on_its_own(tmp_path):
    parent = """
    Conditions:
      Never: !Equals [a, b]
    Resources:
      Child:
        Type: AWS::CloudFormation::Stack
        Condition: Never
        Properties: {TemplateURL: middle.yaml}
    """
    middle = """
    Resources:
      Inner:
        Type: AWS::CloudFormation::Stack
        Properties: {TemplateURL: child/endpoint.yaml, Parameters: {VpcId: vpc-1}}
    """
    evaluation = evaluate(tmp_path, {"child/endpoint.yaml": CHILD, "parent.yaml": parent,
                                     "middle.yaml": middle})
    assert [r.address for r in evaluation.resources] == ["Inner", "Inner/Endpoint"]


def test_nested_stack_cycle_and_missing_template_are_notes(tmp_path):
    loop = """
    Resources:
      Self:
        Type: AWS::CloudFormation::Stack
        Properties: {TemplateURL: loop.yaml}
      Missing:
        Type: AWS::CloudFormation::Stack
        Properties: {TemplateURL: nowhere.yaml}
    """
    evaluation = evaluate(tmp_path, {"loop.yaml": textwrap.dedent(loop)})
    messages = " ".join(n.message for n in evaluation.notes)
    assert "nests its own template" in messages and "cannot read" in messages
    assert evaluation.opaque == evaluation.opaque_inputs == set()  # neither is handed anything


def test_parameters_of_a_nested_stack_built_from_each_other_do_not_loop(tmp_path):
    parent = """
    Resources:
      A:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: echo.yaml
          Parameters: {In: !GetAtt B.Outputs.Out}
      B:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: echo.yaml
          Parameters: {In: !GetAtt A.Outputs.Out}
    """
    echo = """
    Parameters:
      In: {Type: String}
    Resources:
      R: {Type: AWS::X::Y, Properties: {P: !Ref In}}
    Outputs:
      Out: {Value: !Ref In}
    """
    evaluation = evaluate(tmp_path, {"parent.yaml": textwrap.dedent(parent),
                                     "echo.yaml": textwrap.dedent(echo)})
    assert {r.address for r in evaluation.resources} >= {"A/R", "B/R"}
    assert all(unknown(r.values["P"]) for r in evaluation.resources if r.address.endswith("/R"))


# --- the command line ----------------------------------------------------------------------------

ENDPOINT = """
Parameters:
  RouteTable: {Type: String}
  Service: {Type: String, Default: dynamodb}
Conditions:
  Routed: !Not [!Equals [!Ref RouteTable, none]]
Resources:
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: vpc-1
      ServiceName: !Sub com.amazonaws.${AWS::Region}.${Service}
      RouteTableIds: !If [Routed, [!Ref RouteTable], !Ref AWS::NoValue]
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VPCLINT_DEBUG", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "vpclint.cli", "check", *args, "-f", "json",
                           "--select", "VPC101"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def rule_ids(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode in (0, 1), result.stderr
    return [f["rule_id"] for f in json.loads(result.stdout)["findings"]]


def test_cli_parameters_and_region(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "endpoint.yaml", ENDPOINT)
    (tmp_path / "params.json").write_text(json.dumps(
        [{"ParameterKey": "RouteTable", "ParameterValue": "rtb-1"}]))
    assert rule_ids(run("endpoint.yaml", cwd=tmp_path)) == []  # RouteTable has no value
    assert rule_ids(run("endpoint.yaml", "--cfn-param", "RouteTable=none",
                        cwd=tmp_path)) == ["VPC101"]
    assert rule_ids(run("endpoint.yaml", "--parameter-file", "params.json",
                        cwd=tmp_path)) == []
    assert rule_ids(run("endpoint.yaml", "--parameter-file", "params.json", "--cfn-param",
                        "RouteTable=none", "--region", "eu-west-1", cwd=tmp_path)) == ["VPC101"]


@pytest.mark.parametrize("args, words", [
    (("--cfn-param", "NoEquals"), ("--cfn-param", "KEY=VALUE")),
    (("--region", "Mars"), ("--region", "Mars")),
    (("--parameter-file", "missing.json"), ("missing.json",)),
])
def test_cli_bad_cloudformation_options_exit_2(tmp_path, args, words):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "endpoint.yaml", ENDPOINT)
    result = run("endpoint.yaml", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_external_parameter_value_is_an_external_link(tmp_path):
    template = "Parameters:\n  VpcId: {Type: String, Default: vpc-0abc}\n" \
               "Resources:\n  E:\n    Type: AWS::EC2::VPCEndpoint\n" \
               "    Properties: {VpcId: !Ref VpcId, ServiceName: x}\n"
    model = build_model(evaluate(tmp_path, {"t.yaml": template}).resources)
    assert model.of(VpcEndpoint)[0].vpc == External("vpc-0abc")


# --- robustness ------------------------------------------------------------------------------

_NAMES = st.sampled_from(["A", "L", "Res", "Child", "C", "M", "k", "AWS::Region", "AWS::NoValue",
                          "AWS::StackName", "", "t.yaml", "10.0.0.0/16", "${A}-${Res}", "1"])
_FUNCTIONS = st.sampled_from(["Ref", "Condition", "Fn::If", "Fn::Equals", "Fn::And", "Fn::Or",
                              "Fn::Not", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split",
                              "Fn::FindInMap", "Fn::GetAtt", "Fn::GetAZs", "Fn::Cidr",
                              "Fn::Base64", "Fn::Length", "Fn::ToJsonString", "Fn::ImportValue",
                              "Fn::Transform"])
_VALUES = st.recursive(
    st.one_of(_NAMES, st.integers(-3, 300), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_NAMES, inner, max_size=3),
                            st.dictionaries(_FUNCTIONS, inner, min_size=1, max_size=1)),
    max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condition=_VALUES, value=_VALUES, url=_VALUES, passed=_VALUES, export=_VALUES)
def test_any_template_evaluates_without_raising(condition, value, url, passed, export):
    data = {
        "Parameters": {"A": {"Type": "String", "Default": "x"}, "L": {"Type": "CommaDelimitedList"}},
        "Conditions": {"C": condition},
        "Mappings": {"M": {"k": {"k": "v"}}},
        "Resources": {
            "Res": {"Type": "AWS::EC2::VPC", "Condition": "C", "Properties": {"P": value}},
            "Child": {"Type": "AWS::CloudFormation::Stack",
                      "Properties": {"TemplateURL": url, "Parameters": passed}},
        },
        "Outputs": {"O": {"Value": value, "Export": {"Name": export}}},
    }
    documents = [CfnDocument("/nonexistent/t.yaml", data), CfnDocument("/nonexistent/u.yaml", data)]
    evaluation = evaluate_templates(documents, Config(region="us-east-1"))
    assert all(isinstance(r.values, dict) for r in evaluation.resources)


def test_sam_globals_apply_to_functions_with_their_own_values_winning(tmp_path):
    from vpclint.engine import build
    from vpclint.model.workloads import Workload

    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Function:\n    VpcConfig:\n      SubnetIds: [subnet-0123456789abcdef0]\n"
        "    Environment:\n      Variables: {STAGE: prod, QUEUE: global}\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: app.handler\n      Environment:\n        Variables: {QUEUE: own}\n")
    workload = build([str(tmp_path)], Config()).model.of(Workload)[0]
    assert [e.value for e in workload.subnets.external] == ["subnet-0123456789abcdef0"]
    assert workload.environment == {"STAGE": "prod", "QUEUE": "own"}


def test_sam_globals_properties_are_located_in_the_globals_section(tmp_path):
    """A finding on an inherited property points where it is written: the Globals section (one
    location for every function that inherits it); a function's own value points at itself."""
    template = write(tmp_path / "template.yaml", """
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        VpcConfig:
          SubnetIds: [subnet-0123456789abcdef0]
        Environment:
          Variables: {STAGE: prod}
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Environment:
            Variables: {QUEUE: own}
    """)
    resource = evaluate_templates([load(template)], Config()).resources[0]
    assert resource.locate(("VpcConfig", "SubnetIds")).line == 5
    assert resource.locate(("Environment", "Variables", "STAGE")).line == 7
    assert resource.locate(("Environment", "Variables", "QUEUE")).line == 14
    assert resource.locate(("Handler",)).line == 12


# --- what is known of partly unknown values --------------------------------------------------

def test_if_on_an_unknown_condition_is_a_choice_keyed_by_the_condition(tmp_path):
    template = doc(CONDITIONS, """
    Resources:
      R:
        Type: AWS::X::Y
        Properties:
          A: !If [Unknown, !Ref Res, !Ref AWS::NoValue]
          B: !If [Unknown, !Ref AWS::NoValue, !GetAtt Res.Arn]
          C: !If [NotUnknown, x, y]
          D: !If [Unknown, [same, !Ref NoDefault], [same, !Ref NoDefault]]
      Res:
        Type: AWS::EC2::VPC
    """)
    found = values(tmp_path, template)["R"]
    first, second, other = found["A"], found["B"], found["C"]
    assert isinstance(first, Choice) and first.condition == second.condition != other.condition
    assert decide(first, first.condition, False) is None  # AWS::NoValue: absent
    assert decide(second, first.condition, False) == Ref(second.otherwise.scope, "Res", "Arn")
    assert found["D"][0] == "same"  # branches that agree are known


def test_select_of_a_known_member_and_of_distinct_azs(tmp_path):
    template = doc(PARAMS, """
    Resources:
      R:
        Type: AWS::X::Y
        Properties:
          Known: !Select [1, [!Ref NoDefault, b]]
          First: !Select [0, !GetAZs ""]
          Second: !Select [1, {"Fn::GetAZs": !Ref AWS::Region}]
          FirstAgain: !Select ["0", !GetAZs ""]
          Elsewhere: !Select [0, !GetAZs eu-west-1]
    """)
    found = values(tmp_path, template)["R"]
    assert found["Known"] == "b"
    first, second, again, elsewhere = (found[k] for k in ("First", "Second", "FirstAgain",
                                                          "Elsewhere"))
    assert all(isinstance(v, ListElement) for v in (first, second, again, elsewhere))
    assert first == again and first != second and first.source == second.source
    assert elsewhere.source != first.source  # another region's list: not comparable by index


def test_sub_and_join_keep_their_known_text(tmp_path):
    template = doc(PARAMS, """
    Resources:
      R:
        Type: AWS::X::Y
        Properties:
          Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/orders:1"
          Secret: !Sub "${Res}:password::"
          Joined: !Join ["", ["arn:", !Ref NoDefault, ":x"]]
          Split: !Select [0, !Split [":", !Sub "${NoDefault}:x"]]
      Res:
        Type: AWS::SecretsManager::Secret
    """)
    found = values(tmp_path, template)["R"]
    image = found["Image"]
    assert isinstance(image, PartialString)
    assert image.text == f"{HOLE}.dkr.ecr.{DEPLOYMENT_REGION}.{HOLE}/orders:1"
    assert isinstance(image.parts[0], Unknown) and "AWS::AccountId" in image.parts[0].reason
    secret = found["Secret"]
    assert isinstance(secret.parts[0], Ref) and secret.parts[1] == ":password::"
    assert found["Joined"].text == f"arn:{HOLE}:x"
    assert type(found["Split"]) is Unknown  # what the whole string knows is not its part's


def test_a_route_target_attribute_gives_its_kind_to_an_unknown_value(tmp_path):
    template = doc(CONDITIONS, """
    Resources:
      Table:
        Type: AWS::EC2::RouteTable
        Properties: {VpcId: vpc-1}
      Nat:
        Type: AWS::EC2::NatGateway
        Properties: {SubnetId: subnet-1}
      ToTgw:
        Type: AWS::EC2::Route
        Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 10.0.0.0/8,
                     TransitGatewayId: !Ref NoDefault}
      ToNat:
        Type: AWS::EC2::Route
        Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 0.0.0.0/0,
                     GatewayId: !Ref Nat}
      Either:
        Type: AWS::EC2::Route
        Properties:
          RouteTableId: !Ref Table
          DestinationCidrBlock: 172.16.0.0/12
          NatGatewayId: !If [Unknown, !Ref Nat, !Ref AWS::NoValue]
          VpcEndpointId: !If [Unknown, !Ref AWS::NoValue, !Ref NoDefault]
    """)
    model = build_model(evaluate(tmp_path, {"t.yaml": template}).resources)
    routes = {route.resource.address: route for route in model.of(Route)}
    to_tgw, to_nat, either = routes["ToTgw"], routes["ToNat"], routes["Either"]
    assert to_tgw.target_kind == "transit_gateway" and to_tgw.target.kinds == {"transit_gateway"}
    assert Routing.target(to_tgw).kind == "tgw"  # traffic leaves through a transit gateway
    assert to_nat.target_kind == "nat_gateway"  # a NAT in GatewayId is a NAT route
    assert either.target_kind is None and isinstance(Routing.target(either), Unknown)
    assert either.target.kinds == {"nat_gateway", "vpc_endpoint"}
