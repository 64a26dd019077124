"""A CDK project scanned from its root: the stacks its cloud assembly (``cdk.out``) lists are
checked, each in the account and region its manifest names, and nothing else of ``cdk.out``."""

from __future__ import annotations

import json
from pathlib import Path

from vpclint.cloud_assembly import Environment
from vpclint.config import Config
from vpclint.discover import discover
from vpclint.engine import build

ENDPOINT = {"Resources": {"S3Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
    "VpcId": "vpc-0123456789abcdef0", "ServiceName": {"Fn::Join": ["", [
        "com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]},
    "PolicyDocument": {"Fn::Sub": "${AWS::AccountId}"}}}}}


def write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def stack(template: str, environment: str) -> dict:
    return {"type": "aws:cloudformation:stack", "environment": environment,
            "properties": {"templateFile": template}}


def assembly(root: Path, artifacts: dict, name: str = "cdk.out") -> Path:
    out = root / name
    write_json(out / "manifest.json", {"version": "36.0.0", "artifacts": artifacts})
    return out


def project(tmp_path: Path) -> Path:
    """A CDK app whose cdk.out holds two stacks, a stage, an asset folder and a tree."""
    out = assembly(tmp_path, {
        "Network": stack("Network.template.json", "aws://111122223333/eu-west-1"),
        "Agnostic": stack("Agnostic.template.json", "aws://unknown-account/unknown-region"),
        "Network.assets": {"type": "cdk:asset-manifest", "properties": {"file": "a.json"}},
        "assembly-Prod": {"type": "cdk:cloud-assembly",
                          "properties": {"directoryName": "assembly-Prod"}},
        "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}})
    write_json(out / "Network.template.json", ENDPOINT)
    write_json(out / "Agnostic.template.json", ENDPOINT)
    write_json(out / "asset.0a1b2c" / "template.json", ENDPOINT)  # bundled code, no stack
    prod = assembly(out, {"ProdNetwork": stack("ProdNetwork.template.json",
                                               "aws://444455556666/us-west-2")}, "assembly-Prod")
    write_json(prod / "ProdNetwork.template.json", ENDPOINT)
    (tmp_path / "cdk.json").write_text('{"app": "npx ts-node bin/app.ts"}', encoding="utf-8")
    return tmp_path


def relative(sources, root: Path) -> dict:
    return {Path(path).relative_to(root.resolve()).as_posix(): environment
            for path, environment in sources.environments.items()}


def test_a_walk_checks_the_stacks_the_manifest_lists_with_their_environments(tmp_path):
    root = project(tmp_path)
    sources = discover([str(root)])
    assert relative(sources, root) == {
        "cdk.out/Network.template.json": Environment("111122223333", "eu-west-1"),
        "cdk.out/Agnostic.template.json": Environment(None, None),
        "cdk.out/assembly-Prod/ProdNetwork.template.json": Environment("444455556666",
                                                                       "us-west-2")}
    assert sorted(sources.cloudformation) == sorted(sources.environments)  # no asset template
    [note] = sources.notes
    assert note.file.endswith("cdk.out/manifest.json")
    assert "checked the 3 synthesized stacks" in note.message and "asset" in note.message
    assert "Network (111122223333, eu-west-1)" in note.message


def test_exclude_cdk_out_turns_it_off(tmp_path):
    root = project(tmp_path)
    sources = discover([str(root)], exclude=["cdk.out"])
    assert not sources.cloudformation and not sources.notes


def test_a_cdk_out_without_a_manifest_is_left_alone(tmp_path):
    write_json(tmp_path / "cdk.out" / "Stale.template.json", ENDPOINT)
    assert not discover([str(tmp_path)]).cloudformation


def test_another_tools_manifest_does_not_stop_the_walk(tmp_path):
    write_json(tmp_path / "web" / "manifest.json", {"name": "app", "icons": []})
    write_json(tmp_path / "web" / "stack.json", ENDPOINT)
    sources = discover([str(tmp_path)])
    assert [Path(p).name for p in sources.cloudformation] == ["stack.json"]
    assert not sources.environments


def test_an_assembly_named_on_the_command_line_and_a_nesting_loop(tmp_path):
    out = assembly(tmp_path, {
        "Network": stack("Network.template.json", "aws://111122223333/eu-west-1"),
        "Self": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}},
        "Outside": stack("../elsewhere.template.json", "aws://111122223333/eu-west-1")},
        name="build")
    write_json(out / "Network.template.json", ENDPOINT)
    write_json(tmp_path / "elsewhere.template.json", ENDPOINT)
    sources = discover([str(out)])
    assert [Path(p).name for p in sources.cloudformation] == ["Network.template.json"]
    assert "(1 of the templates it lists not read)" in sources.notes[-1].message


def test_each_stack_is_evaluated_in_its_own_account_and_region(tmp_path):
    root = project(tmp_path)
    built = build([str(root)], Config(region="ap-south-1"))
    found = {Path(r.file).name: r for r in built.resources}
    network, agnostic = found["Network.template.json"], found["Agnostic.template.json"]
    assert network.region == "eu-west-1"
    assert network.values["ServiceName"] == "com.amazonaws.eu-west-1.s3"
    assert network.values["PolicyDocument"] == "111122223333"
    assert found["ProdNetwork.template.json"].values["ServiceName"] == \
        "com.amazonaws.us-west-2.s3"
    # an environment-agnostic stack deploys where --region says
    assert agnostic.values["ServiceName"] == "com.amazonaws.ap-south-1.s3"


def test_a_cdk_nested_stack_is_read_from_its_synthesized_template(tmp_path):
    out = assembly(tmp_path, {"App": stack("App.template.json", "aws://111122223333/eu-west-1")})
    write_json(out / "App.template.json", {"Resources": {"EndpointsNested": {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": {"Fn::Join": ["", ["https://s3.eu-west-1.", {
            "Ref": "AWS::URLSuffix"}, "/cdk-assets/7c1e.json"]]}},
        "Metadata": {"aws:asset:path": "AppEndpoints.nested.template.json"}}}})
    write_json(out / "AppEndpoints.nested.template.json", ENDPOINT)
    built = build([str(tmp_path)], Config())
    [endpoint] = [r for r in built.resources if r.type == "AWS::EC2::VPCEndpoint"]
    assert endpoint.address == "EndpointsNested/S3Endpoint"
    assert endpoint.values["ServiceName"] == "com.amazonaws.eu-west-1.s3"
    assert endpoint.scope == str((out / "App.template.json").resolve())
