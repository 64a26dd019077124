"""Structured operations that know CloudFormation: resources and conditions that refer to
themselves or each other, a type swapped, a nested stack that includes its own template, odd
suppression metadata, ``Fn::ForEach`` loops and parameters with awkward constraints.
"""

from __future__ import annotations

from typing import Any

from .context import Skip
from .document import Document, show, template_resources
from .weird_values import GETATT_NAMES

CFN_TYPES = ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route",
             "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::VPCEndpoint",
             "AWS::EC2::VPCEndpointService", "AWS::EC2::VPCEndpointServicePermissions",
             "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
             "AWS::EC2::SecurityGroupEgress", "AWS::EC2::NatGateway", "AWS::EC2::InternetGateway",
             "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::NetworkAcl", "AWS::EC2::Instance",
             "AWS::ElasticLoadBalancingV2::LoadBalancer",
             "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::Listener",
             "AWS::VpcLattice::ServiceNetwork",
             "AWS::VpcLattice::Service", "AWS::VpcLattice::Listener",
             "AWS::VpcLattice::TargetGroup", "AWS::VpcLattice::ServiceNetworkVpcAssociation",
             "AWS::VpcLattice::ServiceNetworkServiceAssociation", "AWS::VpcLattice::AuthPolicy",
             "AWS::VpcLattice::ResourceGateway", "AWS::VpcLattice::ResourceConfiguration",
             "AWS::Lambda::Function", "AWS::ECS::Service", "AWS::RDS::DBInstance",
             "AWS::CloudFormation::Stack", "AWS::Serverless::Function", "AWS::", "AWS::EC2::VPC::X",
             "Custom::Thing", "Module::X::Y::MODULE"]


def self_reference(doc: Document, data: Any) -> str:
    resources = template_resources(data)
    name = doc.rng.choice(list(resources))
    body = resources[name]
    if not isinstance(body, dict):
        raise Skip
    props = body.get("Properties")
    if not isinstance(props, dict):
        props = body["Properties"] = {}
    attr = doc.rng.choice(GETATT_NAMES)
    key = doc.rng.choice(list(props) + ["VpcId", "SubnetIds", "RouteTableIds",
                                        "SecurityGroupIds", "GroupId", "ServiceName",
                                        "PolicyDocument", "TargetGroupArn"])
    ref = doc.rng.choice([
        doc.intrinsic("Fn::GetAtt", [name, attr]), {"Ref": name}, [{"Ref": name}],
        doc.intrinsic("Fn::Sub", f"${{{name}.{attr}}}"),
        doc.intrinsic("Fn::Select", [0, doc.intrinsic("Fn::GetAtt", [name, attr])]),
        doc.intrinsic("Fn::If", ["Nope", {"Ref": name}, doc.intrinsic(
            "Fn::GetAtt", [name, attr])])])
    props[key] = ref
    if doc.rng.random() < 0.3:
        body["DependsOn"] = [name]
    return f"{name}.Properties.{key} refers to {name} itself"


def mutual_reference(doc: Document, data: Any) -> str:
    resources = template_resources(data)
    kind = doc.rng.choice(["AWS::EC2::Subnet", "AWS::EC2::SecurityGroup",
                           "AWS::EC2::RouteTable", "AWS::EC2::VPCEndpoint",
                           "AWS::VpcLattice::Service", "AWS::EC2::VPC"])
    for a, b in (("FzA", "FzB"), ("FzB", "FzA")):
        resources[a] = {"Type": kind, "Properties": {
            "VpcId": doc.intrinsic("Fn::GetAtt", [b, "VpcId"]),
            "CidrBlock": doc.intrinsic("Fn::GetAtt", [b, "CidrBlock"]),
            "SubnetIds": [{"Ref": b}], "RouteTableIds": [{"Ref": b}],
            "SecurityGroupIds": [doc.intrinsic("Fn::GetAtt", [b, "GroupId"])],
            "SecurityGroupIngress": [{"SourceSecurityGroupId": {"Ref": b},
                                      "IpProtocol": "-1"}],
            "ServiceName": doc.intrinsic("Fn::Sub", f"${{{b}.ServiceName}}")},
            "DependsOn": b}
    return f"two {kind} FzA and FzB refer to each other"


def type_swap(doc: Document, data: Any) -> str:
    resources = template_resources(data)
    name = doc.rng.choice(list(resources))
    if not isinstance(resources[name], dict):
        raise Skip
    new = doc.rng.choice(CFN_TYPES + [None, 1, ["AWS::EC2::VPC"], {"Ref": name}])
    resources[name]["Type"] = new
    return f"{name}.Type = {new!r}"


def conditions_cycle(doc: Document, data: Any) -> str:
    if not isinstance(data, dict):
        raise Skip
    conditions = {"FzA": doc.intrinsic("Fn::And", [{"Condition": "FzB"},
                                                   {"Condition": "FzA"}]),
                  "FzB": doc.intrinsic("Fn::Not", [{"Condition": "FzA"}]),
                  "FzC": doc.intrinsic("Fn::Equals", [{"Ref": "FzParam"},
                                                      {"Fn::If": ["FzC", 1, 2]}])}
    if isinstance(data.get("Conditions"), dict):
        data["Conditions"].update(conditions)
    else:
        data["Conditions"] = conditions
    for body in list((data.get("Resources") or {}).values())[:5] \
            if isinstance(data.get("Resources"), dict) else []:
        if isinstance(body, dict):
            body["Condition"] = doc.rng.choice(["FzA", "FzB", "FzC", "Nope"])
    return "conditions FzA, FzB, FzC that depend on each other"


def nested_stack_of_itself(doc: Document, data: Any) -> str:
    if not isinstance(data, dict):
        raise Skip
    own = doc.ctx.name.rsplit("/", 1)[-1]
    url = doc.rng.choice([f"./{own}", own, f"../{doc.ctx.directory_name}/{own}",
                          "fz_child.yaml", "/dev/zero", "/", ".", "../" * 30 + "etc/passwd",
                          "x" * 5000, "https://s3.amazonaws.com/b/t.yaml",
                          {"Fn::Sub": f"./{own}"}])
    resources = data.setdefault("Resources", {})
    if not isinstance(resources, dict):
        raise Skip
    resources["FzStack"] = {"Type": "AWS::CloudFormation::Stack",
                            "Properties": {"TemplateURL": url,
                                           "Parameters": {"P": {"Ref": "FzStack"}}}}
    if url == "fz_child.yaml":
        doc.ctx.siblings["fz_child.yaml"] = (
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Back:\n"
            "    Type: AWS::CloudFormation::Stack\n    Properties:\n"
            f"      TemplateURL: ./{own}\n").encode()
    return f"nested stack FzStack with TemplateURL {str(url)[:60]!r}"


def odd_suppression(doc: Document, data: Any) -> str:
    if not isinstance(data, dict):
        raise Skip
    weird = doc.rng.choice([None, "VPC101", [None], [{"id": None}], [{"id": ["VPC101"]}],
                            [{"id": "VPC101", "reason": {"a": 1}}], [{"nope": 1}],
                            {"id": "VPC101"}, [{"id": "VPC" * 1000}], [1, 2, 3],
                            [{"id": "VPC1"}, {"id": "not-a-rule"}]])
    target = data
    resources = data.get("Resources")
    if isinstance(resources, dict) and resources and doc.rng.random() < 0.7:
        name = doc.rng.choice(list(resources))
        if isinstance(resources[name], dict):
            target = resources[name]
    target["Metadata"] = doc.rng.choice([{"vpclint": {"ignore": weird}}, {"vpclint": weird},
                                         weird])
    return f"Metadata vpclint ignore = {str(weird)[:60]}"


def for_each_loop(doc: Document, data: Any) -> str:
    if not isinstance(data, dict):
        raise Skip
    resources = data.setdefault("Resources", {})
    if not isinstance(resources, dict):
        raise Skip
    data["Transform"] = doc.rng.choice([
        "AWS::LanguageExtensions", ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"],
        "AWS::Serverless-2016-10-31", {"Name": "AWS::Include"}])
    collection = doc.rng.choice([["a", "b"], [str(i) for i in range(5000)], {"Ref": "FzList"},
                                 [], "a", {"Fn::Split": [",", "a,b"]}])
    inner = {"Fn::ForEach::Inner": ["Y", ["1", "2"], {"FzSub${X}${Y}": {
        "Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "FzSub${X}${Y}"}}}}]}
    resources["Fn::ForEach::Fz"] = ["X", collection, doc.rng.choice([
        {"FzSub${X}": {"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": {"Fn::GetAtt": ["FzSub${X}", "VpcId"]}, "CidrBlock": "${X}"}}},
        inner, {}, "x"])]
    return "Fn::ForEach over " + str(collection)[:40]


def odd_parameter(doc: Document, data: Any) -> str:
    if not isinstance(data, dict):
        raise Skip
    params = data.get("Parameters")
    if not isinstance(params, dict):
        params = data["Parameters"] = {}
    params["FzParam"] = doc.rng.choice([
        {"Type": "String", "AllowedPattern": "(a+)+$", "Default": "a" * 40 + "!"},
        {"Type": "String", "AllowedPattern": "[", "Default": "x"},
        {"Type": "CommaDelimitedList", "Default": ",,," * 1000},
        {"Type": "List<AWS::EC2::Subnet::Id>", "Default": ["a", {"Ref": "FzParam"}]},
        {"Type": "Number", "Default": "1e999", "MinValue": "x", "MaxValue": []},
        {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/x"},
        {"Type": "String", "Default": {"Ref": "FzParam"}},
        {"Type": ["String"], "AllowedValues": "a"}, {"Type": "Nope"}, None, "x",
        {"Type": "String", "Default": "a" * 1_000_000}])
    params["FzList"] = {"Type": "CommaDelimitedList", "Default": "a,b"}
    container, key, path = doc.pick_slot(data)
    container[key] = doc.rng.choice([{"Ref": "FzParam"}, {"Ref": "FzList"},
                                     doc.intrinsic("Fn::Sub", "${FzParam}")])
    return f"parameter FzParam used at {show(path)}"
