"""Evaluation of HCL expressions as Terraform does, with UNKNOWN propagating through everything.

The expression tree comes from ``loaders.hcl_ast``; names are looked up through a ``Scope``
supplied by the module evaluator (variables, locals, resources, module outputs, ``count`` and
``each``, ``for`` variables). An operator or function applied to an UNKNOWN gives UNKNOWN, so a
rule never sees a value that depends on something vpclint could not know. Such an UNKNOWN keeps
the reason of the one it comes from, but not what that one knows (``plain``): the text of a
partial string is not the text of its attribute, nor a choice's branches those of its negation.

UNKNOWN reaches no further than it would when Terraform applies the configuration:

* a conditional on an unknown condition is the value both branches agree on, else a ``Choice``
  keyed by the condition, so that several conditionals on one condition are decided together;
* a template with unknown interpolations is a ``PartialString`` that keeps its known text, and
  a template that is one interpolation (``"${aws_vpc.main.id}"``) is that value;
* ``x == null`` is false for an UNKNOWN known not to be null (a template's or ``jsonencode``'s
  result), and ``&&`` / ``||`` are decided by one known operand;
* a ``for`` expression whose ``if`` is unknown for some elements is a ``PartialCollection``:
  the elements that surely exist stay readable, the others may or may not exist.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Protocol

from msgspec import Struct
from msgspec.structs import replace

from vpclint.evaluate.tf_functions import call
from vpclint.loaders.hcl_ast import (BinaryOp, Call, Conditional, ForExpr, Literal, ObjectExpr,
                                     Opaque, Template, Traversal, TupleExpr, UnaryOp)
from vpclint.values import (Choice, DistinctList, PartialCollection, Ref, Unknown, choose,
                            contains_unknown, derived, join_parts, known_not_null, plain)


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
    """The string; an unknown or computed interpolation is a hole of a ``PartialString``."""
    pieces = []
    for part in expr.parts:
        value = part if isinstance(part, str) else evaluate(part, scope)
        if _is_error(value):
            return value
        if value is None:
            return Unknown("error: a template cannot interpolate null", "template")
        if isinstance(value, (list, dict)) or not isinstance(value, (str, int, float, bool, Ref,
                                                                       Unknown)):
            return Unknown("error: a template interpolates a collection", "template")
        if isinstance(value, _INDEXABLE):  # a collection: what it knows is no string's
            value = plain(value)
        pieces.append(value if isinstance(value, (Ref, Unknown)) else _to_str(value))
    return join_parts(pieces)


def _is_error(value: Any) -> bool:
    return isinstance(value, Unknown) and value.reason.startswith("error:")


def _traversal(expr: Traversal, scope) -> Any:
    if isinstance(expr.root, str):
        value, steps = scope.lookup(expr.root, expr.steps, expr)
    else:
        value, steps = evaluate(expr.root, scope), expr.steps
    return apply_steps(value, steps, scope)


def apply_steps(value: Any, steps: tuple, scope) -> Any:
    """Follow attribute, index and splat steps through a value."""
    for position, step in enumerate(steps):
        if isinstance(value, Choice):  # (c ? a : b).id is c ? a.id : b.id
            rest = steps[position:]
            return choose(value.condition, apply_steps(value.then, rest, scope),
                          apply_steps(value.otherwise, rest, scope), value)
        if isinstance(value, Unknown) and not isinstance(value, _INDEXABLE):
            return plain(value)
        if step[0] in ("splat", "full_splat"):
            rest = steps[position + 1:]
            if value is None:
                return []
            if isinstance(value, SomeInstances):
                return Unknown("splat over an unknown number of instances", "[*]")
            if isinstance(value, Unknown):
                return Unknown("splat over a collection not fully known", "[*]")
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


_INDEXABLE = (DistinctList, PartialCollection)  # UNKNOWNs some of whose elements are known


def index(value: Any, key: Any) -> Any:
    if isinstance(value, SomeInstances):
        return value.instance
    if isinstance(key, Unknown):
        return plain(key)
    if isinstance(value, DistinctList):
        position = _position(key)
        return value.element(position) if position is not None and position >= 0 else Unknown(
            "error: list index is not a whole number", str(key))
    if isinstance(value, PartialCollection):
        return _entry(value, key)
    if isinstance(value, ResourceObject):
        if key in ("id", "arn") or key not in value:
            return Ref(value.ref.scope, value.ref.target, str(key))
        return value[key]
    if isinstance(value, Ref):
        attr = str(key)
        return Ref(value.scope, value.target, attr) if value.attr is None else derived(
            "attribute of a computed resource attribute", f"{value.target}.{value.attr}.{attr}",
            value)
    if isinstance(value, dict):
        key = _to_str(key)
        if key in value:
            return value[key]
        return Unknown(f"error: no key {key!r}", str(key))
    if isinstance(value, list):
        try:
            position = int(key)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite index
            return Unknown("error: list index is not a number", str(key))
        if 0 <= position < len(value):
            return value[position]
        return Unknown("error: index out of range", str(key))
    return Unknown("error: cannot index this value", str(key))


def _position(key: Any) -> int | None:
    try:
        number = float(key)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() and not isinstance(key, bool) else None


def _entry(collection: PartialCollection, key: Any) -> Any:
    """An entry of a collection whose other entries may not exist: known when it surely
    exists; a Terraform error when it cannot exist."""
    items = collection.items
    if isinstance(items, list):
        position = _position(key)
        if position is None or not 0 <= position < len(items):  # past every element that may be
            return Unknown("error: index out of range", str(key))
        if any(earlier in collection.maybe for earlier in range(position + 1)):
            return Unknown("element at a position that depends on unknown elements", str(key))
        return items[position]
    key = _to_str(key)
    if key not in items:
        return Unknown(f"error: no key {key!r}", str(key))
    if key in collection.maybe:
        return Unknown("entry that may not exist", str(key))
    return items[key]


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
    if isinstance(condition, bool):
        return evaluate(expr.then if condition else expr.otherwise, scope)
    if _is_error(condition):
        return condition
    normal, negated = _normalized(expr.condition)
    then, otherwise = evaluate(expr.then, scope), evaluate(expr.otherwise, scope)
    if negated:  # `!c ? a : b` is `c ? b : a`
        then, otherwise = otherwise, then
    return choose(_condition_key(normal, scope), then, otherwise,
                  Unknown("condition not known", "conditional"))


def _normalized(condition) -> tuple[Any, bool]:
    """The condition written positively, and whether the original is its negation, so that
    complementary conditions share a key: ``!c`` and ``c``, ``a != b`` and ``a == b``,
    ``length(x) > 0`` and ``length(x) == 0`` (a length is never negative)."""
    if isinstance(condition, UnaryOp) and condition.op == "!":
        inner, negated = _normalized(condition.operand)
        return inner, not negated
    if isinstance(condition, BinaryOp):
        if condition.op == "!=":
            return replace(condition, op="=="), True
        if condition.op in (">", ">=") and isinstance(condition.left, Call) and \
                condition.left.name == "length" and isinstance(condition.right, Literal) and \
                type(condition.right.value) in (int, float) and \
                condition.right.value == (0 if condition.op == ">" else 1):
            zero = replace(condition.right, value=0)
            return replace(condition, op="==", right=zero), True
    return condition, False


def _condition_key(condition, scope) -> tuple:
    """A key equal for two conditions that are the same value: the same expression (wherever it
    is written) over the same values of the names it reads. Known values and references are
    compared by value, anything else by identity (a module instance reads ``var.x`` as one
    object; another instance's ``var.x`` is another object even when both are UNKNOWN)."""
    names = tuple(_Same(evaluate(node, scope)) for node in _traversals(condition))
    return _shape(condition), names


class _Same:
    """A value in a condition key: equal by value when known, by identity otherwise (holding
    the value keeps its identity from being reused)."""

    def __init__(self, value: Any):
        self.value = value
        self.by_value = value is None or isinstance(value, (str, int, float, bool, Ref))

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, _Same) or self.by_value != other.by_value:
            return False
        if self.by_value:
            return type(self.value) is type(other.value) and self.value == other.value
        return self.value is other.value

    def __hash__(self) -> int:
        return hash(self.value) if self.by_value else id(self.value)


def _traversals(node) -> list[Traversal]:
    """The name lookups (``var.x``, ``each.value.y``) an expression makes, in order."""
    if isinstance(node, Traversal):
        return [node]
    found: list[Traversal] = []
    if isinstance(node, tuple):
        for item in node:
            found += _traversals(item)
    elif isinstance(node, Struct):
        for name in node.__struct_fields__:
            if name != "pos":
                found += _traversals(getattr(node, name))
    return found


def _shape(node) -> Any:
    """An expression without its positions: equal for the same text written anywhere."""
    if isinstance(node, tuple):
        return tuple(_shape(item) for item in node)
    if isinstance(node, Struct):
        return (type(node).__name__,) + tuple(_shape(getattr(node, name))
                                             for name in node.__struct_fields__ if name != "pos")
    return node


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
        if (left is None and known_not_null(right)) or (right is None and known_not_null(left)):
            return op == "!="  # an UNKNOWN that cannot be null is not null
        if contains_unknown(left) or contains_unknown(right) or isinstance(left, Ref) or \
                isinstance(right, Ref):
            return Unknown("comparison with an unknown value", op)
        equal = _normal(left) == _normal(right)
        return equal if op == "==" else not equal
    if op in ("&&", "||") and isinstance(left, Unknown) and not _is_error(left) and \
            right is (op == "||"):
        return right  # `unknown && false` is false, `unknown || true` is true
    if isinstance(left, Unknown):
        return plain(left)
    if isinstance(right, Unknown):
        return plain(right)
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
        return plain(value)
    if expr.op == "!" and isinstance(value, bool):
        return not value
    if expr.op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    return Unknown(f"error: cannot apply {expr.op}", expr.op)


MAX_FOR_ITERATIONS = 100_000  # per outermost ``for``, nested ones included
_FOR_BUDGET: ContextVar[list[int] | None] = ContextVar("for_budget", default=None)


def _for(expr: ForExpr, scope) -> Any:
    """The list or map; elements whose ``if`` is not known make a ``PartialCollection``.

    Nested ``for`` expressions multiply (``[for i in range(1024) : [for j in range(1024) :
    ...]]`` is a million steps): past ``MAX_FOR_ITERATIONS`` in one outermost ``for`` the value
    is UNKNOWN, so a hostile configuration cannot stall the scan."""
    if _FOR_BUDGET.get() is not None:
        return _for_steps(expr, scope)
    budget = [MAX_FOR_ITERATIONS]
    token = _FOR_BUDGET.set(budget)
    try:
        value = _for_steps(expr, scope)
    finally:
        _FOR_BUDGET.reset(token)
    if budget[0] < 0:  # an inner ``for`` ran out: the whole value is not known
        return Unknown(f"for expressions past {MAX_FOR_ITERATIONS:,} steps are not evaluated",
                       "for")
    return value


def _for_steps(expr: ForExpr, scope) -> Any:
    collection = evaluate(expr.collection, scope)
    maybe_in: frozenset = frozenset()
    if isinstance(collection, PartialCollection):
        if isinstance(collection.items, list) and expr.key_var:
            return Unknown("index into a list whose elements may not all exist", "for")
        collection, maybe_in = collection.items, collection.maybe
    if isinstance(collection, Unknown):
        return plain(collection)
    if isinstance(collection, dict):
        pairs = list(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        return Unknown("error: for over a non-collection", "for")
    budget = _FOR_BUDGET.get()
    budget[0] -= len(pairs)
    if budget[0] < 0:
        return Unknown(f"for expressions past {MAX_FOR_ITERATIONS:,} steps are not evaluated",
                       "for")
    results: list = []
    object_result: dict = {}
    maybe: set = set()
    for key, value in pairs:
        names = {expr.value_var: value}
        if expr.key_var:
            names[expr.key_var] = key
        inner = scope.with_names(names)
        unsure = key in maybe_in
        if expr.condition is not None:
            keep = evaluate(expr.condition, inner)
            if _is_error(keep):
                return keep
            if keep is False:
                continue
            unsure = unsure or keep is not True
        if expr.key is None:
            if unsure:
                maybe.add(len(results))
            results.append(evaluate(expr.value, inner))
            continue
        out_key = evaluate(expr.key, inner)
        if isinstance(out_key, Unknown):
            return Unknown("for expression with an unknown key", "for")
        out_value = evaluate(expr.value, inner)
        out_key = _to_str(out_key)
        if expr.grouping:
            if unsure:
                return Unknown("grouping of elements that may not exist", "for")
            object_result.setdefault(out_key, []).append(out_value)
        else:
            if out_key in object_result and (unsure or out_key in maybe):
                return Unknown("for expression whose duplicate keys may not exist", "for")
            object_result[out_key] = out_value
            if unsure:
                maybe.add(out_key)
    result = results if expr.key is None else object_result
    if maybe:
        return PartialCollection("for expression whose condition is not known for every "
                                 "element", "for", items=result, maybe=frozenset(maybe))
    return result
