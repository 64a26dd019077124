"""VPC002's static reference check on CloudFormation templates with transforms."""

from __future__ import annotations

from vpclint.evaluate.references import unresolved_cloudformation

SAM = "AWS::Serverless-2016-10-31"


def _references(data: dict) -> set[str]:
    return {u.reference for u in unresolved_cloudformation("t.yaml", data, {})}


def _sam(extra_resources: dict | None = None, **sections) -> dict:
    resources = {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {}},
                 "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}},
                 **(extra_resources or {})}
    return {"Transform": SAM, "Resources": resources, **sections}


def test_sam_globals_are_checked():
    data = _sam(Globals={"Function": {"VpcConfig": {"SecurityGroupIds": [{"Ref": "OldSg"}]}}})
    assert _references(data) == {"OldSg"}


def test_sam_names_what_it_generates_after_the_generating_resource_or_serverless():
    outputs = {"Role": {"Value": {"Fn::GetAtt": ["FnRole", "Arn"]}},
               "Alias": {"Value": {"Ref": "Fn.Alias"}},
               "Url": {"Value": {"Fn::Sub": "https://${ServerlessRestApi}.example/${Sg}"}},
               "Deploy": {"Value": {"Ref": "CodeDeployServiceRole"}}}
    assert _references(_sam(Outputs=outputs)) == set()


def test_a_sam_template_still_reports_names_no_resource_generates():
    outputs = {"Typo": {"Value": {"Fn::GetAtt": ["SecurityGroup", "GroupId"]}},
               "Sub": {"Value": {"Fn::Sub": "${Sgg}"}}}
    assert _references(_sam(Outputs=outputs)) == {"SecurityGroup", "Sgg"}


def test_other_transforms_and_modules_may_generate_any_name():
    outputs = {"Any": {"Value": {"Ref": "Whatever"}}}
    with_extensions = _sam(Outputs=outputs)
    with_extensions["Transform"] = ["AWS::LanguageExtensions", SAM]
    assert _references(with_extensions) == set()
    rain = _sam({"Module": {"Type": {"Rain::Module": "m.yaml"}}}, Outputs=outputs)
    assert _references(rain) == set()
