"""``python -m vpclint.scaffold``: a new rule that is discovered, documented and tested at once,
and that never takes an ID or a slug already taken.

The scaffold writes into a temporary checkout; the test makes its ``rules/`` folder a rule pack
on the ``vpclint.rules`` entry-point group, as the built-in pack is, so discovery is the real
registry's.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import actual, cases, expected, flavours_and_kinds
from vpclint import registry
from vpclint.config import Config
from vpclint.docs import HEADINGS, code_blocks, sections
from vpclint.engine import scan
from vpclint.scaffold import main, module_name

RULE_ID, SLUG = "VPC219", "vpc-without-dns-support"

# What a contributor writes into the scaffolded module: a check that the scaffolded fixtures
# (a VPC with DNS support off, and one with it on) and examples already describe.
WRITTEN_CHECK = '''
def check(ctx: Context):
    for vpc in ctx.model.of(Vpc):
        if vpc.dns_support is False:
            yield Finding(vpc, f"VPC {vpc.display} has DNS support off")
'''


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path.resolve()
    (root / "rules").mkdir()
    (root / "rules" / "__init__.py").write_text('"""A checkout\'s rule pack."""\n')
    return root


def _register(root: Path, monkeypatch) -> dict:
    """Make ``root/rules`` a rule pack on the entry-point group; the rules the registry finds."""
    name = f"scaffolded_pack_{abs(hash(root))}"
    spec = importlib.util.spec_from_file_location(
        name, root / "rules" / "__init__.py", submodule_search_locations=[str(root / "rules")])
    pack = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, pack)
    spec.loader.exec_module(pack)

    class EntryPoint:
        def load(self):
            return pack

    installed = registry.entry_points
    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [*installed(group=group), EntryPoint()])
    return registry.load_rules()


def _scaffold(root: Path, *args: str) -> int:
    return main([RULE_ID, SLUG, "--root", str(root), *args])


def test_the_scaffolded_rule_is_discovered_documented_and_its_fixtures_run(checkout, monkeypatch,
                                                                          capsys):
    assert _scaffold(checkout, "--level", "warning") == 0
    assert "python -m vpclint.docs" in capsys.readouterr().out
    rule = _register(checkout, monkeypatch)[RULE_ID]
    assert rule.module.endswith(module_name(RULE_ID, SLUG))
    assert (rule.meta.slug, rule.meta.level.value) == (SLUG, "warning")
    assert list(sections(rule.doc)) == list(HEADINGS)

    folder = checkout / "fixtures" / "rules" / RULE_ID
    assert flavours_and_kinds(folder, RULE_ID) == {("tf", "bad"), ("tf", "good"),
                                                   ("cfn", "bad"), ("cfn", "good")}
    for case in cases(folder):
        # the empty check: the good cases pass already, the bad ones wait for the check
        found = actual(case, Config(), root=checkout)
        assert RULE_ID not in {rule_id for rule_id, _, _ in found}
        assert found == {m for m in expected(case, checkout) if m[0] != RULE_ID}, case.name


def test_once_the_check_is_written_the_fixtures_and_examples_hold(checkout, monkeypatch,
                                                                  tmp_path_factory):
    assert _scaffold(checkout) == 0
    module = checkout / "rules" / f"{module_name(RULE_ID, SLUG)}.py"
    text = module.read_text(encoding="utf-8")
    text = text.replace("from vpclint.rule import Context, Level, RuleMeta",
                        "from vpclint.model.components import Vpc\n"
                        "from vpclint.rule import Context, Finding, Level, RuleMeta")
    module.write_text(text[:text.index("\ndef check(ctx: Context):")] + WRITTEN_CHECK,
                      encoding="utf-8")
    rule = _register(checkout, monkeypatch)[RULE_ID]

    for case in cases(checkout / "fixtures" / "rules" / RULE_ID):
        assert actual(case, Config(), root=checkout) == expected(case, checkout), case.name
    body = sections(rule.doc)
    for section, fires in (("Example", True), ("Use instead", False)):
        for flavour, code in code_blocks(body[section]):
            where = tmp_path_factory.mktemp(f"{section.split()[0]}-{flavour}")
            name = "main.tf" if flavour == "terraform" else "template.yaml"
            (where / name).write_text(code, encoding="utf-8")
            found = {f.rule.id for f in scan([str(where)], Config(), root=where).active}
            assert (RULE_ID in found) is fires, (section, flavour, found)


@pytest.mark.parametrize("rule_id,slug,words", [
    ("VPC101", "some-new-rule", ["VPC101 exists already"]),
    ("VPC219", "gateway-endpoint-without-route-tables", ["slug", "taken by VPC101"]),
    ("VPC21", "some-new-rule", ["invalid rule ID 'VPC21'"]),
    ("vpc219", "some-new-rule", ["invalid rule ID"]),
    ("VPC901", "some-new-rule", ["VPC9xx", "rule packs"]),
    ("VPC000", "some-new-rule", ["internal error"]),
    ("VPC219", "Some_Rule", ["invalid slug"]),
])
def test_refuses_a_taken_or_malformed_id_or_slug_with_a_clear_message(checkout, capsys, rule_id,
                                                                      slug, words):
    assert main([rule_id, slug, "--root", str(checkout)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("vpclint.scaffold: error: ") and error.count("\n") == 1, error
    for word in words:
        assert word in error
    assert not (checkout / "fixtures").exists()
    assert sorted(p.name for p in (checkout / "rules").iterdir()) == ["__init__.py"]


def test_refuses_an_id_with_a_module_or_fixtures_on_disk_and_overwrites_nothing(checkout,
                                                                               capsys):
    assert _scaffold(checkout) == 0
    module = checkout / "rules" / f"{module_name(RULE_ID, SLUG)}.py"
    module.write_text(module.read_text(encoding="utf-8") + "# work in progress\n")
    capsys.readouterr()
    assert main([RULE_ID, "another-slug", "--root", str(checkout)]) == 2
    assert f"rule {RULE_ID} exists already ({module})" in capsys.readouterr().err
    assert module.read_text(encoding="utf-8").endswith("# work in progress\n")

    module.unlink()  # fixtures left behind from an abandoned attempt block the ID too
    assert _scaffold(checkout) == 2
    assert f"fixtures for {RULE_ID} exist already" in capsys.readouterr().err


def test_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "vpclint.scaffold", "VPC101", "x"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "rule VPC101 exists already" in result.stderr and "Traceback" not in result.stderr
