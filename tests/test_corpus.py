"""vpclint over the real-world corpus in ../shared/corpus: no crash, valid SARIF, honest VPC001.

The corpus is read-only public code beside the repository; these tests skip when it is absent
(a fresh clone), so they never make CI depend on it being there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpclint.analyze import Verdict, analyze
from vpclint.config import Config
from vpclint.engine import build, scan
from vpclint.model.components import LatticeTargetGroup, Subnet
from vpclint.model.workloads import Workload
from vpclint.reporters import render

SHARED = (Path(__file__).resolve().parents[1].parent / "shared").resolve()
CORPUS = SHARED / "corpus"
SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

# Every corpus file vpclint cannot parse, reviewed by hand: each is really malformed.
MALFORMED = {
    # cfn-lint's deliberately broken JSON fixture: a missing ':' on line 5
    ("aws-cloudformation__cfn-lint/test/fixtures/templates/bad/json_parse.json", 5),
    # `Tags:` declared twice in VpcLatticeLambdaTargetGroup (cfn-lint E0000); line of the second
    # (the template is analysed with the last value all the same)
    ("aws-samples__vpc-lattice-strangler-cfn-templates/cfn-lattice-basic.yaml", 72),
}

# Workloads whose subnets a Rain module (RainModules/vpc.yml) or an Fn::ForEach loop creates:
# evaluated, their subnets are known.
_SOLUTIONS = "aws-cloudformation__aws-cloudformation-templates/Solutions/"
_BLUEPRINTS = "aws-samples__amazon-vpc-lattice-blueprints/patterns/1-simple_architectures/"
PLACED_THROUGH_MODULES_AND_LOOPS = {
    *((f"{_SOLUTIONS}{path}.{suffix}", workload) for suffix in ("yaml", "json")
      for path, workload in (("GitLab/GitLabServer", "Server"), ("Gitea/Gitea", "Server"),
                             ("VSCode/VSCodeServer", "Server"),
                             ("GitLabAndVSCode/GitLabAndVSCode", "GitLabServer"),
                             ("GitLabAndVSCode/GitLabAndVSCode", "VSCodeServer"))),
    (f"{_BLUEPRINTS}2-auto_scaling_group/cloudformation/provider.yaml", "WebASG"),
    (f"{_BLUEPRINTS}4-ecs/cloudformation/provider.yaml", "ECSService"),
}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")


@pytest.fixture(scope="module")
def corpus_result():
    return scan([str(CORPUS)], Config(), root=CORPUS)


def test_corpus_scans_without_internal_errors(corpus_result):
    assert corpus_result.internal_errors == 0
    assert corpus_result.files_scanned > 500


def test_every_parse_error_is_a_really_malformed_file(corpus_result):
    found = {(Path(f.location.file).relative_to(CORPUS).as_posix(), f.location.line)
             for f in corpus_result.findings if f.rule.id == "VPC001"}
    assert found == MALFORMED


@pytest.mark.skipif(not SCHEMA.is_file(), reason="SARIF schema not in ../shared/schemas")
def test_corpus_sarif_validates_against_the_official_schema(corpus_result):
    jsonschema = pytest.importorskip("jsonschema")
    sarif = json.loads(render(corpus_result, "sarif"))
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))
    for result in sarif["runs"][0]["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri and not uri.startswith(("/", "./"))


def _at(corpus_result, rule: str, file: str, line: int):
    found = [f for f in corpus_result.active if f.rule.id == rule and f.location.line == line
             and Path(f.location.file).relative_to(CORPUS).as_posix() == file]
    assert len(found) == 1, (rule, file, line)
    return found[0]


def test_a_finding_in_a_module_relates_the_callers_argument_and_names_its_root(corpus_result):
    lattice = "aws-ia__terraform-aws-amazon-vpc-lattice-module"
    finding = _at(corpus_result, "VPC403", f"{lattice}/main.tf", 8)
    assert [(Path(o.span.file).relative_to(CORPUS).as_posix(), o.span.line)
            for o in finding.origins] == [(f"{lattice}/examples/ram_share/main.tf", 14)]
    # main.tf is the module of every example root: the instance says which one this is
    assert finding.instances == [
        "module.vpclattice_service_network_share.aws_vpclattice_service_network."
        f"lattice_service_network[0] in {lattice}/examples/ram_share"]


def test_modules_taking_each_others_independent_outputs_are_no_cycle(corpus_result):
    # the security group takes module.vpc's VPC id; module.vpc takes the group's id
    assert not [n for n in corpus_result.notes if "cyclic reference" in n.message and
                "aws-ia__terraform-aws-vpc/examples/vpc_lattice" in Path(n.file).as_posix()]


def test_workloads_placed_through_rain_modules_and_loops_have_known_subnets():
    workloads = {(Path(w.resource.file).relative_to(CORPUS).as_posix(), w.resource.address): w
                 for w in build([str(CORPUS)], Config()).model.of(Workload)}
    for key in sorted(PLACED_THROUGH_MODULES_AND_LOOPS):
        subnets = workloads[key].subnets
        assert subnets.items and not subnets.open, key
        assert all(isinstance(subnet, Subnet) for subnet in subnets), key

# Findings reviewed by hand on the corpus: a true positive that must stay, a false positive that
# must not come back.
_EC2_CLUSTERS = "aws-cloudformation__aws-cloudformation-templates/ECS/EC2LaunchType/clusters"
_CHECKOV_ACCEPTANCE = ("bridgecrewio__checkov/tests/cloudformation/checks/resource/aws/"
                      "example_VPCEndpointAcceptanceConfigured/")
REVIEWED_PRESENT = {
    # examples/issues: the NAT gateway of the third private route table sits in the first AZ of
    # data.aws_availability_zones (element() wraps over two public subnets), and the table serves
    # the database subnet of the third AZ ("asymmetrical"; "single NAT" for issue 108)
    ("VPC216", "terraform-aws-modules__terraform-aws-vpc/main.tf", 1263),
    # ECS/EC2LaunchType/clusters/private-vpc.json, the JSON twin of private-vpc.yaml: its
    # auto-scaling group is launched from a LaunchConfiguration whose instance profile's role
    # pulls from ECR and reads S3; S3 leaves through each AZ's NAT (the routes PrivateRouteOne at
    # :304 and PrivateRouteTwo at :335, pointed at on their NatGatewayId) and ECR too (the ASG)
    *(("VPC301", f"{_EC2_CLUSTERS}/private-vpc.json", line) for line in (311, 342)),
    ("VPC304", f"{_EC2_CLUSTERS}/private-vpc.json", 448),
    # endpoint services with no load balancer: EC2 refuses to create them
    *{("VPC104", f"{_CHECKOV_ACCEPTANCE}{file}", line)
      for file, line in (("FAIL.yaml", 3), ("FAIL.yaml", 5), ("PASS.yaml", 3))},
}
REVIEWED_ABSENT = {
    # every AWS_IAM service of the examples passes its own auth_policy (a jsonencode result,
    # never null), so the module's open default policy is not created for any of them
    ("VPC404", "tfstack__terraform-aws-vpc-lattice/modules/auth-policies/main.tf", 39),
    # ...nor again as services allowing no principal: one defect, one finding
    *{("VPC115", f"{_CHECKOV_ACCEPTANCE}{file}", line)
      for file, line in (("FAIL.yaml", 3), ("FAIL.yaml", 5), ("PASS.yaml", 3))},
    # an ECS container's DependsOn condition (START) names no template condition
    ("VPC002", "aws-cloudformation__cfn-lint/test/fixtures/templates/bad/"
     "resources_circular_dependency.yaml", 255),
}


def test_reviewed_findings_stay_as_reviewed(corpus_result):
    found = {(f.rule.id, Path(f.location.file).relative_to(CORPUS).as_posix(), f.location.line)
             for f in corpus_result.active}
    assert REVIEWED_PRESENT <= found
    assert not REVIEWED_ABSENT & found


LATTICE_MODULE = "aws-ia__terraform-aws-amazon-vpc-lattice-module"
# Findings that an unrelated module vpclint cannot read used to hide, by making the whole root
# module opaque (a tags or label module from the registry, never initialised): it is handed
# nothing these components could be linked through.
UNHIDDEN = {
    # the S3 gateway endpoint has no policy (its CloudFormation twin is reported too)
    ("VPC402", "aws-samples__amazon-vpc-lattice-blueprints/patterns/tf_modules/vpc_endpoints/"
     "main.tf", 27),
    # services created beside the module, given no listener and no service network
    *{(rule, f"{LATTICE_MODULE}/examples/dns_configuration/main.tf", line)
      for rule in ("VPC108", "VPC110") for line in (60, 66, 90)},
    # the services the module creates for that example, likewise
    ("VPC108", f"{LATTICE_MODULE}/main.tf", 56), ("VPC110", f"{LATTICE_MODULE}/main.tf", 56),
    # Lambda target groups that listeners forward to, with no target registered
    ("VPC109", f"{LATTICE_MODULE}/main.tf", 165),
}


def _found(corpus_result) -> dict:
    return {(f.rule.id, Path(f.location.file).relative_to(CORPUS).as_posix(), f.location.line): f
            for f in corpus_result.findings}


def _addresses(finding) -> set[str]:
    """The instances a finding stands for, without the root module that names them."""
    return {instance.split(" in ")[0] for instance in finding.instances}


def test_what_an_unrelated_unread_module_hid_is_reported(corpus_result):
    found = _found(corpus_result)
    assert UNHIDDEN <= set(found)
    assert {"module.dns_resolution_example1.aws_vpclattice_service.lattice_service[\"service1\"]",
            "module.dns_resolution_example1.aws_vpclattice_service.lattice_service[\"service3\"]",
            "module.dns_resolution_example3.aws_vpclattice_service.lattice_service[\"service5\"]"
            } <= _addresses(found[("VPC108", f"{LATTICE_MODULE}/main.tf", 56)])
    # examples/service/main.tf:114 forwards to target1, :144-145 to target2 and target3
    assert {f"module.service_{listener}.aws_vpclattice_target_group.lambda_lattice_target_group"
            f"[\"{group}\"]" for listener, group in (("httplistener", "target1"),
                                                     ("httpslistener", "target2"),
                                                     ("httpslistener", "target3"))
            } <= _addresses(found[("VPC109", f"{LATTICE_MODULE}/main.tf", 165)])


_CENTRAL = ("aws-samples__amazon-vpc-lattice-blueprints/patterns/3-advanced_architectures/"
            "3-centralized_vpc_endpoints/")


def test_agents_behind_vpc_lattice_are_not_reported(corpus_result):
    """consumer.yaml: SSM-managed instances with no NAT, in a VPC whose service network
    association has private DNS for *.amazonaws.com, and whose network holds resource
    configurations (with private DNS) passed in as parameters from vpc_endpoints.yaml, where
    each is named for ssm, ssmmessages or ec2messages. Which names they carry is not known in
    consumer.yaml: the agents' flows are UNKNOWN through Lattice, and VPC307 is silent. (The
    Terraform twin places its instances with a registry module that is not installed: their
    subnets are not known, and nothing is reported either.)"""
    assert not [f for f in corpus_result.findings if f.rule.id == "VPC307"
                and Path(f.location.file).relative_to(CORPUS).as_posix().startswith(_CENTRAL)]
    flows = analyze(build([str(CORPUS / _CENTRAL / "cloudformation")], Config()).model).flows
    agents = {(f.workload.address, f.service): f for f in flows}
    assert set(agents) == {(i, s) for i in ("Instancea", "Instanceb")
                           for s in ("ssm", "ssmmessages", "ec2messages")}
    for flow in agents.values():
        assert flow.verdict is Verdict.UNKNOWN
        assert flow.reason == (f"VPC Lattice may answer {flow.service}'s name in this VPC: a "
                               "resource configuration of service network "
                               "VpcLatticeServiceNetwork is not known")


# --- workload and usage recall -----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_analysis():
    model = build([str(CORPUS)], Config()).model
    return model, analyze(model)


def _workload(model, file: str, address: str) -> Workload:
    return next(w for w in model.of(Workload) if w.address == address
                and Path(w.resource.file).relative_to(CORPUS).as_posix() == file)


@pytest.mark.parametrize("file", [f"{_SOLUTIONS}{path}-pkg.{suffix}" for suffix in ("yaml", "json")
                                  for path in ("Gitea/Gitea", "GitLab/GitLabServer",
                                               "VSCode/VSCodeServer")])
def test_an_inline_role_policy_resource_is_read(corpus_analysis, file):
    # the Server's role gets its only permissions from an AWS::IAM::RolePolicy
    model, analysis = corpus_analysis
    usage = analysis.usage[id(_workload(model, file, "Server"))]
    assert {"ssm", "ssmmessages", "ec2messages", "secretsmanager"} <= set(usage.services)


def test_an_asg_launched_from_a_launch_configuration_follows_its_instance_profile(
        corpus_analysis):
    model, analysis = corpus_analysis
    flows = {suffix: {(f.subnet.address, f.service): f.verdict
                      for f in _flows_of(analysis, _workload(
                          model, f"{_EC2_CLUSTERS}/private-vpc.{suffix}", "ECSAutoScalingGroup"))}
             for suffix in ("json", "yaml")}
    assert len(flows["json"]) == 14 and flows["json"] == flows["yaml"]


def _flows_of(analysis, workload):
    return [flow for flow in analysis.flows if flow.workload is workload]


_GWLB = "aws-samples__aws-gateway-load-balancer-code-samples"
_CENTRALIZED = "aws-cloudformation/centralized_architecture"
_APPLIANCES = {
    f"{_CENTRALIZED}/CentralizedArchitectureApplianceVpc2Az.yaml": {"ec2"},
    f"{_CENTRALIZED}/nested-stack/ApplianceVpc2Az.yaml": {"ec2"},
    f"{_CENTRALIZED}/centralized_architecture_patterns/onpremises_vpc/"
    "CentralizedArchitectureInspectionVpc2Az.yaml": {"ec2", "ec2messages", "ssm", "ssmmessages"},
}


def test_routes_toward_private_ranges_on_tables_not_known_leave_the_appliances_detour_known(
        corpus_analysis):
    # The transit gateway stacks add 10.0.0.0/24 and 10.0.1.0/24 -> TGW routes (and 0.0.0.0/0
    # -> TGW ones for the spokes) to route tables given as parameters, the appliance stacks'
    # exports. The appliance tables already route 0.0.0.0/0 to NAT, so no route another stack
    # adds changes where AWS API calls go (two appliances a file: 12 flows).
    model, analysis = corpus_analysis
    verdicts: dict = {}
    for path in _APPLIANCES:
        for name in ("Appliance1", "Appliance2"):
            for flow in _flows_of(analysis, _workload(model, f"{_GWLB}/{path}", name)):
                verdicts.setdefault(path, {}).setdefault(flow.service, []).append(flow.verdict)
    assert {path: set(found) for path, found in verdicts.items()} == _APPLIANCES
    every = [v for found in verdicts.values() for seen in found.values() for v in seen]
    assert every == [Verdict.NAT_DETOUR] * 12


STRANGLER = "aws-samples__vpc-lattice-strangler-cfn-templates/cfn-lattice-basic.yaml"


def test_a_duplicate_key_leaves_its_template_analysed(corpus_result):
    duplicate = _at(corpus_result, "VPC001", STRANGLER, 72)
    assert "cannot parse" not in duplicate.message
    model = build([str(CORPUS / STRANGLER)], Config()).model
    groups = {g.display: g for g in model.of(LatticeTargetGroup)}
    # the target group whose Tags are written twice keeps its Lambda target
    assert groups["VpcLatticeLambdaTargetGroup"].targets


def test_a_policy_shared_by_for_each_instances_names_every_endpoint(corpus_result):
    finding = _at(corpus_result, "VPC402",
                  "terraform-aws-modules__terraform-aws-vpc/modules/vpc-endpoints/main.tf", 41)
    for key in ("dynamodb", "ecr_api", "ecr_dkr"):
        assert f'aws_vpc_endpoint.this["{key}"]' in finding.message
