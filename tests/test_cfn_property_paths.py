"""Every CloudFormation property path vpclint reads exists, spelt as the resource schema spells it.

CloudFormation property names are case-sensitive and not always PascalCase
(``AWS::VpcLattice::ServiceNetwork`` ``SharingConfig.enabled``). A path that the schema does not
have is never present in a valid template, so the field it fills is always empty and the rules
that read it go silent without a trace: only this test notices. The paths are checked against
the CloudFormation resource provider schemas that cfn-lint ships (a test-only dependency); the
test skips when cfn-lint is not installed.

Paths are those of ``vpclint.model.specs`` (the component tables, route targets and
destinations) and ``READ_BY_HAND``: the properties that the model builder, the flow analysis and
the rules read by name in code. ``test_properties_read_by_hand_are_listed`` keeps that list
honest: a PascalCase name the model builder uses, or that the model, the analysis or a rule reads
with ``.get()``, must be in it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vpclint.model import specs

ROOT = Path(__file__).resolve().parents[1]

_SG_COMMON = ("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6")
_INGRESS = _SG_COMMON + ("SourcePrefixListId", "SourceSecurityGroupId")
_EGRESS = _SG_COMMON + ("DestinationPrefixListId", "DestinationSecurityGroupId")
_CONTAINER = tuple(f"ContainerDefinitions[].{path}" for path in (
    "Name", "Image", "LogConfiguration.LogDriver", "Secrets[].ValueFrom", "Environment[].Value",
    "PortMappings[].Name", "PortMappings[].ContainerPort"))

# Resource type -> the paths read in code rather than through the specs tables (where).
READ_BY_HAND: dict[str, tuple[str, ...]] = {
    # model/build.py: inline rules, separate rule resources, endpoint defaults
    "AWS::EC2::SecurityGroup": tuple(f"SecurityGroupIngress[].{k}" for k in _INGRESS)
    + tuple(f"SecurityGroupEgress[].{k}" for k in _EGRESS),
    "AWS::EC2::SecurityGroupIngress": ("GroupId",) + _INGRESS,
    "AWS::EC2::SecurityGroupEgress": ("GroupId",) + _EGRESS,
    "AWS::EC2::VPCEndpoint": ("VpcEndpointType", "PrivateDnsEnabled", "ServiceRegion"),
    # model/build.py inline targets; rules/vpc209 (AvailabilityZone)
    "AWS::ElasticLoadBalancingV2::TargetGroup": ("Targets[].Id", "Targets[].Port",
                                                 "Targets[].AvailabilityZone"),
    "AWS::VpcLattice::TargetGroup": ("Targets[].Id", "Targets[].Port",
                                     "Config.LambdaEventStructureVersion"),  # rules/vpc210
    # model/build.py: the names IAM policies, instances and auto-scaling groups use for roles,
    # instance profiles, launch templates and launch configurations
    "AWS::IAM::Role": ("RoleName",),
    "AWS::IAM::InstanceProfile": ("InstanceProfileName",),
    "AWS::EC2::LaunchTemplate": ("LaunchTemplateName", "LaunchTemplateData"),
    "AWS::AutoScaling::LaunchConfiguration": ("LaunchConfigurationName",),
    # analyze/usage.py, rules/vpc211, rules/vpc307: container definitions
    "AWS::ECS::TaskDefinition": _CONTAINER,
    # rules/vpc214: what a resource configuration's DNS resource resolves
    "AWS::VpcLattice::ResourceConfiguration": (
        "ResourceConfigurationDefinition.DnsResource.DomainName",
        "ResourceConfigurationDefinition.DnsResource.IpAddressType",
        "ResourceConfigurationDefinition.IpResource", "AllowAssociationToSharableServiceNetwork"),
    # model/build.py: SAM's own Policies (the SAM schema that cfn-lint ships); what the code of
    # a function or instance is given, handed to the unseen
    "AWS::Serverless::Function": ("Policies", "Environment", "InlineCode"),
    "AWS::Lambda::Function": ("Environment", "Code"),
    "AWS::EC2::Instance": ("UserData",),
}

# PascalCase names in that code that are not resource properties: type names, the keys of IAM
# policy documents, and rules/vpc215's ``IpAddress``, read only where a definition is an
# object (CloudFormation's ``IpResource`` is a string).
_NOT_PROPERTIES = {"Link", "Links", "Statement", "Effect", "Action", "Principal", "Resource",
                   "Condition", "IpAddress"}


def _route_paths() -> tuple[str, ...]:
    return tuple(specs.ROUTE_TARGETS["cloudformation"]) + \
        tuple(specs.ROUTE_DESTINATIONS["cloudformation"])


def _paths_read() -> list[tuple[str, str, str]]:
    """(resource type, path, what reads it) for every CloudFormation path vpclint reads."""
    found = []
    for kind, (_, fields) in specs.CLOUDFORMATION.items():
        for name, spec in fields.items():
            for path in spec.split(":", 1)[0].split("|"):
                found.append((kind, path, f"specs.CLOUDFORMATION field {name}"))
    found += [("AWS::EC2::Route", path, "specs.ROUTE_TARGETS / ROUTE_DESTINATIONS")
              for path in _route_paths()]
    found += [(kind, path, "READ_BY_HAND") for kind, paths in READ_BY_HAND.items()
              for path in paths]
    return found


@pytest.fixture(scope="module")
def schemas():
    manager = pytest.importorskip("cfnlint.schema",
                                  reason="cfn-lint (resource schemas) is not installed")
    exceptions = pytest.importorskip("cfnlint.schema._exceptions")

    def schema(kind: str) -> dict | None:
        try:
            return manager.PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", kind).schema
        except exceptions.ResourceNotFoundError:
            return None

    return schema


def _resolve(node: dict, root: dict) -> list[dict]:
    """``node`` with ``$ref`` followed, and each branch of its ``oneOf`` / ``anyOf`` /
    ``allOf`` (a property may be spelt in any one of them)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 50:
        target: dict = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node, seen = target, seen + 1
    if not isinstance(node, dict):
        return []
    found = [node]
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(key, []):
            found.extend(_resolve(branch, root))
    return found


def _problem(schema: dict, path: str) -> str | None:
    """Why ``path`` (``A.B``, ``A[].B``) is not in ``schema``, or None when it is."""
    nodes = [{"properties": schema.get("properties", {})}]
    for step in path.split("."):
        name, each = (step[:-2], True) if step.endswith("[]") else (step, False)
        found = [branch["properties"][name] for node in nodes for branch in _resolve(node, schema)
                 if name in branch.get("properties", {})]
        if not found:
            return f"has no property {name!r} there"
        if each:
            found = [branch.get("items", {}) for node in found for branch in _resolve(node, schema)
                     if branch.get("type") == "array" or "items" in branch]
            if not found:
                return f"{name!r} is not a list"
        nodes = found
    return None


def test_every_cloudformation_property_path_is_spelt_as_its_schema(schemas):
    wrong = []
    for kind, path, reader in _paths_read():
        schema = schemas(kind)
        if schema is None:
            wrong.append(f"{kind}: no resource schema (a misspelt type?) ({reader})")
            continue
        problem = _problem(schema, path)
        if problem:
            wrong.append(f"{kind} {path}: {problem} ({reader})")
    assert not wrong, "\n".join(wrong)


def test_the_check_catches_a_misspelt_path(schemas):
    schema = schemas("AWS::VpcLattice::ServiceNetwork")
    assert _problem(schema, "SharingConfig.enabled") is None
    assert _problem(schema, "SharingConfig.Enabled") is not None
    assert _problem(schemas("AWS::EC2::SecurityGroup"), "SecurityGroupIngress.IpProtocol") \
        is not None  # a list read without []


_PASCAL = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*")


def _read_by_hand_names() -> set[str]:
    return {part.removesuffix("[]") for paths in READ_BY_HAND.values() for path in paths
            for part in path.split(".")}


def _literals(tree: ast.AST, only_get: bool) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if only_get:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "get" and node.args and \
                    isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
        elif isinstance(node, ast.Constant):
            found.add(node.value)
    return {value for value in found if isinstance(value, str) and _PASCAL.fullmatch(value)}


def test_properties_read_by_hand_are_listed():
    listed = _read_by_hand_names() | _NOT_PROPERTIES
    builder = ast.parse((ROOT / "vpclint/model/build.py").read_text(encoding="utf-8"))
    missing = {("vpclint/model/build.py", name) for name in _literals(builder, False) - listed}
    for path in sorted([*ROOT.glob("vpclint/model/*.py"), *ROOT.glob("vpclint/analyze/*.py"),
                        *ROOT.glob("rules/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        missing |= {(path.relative_to(ROOT).as_posix(), name)
                    for name in _literals(tree, True) - listed}
    assert not missing, f"PascalCase names read in code but not in READ_BY_HAND: {missing}"
