"""Values that CloudFormation's evaluator finds awkward: wrong types, huge sizes, intrinsic
functions with broken arguments, references to nothing or to the resource itself, and nesting
too deep to walk.
"""

from __future__ import annotations

from typing import Any

from .document import Document
from .nesting import DEPTHS, deep_text

GETATT_NAMES = ["VpcId", "Arn", "Id", "CidrBlock", "GroupId", "RouteTableId", "SubnetId",
                "DnsEntries", "NetworkInterfaceIds", "LoadBalancerArn", "DNSName", "Outputs.X",
                "", ".", "A.B.C"]


def weird_value(doc: Document, data: Any) -> Any:
    """A value to put anywhere in the template, naming its resources where it refers to one."""
    rng = doc.rng
    names = list(data.get("Resources") or {}) if isinstance(data, dict) and isinstance(
        data.get("Resources"), dict) else []
    name = rng.choice(names) if names else "Nope"
    other = rng.choice(names) if names else "Nope"
    plain = [None, True, False, 0, -1, 2 ** 64, 10 ** 400, 1e308, float("inf"), float("nan"),
             -0.0, "", " ", "*", "\x00", "a" * 100_000, "${", "${AWS::Region}",
             "{{resolve:ssm:/x}}", "0.0.0.0/0", "::/0", "10.0.0.0/33", "999.1.1.1/8",
             "vpc-123", "com.amazonaws.us-east-1.s3", "AWS::NoValue", [], {}, [None], [[]],
             {"": None}, ["a"] * 10_000, {str(i): i for i in range(2000)}, "Interface",
             "Gateway", "GatewayLoadBalancer", "AWS_IAM", "NONE", "true", "false", "yes"]
    intrinsics = [
        ("Ref", name), ("Ref", "AWS::NoValue"), ("Ref", None), ("Ref", []),
        ("Ref", "AWS::Region"),
        ("Ref", "AWS::NotificationARNs"), ("Ref", "AWS::AccountId"), ("Ref", "Nope"),
        ("Fn::GetAtt", [name, rng.choice(GETATT_NAMES)]), ("Fn::GetAtt", "x"),
        ("Fn::GetAtt", [1, 2, 3]), ("Fn::GetAtt", [other, "VpcId"]), ("Fn::GetAtt", {}),
        ("Fn::If", []), ("Fn::If", ["Nope", 1, 2]), ("Fn::If", ["Nope", {"Ref": name}]),
        ("Fn::Join", [",", {"Ref": "AWS::NotificationARNs"}]), ("Fn::Join", ["", "x"]),
        ("Fn::Join", [{"Ref": name}, [{"Ref": name}]]), ("Fn::Select", [-1, []]),
        ("Fn::Select", [100000000, {"Fn::GetAZs": ""}]), ("Fn::Select", ["1", "a,b"]),
        ("Fn::Split", ["", "abc"]), ("Fn::Split", [",", {"Ref": name}]),
        ("Fn::Sub", ["${x}", {"x": {"Fn::Sub": "${x}"}}]), ("Fn::Sub", f"${{{name}.VpcId}}"),
        ("Fn::Sub", "${!Literal}${AWS::Region}${" + name + "}${Nope.Nope}${"),
        ("Fn::Sub", [f"${{{name}}}", {name: {"Fn::Sub": f"${{{name}}}"}}]),
        ("Fn::Base64", {}), ("Fn::Cidr", ["10.0.0.0/8", 100000000, 8]),
        ("Fn::Cidr", ["::/0", 256, 128]), ("Fn::Cidr", [{"Fn::GetAtt": [name, "CidrBlock"]},
                                                        6, 5]),
        ("Fn::Cidr", ["10.0.0.0/16", -1, 200]), ("Fn::GetAZs", 7), ("Fn::GetAZs", "xx-fake-1"),
        ("Fn::ImportValue", {"Fn::Sub": "${AWS::StackName}-x"}), ("Fn::ImportValue", [1]),
        ("Fn::FindInMap", ["a", "b"]), ("Fn::FindInMap", [{"Ref": "AWS::Region"}, 1, 2,
                                                          {"DefaultValue": 3}]),
        ("Condition", "Nope"), ("Fn::Equals", [1]), ("Fn::Not", [{"Fn::Not": [True]}]),
        ("Fn::And", []), ("Fn::Or", [{"Condition": "Nope"}] * 11),
        ("Fn::Length", {"Ref": "AWS::NotificationARNs"}), ("Fn::ToJsonString", {"a": [1]}),
        ("Fn::Transform", {"Name": "AWS::Include", "Parameters": {"Location": "/dev/zero"}}),
        ("Fn::Nope", 1), ("Fn::GetAtt", [name, "Outputs." + name]),
        ("Fn::If", [name, {"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}]),
    ]
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(plain)
    if roll < 0.85:
        key, value = rng.choice(intrinsics)
        return doc.intrinsic(key, value)
    if roll < 0.95:
        depth = rng.choice(DEPTHS[doc.flavour])
        return doc.placeholder(deep_text(rng, doc.flavour, depth, flow=True))
    # several intrinsics side by side in one map: not a valid intrinsic
    return {"Ref": name, "Fn::GetAtt": [name, "VpcId"]}
