"""Packaging: the rule pack installs inside vpclint's namespace, and every package is shipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed_for_installation():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts)
               for p in (REPO / "vpclint").rglob("__init__.py")}
    assert listed == on_disk | {"vpclint.rules"}


def test_rule_pack_installs_as_vpclint_rules():
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"vpclint.rules": "rules"}
    assert PYPROJECT["project"]["entry-points"]["vpclint.rules"] == {"builtin": "vpclint.rules"}


def test_rule_pack_is_importable_under_vpclint_only():
    import vpclint.rules

    assert Path(vpclint.rules.__file__).parent.name == "rules"
    assert vpclint.rules.__name__ == "vpclint.rules"


def test_installed_vpclint_adds_no_top_level_rules_package(tmp_path):
    """Outside the checkout, only what is installed can be imported: vpclint.rules, not rules."""
    probe = ("import importlib.util, vpclint.rules; "
             "print(importlib.util.find_spec('rules') is None, vpclint.rules.__name__)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["True", "vpclint.rules"], done.stderr
