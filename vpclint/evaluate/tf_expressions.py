"""Evaluation of HCL expressions as Terraform does, with UNKNOWN propagating through everything.

The expression tree comes from ``loaders.hcl_ast``; names are looked up through a ``Scope``
supplied by the module evaluator (variables, locals, resources, module outputs, ``count`` and
``each``, ``for`` variables). An operator or function applied to an UNKNOWN gives UNKNOWN, so a
rule never sees a value that depends on something vpclint could not know.
"""

from __future__ import annotations

from typing import Any, Protocol

from vpclint.evaluate.tf_functions import call
from vpclint.loaders.hcl_ast import (BinaryOp, Call, Conditional, ForExpr, Literal, ObjectExpr,
                                     Opaque, Template, Traversal, TupleExpr, UnaryOp)
from vpclint.values import Ref, Unknown, contains_unknown


class Scope(Protocol):
    """What expressions look names up in: a module instance plus bound names."""

    def lookup(self, root: str, steps: tuple, expr: Traversal) -> Any:
        """Resolve ``root`` (and as many of ``steps`` as it needs); returns (value, steps left)."""

    def with_names(self, names: dict) -> "Scope":
        """The same scope with more names bound (``for`` variables, ``count``, ``each``)."""


def evaluate(expr, scope: Scope) -> Any:
    """The value of ``expr``: plain data, ``Ref`` for resource identities, or ``Unknown``."""
    kind = type(expr)
    if kind is Literal:
        return expr.value
    if kind is Traversal:
        return _traversal(expr, scope)
    if kind is Template:
        return _template(expr, scope)
    if kind is TupleExpr:
        return [evaluate(item, scope) for item in expr.items]
    if kind is ObjectExpr:
        return _object(expr, scope)
    if kind is Call:
        return _call(expr, scope)
    if kind is Conditional:
        return _conditional(expr, scope)
    if kind is BinaryOp:
        return _binary(expr, scope)
    if kind is UnaryOp:
        return _unary(expr, scope)
    if kind is ForExpr:
        return _for(expr, scope)
    if kind is Opaque:
        return Unknown("template directive or heredoc template (not evaluated)", expr.text[:80])
    return Unknown("expression not evaluated", kind.__name__)


def _object(expr: ObjectExpr, scope) -> Any:
    result = {}
    for key_expr, value_expr in expr.items:
        key = evaluate(key_expr, scope)
        if isinstance(key, Unknown):
            return Unknown("object with an unknown key", key.expr)
        result[_to_str(key)] = evaluate(value_expr, scope)
    return result


def _to_str(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, (str, Unknown)) else str(value)


def _template(expr: Template, scope) -> Any:
    pieces = []
    for part in expr.parts:
        value = part if isinstance(part, str) else evaluate(part, scope)
        if isinstance(value, Unknown):
            return value
        if isinstance(value, Ref) or not isinstance(value, (str, int, float, bool)):
            return Unknown("string built from a computed value", "template")
        pieces.append(_to_str(value))
    return "".join(pieces)


def _traversal(expr: Traversal, scope) -> Any:
    if isinstance(expr.root, str):
        value, steps = scope.lookup(expr.root, expr.steps, expr)
    else:
        value, steps = evaluate(expr.root, scope), expr.steps
    return apply_steps(value, steps, scope)


def apply_steps(value: Any, steps: tuple, scope) -> Any:
    """Follow attribute, index and splat steps through a value."""
    for position, step in enumerate(steps):
        if isinstance(value, Unknown):
            return value
        if step[0] in ("splat", "full_splat"):
            rest = steps[position + 1:]
            if value is None:
                return []
            if isinstance(value, SomeInstances):
                return Unknown("splat over an unknown number of instances", "[*]")
            items = value if isinstance(value, list) else [value]
            return [apply_steps(item, rest, scope) for item in items]
        key = step[1] if step[0] == "attr" else evaluate(step[1], scope)
        value = index(value, key)
    return value


class ResourceObject(dict):
    """A resource instance as an expression sees it: its configured arguments, and a ``Ref``
    for any other (computed) attribute such as ``id``, ``arn`` or ``service_name``."""

    def __init__(self, ref: Ref, values: dict):
        super().__init__(values)
        self.ref = ref


class SomeInstances:
    """A resource or module with an UNKNOWN ``count``/``for_each``: any index gives the one
    representative instance, but how many there are is not known."""

    def __init__(self, instance: Any):
        self.instance = instance


def index(value: Any, key: Any) -> Any:
    if isinstance(value, SomeInstances):
        return value.instance
    if isinstance(key, Unknown):
        return key
    if isinstance(value, ResourceObject):
        if key in ("id", "arn") or key not in value:
            return Ref(value.ref.scope, value.ref.target, str(key))
        return value[key]
    if isinstance(value, Ref):
        attr = str(key)
        return Ref(value.scope, value.target, attr) if value.attr is None else Unknown(
            "attribute of a computed resource attribute", f"{value.target}.{value.attr}.{attr}")
    if isinstance(value, dict):
        key = _to_str(key)
        if key in value:
            return value[key]
        return Unknown(f"error: no key {key!r}", str(key))
    if isinstance(value, list):
        try:
            position = int(key)
        except (TypeError, ValueError):
            return Unknown("error: list index is not a number", str(key))
        if 0 <= position < len(value):
            return value[position]
        return Unknown("error: index out of range", str(key))
    return Unknown("error: cannot index this value", str(key))


def _call(expr: Call, scope) -> Any:
    args = [evaluate(arg, scope) for arg in expr.args]
    if expr.expand_final and args:
        last = args.pop()
        if not isinstance(last, list):
            return Unknown("expanding an unknown list", expr.name)
        args.extend(last)
    return call(expr.name, args)


def _conditional(expr: Conditional, scope) -> Any:
    condition = evaluate(expr.condition, scope)
    if isinstance(condition, str) and condition in ("true", "false"):
        condition = condition == "true"
    if not isinstance(condition, bool):
        return Unknown("condition not known", "conditional")
    return evaluate(expr.then if condition else expr.otherwise, scope)


_NUMERIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
            "/": lambda a, b: a / b, "%": lambda a, b: a % b, "<": lambda a, b: a < b,
            ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def _binary(expr: BinaryOp, scope) -> Any:
    left = evaluate(expr.left, scope)
    op = expr.op
    if op in ("&&", "||") and isinstance(left, bool):  # short-circuit on a known side
        if (op == "&&" and not left) or (op == "||" and left):
            return left
    right = evaluate(expr.right, scope)
    if op in ("==", "!="):
        if contains_unknown(left) or contains_unknown(right) or isinstance(left, Ref) or \
                isinstance(right, Ref):
            return Unknown("comparison with an unknown value", op)
        equal = _normal(left) == _normal(right)
        return equal if op == "==" else not equal
    if isinstance(left, Unknown):
        return left
    if isinstance(right, Unknown):
        return right
    if op in ("&&", "||"):
        if isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if op == "&&" else (left or right)
        return Unknown("error: logical operator on non-booleans", op)
    try:
        result = _NUMERIC[op](_number(left), _number(right))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return Unknown(f"error: cannot apply {op}", op)
    if isinstance(result, float) and result.is_integer() and op != "/":
        return int(result)
    return result


def _normal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, str):
        return float(value) if "." in value else int(value)
    return value


def _unary(expr: UnaryOp, scope) -> Any:
    value = evaluate(expr.operand, scope)
    if isinstance(value, Unknown):
        return value
    if expr.op == "!" and isinstance(value, bool):
        return not value
    if expr.op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    return Unknown(f"error: cannot apply {expr.op}", expr.op)


def _for(expr: ForExpr, scope) -> Any:
    collection = evaluate(expr.collection, scope)
    if isinstance(collection, Unknown):
        return collection
    if isinstance(collection, dict):
        pairs = list(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        return Unknown("error: for over a non-collection", "for")
    results: list = []
    object_result: dict = {}
    for key, value in pairs:
        names = {expr.value_var: value}
        if expr.key_var:
            names[expr.key_var] = key
        inner = scope.with_names(names)
        if expr.condition is not None:
            keep = evaluate(expr.condition, inner)
            if not isinstance(keep, bool):
                return Unknown("for condition not known", "for")
            if not keep:
                continue
        if expr.key is None:
            results.append(evaluate(expr.value, inner))
            continue
        out_key = evaluate(expr.key, inner)
        if isinstance(out_key, Unknown):
            return Unknown("for expression with an unknown key", "for")
        out_value = evaluate(expr.value, inner)
        out_key = _to_str(out_key)
        if expr.grouping:
            object_result.setdefault(out_key, []).append(out_value)
        else:
            object_result[out_key] = out_value
    return results if expr.key is None else object_result
