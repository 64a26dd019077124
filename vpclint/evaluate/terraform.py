"""Terraform module evaluation: blocks of one module directory -> resources with values.

Literals, lists, objects, plain string templates and references to resources of the same module
(``aws_vpc.main.id``, ``aws_subnet.private[0].id``) are evaluated; a reference becomes a ``Ref``
that the model resolves to a component. Everything else (variables, locals, data sources, module
outputs, function calls) is UNKNOWN with the reason and expression kept, so rules stay silent on
it. A ``dynamic`` block makes its whole block list UNKNOWN.
"""

from __future__ import annotations

from typing import Any

from vpclint.loaders.hcl import HclFile, IgnoreComment
from vpclint.loaders.hcl_ast import (Attribute, Block, Call, Conditional, ForExpr, Literal,
                                     ObjectExpr, Pos, Template, Traversal, TupleExpr)
from vpclint.source import Note, Resource, Span, Suppression
from vpclint.values import Ref, Unknown

_NON_RESOURCE_ROOTS = {"var", "local", "module", "data", "count", "each", "path", "terraform",
                       "self"}
_META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle"}
_SKIPPED_BLOCKS = {"lifecycle", "provisioner", "connection", "timeouts"}


def evaluate_module(directory: str, files: list[HclFile]) -> tuple[list[Resource], list[Note], bool]:
    """All managed resources declared in one module directory, notes, and whether the module
    calls other modules (whose resources, not evaluated here, may link to these)."""
    declared = {f"{b.labels[0]}.{b.labels[1]}" for f in files for b in f.blocks
                if b.type == "resource" and len(b.labels) == 2}
    evaluator = _Evaluator(directory, declared)
    resources: list[Resource] = []
    notes: list[Note] = []
    for hcl_file in files:
        file_resources = []
        for block in hcl_file.blocks:
            if block.type != "resource" or len(block.labels) != 2:
                continue
            resource = Resource("terraform", block.labels[0], f"{block.labels[0]}.{block.labels[1]}",
                                directory, hcl_file.path, {})
            resource.spans[()] = _span(hcl_file.path, block.pos, header_only=True)
            resource.values = evaluator.body(block, (), resource)
            file_resources.append((block, resource))
        notes.extend(_attach_ignores(hcl_file, file_resources))
        resources.extend(r for _, r in file_resources)
    calls_modules = any(b.type == "module" for f in files for b in f.blocks)
    return resources, notes, calls_modules


def _span(file: str, pos: Pos, header_only: bool = False) -> Span:
    if header_only:  # point at the block's first line, not its whole body
        return Span(file, pos.line, pos.column, pos.line, pos.column)
    return Span(file, pos.line, pos.column, pos.end_line, pos.end_column)


class _Evaluator:
    def __init__(self, scope: str, declared: set[str]):
        self.scope = scope
        self.declared = declared

    def body(self, block: Block, path: tuple, resource: Resource) -> dict[str, Any]:
        values: dict[str, Any] = {}
        file = resource.file
        for name, attribute in block.attributes.items():
            if name in _META_ARGUMENTS:
                continue
            values[name] = self.attribute(attribute, path + (name,), resource)
        dynamic_names = set()
        for nested in block.blocks:
            if nested.type in _SKIPPED_BLOCKS:
                continue
            if nested.type == "dynamic" and nested.labels:
                label = nested.labels[0]
                dynamic_names.add(label)
                resource.spans.setdefault(path + (label,), _span(file, nested.pos))
                continue
            items = values.setdefault(nested.type, [])
            if isinstance(items, list):
                item_path = path + (nested.type, len(items))
                resource.spans[item_path] = _span(file, nested.pos, header_only=True)
                resource.spans.setdefault(path + (nested.type,), _span(file, nested.pos, True))
                items.append(self.body(nested, item_path, resource))
        for label in dynamic_names:
            values[label] = Unknown("dynamic block", f'dynamic "{label}"')
        return values

    def attribute(self, attribute: Attribute, path: tuple, resource: Resource) -> Any:
        resource.spans[path] = _span(resource.file, attribute.pos)
        return self.value(attribute.expr, path, resource)

    def value(self, expr, path: tuple, resource: Resource) -> Any:
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, TupleExpr):
            items = []
            for index, item in enumerate(expr.items):
                resource.spans[path + (index,)] = _span(resource.file, item.pos)
                items.append(self.value(item, path + (index,), resource))
            return items
        if isinstance(expr, ObjectExpr):
            return self._object(expr, path, resource)
        if isinstance(expr, Traversal):
            return self.reference(expr)
        if isinstance(expr, Template):
            parts = [p if isinstance(p, str) else self.value(p, path, resource) for p in expr.parts]
            if all(isinstance(p, (str, int, float)) and not isinstance(p, bool) for p in parts):
                return "".join(str(p) for p in parts)
            return Unknown("string template with unknown parts", describe(expr))
        return Unknown(_WHY.get(type(expr), "expression not evaluated"), describe(expr))

    def _object(self, expr: ObjectExpr, path: tuple, resource: Resource) -> Any:
        result: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = key_expr.value if isinstance(key_expr, Literal) else None
            if not isinstance(key, str):
                return Unknown("object with computed keys", describe(expr))
            resource.spans[path + (key,)] = _span(resource.file, value_expr.pos)
            result[key] = self.value(value_expr, path + (key,), resource)
        return result

    def reference(self, expr: Traversal) -> Any:
        root = expr.root
        if not isinstance(root, str):
            return Unknown("expression not evaluated", describe(expr))
        if root in _NON_RESOURCE_ROOTS:
            return Unknown(f"{root} reference (not evaluated)", describe(expr))
        attrs = [s for s in expr.steps if s[0] != "index"]
        if not attrs or attrs[0][0] != "attr":
            return Unknown("reference not understood", describe(expr))
        address = f"{root}.{attrs[0][1]}"
        if address not in self.declared:
            return Unknown("reference to a resource not declared in this module", describe(expr))
        if any(s[0] in ("splat", "full_splat") for s in expr.steps):
            return Unknown("splat over several instances", describe(expr))
        attr = attrs[1][1] if len(attrs) > 1 and attrs[1][0] == "attr" else None
        return Ref(self.scope, address, attr)


_WHY = {
    Call: "function call (not evaluated)",
    Conditional: "conditional expression (not evaluated)",
    ForExpr: "for expression (not evaluated)",
}


def describe(expr) -> str:
    """A short source-like rendering of an expression, for UNKNOWN reasons and messages."""
    if isinstance(expr, Literal):
        return repr(expr.value) if not isinstance(expr.value, str) else f'"{expr.value}"'
    if isinstance(expr, Traversal):
        text = expr.root if isinstance(expr.root, str) else f"({describe(expr.root)})"
        for step in expr.steps:
            if step[0] == "attr":
                text += f".{step[1]}"
            elif step[0] == "index":
                text += f"[{describe(step[1])}]"
            else:
                text += "[*]" if step[0] == "full_splat" else ".*"
        return text
    if isinstance(expr, Call):
        return f"{expr.name}({', '.join(describe(a) for a in expr.args)})"
    if isinstance(expr, Template):
        return '"' + "".join(p if isinstance(p, str) else "${" + describe(p) + "}"
                             for p in expr.parts) + '"'
    if isinstance(expr, TupleExpr):
        return "[" + ", ".join(describe(i) for i in expr.items) + "]"
    return type(expr).__name__.lower()


def _attach_ignores(hcl_file: HclFile, resources: list[tuple[Block, Resource]]) -> list[Note]:
    """Give each ignore comment to the block it sits in or directly above."""
    notes = []
    lines_above: dict[int, Resource] = {}
    for block, resource in resources:
        lines_above[block.pos.line] = resource
    for ignore in hcl_file.ignores:
        owner = _owner(ignore, resources, lines_above, hcl_file)
        if owner is None:
            notes.append(Note(hcl_file.path, "vpclint:ignore is not inside or directly above a "
                              "resource block, so it suppresses nothing", ignore.line))
            continue
        span = Span(hcl_file.path, ignore.line, ignore.column)
        for rule in ignore.rules:
            owner.suppressions.append(Suppression(rule, ignore.reason, span))
    return notes


def _owner(ignore: IgnoreComment, resources, lines_above, hcl_file: HclFile):
    for block, resource in resources:
        if block.pos.line <= ignore.line <= block.pos.end_line:
            return resource
    # directly above: only further comment lines between the ignore and the block
    ignore_lines = {i.line for i in hcl_file.ignores}
    line = ignore.line + 1
    while line in ignore_lines:
        line += 1
    return lines_above.get(line)
