"""Which module-call arguments a Terraform value came through, for findings inside modules.

A finding inside a called module is decided as much by what its caller passed as by the
module's own code: ``auth_type = try(var.service_network.auth_type, "NONE")`` is NONE because an
example wrote ``auth_type = "NONE"`` in its module block. While a resource's arguments are
evaluated, each read of a module variable notes the caller's argument it reached (the entry of
an object or tuple written there when the read goes into one), and so does each read of a value
that was written in a module-call argument and travelled since (through a ``for`` expression,
``each.value``, a local or an output). The notes of one argument become that property's
``Resource.origins``; reporters show them beside the finding.

Evaluated values are plain Python data, so a value written in an argument is recognised by
identity: each dict or list that an object or tuple expression of a module-call argument built is
registered with the expression. Scalars are traced through the variable read itself. What is
noted never changes a value: it only says where to look.
"""

from __future__ import annotations

from typing import Any, Callable

from msgspec import Struct

from vpclint.evaluate.tf_expressions import evaluate, index
from vpclint.loaders.hcl_ast import (BinaryOp, Call, Conditional, ForExpr, Literal, ObjectExpr,
                                     Pos, Template, Traversal, TupleExpr, UnaryOp)
from vpclint.source import Origin, Span

NONE: frozenset[Origin] = frozenset()  # what most values came through: no module-call argument


class Written(Struct, frozen=True, eq=False):
    """A value written in a module-call argument: its expression and span, the scope the caller
    evaluates it in (its instance and ``count``/``each`` names), and the module instance it is
    passed to (``module.net``)."""

    expr: Any
    span: Span
    scope: Any
    call: str

    def child(self, key: Any) -> "Written | None":
        """The entry written for ``key`` in an object or tuple expression, if there is one."""
        expr = self.expr
        if isinstance(expr, ObjectExpr):
            text = _key_text(key)
            for key_expr, value_expr in expr.items:
                if isinstance(key_expr, Literal) and _key_text(key_expr.value) == text:
                    return self._entry(key_expr.pos, value_expr)
        elif isinstance(expr, TupleExpr):
            position = _position(key)
            if position is not None and 0 <= position < len(expr.items):
                item = expr.items[position]
                return self._entry(item.pos, item)
        return None

    def children(self) -> list[tuple[Any, "Written"]]:
        """Every entry written in an object (by key) or tuple (by position) expression."""
        if isinstance(self.expr, ObjectExpr):
            return [(_key_text(k.value), self._entry(k.pos, v)) for k, v in self.expr.items
                    if isinstance(k, Literal)]
        if isinstance(self.expr, TupleExpr):
            return [(i, self._entry(item.pos, item)) for i, item in enumerate(self.expr.items)]
        return []

    def _entry(self, start: Pos, expr: Any) -> "Written":
        end = expr.pos
        return Written(expr, Span(self.span.file, start.line, start.column, end.end_line,
                                  end.end_column), self.scope, self.call)

    def descend(self, keys: tuple) -> tuple["Written", tuple]:
        """The innermost entry written along ``keys``, and the keys left below it."""
        node = self
        for position, key in enumerate(keys):
            child = node.child(key)
            if child is None:
                return node, keys[position:]
            node = child
        return node, ()


class Origins:
    """The origin notes of one root module's evaluation: a stack of collecting frames (one per
    value being computed), and the registry of values written in module-call arguments."""

    def __init__(self) -> None:
        self._frames: list[set[Origin]] = []
        self._born: dict[int, tuple[Any, Written]] = {}
        self._traced: dict[tuple, frozenset[Origin]] = {}
        self._tracing: set[tuple] = set()
        self.quiet = 0  # > 0 while re-evaluating an argument to trace it: no notes then

    def push(self) -> None:
        """Start collecting what is noted until the matching ``pop``."""
        self._frames.append(set())

    def pop(self) -> frozenset[Origin]:
        """What was noted since the matching ``push``; it is not passed on to the enclosing
        frame (the caller decides, with ``add``)."""
        found = self._frames.pop()
        return frozenset(found) if found else NONE

    def add(self, origins) -> None:
        if origins and self._frames:
            self._frames[-1].update(origins)

    def register(self, value: Any, written: Written) -> None:
        """Remember the dicts and lists that ``written`` (an argument, or an entry in one) built."""
        built = (isinstance(written.expr, ObjectExpr) and type(value) is dict) or (
            isinstance(written.expr, TupleExpr) and type(value) is list)
        if not built:
            return
        self._born.setdefault(id(value), (value, written))
        for key, child in written.children():
            if type(value) is dict and key in value:
                self.register(value[key], child)
            elif type(value) is list and key < len(value):
                self.register(value[key], child)

    def rebirth(self, old: Any, new: Any) -> None:
        """``new`` is ``old`` rebuilt (a variable's type constraint filled in optional
        attributes): what was written for ``old`` was written for ``new``."""
        if old is new or type(old) is not type(new) or type(old) not in (dict, list):
            return
        entry = self._born.get(id(old))
        if entry is not None and entry[0] is old:
            self._born.setdefault(id(new), (new, entry[1]))
        if type(old) is dict:
            for key in old.keys() & new.keys():
                self.rebirth(old[key], new[key])
        else:
            for before, after in zip(old, new):
                self.rebirth(before, after)

    def reached(self, value: Any, steps: tuple, key_of: Callable[[tuple], Any],
                written: Written | None = None) -> frozenset[Origin] | None:
        """What a read of ``value`` followed by ``steps`` reaches: the innermost value on the
        way that was written in a module-call argument, else ``written`` (the argument a
        variable read came through), descended by the steps' keys. ``key_of`` gives a step's
        key (None for a splat or an unknown index)."""
        if written is None and type(value) not in (dict, list):
            return None  # a scalar, or a resource: nothing written in an argument is reached
        best = (written, 0) if written is not None else None
        keys: list = []
        current = value
        for position in range(len(steps) + 1):
            entry = self._born.get(id(current)) if type(current) in (dict, list) else None
            if entry is not None and entry[0] is current:
                best = (entry[1], position)
            if position == len(steps) or (best is None and not isinstance(current,
                                                                          (dict, list))):
                break
            key = key_of(steps[position])
            if key is None:
                break
            keys.append(key)
            current = index(current, key) if isinstance(current, (dict, list)) else None
        if best is None:
            return None
        found, at = best
        return self.through(found, tuple(keys[at:]))

    def through(self, written: Written, keys: tuple) -> frozenset[Origin]:
        """The entry of ``written`` that ``keys`` reach, and what it came through in turn (a
        caller's own variable, passed on from its caller)."""
        node, rest = written.descend(keys)
        key = (node.span, node.call, rest)
        cached = self._traced.get(key)
        if cached is not None:
            return cached
        found = {Origin(node.span, node.call)}
        absent = rest and isinstance(node.expr, (ObjectExpr, TupleExpr))  # a key not written
        if not absent and key not in self._tracing and _refers(node.expr):
            self._tracing.add(key)
            self.quiet += 1
            self.push()
            try:
                evaluate(_extended(node.expr, rest), node.scope)
            finally:
                found |= self.pop()
                self.quiet -= 1
                self._tracing.discard(key)
        result = frozenset(found)
        self._traced[key] = result
        return result


def innermost(origins) -> tuple[Origin, ...]:
    """The origins, less any whose span encloses another's (the whole object argument when the
    entry read in it is noted too), in file order."""
    kept = [o for o in origins if not any(other is not o and _encloses(o.span, other.span)
                                          for other in origins)]
    return tuple(sorted(set(kept)))


def _encloses(outer: Span, inner: Span) -> bool:
    return outer.file == inner.file and outer != inner and \
        (outer.line, outer.column) <= (inner.line, inner.column) and \
        (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def _position(key: Any) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def _extended(expr: Any, keys: tuple) -> Any:
    """``var.cfg`` read further as ``var.cfg["auth_type"]``: the caller's own read goes as deep
    as the callee's did."""
    if not keys or not isinstance(expr, Traversal):
        return expr
    return Traversal(expr.root, expr.steps + tuple(("index", Literal(k, expr.pos)) for k in keys),
                     expr.pos)


def _refers(expr: Any) -> bool:
    """Whether an expression reads any name (so it may have come through a variable)."""
    if isinstance(expr, (Traversal, ForExpr)):
        return True
    if isinstance(expr, Template):
        return any(not isinstance(part, str) and _refers(part) for part in expr.parts)
    if isinstance(expr, TupleExpr):
        return any(_refers(item) for item in expr.items)
    if isinstance(expr, ObjectExpr):
        return any(_refers(k) or _refers(v) for k, v in expr.items)
    if isinstance(expr, Call):
        return any(_refers(arg) for arg in expr.args)
    if isinstance(expr, Conditional):
        return _refers(expr.condition) or _refers(expr.then) or _refers(expr.otherwise)
    if isinstance(expr, BinaryOp):
        return _refers(expr.left) or _refers(expr.right)
    if isinstance(expr, UnaryOp):
        return _refers(expr.operand)
    return False
