"""A YAML or JSON document loaded as data for one structured mutation, and written back.

The operations (``values``, ``cloudformation``) pick places in it and change them; this module
gives them the places (``slots``), CloudFormation's intrinsic functions in the document's own
style (``intrinsic``), and a way to put text that the writers could not produce, such as
nesting 100,000 deep, into the output (``placeholder``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from .context import MutationContext, Skip
from .yaml_tags import TagKeepingDumper, TagKeepingLoader, Tagged


class Document:
    """The state of one structured mutation: the file's context and the placeholders made."""

    def __init__(self, ctx: MutationContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.flavour = ctx.flavour
        self._deep: list[str] = []

    def load(self, text: str) -> Any:
        """The document as data, or None when it does not load (or is too deep to try)."""
        if _too_deep(text):  # loading it would take the fuzzer long, or overflow libyaml's stack
            return None
        try:
            if self.flavour == "json":
                return json.loads(text)
            return yaml.load(text, Loader=TagKeepingLoader)
        except Exception:  # noqa: BLE001 - not loadable: text mutators only
            return None

    def placeholder(self, value: str) -> str:
        """A scalar that ``dump`` replaces by ``value`` (deep nesting is text, not data: the
        YAML and JSON writers would recurse)."""
        self._deep.append(value)
        return f"FZDEEP{len(self._deep) - 1}FZ"

    def dump(self, data: Any) -> str:
        """``data`` written in the document's syntax, in a randomly chosen style."""
        try:
            if self.flavour == "json":
                text = json.dumps(data, indent=self.rng.choice([None, 1, 2, 4]),
                                  ensure_ascii=self.rng.random() < 0.5)
            else:
                text = yaml.dump(data, Dumper=TagKeepingDumper, sort_keys=False,
                                 allow_unicode=self.rng.random() < 0.7,
                                 default_flow_style=self.rng.choice([False, False, None, True]),
                                 width=self.rng.choice([80, 100000]))
        except (ValueError, TypeError, RecursionError, yaml.YAMLError):
            raise Skip from None
        for number, value in enumerate(self._deep):
            text = text.replace(f"'FZDEEP{number}FZ'", value).replace(f'"FZDEEP{number}FZ"', value)
            text = text.replace(f"FZDEEP{number}FZ", value)
        return text

    def pick_slot(self, data: Any) -> tuple[Any, Any, tuple]:
        """A random ``(container, key, path)``, mostly inside a resource."""
        slots = _slots(data)
        if not slots:
            raise Skip
        # prefer the inside of resources: that is where the model is built from
        inner = [s for s in slots if len(s[2]) > 2 and s[2][0] == "Resources"]
        return self.rng.choice(inner if inner and self.rng.random() < 0.8 else slots)

    def intrinsic(self, name: str, value: Any) -> Any:
        """``{"Fn::X": value}``, or ``!X value`` in YAML (``Ref`` and ``Condition`` keep theirs)."""
        short = name.removeprefix("Fn::")
        if self.flavour == "yaml" and self.rng.random() < 0.6:
            if name == "Fn::GetAtt" and isinstance(value, list) and len(value) == 2 \
                    and all(isinstance(v, str) for v in value) and self.rng.random() < 0.7:
                value = ".".join(value)
            return Tagged("!" + short, value)
        return {name: value}


def template_resources(data: Any) -> dict:
    """The template's non-empty ``Resources`` map, or ``Skip``."""
    found = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(found, dict) or not found:
        raise Skip
    return found


def show(path: tuple) -> str:
    """A slot's path for the mutation's description (``Resources/Vpc/Properties``)."""
    return "/".join(str(p)[:30] for p in path) or "<root>"


def _slots(data: Any, limit: int = 5000) -> list[tuple[Any, Any, tuple]]:
    """(container, key, path) for every value in the document, breadth first."""
    found, queue, seen = [], [(data, ())], set()
    while queue and len(found) < limit:
        node, path = queue.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Tagged):
            node = node.value
        if isinstance(node, dict):
            items = list(node.items())
        elif isinstance(node, list):
            items = list(enumerate(node))
        else:
            continue
        for key, value in items:
            found.append((node, key, path + (key,)))
            queue.append((value, path + (key,)))
    return found


def _too_deep(text: str, limit: int = 200) -> bool:
    """Whether brackets or indentation nest more than ``limit`` deep somewhere in ``text``."""
    if re.search(rf"(?m)^ {{{2 * limit},}}\S", text):
        return True
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False
