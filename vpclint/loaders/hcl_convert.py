"""python-hcl2's rule tree -> vpclint's HCL expression tree (``hcl_ast``), with positions.

Imported only when a file is parsed: a scan whose files all come from the cache never loads
python-hcl2 and lark.
"""

from __future__ import annotations

import json

from hcl2.rules import base, containers, expressions, for_expressions, functions, indexing
from hcl2.rules import literal_rules, strings
from hcl2.rules.abstract import LarkToken
from hcl2.utils import SerializationOptions, process_escape_sequences

from vpclint.loaders.hcl_ast import (Attribute, BinaryOp, Block, Call, Conditional, Expr, ForExpr,
                                     Literal, ObjectExpr, Opaque, Pos, Template, Traversal,
                                     TupleExpr, UnaryOp)

_VALUE_OPTIONS = SerializationOptions(strip_string_quotes=True)


def pos_of(node) -> Pos:
    meta = getattr(node, "_meta", None)
    line = getattr(meta, "line", None) or 1
    column = getattr(meta, "column", None) or 1
    end_line = getattr(meta, "end_line", None) or line
    end_column = getattr(meta, "end_column", None) or column
    return Pos(line, column, end_line, end_column)


def convert_body(body) -> tuple[dict[str, Attribute], list[Block]]:
    """Attributes and nested blocks of a python-hcl2 ``BodyRule``."""
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in body.children:
        if isinstance(child, base.AttributeRule):
            name = child.identifier.serialize()
            attributes[name] = Attribute(name, convert(child.expression), pos_of(child))
        elif isinstance(child, base.BlockRule):
            blocks.append(convert_block(child))
    return attributes, blocks


def convert_block(node) -> Block:
    labels = tuple(_label(label) for label in node.labels)
    attributes, blocks = convert_body(node.body)
    return Block(labels[0], labels[1:], pos_of(node), attributes, blocks)


def _label(label) -> str:
    value = label.serialize()
    if isinstance(value, str) and len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return str(value)


def convert(node) -> Expr:
    """Convert one python-hcl2 expression node."""
    handler = _HANDLERS.get(type(node))
    if handler is None:
        return Opaque(_text(node), pos_of(node))
    return handler(node)


def _text(node) -> str:
    try:
        return str(node.serialize())
    except Exception:  # noqa: BLE001 - only used for messages
        return type(node).__name__


def _expr_term(node) -> Expr:
    return convert(node.expression)


def _identifier(node) -> Expr:
    name = node.serialize()
    return Traversal(name, (), pos_of(node))


def _literal_value(node) -> Expr:
    # python-hcl2 serializes the keywords as Python's True / False / None
    text = str(node.serialize()).lower()
    value = {"true": True, "false": False, "null": None, "none": None}.get(text, text)
    return Literal(value, pos_of(node))


def _int(node) -> Expr:
    return _number(node, int)


def _float(node) -> Expr:
    return _number(node, float)


def _number(node, kind: type) -> Expr:
    """A number literal. python-hcl2 writes some as an interpolation (``${1e-400}``, when its
    float would not round-trip); a number Python cannot hold is not evaluated."""
    token = node.children[0] if node.children else None
    text = token.value if isinstance(getattr(token, "value", None), str) else str(
        node.serialize())
    text = text.removeprefix("${").removesuffix("}")
    if kind is int and len(text) > 1000:  # past Python's safe int parsing: not evaluated
        return Opaque(text[:80], pos_of(node))
    try:
        return Literal(kind(text), pos_of(node))
    except (ValueError, OverflowError):
        try:
            return Literal(float(text), pos_of(node))
        except (ValueError, OverflowError):
            return Opaque(text[:80], pos_of(node))


def _string(node) -> Expr:
    parts: list = []
    for part in node.children:
        if not isinstance(part, strings.StringPartRule):
            continue
        content = part.content
        if isinstance(content, strings.InterpolationRule):
            parts.append(convert(content.expression))
        elif isinstance(content, LarkToken):  # literal text: resolve \" \n \\ escapes
            parts.append(process_escape_sequences(part.serialize(_VALUE_OPTIONS)))
        else:  # %{ if } / %{ for } template directives
            parts.append(Opaque(_text(content), pos_of(part)))
    pos = pos_of(node)
    if all(isinstance(p, str) for p in parts):
        return Literal("".join(parts), pos)
    if len(parts) == 1:
        return parts[0]  # "${expr}" is expr itself, type preserved as Terraform does
    return Template(tuple(parts), pos)


def heredoc_body(token: str) -> str:
    """The text of a ``<<MARKER`` / ``<<-MARKER`` heredoc token, as Terraform reads it: the lines
    between the markers, with ``<<-`` removing the smallest indentation of non-blank lines.
    (python-hcl2's own serialization re-escapes quotes in ``<<-`` heredocs.)"""
    lines = token.split("\n")
    indented = lines[0].startswith("<<-")
    body = lines[1:-1] if len(lines) > 2 else []
    if indented:
        widths = [len(line) - len(line.lstrip(" ")) for line in body if line.strip()]
        cut = min(widths, default=0)
        body = [line[cut:] for line in body]
    return "".join(line + "\n" for line in body)


def _heredoc(node) -> Expr:
    body = heredoc_body(str(node.heredoc.value).rstrip("\n").rstrip())
    pos = pos_of(node)
    if "${" not in body and "%{" not in body:
        return Literal(body, pos)
    # A heredoc with interpolations is a template: parse its body as one quoted string, whose
    # escapes json.dumps writes in the syntax HCL reads.
    from hcl2 import api  # local: only heredoc templates need a second parse

    try:
        expr = convert(api.parses(f"x = {json.dumps(body)}\n").body.children[0].expression)
    except Exception:  # noqa: BLE001 - an unparsable template is UNKNOWN, not a crash
        return Opaque(body, pos)
    if isinstance(expr, Template):
        return Template(expr.parts, pos)
    return Literal(expr.value, pos) if isinstance(expr, Literal) else expr


def _tuple(node) -> Expr:
    return TupleExpr(tuple(convert(e) for e in node.elements), pos_of(node))


def _object(node) -> Expr:
    items = []
    for elem in node.elements:
        key_node = elem.key.value if hasattr(elem.key, "value") else elem.key
        if isinstance(key_node, literal_rules.IdentifierRule):
            key: Expr = Literal(key_node.serialize(), pos_of(key_node))
        elif isinstance(key_node, containers.ObjectElemKeyExpressionRule):
            key = convert(key_node.expression)
        else:
            key = convert(key_node)
        items.append((key, convert(elem.expression)))
    return ObjectExpr(tuple(items), pos_of(node))


def _steps(rules) -> list:
    steps = []
    for rule in rules:
        if isinstance(rule, indexing.GetAttrRule):
            steps.append(("attr", rule.identifier.serialize()))
        elif isinstance(rule, indexing.ShortIndexRule):
            steps.append(("index", Literal(int(str(rule.index)), pos_of(rule))))
        elif isinstance(rule, indexing.SqbIndexRule):
            steps.append(("index", convert(rule.index_expression)))
    return steps


def _extend(source: Expr, steps: list, pos: Pos) -> Expr:
    if isinstance(source, Traversal):
        return Traversal(source.root, source.steps + tuple(steps), pos)
    return Traversal(source, tuple(steps), pos)


def _get_attr(node) -> Expr:
    return _extend(convert(node.expr_term), _steps([node.get_attr]), pos_of(node))


def _index(node) -> Expr:
    return _extend(convert(node.children[0]), _steps([node.children[1]]), pos_of(node))


def _attr_splat(node) -> Expr:
    splat = node.children[1]
    return _extend(convert(node.expr_term), [("splat",)] + _steps(splat.get_attrs), pos_of(node))


def _full_splat(node) -> Expr:
    splat = node.children[1]
    return _extend(convert(node.expr_term), [("full_splat",)] + _steps(splat.get_attrs),
                   pos_of(node))


def _call(node) -> Expr:
    name = "::".join(i.serialize() for i in node.identifiers)
    arguments = node.arguments
    args = tuple(convert(a) for a in arguments.arguments) if arguments is not None else ()
    expand = bool(arguments is not None and arguments.has_ellipsis)
    return Call(name, args, expand, pos_of(node))


def _conditional(node) -> Expr:
    exprs = [c for c in node.children if isinstance(c, expressions.ExpressionRule)]
    return Conditional(convert(exprs[0]), convert(exprs[1]), convert(exprs[2]), pos_of(node))


def _binary_op(node) -> Expr:
    term = node.binary_term
    return BinaryOp(str(term.binary_operator.serialize()).strip(), convert(node.expr_term),
                    convert(term.expr_term), pos_of(node))


def _unary_op(node) -> Expr:
    return UnaryOp(node.operator, convert(node.expr_term), pos_of(node))


def _for(node) -> Expr:
    intro = next(c for c in node.children if isinstance(c, for_expressions.ForIntroRule))
    idents = [c.serialize() for c in intro.children if isinstance(c, literal_rules.IdentifierRule)]
    collection = next(c for c in intro.children if isinstance(c, expressions.ExpressionRule))
    key_var, value_var = (idents[0], idents[1]) if len(idents) == 2 else (None, idents[0])
    exprs = [c for c in node.children if isinstance(c, expressions.ExpressionRule)]
    cond_rule = next((c for c in node.children if isinstance(c, for_expressions.ForCondRule)), None)
    condition = None
    if cond_rule is not None:
        cond_expr = next(c for c in cond_rule.children if isinstance(c, expressions.ExpressionRule))
        condition = convert(cond_expr)
    is_object = isinstance(node, for_expressions.ForObjectExprRule)
    grouping = is_object and any(
        isinstance(c, LarkToken) and c.lark_name() == "ELLIPSIS" for c in node.children)
    key = convert(exprs[0]) if is_object else None
    value = convert(exprs[1] if is_object else exprs[0])
    return ForExpr(key_var, value_var, convert(collection), key, value, condition, grouping,
                   pos_of(node))


_HANDLERS = {
    expressions.ExprTermRule: _expr_term,
    expressions.ConditionalRule: _conditional,
    expressions.BinaryOpRule: _binary_op,
    expressions.UnaryOpRule: _unary_op,
    literal_rules.IdentifierRule: _identifier,
    literal_rules.LiteralValueRule: _literal_value,
    literal_rules.KeywordRule: _literal_value,
    literal_rules.IntLitRule: _int,
    literal_rules.FloatLitRule: _float,
    strings.StringRule: _string,
    strings.HeredocTemplateRule: _heredoc,
    strings.HeredocTrimTemplateRule: _heredoc,
    containers.TupleRule: _tuple,
    containers.ObjectRule: _object,
    indexing.GetAttrExprTermRule: _get_attr,
    indexing.IndexExprTermRule: _index,
    indexing.AttrSplatExprTermRule: _attr_splat,
    indexing.FullSplatExprTermRule: _full_splat,
    functions.FunctionCallRule: _call,
    for_expressions.ForTupleExprRule: _for,
    for_expressions.ForObjectExprRule: _for,
}
