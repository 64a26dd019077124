"""A grammar check of the Mermaid flowchart subset ``vpclint graph`` writes.

Every line must be one statement of that subset: the header, a comment, ``subgraph ID
["label"]`` / ``end`` (balanced), a node ``ID<open>"label"<close>`` of a known shape, a link
``ID --> ID`` (``-.->``, ``-.-``, optionally ``|"label"|``), ``linkStyle N css`` or ``style ID
css``. Labels are double-quoted and must not hold what ends a quoted label or what Mermaid reads
as HTML or markup (a raw ``"``, ``<`` other than ``<br/>``, ``>``, a backtick); ids are defined
once, before nothing refers to an undefined one; link styles point at existing links. It was
checked against Mermaid 11 itself (``mermaid.parse`` in Chromium) on the examples and the
corpus; this check runs everywhere.
"""

from __future__ import annotations

import re

_ID = r"[A-Za-z][A-Za-z0-9_]*"
_LABEL = r'"(?P<label>[^"]*)"'
_SHAPES = [('["', '"]'), ('[/"', '"/]'), ('{{"', '"}}'), ('(["', '"])'), ('[["', '"]]'),
           ('(("', '"))'), ('[/"', '"\\]'), ('[\\"', '"/]'), ('>"', '"]')]
_NODE = re.compile(rf"^(?P<id>{_ID})(?P<shape>.+)$")
_SUBGRAPH = re.compile(rf'^subgraph (?P<id>{_ID}) \[{_LABEL}\]$')
_LINK = re.compile(rf'^(?P<a>{_ID}) (?P<arrow>-->|-\.->|-\.-)(?:\|{_LABEL}\|)? (?P<b>{_ID})$')
_LINK_STYLE = re.compile(r"^linkStyle (?P<n>\d+) (?P<css>[a-z-]+:[^,;]+(?:,[a-z-]+:[^,;]+)*)$")
_STYLE = re.compile(rf"^style (?P<id>{_ID}) (?P<css>[a-z-]+:[^,;]+(?:,[a-z-]+:[^,;]+)*)$")
_ENTITY = re.compile(r"#(?:\d+|[a-z]+);")


class MermaidError(ValueError):
    pass


def check_label(label: str, where: str) -> None:
    bare = label.replace("<br/>", "")
    bare = _ENTITY.sub("", bare)
    for char in '"<>`#':
        if char in bare:
            raise MermaidError(f"{where}: unescaped {char!r} in label {label!r}")


def check(text: str) -> dict[str, int]:
    """Raises ``MermaidError`` naming the first bad line; answers counts of what it read."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("%%"):
        raise MermaidError("line 1: expected the %% comment")
    if lines[1] != "flowchart LR":
        raise MermaidError("line 2: expected 'flowchart LR'")
    defined: set[str] = set()
    used: list[tuple[int, str]] = []
    depth = links = 0
    styles: list[tuple[int, int]] = []
    for number, raw in enumerate(lines[2:], 3):
        line = raw.strip()
        where = f"line {number}"
        if not line or line.startswith("%%"):
            continue
        if line == "end":
            depth -= 1
            if depth < 0:
                raise MermaidError(f"{where}: 'end' without subgraph")
            continue
        match = _SUBGRAPH.match(line)
        if match:
            _define(match["id"], defined, where)
            check_label(match["label"], where)
            depth += 1
            continue
        match = _LINK.match(line)
        if match:
            used += [(number, match["a"]), (number, match["b"])]
            if match["label"] is not None:
                check_label(match["label"], where)
            links += 1
            continue
        match = _LINK_STYLE.match(line)
        if match:
            styles.append((number, int(match["n"])))
            continue
        match = _STYLE.match(line)
        if match:
            used.append((number, match["id"]))
            continue
        match = _NODE.match(line)
        if match and _shape_label(match["shape"]) is not None:
            _define(match["id"], defined, where)
            check_label(_shape_label(match["shape"]), where)
            continue
        raise MermaidError(f"{where}: not a statement of the flowchart subset: {line!r}")
    if depth:
        raise MermaidError(f"{depth} subgraph(s) not closed")
    for number, name in used:
        if name not in defined:
            raise MermaidError(f"line {number}: {name} is not defined")
    for number, index in styles:
        if index >= links:
            raise MermaidError(f"line {number}: linkStyle {index}, but only {links} links")
    return {"nodes": len(defined), "links": links}


def _define(name: str, defined: set[str], where: str) -> None:
    if name in defined:
        raise MermaidError(f"{where}: {name} defined twice")
    if name in ("end", "subgraph", "graph", "flowchart", "style", "class", "click"):
        raise MermaidError(f"{where}: {name} is a keyword")
    defined.add(name)


def _shape_label(shape: str) -> str | None:
    for opening, closing in _SHAPES:
        if shape.startswith(opening) and shape.endswith(closing) and \
                len(shape) >= len(opening) + len(closing):
            inner = shape[len(opening):len(shape) - len(closing)]
            if '"' not in inner:
                return inner
    return None
