"""What vpclint cannot see reaches only what it is handed.

An uninitialised module, a remote nested stack, a custom resource or an ``Fn::ForEach`` may give
partners to the components whose identifiers reach it, and to none other; an UNKNOWN link in
one root module or template names nothing in another (only outputs and exports leave a scope).
So every rule fixture must be judged exactly as its markers say when an unrelated module call
is added to each of its Terraform modules, and when another repository's code, full of UNKNOWN
links, is scanned beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixture_cases import FIXTURES, ROOT, case_config, cases, expected
from vpclint.config import Config
from vpclint.engine import build, scan
from vpclint.model.components import RouteTableAssociation

UNSEEN = FIXTURES / "unseen"
CASES = [case for folder in sorted((FIXTURES / "rules").iterdir()) if folder.is_dir()
         for case in cases(folder)]


def _with_unseen_neighbours(case: Path, tmp_path: Path) -> Path:
    """``case``, or for a Terraform case a copy with the label module call in each module."""
    modules = {tf.parent for tf in case.rglob("*.tf")} if case.is_dir() else set()
    if not modules:
        return case
    copy = tmp_path / case.name
    shutil.copytree(case, copy)
    for module in modules:
        shutil.copy(UNSEEN / "label_module.tf", copy / module.relative_to(case) / "zz_label.tf")
    return copy


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_findings_do_not_change_beside_unseen_and_unrelated_code(case, tmp_path):
    scanned = _with_unseen_neighbours(case, tmp_path).resolve()
    result = scan([str(scanned), str(UNSEEN / "unrelated_root"), str(UNSEEN / "unrelated.yaml")],
                  case_config(case), root=tmp_path)
    found = set()
    for finding in result.active:
        path = Path(finding.location.file).resolve()
        if path == scanned or path.is_relative_to(scanned):
            original = case / path.relative_to(scanned) if case.is_dir() else case
            found.add((finding.rule.id, original.relative_to(ROOT).as_posix(),
                       finding.location.line))
    assert found == expected(case)


NAMED_BY_UNMODELLED = '''
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_flow_log" "main" {
  vpc_id       = aws_vpc.main.id
  traffic_type = "ALL"
}
resource "aws_db_subnet_group" "main" {
  subnet_ids = [aws_subnet.a.id]
}
resource "aws_lb_target_group" "fleet" {
  vpc_id = aws_vpc.main.id
}
resource "aws_lb_target_group" "watched" {
  vpc_id = aws_vpc.main.id
}
resource "aws_spot_fleet_request" "workers" {
  target_group_arns = [aws_lb_target_group.fleet.arn]
}
resource "aws_cloudwatch_metric_alarm" "watched" {
  dimensions = { TargetGroup = aws_lb_target_group.watched.arn_suffix }
}
'''


def test_an_unmodelled_resource_may_act_on_the_target_groups_it_names_not_on_the_network(
        tmp_path):
    (tmp_path / "main.tf").write_text(NAMED_BY_UNMODELLED)
    model = build([str(tmp_path)], Config()).model
    by_name = {c.display: c for c in model}
    # a spot fleet registers targets in the group it names; an alarm only watches its group
    assert model.open_to_unseen(by_name["aws_lb_target_group.fleet"])
    assert not model.open_to_unseen(by_name["aws_lb_target_group.watched"])
    # a flow log and a subnet group are placed in the network: its routes stay known
    for name in ("aws_vpc.main", "aws_subnet.a"):
        assert not model.open_to_unseen(by_name[name])
    assert model.linked_from(by_name["aws_subnet.a"], RouteTableAssociation, "subnet").known_empty
