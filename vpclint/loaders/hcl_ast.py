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

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Pos:
    """Start and end of an expression (1-based line and column)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Literal:
    value: Any
    pos: Pos


@dataclass(frozen=True)
class Template:
    """A string with interpolations: parts are ``str`` or expressions."""

    parts: tuple
    pos: Pos


@dataclass(frozen=True)
class Traversal:
    """``root.attr[index]...``: root is a variable name (str) or an expression."""

    root: Union[str, "Expr"]
    steps: tuple  # of ("attr", name) | ("index", Expr) | ("splat",) | ("full_splat",)
    pos: Pos


@dataclass(frozen=True)
class TupleExpr:
    items: tuple
    pos: Pos


@dataclass(frozen=True)
class ObjectExpr:
    items: tuple  # of (key: Expr, value: Expr); bare identifier keys are Literals
    pos: Pos


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple
    expand_final: bool
    pos: Pos


@dataclass(frozen=True)
class Conditional:
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"
    pos: Pos


@dataclass(frozen=True)
class BinaryOp:
    op: str
    left: "Expr"
    right: "Expr"
    pos: Pos


@dataclass(frozen=True)
class UnaryOp:
    op: str
    operand: "Expr"
    pos: Pos


@dataclass(frozen=True)
class ForExpr:
    key_var: str | None
    value_var: str
    collection: "Expr"
    key: "Expr | None"  # set for object-producing for expressions
    value: "Expr"
    condition: "Expr | None"
    grouping: bool
    pos: Pos


@dataclass(frozen=True)
class Opaque:
    """A construct vpclint does not evaluate (template directives); evaluates to UNKNOWN."""

    text: str
    pos: Pos


Expr = Union[Literal, Template, Traversal, TupleExpr, ObjectExpr, Call, Conditional, BinaryOp,
             UnaryOp, ForExpr, Opaque]


@dataclass
class Attribute:
    name: str
    expr: Expr
    pos: Pos


@dataclass
class Block:
    type: str
    labels: tuple
    pos: Pos
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)
