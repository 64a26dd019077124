"""Findings about resources that may or may not be created: reported as conditional findings,
never resting on a partner that may not be created (``vpclint.existence``)."""

from __future__ import annotations

from pathlib import Path

from fixture_cases import FIXTURES
from vpclint.config import Config
from vpclint.engine import scan

RULES = FIXTURES / "rules"


def _messages(path: Path) -> dict[tuple[str, int], str]:
    result = scan([str(path)], Config(), root=FIXTURES)
    return {(f.rule.id, f.location.line): f.message for f in result.active}


def test_a_finding_about_a_resource_that_may_not_be_created_says_what_decides():
    terraform = _messages(RULES / "VPC109" / "tf_bad_module_maybe_created")
    assert terraform[("VPC109", 19)].startswith(
        "if created (count of module.gwlb depends on var.gwlb_create): target group "
        "module.gwlb[*].aws_lb_target_group.this has no targets")
    cloudformation = _messages(RULES / "VPC109" / "cfn_bad_condition.yaml")
    assert cloudformation[("VPC109", 29)].startswith(
        "if created (Condition WithInspection): target group Appliances has no targets")


def test_a_finding_about_a_resource_sure_to_exist_says_nothing_of_the_kind():
    messages = _messages(RULES / "VPC109" / "tf_bad")
    assert messages and not any("if created" in m for m in messages.values())


def test_a_sure_instance_speaks_for_a_location_shared_with_one_that_may_not_exist(tmp_path):
    module = (RULES / "VPC109" / "tf_bad_module_maybe_created" / "gwlb" / "main.tf").read_text()
    (tmp_path / "gwlb").mkdir()
    (tmp_path / "gwlb" / "main.tf").write_text(module)
    (tmp_path / "main.tf").write_text(
        'variable "on" {\n  type = bool\n}\n'
        'module "maybe" {\n  source = "./gwlb"\n  count = var.on ? 1 : 0\n  vpc_id = "vpc-1"\n'
        '  subnet_ids = ["subnet-1"]\n  target_instances = {}\n}\n'
        'module "sure" {\n  source = "./gwlb"\n  vpc_id = "vpc-1"\n  subnet_ids = ["subnet-1"]\n'
        '  target_instances = {}\n}\n')
    findings = [f for f in scan([str(tmp_path)], Config(), root=tmp_path).active
                if f.rule.id == "VPC109"]
    assert [(f.rule.id, Path(f.location.file).relative_to(tmp_path).as_posix(), f.location.line)
            for f in findings] == [("VPC109", "gwlb/main.tf", 19)]
    assert findings[0].message.startswith("target group module.sure.aws_lb_target_group.this")
    assert findings[0].instances == ["module.sure.aws_lb_target_group.this",
                                     "module.maybe[*].aws_lb_target_group.this"]
