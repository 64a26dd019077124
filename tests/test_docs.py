"""Rule documentation: complete docstrings, fresh generated pages, and examples that hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclint.config import Config
from vpclint.docs import (DOCS_DIR, HEADINGS, README, code_blocks, expected_files, expected_readme,
                          sections)
from vpclint.engine import scan
from vpclint.registry import load_rules

RULES = {i: r for i, r in load_rules().items() if r.module.startswith("vpclint.rules.")}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_docstring_has_every_heading(rule_id):
    assert list(sections(RULES[rule_id].doc)) == list(HEADINGS)


def test_generated_pages_are_up_to_date():
    stale = [name for name, content in expected_files().items()
             if not (DOCS_DIR / name).is_file()
             or (DOCS_DIR / name).read_text(encoding="utf-8") != content]
    assert not stale, f"run `python -m vpclint.docs` to regenerate: {stale}"


def test_readme_rule_table_is_up_to_date():
    if not README.is_file():
        pytest.skip("README.md is not in this checkout")
    current = README.read_text(encoding="utf-8")
    assert expected_readme(current) == current, \
        "run `python -m vpclint.docs` to regenerate the README's rule table and count"


def test_readme_rule_table_follows_the_registry():
    """A rule added, removed or re-levelled changes the table and the count."""
    current = README.read_text(encoding="utf-8") if README.is_file() else (
        "All 1 rules of the catalogue\n<!-- BEGIN rules table -->\n<!-- END rules table -->\n")
    fewer = dict(list(RULES.items())[1:])
    text = expected_readme(current, fewer)
    first = next(iter(RULES.values())).meta
    assert f"| {first.id} | `{first.slug}` |" not in text
    assert f"All {len(fewer)} rules of the catalogue" in text
    assert all(f"| {i} | `{r.meta.slug}` | {r.meta.level.value} | {r.meta.summary} |" in text
               for i, r in fewer.items())


def _findings(tmp_path: Path, flavour: str, code: str) -> set[str]:
    if flavour == "terraform":
        (tmp_path / "main.tf").write_text(code)
    else:
        text = code if code.lstrip().startswith(("AWSTemplateFormatVersion", "Resources:")) else (
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            + "".join(f"  {line}\n" for line in code.splitlines()))
        (tmp_path / "template.yaml").write_text(text)
    return {f.rule.id for f in scan([str(tmp_path)], Config()).active}


CASES = [(rule_id, section, index, flavour, code)
         for rule_id, rule in sorted(RULES.items())
         for section in ("Example", "Use instead")
         for index, (flavour, code) in enumerate(code_blocks(sections(rule.doc).get(section, "")))]


@pytest.mark.parametrize("rule_id,section,index,flavour,code", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}-{c[2]}" for c in CASES])
def test_example_triggers_the_rule_and_use_instead_does_not(tmp_path, rule_id, section, index,
                                                            flavour, code):
    found = _findings(tmp_path, flavour, code)
    if section == "Example":
        assert rule_id in found
    else:
        assert rule_id not in found


def test_the_rule_catalogue_is_up_to_date():
    """``vpclint rules`` reads the catalogue instead of importing every rule."""
    from vpclint.docs import CATALOGUE_FILE, expected_catalogue

    if not CATALOGUE_FILE.is_file():
        pytest.skip("not a checkout")
    assert CATALOGUE_FILE.read_text(encoding="utf-8") == expected_catalogue(), \
        "run `python -m vpclint.docs` to regenerate rules/_catalogue.py"
