"""Structured operations that treat the document as plain data: a value replaced, deleted,
retyped, tagged, aliased or made to contain itself, a key that is not a string, and an alias
bomb (billions of laughs). The YAML-only ones exist because only YAML can express them.
"""

from __future__ import annotations

from typing import Any

from .context import Skip
from .document import Document, show
from .weird_values import weird_value
from .yaml_tags import MARKER, ODD_TAGS, Tagged


def replace_value(doc: Document, data: Any) -> str:
    container, key, path = doc.pick_slot(data)
    container[key] = weird_value(doc, data)
    return f"replace {show(path)}"


def delete_value(doc: Document, data: Any) -> str:
    container, key, path = doc.pick_slot(data)
    if isinstance(container, dict):
        del container[key]
    else:
        container.pop(key)
    return f"delete {show(path)}"


def retype_value(doc: Document, data: Any) -> str:
    container, key, path = doc.pick_slot(data)
    value = container[key]
    options = [[value], {"Fn::Nope": value}, str(value)[:200], None, {"x": value}]
    if isinstance(value, list) and value:
        options.append(value[0])
    if isinstance(value, dict) and value:
        options.append(list(value.values()))
    container[key] = doc.rng.choice(options)
    return f"change the type of {show(path)}"


def nonstring_key(doc: Document, data: Any) -> str:
    if doc.flavour != "yaml":
        raise Skip
    container, key, path = doc.pick_slot(data)
    if not isinstance(container, dict):
        raise Skip
    new = doc.rng.choice([None, 1, 1.5, True, ("a", "b"), "", "Fn::GetAtt", "Ref",
                          "Fn::If", "Condition", "Type", "Properties"])
    container[new] = container.pop(key)
    return f"key {show(path)} renamed {new!r}"


def tag_value(doc: Document, data: Any) -> str:
    container, key, path = doc.pick_slot(data)
    tag = doc.rng.choice(ODD_TAGS)
    value = container[key]
    if tag.endswith(("os.system", "os.mkdir")):
        value = [MARKER]
    if isinstance(value, Tagged):
        value = value.value
    container[key] = Tagged(tag, value)
    return f"tag {tag} on {show(path)}"


def alias_value(doc: Document, data: Any) -> str:
    (c1, k1, p1), (c2, k2, p2) = doc.pick_slot(data), doc.pick_slot(data)
    c2[k2] = c1[k1]
    return f"{show(p2)} aliases {show(p1)}"


def contain_itself(doc: Document, data: Any) -> str:
    container, key, path = doc.pick_slot(data)
    value = container[key]
    if isinstance(value, dict):
        value["FzSelf"] = value
    elif isinstance(value, list):
        value.append(value)
    else:
        container[key] = value = [value]
        value.append(value)
    return f"{show(path)} contains itself"


def alias_bomb(doc: Document, data: Any) -> str:
    container, key, path = doc.pick_slot(data)
    level: Any = ["lol"] * 9
    for _ in range(doc.rng.choice([4, 6, 9])):
        level = [level] * 9
    container[key] = level
    return f"alias bomb at {show(path)}"
