"""The document the CloudFormation loader gives for a template read without error: its own
module, so the loader (``cfn``) and the reading it imports lazily (``cfn_yaml``) share it
without importing each other."""

from __future__ import annotations

from msgspec import Struct, field



class CfnDocument(Struct):
    """A template read without error: its data, where each part of it is, its duplicate keys."""

    file: str
    data: dict
    spans: dict = field(default_factory=dict)  # path tuple -> Span
    duplicates: list = field(default_factory=list)  # ParseError per duplicate mapping key
