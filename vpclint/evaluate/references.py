"""References to things declared nowhere in their scope (VPC002), found statically.

Terraform: ``var.x``, ``local.x``, ``module.x``, ``data.t.n`` and ``type.name`` roots are checked
against the module directory's declarations; names bound by ``for`` expressions and ``dynamic``
iterators are in scope where they are bound. CloudFormation: ``Ref``, ``Fn::GetAtt``,
``Fn::Sub`` variables, ``Fn::If`` / ``Condition`` names and ``Fn::FindInMap`` map names are
checked against the template's parameters, resources, conditions and mappings. A typo or a
deleted resource otherwise turns silently into an UNKNOWN, and every rule goes quiet on it.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from msgspec import Struct

from vpclint.loaders.hcl import HclFile
from vpclint.loaders.hcl_ast import (BinaryOp, Block, Call, Conditional, ForExpr, ObjectExpr,
                                     Template, Traversal, TupleExpr, UnaryOp)
from vpclint.source import Span

_BUILTIN_ROOTS = {"count", "each", "path", "terraform", "self"}
_PSEUDO = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
           "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")
_SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
# logical IDs the SAM transform creates for no resource of the template (the implicit REST and
# HTTP APIs, the CodeDeploy application and role of gradual deployments)
_SAM_IMPLICIT_PREFIXES = ("Serverless", "CodeDeploy")


class Unresolved(Struct, frozen=True):
    """A reference and why it resolves to nothing."""

    span: Span
    reference: str
    what: str  # "variable", "resource", "parameter or resource", "condition" ...


def unresolved_terraform(files: list[HclFile]) -> list[Unresolved]:
    declared: dict[str, set[str]] = {"var": set(), "local": set(), "module": set(), "data": set(),
                                     "resource": set()}
    for hcl_file in files:
        for block in hcl_file.blocks:
            if block.type == "variable" and block.labels:
                declared["var"].add(block.labels[0])
            elif block.type == "locals":
                declared["local"].update(block.attributes)
            elif block.type == "module" and block.labels:
                declared["module"].add(block.labels[0])
            elif block.type == "data" and len(block.labels) == 2:
                declared["data"].add(".".join(block.labels))
            elif block.type == "resource" and len(block.labels) == 2:
                declared["resource"].add(".".join(block.labels))
    found = []
    for hcl_file in files:
        for block in hcl_file.blocks:
            if block.type in ("terraform", "moved", "import", "removed", "check"):
                continue
            for traversal, bound in _traversals_in_block(block, frozenset()):
                problem = _check(traversal, bound, declared)
                if problem:
                    pos = traversal.pos
                    found.append(Unresolved(Span(hcl_file.path, pos.line, pos.column,
                                                 pos.end_line, pos.end_column), *problem))
    return found


def _check(traversal: Traversal, bound: frozenset, declared: dict) -> tuple[str, str] | None:
    root = traversal.root
    if not isinstance(root, str) or root in bound or root in _BUILTIN_ROOTS:
        return None
    names = [s[1] for s in traversal.steps if s[0] == "attr"]
    if root in ("var", "local", "module") and names:
        if names[0] not in declared[root]:
            kind = {"var": "variable", "local": "local value", "module": "module"}[root]
            return f"{root}.{names[0]}", kind
        return None
    if root == "data":
        if len(names) >= 2 and f"{names[0]}.{names[1]}" not in declared["data"]:
            return f"data.{names[0]}.{names[1]}", "data source"
        return None
    if "_" in root and names and traversal.steps[0][0] == "attr":
        if f"{root}.{names[0]}" not in declared["resource"]:
            return f"{root}.{names[0]}", "resource"
    return None


def _traversals_in_block(block: Block, bound: frozenset) -> Iterator[tuple[Traversal, frozenset]]:
    for attribute in block.attributes.values():
        yield from _traversals(attribute.expr, bound)
    for nested in block.blocks:
        inner = bound
        if nested.type == "dynamic" and nested.labels:
            iterator = nested.attributes.get("iterator")
            name = iterator.expr.root if iterator is not None and isinstance(
                iterator.expr, Traversal) else nested.labels[0]
            inner = bound | {name}
        yield from _traversals_in_block(nested, inner)


def free_traversals(expr: Any) -> Iterator[Traversal]:
    """The references an expression makes to names outside it (not ``for`` variables)."""
    for traversal, bound in _traversals(expr, frozenset()):
        if traversal.root not in bound:
            yield traversal


def _traversals(expr: Any, bound: frozenset) -> Iterator[tuple[Traversal, frozenset]]:
    if isinstance(expr, Traversal):
        if isinstance(expr.root, str):
            yield expr, bound
        else:
            yield from _traversals(expr.root, bound)
        for step in expr.steps:
            if step[0] == "index":
                yield from _traversals(step[1], bound)
    elif isinstance(expr, ForExpr):
        yield from _traversals(expr.collection, bound)
        inner = bound | {expr.value_var} | ({expr.key_var} if expr.key_var else set())
        for part in (expr.key, expr.value, expr.condition):
            if part is not None:
                yield from _traversals(part, inner)
    else:
        for child in _children(expr):
            yield from _traversals(child, bound)


def _children(expr: Any) -> list:
    if isinstance(expr, Template):
        return [p for p in expr.parts if not isinstance(p, str)]
    if isinstance(expr, TupleExpr):
        return list(expr.items)
    if isinstance(expr, ObjectExpr):
        return [e for pair in expr.items for e in pair]
    if isinstance(expr, Call):
        return list(expr.args)
    if isinstance(expr, Conditional):
        return [expr.condition, expr.then, expr.otherwise]
    if isinstance(expr, BinaryOp):
        return [expr.left, expr.right]
    if isinstance(expr, UnaryOp):
        return [expr.operand]
    return []


def _names_condition(path: tuple) -> bool:
    """Whether a ``Condition`` key at ``path`` names a template condition: a resource's or an
    output's own ``Condition``, or the condition function in the Conditions section. Elsewhere
    it is a property of that name (an ECS container's ``DependsOn[].Condition: START``, an IAM
    policy's ``Condition`` block)."""
    return len(path) == 2 and path[0] in ("Resources", "Outputs") or path[:1] == ("Conditions",)


def unresolved_cloudformation(file: str, data: dict, spans: dict) -> list[Unresolved]:
    def names(section: str) -> set:
        value = data.get(section)
        return set(value) if isinstance(value, dict) else set()

    parameters, resources = names("Parameters"), names("Resources")
    conditions, mappings = names("Conditions"), names("Mappings")
    referable = parameters | resources | _PSEUDO  # built once: a template has many Refs
    found: list[Unresolved] = []
    generated = _generated_names(data)

    def report(path: tuple, reference: str, what: str) -> None:
        span = spans.get(path) or Span(file, 1)
        found.append(Unresolved(span, reference, what))

    def walk(value: Any, path: tuple) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + (index,))
            return
        if not isinstance(value, dict):
            return
        for key, arg in value.items():
            where = path + (key,)
            if key == "Ref" and isinstance(arg, str):
                if arg not in referable and not generated(arg):
                    report(where, arg, "parameter or resource")
            elif key == "Fn::GetAtt":
                target = arg.split(".", 1)[0] if isinstance(arg, str) else (
                    arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else None)
                if target is not None and target not in resources and not generated(target):
                    report(where, target, "resource")
            elif key == "Fn::Sub":
                template, variables = (arg, {}) if isinstance(arg, str) else (
                    (arg[0], arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {})
                    if isinstance(arg, list) and arg and isinstance(arg[0], str) else (None, {}))
                if template is not None:
                    for variable in _SUB_VARIABLE.findall(template):
                        head = variable.split(".", 1)[0].strip()
                        if head not in referable and head not in variables \
                                and variable.strip() not in _PSEUDO and not generated(head):
                            report(where, head, "parameter, resource or Sub variable")
            elif key == "Fn::If" or key == "Condition" and _names_condition(path):
                name = arg[0] if key == "Fn::If" and isinstance(arg, list) and arg else arg
                if isinstance(name, str) and name not in conditions:
                    report(where, name, "condition")
            elif key == "Fn::FindInMap" and isinstance(arg, list) and arg and \
                    isinstance(arg[0], str) and arg[0] not in mappings:
                report(where, arg[0], "mapping")
            walk(arg, where)

    for section in ("Resources", "Outputs", "Conditions", "Globals"):
        body = data.get(section)
        if isinstance(body, dict):
            for name, item in body.items():
                walk(item, (section, name))
    return found


def _generated_names(data: dict) -> Callable[[str], bool]:
    """Which names a transform or a module may create without writing them in the template.

    The SAM transform alone names what it generates after the resource generating it
    (``MyFunctionRole``, ``MyApiProdStage``, ``MyFunction.Alias``) or ``Serverless*`` /
    ``CodeDeploy*`` for its implicit API and deployment resources: any other name a SAM
    template refers to must be declared, in ``Globals`` as in ``Resources``. Another transform
    (LanguageExtensions' ``Fn::ForEach`` creates logical IDs and loop variables) or a module
    (Rain, a resource whose ``Type`` is no string) may create any name: none is judged there.
    """
    resources = data.get("Resources")
    if not isinstance(resources, dict) or any(
            not isinstance(body, dict) or not isinstance(body.get("Type"), str)
            for body in resources.values()):
        return lambda name: True
    transform = data.get("Transform")
    if transform is None:
        return lambda name: False
    transforms = transform if isinstance(transform, list) else [transform]
    if transforms != [_SAM_TRANSFORM]:
        return lambda name: True
    prefixes = tuple(name for name, body in resources.items()
                     if body["Type"].startswith("AWS::Serverless::")) + _SAM_IMPLICIT_PREFIXES
    return lambda name: name.startswith(prefixes)
