"""The model's data files (``vpclint/model/data``): tables generated from public AWS sources
(endpoint service names, managed policies), each read once by the module that uses it."""

from __future__ import annotations


def read_data_file(name: str) -> str:
    """The text of ``data/<name>``, read through ``importlib.resources`` (so a zipped install
    works too). That module is imported here, on the first read: it imports ``tempfile`` and
    more, about 3 ms of every run that reads no table."""
    from importlib import resources

    return (resources.files("vpclint.model") / "data" / name).read_text(encoding="utf-8")
