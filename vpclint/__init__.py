"""vpclint: static analysis of AWS VPC networking in Terraform and CloudFormation.

The built-in rule pack lives in the repository's top-level ``rules/`` folder and is installed
as ``vpclint.rules`` (setuptools ``package-dir``), so it never collides with an unrelated
top-level ``rules`` package. In a source checkout, where ``vpclint/rules`` does not exist,
``_checkout_rules`` lets ``vpclint.rules`` find that folder, so the tests and ``python -m
vpclint`` run from the checkout see the same module names as an installed copy.
"""

import os
import sys

__version__ = "0.1.0"


class _CheckoutRules:
    """Finds ``vpclint.rules`` in ``<checkout>/rules`` (its submodules follow from there).

    A meta path finder is any object with ``find_spec``; deriving from
    ``importlib.abc.MetaPathFinder`` would import ``importlib.abc``, which imports
    ``importlib.resources`` and ``tempfile``: about 10 ms of every command, ``--version`` too,
    in an installed copy that never uses this class."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "vpclint.rules":
            return None
        import importlib.util

        return importlib.util.spec_from_file_location(
            fullname, os.path.join(self.folder, "__init__.py"),
            submodule_search_locations=[self.folder])


def _checkout_rules() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    folder = os.path.join(os.path.dirname(here), "rules")
    if not os.path.isdir(os.path.join(here, "rules")) and os.path.isfile(
            os.path.join(folder, "__init__.py")) and os.path.isfile(
            os.path.join(os.path.dirname(here), "pyproject.toml")):
        sys.meta_path.append(_CheckoutRules(folder))


_checkout_rules()
