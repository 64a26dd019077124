"""IAM roles and instance profiles linked by name (`role = aws_iam_role.app.name`)."""

from __future__ import annotations

from vpclint import engine
from vpclint.config import Config
from vpclint.model.components import External
from vpclint.model.workloads import IamRole, InstanceProfile, Workload

PROFILE = '''
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = aws_iam_role.app.name
}

resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.app.name
}
'''


def _model(tmp_path, text, monkeypatch):
    (tmp_path / "main.tf").write_text(text)
    captured = {}
    original = engine._run_rules

    def spy(rules, context, *rest):
        captured["model"] = context.model
        return original(rules, context, *rest)

    monkeypatch.setattr(engine, "_run_rules", spy)
    engine.scan([str(tmp_path)], Config())
    return captured["model"]


def test_names_link_profile_role_and_attachment(tmp_path, monkeypatch):
    model = _model(tmp_path, PROFILE, monkeypatch)
    role = model.of(IamRole)[0]
    profile = model.of(InstanceProfile)[0]
    instance = model.of(Workload)[0]
    assert instance.instance_profile is profile
    assert profile.roles.items == [role] and not profile.roles.external
    assert role.managed_policies == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]


def test_a_name_of_no_role_in_the_scan_stays_external(tmp_path, monkeypatch):
    text = PROFILE.replace("role = aws_iam_role.app.name\n}", 'role = "shared-role"\n}')
    model = _model(tmp_path, text, monkeypatch)
    profile = model.of(InstanceProfile)[0]
    assert profile.roles.external == [External("shared-role")] and not profile.roles.items
