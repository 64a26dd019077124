"""A small, picklable expression tree for HCL, built while python-hcl2's parser runs.

python-hcl2 v8's grammar describes a concrete syntax (whitespace, comments and tokens), and its
own parse builds a tree of all of it with lark positions. The evaluator needs the abstract shape
only: literals, templates, traversals (``aws_vpc.main.id``, ``var.x[0]``), calls, operators,
conditionals and ``for`` expressions. Building that shape alone keeps the evaluator independent of
the parser's internals and lets parsed files be cached and sent between processes.

This module is the tree's node types only; ``hcl_convert`` builds them during the parse.
Apart, a scan whose files all come from the cache never imports python-hcl2 and lark.
"""

from __future__ import annotations

from typing import Any, Union

from msgspec import Struct, field


class Pos(Struct, frozen=True):
    """Start and end of an expression (1-based line and column)."""

    line: int
    column: int
    end_line: int
    end_column: int


class Literal(Struct, frozen=True):
    value: Any
    pos: Pos


class Template(Struct, frozen=True):
    """A string with interpolations: parts are ``str`` or expressions."""

    parts: tuple
    pos: Pos


class Traversal(Struct, frozen=True):
    """``root.attr[index]...``: root is a variable name (str) or an expression."""

    root: Union[str, "Expr"]
    steps: tuple  # of ("attr", name) | ("index", Expr) | ("splat",) | ("full_splat",)
    pos: Pos


class TupleExpr(Struct, frozen=True):
    items: tuple
    pos: Pos


class ObjectExpr(Struct, frozen=True):
    items: tuple  # of (key: Expr, value: Expr); bare identifier keys are Literals
    pos: Pos


class Call(Struct, frozen=True):
    name: str
    args: tuple
    expand_final: bool
    pos: Pos


class Conditional(Struct, frozen=True):
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"
    pos: Pos


class BinaryOp(Struct, frozen=True):
    op: str
    left: "Expr"
    right: "Expr"
    pos: Pos


class UnaryOp(Struct, frozen=True):
    op: str
    operand: "Expr"
    pos: Pos


class ForExpr(Struct, frozen=True):
    key_var: str | None
    value_var: str
    collection: "Expr"
    key: "Expr | None"  # set for object-producing for expressions
    value: "Expr"
    condition: "Expr | None"
    grouping: bool
    pos: Pos


class Opaque(Struct, frozen=True):
    """A construct vpclint does not evaluate (template directives); evaluates to UNKNOWN."""

    text: str
    pos: Pos


Expr = Union[Literal, Template, Traversal, TupleExpr, ObjectExpr, Call, Conditional, BinaryOp,
             UnaryOp, ForExpr, Opaque]


class Attribute(Struct):
    name: str
    expr: Expr
    pos: Pos


class Block(Struct):
    type: str
    labels: tuple
    pos: Pos
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)
