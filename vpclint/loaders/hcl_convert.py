"""python-hcl2's lark parse tree -> vpclint's HCL expression tree (``hcl_ast``), with positions.

python-hcl2 turns lark's parse tree into a tree of its own rule objects (``hcl2.api.parses``),
built for round-tripping HCL: one object per node and token, each wrapped and linked to its parent.
vpclint used that tree only to convert it at once into ``hcl_ast`` and threw it away, and building
it cost a third of the parse (and the garbage collector walked its parent links). So this
module reads lark's tree (``hcl2.api.parses_to_tree``: python-hcl2's own grammar, parser and
post-lexer) directly, giving each node the meaning python-hcl2's rules give it. The one construct
whose text only python-hcl2 can write, a template directive (``%{ if }``, ``%{ for }``), still goes
through its rule transformer, for that string alone.

Imported only when a file is parsed: a scan whose files all come from the cache never loads
python-hcl2 and lark.
"""

from __future__ import annotations

import json

from lark import Token, Tree

from vpclint.loaders.hcl_ast import (Attribute, BinaryOp, Block, Call, Conditional, Expr, ForExpr,
                                     Literal, ObjectExpr, Opaque, Pos, Template, Traversal,
                                     TupleExpr, UnaryOp)

# lark tree names of an expression (``?expression`` and the operator ladder are inlined)
_EXPRESSIONS = frozenset({"expr_term", "conditional", "binary_op", "unary_op"})
_KEYWORD_VALUES = {"true": True, "false": False, "null": None}


def build_parser() -> None:
    """Build python-hcl2's parser now (from its cached tables), e.g. before forking workers."""
    from hcl2.parser import parser

    parser()


def parse_tree(text: str) -> Tree:
    """python-hcl2's parse of ``text``; raises lark's errors on invalid HCL."""
    from hcl2.api import parses_to_tree

    return parses_to_tree(text)


def pos_of(tree: Tree) -> Pos:
    return _pos(tree.meta)


def _pos(meta) -> Pos:
    """lark's position of a node (python-hcl2's parser propagates them); 1 where it has none."""
    try:
        return Pos(meta.line, meta.column, meta.end_line, meta.end_column)
    except AttributeError:  # a node that spans no text (an empty body)
        line = getattr(meta, "line", None) or 1
        column = getattr(meta, "column", None) or 1
        return Pos(line, column, getattr(meta, "end_line", None) or line,
                   getattr(meta, "end_column", None) or column)


def top_level_blocks(start: Tree) -> list[Block]:
    """The blocks of a parsed file. Its top-level attributes are not Terraform's and are left
    out, but read all the same: a template directive python-hcl2 rejects there makes the file
    unreadable, as anywhere else."""
    return convert_body(_body(start))[1]


def top_level_attributes(start: Tree) -> dict[str, Attribute]:
    """The attributes of a parsed ``.tfvars`` file."""
    return convert_body(_body(start))[0]


def convert_template_string(value: str) -> Expr:
    """A string value holding ``${...}`` or ``%{...}`` read as HCL reads a quoted string. Its
    positions are inside the one-line text ``x = "<value>"``, not the file's."""
    start = parse_tree(f"x = {json.dumps(value)}\n")
    attribute = next(c for c in _body(start).children
                     if isinstance(c, Tree) and c.data == "attribute")
    return convert(attribute.children[2])


def _body(start: Tree) -> Tree:
    return start.children[0]


def convert_body(body: Tree) -> tuple[dict[str, Attribute], list[Block]]:
    """Attributes and nested blocks of a ``body`` (a later attribute of one name wins)."""
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in body.children:
        if child.data == "attribute":
            name = str(child.children[0].children[0])
            attributes[name] = Attribute(name, convert(child.children[2]), pos_of(child))
        elif child.data == "block":
            blocks.append(convert_block(child))
    return attributes, blocks


def convert_block(node: Tree) -> Block:
    """A block: its type and labels are every child before the body but the punctuation (an
    odd newline before ``{`` included, as python-hcl2 counts it)."""
    *labels, body = [c for c in node.children if isinstance(c, Tree)]
    names = tuple(_label(label) for label in labels)
    attributes, blocks = convert_body(body)
    return Block(names[0], names[1:], pos_of(node), attributes, blocks)


def _label(label: Tree) -> str:
    if label.data == "string":
        parts = [part.children[0] for part in label.children if isinstance(part, Tree)]
        if all(isinstance(part, Token) for part in parts):
            return "".join(parts)  # the source text between the quotes, escapes as written
        value = _rules(label).serialize()  # an interpolation in a label: python-hcl2's text
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            return value[1:-1]
        return value
    return "".join(label.children)  # identifier, keyword or newline: its tokens' text


def convert(node: Tree) -> Expr:
    """Convert one expression node."""
    handler = _HANDLERS.get(node.data)
    if handler is None:  # a template string (\"...\" inside a directive): its source text
        return Opaque(str(node.children[0]), pos_of(node))
    return handler(node)


def _expressions(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data in _EXPRESSIONS]


def _expr_term(node: Tree) -> Expr:
    children = node.children
    if len(children) == 1:
        return convert(children[0])
    # ( expression ), with optional newlines inside the parentheses
    return convert(next(c for c in children
                        if isinstance(c, Tree) and c.data != "new_line_or_comment"))


def _identifier(node: Tree) -> Expr:
    return Traversal(str(node.children[0]), (), pos_of(node))


def _literal_value(node: Tree) -> Expr:
    text = str(node.children[0]).lower()
    return Literal(_KEYWORD_VALUES.get(text, text), pos_of(node))


def _int(node: Tree) -> Expr:
    return _number(node, int)


def _float(node: Tree) -> Expr:
    return _number(node, float)


def _number(node: Tree, kind: type) -> Expr:
    """A number literal; one Python cannot hold (past its safe int parsing, 1e-400 as a float
    is fine but 1e400 overflows an int) is not evaluated."""
    text = str(node.children[0])
    if kind is int and len(text) > 1000:
        return Opaque(text[:80], pos_of(node))
    try:
        return Literal(kind(text), pos_of(node))
    except (ValueError, OverflowError):
        try:
            return Literal(float(text), pos_of(node))
        except (ValueError, OverflowError):
            return Opaque(text[:80], pos_of(node))


def _string(node: Tree) -> Expr:
    parts = [part.children[0] for part in node.children if isinstance(part, Tree)]
    if any(isinstance(part, Tree) and part.data.startswith("template_") for part in parts):
        converted = _directive_string_parts(node)
    else:
        converted = [_string_part(part) for part in parts]
    pos = pos_of(node)
    if all(isinstance(p, str) for p in converted):
        return Literal("".join(converted), pos)
    if len(converted) == 1:
        return converted[0]  # "${expr}" is expr itself, type preserved as Terraform does
    return Template(tuple(converted), pos)


def _string_part(content) -> str | Expr:
    if isinstance(content, Token):  # literal text (or $${ / %%{ as written): resolve escapes
        from hcl2.utils import process_escape_sequences

        return process_escape_sequences(str(content))
    return convert(content.children[1])  # ${ expression }


def _directive_string_parts(node: Tree) -> list:
    """The parts of a string holding template directives. python-hcl2 assembles each
    ``%{ if }``/``%{ for }`` with the parts up to its end into one directive, which vpclint keeps
    as an ``Opaque`` of python-hcl2's text for it, at the string's position; a stray directive
    (an ``%{ endif }`` alone) is an ``Opaque`` at its own position. The other parts are read as in
    any string: python-hcl2's part keeps the lark node's position object, which finds it."""
    from hcl2.rules.abstract import LarkToken
    from hcl2.rules.strings import InterpolationRule, StringPartRule

    by_meta = {id(part.meta): part for part in node.children if isinstance(part, Tree)}
    parts: list = []
    for rule in _rules(node).children:
        if not isinstance(rule, StringPartRule):
            continue
        content = rule.content
        if isinstance(content, (LarkToken, InterpolationRule)):
            parts.append(_string_part(by_meta[id(rule._meta)].children[0]))
        else:
            parts.append(Opaque(_text(content), _pos(rule._meta)))
    return parts


def _rules(node: Tree):
    """python-hcl2's rule object for one node (its transformer is context-free)."""
    from hcl2.transformer import RuleTransformer

    return RuleTransformer().transform(node)


def _text(rule) -> str:
    try:
        return str(rule.serialize())
    except Exception:  # noqa: BLE001 - only used for messages
        return type(rule).__name__


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


def _heredoc(node: Tree) -> Expr:
    body = heredoc_body(str(node.children[0]).rstrip("\n").rstrip())
    pos = pos_of(node)
    if "${" not in body and "%{" not in body:
        return Literal(body, pos)
    # A heredoc with interpolations is a template: its body read as one quoted string, whose
    # escapes json.dumps writes in the syntax HCL reads.
    try:
        expr = convert_template_string(body)
    except Exception:  # noqa: BLE001 - an unparsable template is UNKNOWN, not a crash
        return Opaque(body, pos)
    if isinstance(expr, Template):
        return Template(expr.parts, pos)
    return Literal(expr.value, pos) if isinstance(expr, Literal) else expr


def _tuple(node: Tree) -> Expr:
    return TupleExpr(tuple(convert(e) for e in _expressions(node)), pos_of(node))


def _object(node: Tree) -> Expr:
    items = []
    for elem in node.children:
        if isinstance(elem, Tree) and elem.data == "object_elem":
            items.append((_object_key(elem.children[0]), convert(elem.children[2])))
    return ObjectExpr(tuple(items), pos_of(node))


def _object_key(key: Tree) -> Expr:
    """An object key as python-hcl2 reads it: a bare name (an identifier, a keyword, or
    true/false/null) is its text, also inside parentheses; a string or number is itself; any
    other expression is evaluated. A name read from a keyword or true/false/null is placed at
    the whole key."""
    inner = key.children[0]
    if inner.data == "keyword":
        return Literal(str(inner.children[0]), pos_of(key))
    if inner.data == "expr_term":
        term = next(c for c in inner.children
                    if isinstance(c, Tree) and c.data != "new_line_or_comment")
        if term.data == "identifier":
            return Literal(str(term.children[0]), pos_of(term))
        if term.data == "literal_value":
            return Literal(str(term.children[0]), pos_of(key))
        if term.data in ("string", "int_lit", "float_lit"):
            return convert(term)
    return convert(inner)


def _step(rule: Tree) -> tuple:
    if rule.data == "get_attr":
        return ("attr", str(rule.children[1].children[0]))
    if rule.data == "short_index":
        return ("index", Literal(int(str(rule.children[1])), pos_of(rule)))
    return ("index", convert(_expressions(rule)[0]))  # braces_index


def _extend(source: Expr, steps: list, pos: Pos) -> Expr:
    if isinstance(source, Traversal):
        return Traversal(source.root, source.steps + tuple(steps), pos)
    return Traversal(source, tuple(steps), pos)


def _traverse(node: Tree) -> Expr:
    """``x.a``, ``x[i]``, ``x.0``: one step after an expression term."""
    term, step = node.children
    return _extend(convert(term), [_step(step)], pos_of(node))


def _attr_splat(node: Tree) -> Expr:
    return _splat(node, "splat")


def _full_splat(node: Tree) -> Expr:
    return _splat(node, "full_splat")


def _splat(node: Tree, kind: str) -> Expr:
    term, splat = node.children
    steps = [(kind,)] + [_step(rule) for rule in splat.children[1:]]
    return _extend(convert(term), steps, pos_of(node))


def _call(node: Tree) -> Expr:
    name = "::".join(str(c.children[0]) for c in node.children
                     if isinstance(c, Tree) and c.data == "identifier")
    arguments = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"),
                     None)
    if arguments is None:
        return Call(name, (), False, pos_of(node))
    args = tuple(convert(a) for a in _expressions(arguments))
    expand = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in arguments.children[-2:])
    return Call(name, args, expand, pos_of(node))


def _conditional(node: Tree) -> Expr:
    condition, then, otherwise = _expressions(node)
    return Conditional(convert(condition), convert(then), convert(otherwise), pos_of(node))


def _binary_op(node: Tree) -> Expr:
    left, term = node.children[0], node.children[1]
    # the operator's token may carry the newline before it (python-hcl2's post-lexer)
    operator = str(term.children[0].children[0]).strip()
    return BinaryOp(operator, convert(left), convert(_expressions(term)[0]), pos_of(node))


def _unary_op(node: Tree) -> Expr:
    return UnaryOp(str(node.children[0]), convert(node.children[1]), pos_of(node))


def _for(node: Tree) -> Expr:
    intro = next(c for c in node.children if isinstance(c, Tree) and c.data == "for_intro")
    names = [str(c.children[0]) for c in intro.children
             if isinstance(c, Tree) and c.data == "identifier"]
    collection = _expressions(intro)[0]
    key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
    exprs = _expressions(node)
    cond_rule = next((c for c in node.children if isinstance(c, Tree) and c.data == "for_cond"),
                     None)
    condition = convert(_expressions(cond_rule)[0]) if cond_rule is not None else None
    is_object = node.data == "for_object_expr"
    grouping = is_object and any(isinstance(c, Token) and c.type == "ELLIPSIS"
                                 for c in node.children)
    key = convert(exprs[0]) if is_object else None
    value = convert(exprs[1] if is_object else exprs[0])
    return ForExpr(key_var, value_var, convert(collection), key, value, condition, grouping,
                   pos_of(node))


_HANDLERS = {
    "expr_term": _expr_term,
    "conditional": _conditional,
    "binary_op": _binary_op,
    "unary_op": _unary_op,
    "identifier": _identifier,
    "literal_value": _literal_value,
    "int_lit": _int,
    "float_lit": _float,
    "string": _string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "tuple": _tuple,
    "object": _object,
    "get_attr_expr_term": _traverse,
    "index_expr_term": _traverse,
    "attr_splat_expr_term": _attr_splat,
    "full_splat_expr_term": _full_splat,
    "function_call": _call,
    "for_tuple_expr": _for,
    "for_object_expr": _for,
}
