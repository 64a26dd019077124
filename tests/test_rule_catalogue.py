"""``load_catalogue``: the rules' metadata without importing the rules, from a pack's
``_catalogue`` module, and from the rule modules themselves when there is none or it is out of
step with them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vpclint import registry
from vpclint.registry import catalogue_source, load_catalogue, load_rules

RULE_MODULE = '''"""A rule of a test pack."""
from vpclint.rule import Level, RuleMeta

{side_effect}
RULE = RuleMeta("{rule_id}", "{slug}", Level.WARNING, "A summary")


def check(ctx):
    return []
'''


@pytest.fixture
def pack(tmp_path, monkeypatch):
    """Registers an empty pack ``testpack`` beside the installed ones; returns its folder."""
    folder = tmp_path / "testpack"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "testpack" or m.startswith("testpack.")]:
        monkeypatch.delitem(sys.modules, name)

    class EntryPoint:
        def load(self):
            import testpack
            return testpack

    installed = registry.entry_points
    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [*installed(group=group), EntryPoint()])
    return folder


def _rule(folder: Path, name: str, rule_id: str, side_effect: str = "") -> None:
    (folder / f"{name}.py").write_text(RULE_MODULE.format(rule_id=rule_id, slug=name.replace(
        "_", "-"), side_effect=side_effect))


def test_the_builtin_catalogue_is_what_the_rules_say():
    assert load_catalogue() == {i: (r.meta, r.module) for i, r in load_rules().items()}


def test_a_current_catalogue_is_read_without_importing_the_rules(pack):
    _rule(pack, "tp901_first", "TP901")
    rules = {i: r for i, r in load_rules().items() if r.module.startswith("testpack.")}
    (pack / "_catalogue.py").write_text(catalogue_source(rules))
    # importing the rule would now fail: the catalogue must be all that is read
    _rule(pack, "tp901_first", "TP901", side_effect="raise RuntimeError('imported')")
    for name in [m for m in sys.modules if m.startswith("testpack.tp")]:
        del sys.modules[name]
    meta, module = load_catalogue()["TP901"]
    assert (meta.id, meta.slug, module) == ("TP901", "tp901-first", "testpack.tp901_first")


def test_a_rule_missing_from_the_catalogue_falls_back_to_importing_the_pack(pack):
    _rule(pack, "tp901_first", "TP901")
    rules = {i: r for i, r in load_rules().items() if r.module.startswith("testpack.")}
    (pack / "_catalogue.py").write_text(catalogue_source(rules))
    _rule(pack, "tp902_second", "TP902")  # added after the catalogue was written
    assert {"TP901", "TP902"} <= set(load_catalogue())


def test_a_pack_without_catalogue_is_imported(pack):
    _rule(pack, "tp903_third", "TP903")
    assert load_catalogue()["TP903"][1] == "testpack.tp903_third"


def test_a_rule_id_defined_in_two_packs_is_refused(pack):
    _rule(pack, "tp101_clash", "VPC101")
    with pytest.raises(registry.VpclintError, match="VPC101 is defined twice"):
        load_catalogue()
