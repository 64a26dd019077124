"""YAML that keeps its tags through a load and a dump, and the odd tags the fuzzer tries.

CloudFormation's short forms (``!Ref X``, ``!GetAtt A.B``) and made-up tags (``!Foo``) are
local tags, which PyYAML's safe loader refuses: here they load as ``Tagged`` and dump back as
they were, so a structured mutation changes only what it means to. ``ODD_TAGS`` includes
PyYAML's ``python/object`` tags: if vpclint's loader ever ran one, it would create ``MARKER`` in
the scanned project, which the check looks for.
"""

from __future__ import annotations

from typing import Any

import yaml

MARKER = "FUZZ_PWNED"  # created only if a YAML python/object tag is executed
ODD_TAGS = ["!Foo", "!", "!Ref!", "!GetAtt", "!Ref", "!Sub", "!If", "!Join", "!Select", "!Split",
            "!Cidr", "!GetAZs", "!ImportValue", "!Condition", "!Base64", "!FindInMap",
            "!Equals", "!Not", "!And", "!Or", "!Transform", "!Length", "!ToJsonString",
            "!%F0%9F%98%80", "tag:yaml.org,2002:python/object:os.system",
            "tag:yaml.org,2002:python/name:os.system",
            "tag:yaml.org,2002:python/object/apply:os.mkdir",
            "tag:yaml.org,2002:python/object/new:tuple", "tag:yaml.org,2002:binary",
            "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:set", "tag:yaml.org,2002:omap",
            "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
            "tag:yaml.org,2002:value", "tag:example.com,2000:app/foo"]


class Tagged:
    """A YAML node with a local or odd tag, kept through a mutation (``!Ref X``, ``!Foo``)."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value

    def __repr__(self) -> str:
        # A mutator may write str() of a value holding a Tagged into the document: the default
        # repr would put a memory address (and this module's name) there, so the same seed
        # and index would give a different mutant in every process.
        return f"Tagged({self.tag!r}, {self.value!r})"


class TagKeepingLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's when installed), keeping local tags as ``Tagged``."""


def _construct_tagged(loader, suffix, node):
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        return Tagged(tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(tag, loader.construct_sequence(node, deep=True))
    return Tagged(tag, loader.construct_mapping(node, deep=True))


TagKeepingLoader.add_multi_constructor("!", _construct_tagged)
# a timestamp stays the text it was: dumped back, it must not change its form
TagKeepingLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                 yaml.SafeLoader.construct_yaml_str)


class TagKeepingDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing ``Tagged`` with its tag (and tuples as lists)."""


def _represent_tagged(dumper, data: Tagged):
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, "" if data.value is None else str(data.value))


TagKeepingDumper.add_representer(Tagged, _represent_tagged)
TagKeepingDumper.add_representer(tuple, yaml.SafeDumper.represent_list)
