"""HCL text -> vpclint's expression tree (``hcl_ast``), built while python-hcl2's parser runs.

python-hcl2 provides the language: its grammar (``hcl2.lark``), its LALR tables, its lexer and
its post-lexer (which joins a newline to the operator after it). Its own parse builds a lark tree
with ``propagate_positions``, and lark's wrapper that computes those positions took more than half
of the parse; vpclint then converted that tree into ``hcl_ast`` and dropped it. So vpclint runs
python-hcl2's built parser with its own reduction callbacks instead: each rule's callback turns its
children into a small ``_Node`` holding what vpclint reads from it (an ``hcl_ast`` expression, an
attribute, a block...) and the position lark's ``PropagatePositions`` would have given it, which
the node computes from its children's (see ``_Node``). Nothing else is built: no lark tree, no
tree of python-hcl2's rule objects.

The one construct whose text only python-hcl2 can write, a template directive (``%{ if }``,
``%{ for }``), still goes through python-hcl2's rule transformer, for that string alone: its nodes
are rebuilt as a lark tree for it.

Imported only when a file is parsed: a scan whose files all come from the cache never loads
python-hcl2 and lark.
"""

from __future__ import annotations

import copy
import functools
import json

from vpclint.loaders.hcl_ast import (Attribute, BinaryOp, Block, Call, Conditional, Expr, ForExpr,
                                     Literal, ObjectExpr, Opaque, Pos, Template, Traversal,
                                     TupleExpr, UnaryOp)

# grammar names of an expression (``?expression`` and the operator ladder are inlined)
_EXPRESSIONS = frozenset({"expr_term", "conditional", "binary_op", "unary_op"})
_KEYWORD_VALUES = {"true": True, "false": False, "null": None}
# Expressions and blocks nested deeper than this make the file unreadable: the evaluator, the
# reference check and the pickling of a parsed file to and from worker processes recurse through
# them. (Counted in expression nodes, where a parenthesis, a tuple or object element, a call
# argument each add one, and in blocks, each inside another or holding such expressions.)
MAX_NESTING = 240
_NESTING = _EXPRESSIONS | {"block"}


class NestedTooDeeply(RecursionError):
    """Past ``MAX_NESTING``: ``what`` (an expression or a block) says what nests."""

    def __init__(self, what: str):
        super().__init__(f"{what} nested too deeply")
        self.what = what


class _Node:
    """One reduced grammar rule: its name, its children (tokens and nodes, ``_rule`` helpers
    spliced in, as lark's tree would hold them), what vpclint reads from it, how deeply its
    expressions and blocks nest, and lark's position for it.

    lark places a node from the start of its first child that spans text to the end of its last.
    No rule of python-hcl2's grammar drops a token (all its terminals are named), so a node's
    children are all of its text, and the one node that spans no text, an empty ``body``, is
    never first or last (a block's ``{`` and ``}`` are around it): the first and last child
    are the node's ends. An empty body (or file) has no position."""

    __slots__ = ("data", "children", "value", "depth", "line", "column", "end_line",
                 "end_column")

    def __init__(self, data: str, children: list):
        self.data = data
        self.children = children
        self.value = None
        depth = 0
        for child in children:
            if type(child) is _Node and child.depth > depth:
                depth = child.depth
        if data in _NESTING:
            depth += 1
            if depth > MAX_NESTING:
                raise NestedTooDeeply("block" if data == "block" else "expression")
        self.depth = depth
        if children:
            first, last = children[0], children[-1]
            self.line, self.column = first.line, first.column
            self.end_line, self.end_column = last.end_line, last.end_column
        else:
            self.line = self.column = self.end_line = self.end_column = None


def build_parser() -> None:
    """Build the parser now (from python-hcl2's cached tables), e.g. before forking workers."""
    _parsers()


class ParserUnavailable(RuntimeError):
    """python-hcl2's built parser is not laid out as vpclint reads it (a lark or python-hcl2
    release it was not tested with): vpclint's fault, never the scanned file's."""


@functools.lru_cache(maxsize=None)
def _parsers():
    """python-hcl2's parser twice over, sharing its lexer and tables: once with vpclint's
    callbacks, once with none (for syntax alone). Derived from its built parser (rebuilt from
    vpclint's cache of its tables, ``hcl_tables``), because building one from the grammar would
    repeat its grammar analysis on every run. That reads lark's parser objects, which are not
    its public interface: a layout they do not have is ``ParserUnavailable``, so that no file
    is reported as invalid HCL for it."""
    try:
        from vpclint.loaders.hcl_tables import load_parser
    except ImportError:  # a lark without the parts it rebuilds: python-hcl2's parser as it is
        from hcl2.parser import parser as load_parser
    base = load_parser()
    try:
        return _with_callbacks(base, _callbacks(base.rules)), _with_callbacks(base, {})
    except (AttributeError, TypeError) as error:
        import lark

        raise ParserUnavailable(f"python-hcl2's parser (lark {lark.__version__}) is not laid "
                                f"out as vpclint expects: {error}") from error


def _with_callbacks(base, callbacks: dict):
    """A copy of a lark LALR parser whose reductions call ``callbacks`` (rule -> function);
    with none, the parser only checks the syntax."""
    frontend = copy.copy(base.parser)
    frontend.parser = copy.copy(frontend.parser)
    frontend.parser.parser = copy.copy(frontend.parser.parser)
    frontend.parser.parser.callbacks = callbacks
    return frontend


def _callbacks(rules) -> dict:
    """A callback per grammar rule, named as lark names the tree node (its alias, else its
    name). A ``_rule`` (a helper python-hcl2's grammar or lark introduces for ``*`` and ``+``)
    is spliced into its parent; a ``?rule`` with one child is that child. Only a rule with a
    ``_rule`` among its symbols has children to splice."""
    callbacks = {}
    for rule in rules:
        if any(symbol.is_term and symbol.filter_out for symbol in rule.expansion):
            raise RuntimeError(f"python-hcl2's rule {rule} drops a token: vpclint's positions "
                               "assume that none does (see _Node)")
        name = rule.alias or rule.origin.name
        splices = any(not symbol.is_term and symbol.name.startswith("_")
                      for symbol in rule.expansion)
        if rule.origin.name.startswith("_"):
            callbacks[rule] = _flatten if splices else _spliced
        elif rule.options.expand1 and not rule.alias:
            callbacks[rule] = _single
        else:
            reduce = _reduce_spliced if splices else _reduce
            callbacks[rule] = functools.partial(reduce, name, _BUILDERS.get(name))
    return callbacks


def _flatten(children: list) -> list:
    """The children with those of any ``_rule`` among them spliced in."""
    flat = []
    for child in children:
        if type(child) is list:
            flat.extend(child)
        else:
            flat.append(child)
    return flat


def _spliced(children: list) -> list:
    """A ``_rule``'s children, which its parent splices in."""
    return children


def _single(children: list):
    """A ``?rule`` of python-hcl2's grammar (``?expression``, the operator ladder, ``?index``)
    has one child, which stands for it."""
    (child,) = children
    return child


def _reduce_spliced(name: str, builder, children: list) -> _Node:
    return _reduce(name, builder, _flatten(children))


def _reduce(name: str, builder, children: list) -> _Node:
    node = _Node(name, children)
    if builder is not None:
        node.value = builder(node)
    return node


def parse_body(text: str) -> tuple[dict[str, Attribute], list[Block]]:
    """The attributes and blocks of a file's text. Raises lark's error on invalid HCL, also when
    a construct earlier in the file could not be read (an unclosed ``%{ if }``, too deep a
    nesting): that the file is not HCL is the news, as when parsing came before reading."""
    parser, syntax = _parsers()
    try:
        return parser.parse(text + "\n").value  # python-hcl2 ends the text so (lark issue 237)
    except Exception:
        syntax.parse(text + "\n")  # raises the file's syntax error, if it has one
        raise


def top_level_blocks(text: str) -> list[Block]:
    """The blocks of a file. Its top-level attributes are not Terraform's and are left out, but
    read all the same: a template directive python-hcl2 rejects there makes the file
    unreadable, as anywhere else."""
    return parse_body(text)[1]


def top_level_attributes(text: str) -> dict[str, Attribute]:
    """The attributes of a ``.tfvars`` file."""
    return parse_body(text)[0]


def convert_template_string(value: str) -> Expr:
    """A string value holding ``${...}`` or ``%{...}`` read as HCL reads a quoted string. Its
    positions are inside the one-line text ``x = "<value>"``, not the file's."""
    return parse_body(f"x = {json.dumps(value)}\n")[0]["x"].expr


def _pos(node) -> Pos:
    """The position of a ``_Node``, or of a lark ``Meta`` (the same four fields)."""
    return Pos(node.line, node.column, node.end_line, node.end_column)


def _nodes(node: _Node, data: str) -> list[_Node]:
    return [c for c in node.children if type(c) is _Node and c.data == data]


def _expressions(node: _Node) -> list[_Node]:
    return [c for c in node.children if type(c) is _Node and c.data in _EXPRESSIONS]


def _start(node: _Node):
    return node.children[0].value


def _body(node: _Node) -> tuple[dict[str, Attribute], list[Block]]:
    """Attributes and nested blocks of a ``body`` (a later attribute of one name wins)."""
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in node.children:
        if child.data == "attribute":
            attributes[child.value.name] = child.value
        elif child.data == "block":
            blocks.append(child.value)
    return attributes, blocks


def _attribute(node: _Node) -> Attribute:
    name, _, expression = node.children
    return Attribute(str(name.children[0]), expression.value, _pos(node))


def _block(node: _Node) -> Block:
    """A block: its type and labels are every child before the body but the punctuation (an
    odd newline before ``{`` included, as python-hcl2 counts it)."""
    *labels, body = [c for c in node.children if type(c) is _Node]
    names = tuple(_label(label) for label in labels)
    attributes, blocks = body.value
    return Block(names[0], names[1:], _pos(node), attributes, blocks)


def _label(label: _Node) -> str:
    if label.data == "string":
        parts = [part.children[0] for part in label.children if type(part) is _Node]
        if all(type(part) is not _Node for part in parts):
            return "".join(parts)  # the source text between the quotes, escapes as written
        value = _rules(label).serialize()  # an interpolation in a label: python-hcl2's text
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            return value[1:-1]
        return value
    return "".join(label.children)  # identifier, keyword or newline: its tokens' text


def _expr_term(node: _Node) -> Expr:
    children = node.children
    if len(children) == 1:
        return _value(children[0])
    # ( expression ), with optional newlines inside the parentheses
    return next(c for c in children if type(c) is _Node and c.data != "new_line_or_comment").value


def _value(term: _Node) -> Expr:
    """The expression of a term: a name, keyword or number is read only where it is one."""
    leaf = _LEAVES.get(term.data)
    return term.value if leaf is None else leaf(term)


def _identifier(node: _Node) -> Expr:
    return Traversal(str(node.children[0]), (), _pos(node))


def _literal_value(node: _Node) -> Expr:
    text = str(node.children[0]).lower()
    return Literal(_KEYWORD_VALUES.get(text, text), _pos(node))


def _template_string(node: _Node) -> Expr:
    """A template string (\\"...\\" inside a directive): its source text."""
    return Opaque(str(node.children[0]), _pos(node))


def _int(node: _Node) -> Expr:
    return _number(node, int)


def _float(node: _Node) -> Expr:
    return _number(node, float)


def _number(node: _Node, kind: type) -> Expr:
    """A number literal; one Python cannot hold (past its safe int parsing, 1e-400 as a float
    is fine but 1e400 overflows an int) is not evaluated."""
    text = str(node.children[0])
    if kind is int and len(text) > 1000:
        return Opaque(text[:80], _pos(node))
    try:
        return Literal(kind(text), _pos(node))
    except (ValueError, OverflowError):
        try:
            return Literal(float(text), _pos(node))
        except (ValueError, OverflowError):
            return Opaque(text[:80], _pos(node))


def _string(node: _Node) -> Expr:
    parts = [part.children[0] for part in node.children if type(part) is _Node]
    if any(type(part) is _Node and part.data.startswith("template_") for part in parts):
        converted = _directive_string_parts(node)
    else:
        converted = [_string_part(part) for part in parts]
    pos = _pos(node)
    if all(isinstance(p, str) for p in converted):
        return Literal("".join(converted), pos)
    if len(converted) == 1:
        return converted[0]  # "${expr}" is expr itself, type preserved as Terraform does
    return Template(tuple(converted), pos)


def _string_part(content) -> str | Expr:
    if type(content) is not _Node:  # literal text (or $${ / %%{ as written): resolve escapes
        from hcl2.utils import process_escape_sequences

        return process_escape_sequences(str(content))
    return content.children[1].value  # ${ expression }


def _directive_string_parts(node: _Node) -> list:
    """The parts of a string holding template directives. python-hcl2 assembles each
    ``%{ if }``/``%{ for }`` with the parts up to its end into one directive, which vpclint keeps
    as an ``Opaque`` of python-hcl2's text for it, at the string's position; a stray directive
    (an ``%{ endif }`` alone) is an ``Opaque`` at its own position. The other parts are read as in
    any string: python-hcl2's part keeps the position object vpclint gave it, which finds it."""
    from hcl2.rules.abstract import LarkToken
    from hcl2.rules.strings import InterpolationRule, StringPartRule

    parts_by_meta: dict = {}
    parts: list = []
    for rule in _rules(node, parts_by_meta).children:
        if not isinstance(rule, StringPartRule):
            continue
        content = rule.content
        if isinstance(content, (LarkToken, InterpolationRule)):
            parts.append(_string_part(parts_by_meta[id(rule._meta)].children[0]))
        else:
            parts.append(Opaque(_text(content), _pos(rule._meta)))
    return parts


def _rules(node: _Node, parts_by_meta: dict | None = None):
    """python-hcl2's rule object for one node (its transformer is context-free), from the node
    rebuilt as the lark tree python-hcl2's own parse would give; ``parts_by_meta`` collects the
    node each rebuilt ``string_part`` came from, by its position object."""
    from hcl2.transformer import RuleTransformer

    return RuleTransformer().transform(_lark_tree(node, {} if parts_by_meta is None
                                                  else parts_by_meta))


def _lark_tree(node: _Node, parts_by_meta: dict):
    from lark import Tree
    from lark.tree import Meta

    meta = Meta()  # a string's nodes all span text
    meta.line, meta.column = node.line, node.column
    meta.end_line, meta.end_column = node.end_line, node.end_column
    meta.empty = False
    if node.data == "string_part":
        parts_by_meta[id(meta)] = node
    children = [_lark_tree(c, parts_by_meta) if type(c) is _Node else c for c in node.children]
    return Tree(node.data, children, meta)


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


def _heredoc(node: _Node) -> Expr:
    body = heredoc_body(str(node.children[0]).rstrip("\n").rstrip())
    pos = _pos(node)
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


def _tuple(node: _Node) -> Expr:
    return TupleExpr(tuple(e.value for e in _expressions(node)), _pos(node))


def _object(node: _Node) -> Expr:
    return ObjectExpr(tuple(elem.value for elem in _nodes(node, "object_elem")), _pos(node))


def _object_elem(node: _Node) -> tuple:
    key, _, value = node.children
    return key.value, value.value


def _object_key(key: _Node) -> Expr:
    """An object key as python-hcl2 reads it: a bare name (an identifier, a keyword, or
    true/false/null) is its text; a string or number is itself; any other expression
    (a name in parentheses too) is evaluated. A name read from a keyword or true/false/null is
    placed at the whole key."""
    inner = key.children[0]
    if inner.data == "keyword":
        return Literal(str(inner.children[0]), _pos(key))
    if inner.data == "expr_term":
        term = next(c for c in inner.children
                    if type(c) is _Node and c.data != "new_line_or_comment")
        if term.data == "identifier":
            return Literal(str(term.children[0]), _pos(term))
        if term.data == "literal_value":
            return Literal(str(term.children[0]), _pos(key))
        if term.data in ("string", "int_lit", "float_lit"):
            return _value(term)
    return inner.value


def _get_attr(node: _Node) -> tuple:
    return ("attr", str(node.children[1].children[0]))


def _short_index(node: _Node) -> tuple:
    return ("index", Literal(int(str(node.children[1])), _pos(node)))


def _braces_index(node: _Node) -> tuple:
    return ("index", _expressions(node)[0].value)


def _extend(source: Expr, steps: list, pos: Pos) -> Expr:
    if isinstance(source, Traversal):
        return Traversal(source.root, source.steps + tuple(steps), pos)
    return Traversal(source, tuple(steps), pos)


def _traverse(node: _Node) -> Expr:
    """``x.a``, ``x[i]``, ``x.0``: one step after an expression term."""
    term, step = node.children
    return _extend(term.value, [step.value], _pos(node))


def _splat_steps(node: _Node) -> list:
    """The steps after ``.*`` or ``[*]``."""
    return [rule.value for rule in node.children[1:]]


def _attr_splat(node: _Node) -> Expr:
    term, splat = node.children
    return _extend(term.value, [("splat",)] + splat.value, _pos(node))


def _full_splat(node: _Node) -> Expr:
    term, splat = node.children
    return _extend(term.value, [("full_splat",)] + splat.value, _pos(node))


def _call(node: _Node) -> Expr:
    name = "::".join(str(c.children[0]) for c in _nodes(node, "identifier"))
    arguments = next(iter(_nodes(node, "arguments")), None)
    if arguments is None:
        return Call(name, (), False, _pos(node))
    args = tuple(a.value for a in _expressions(arguments))
    expand = any(type(c) is not _Node and c.type == "ELLIPSIS" for c in arguments.children[-2:])
    return Call(name, args, expand, _pos(node))


def _conditional(node: _Node) -> Expr:
    condition, then, otherwise = _expressions(node)
    return Conditional(condition.value, then.value, otherwise.value, _pos(node))


def _binary_op(node: _Node) -> Expr:
    left, term = node.children[0], node.children[1]
    # the operator's token may carry the newline before it (python-hcl2's post-lexer)
    operator = str(term.children[0].children[0]).strip()
    return BinaryOp(operator, left.value, _expressions(term)[0].value, _pos(node))


def _unary_op(node: _Node) -> Expr:
    return UnaryOp(str(node.children[0]), node.children[1].value, _pos(node))


def _for(node: _Node) -> Expr:
    intro = _nodes(node, "for_intro")[0]
    names = [str(c.children[0]) for c in _nodes(intro, "identifier")]
    collection = _expressions(intro)[0]
    key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
    exprs = _expressions(node)
    cond_rule = next(iter(_nodes(node, "for_cond")), None)
    condition = _expressions(cond_rule)[0].value if cond_rule is not None else None
    is_object = node.data == "for_object_expr"
    grouping = is_object and any(type(c) is not _Node and c.type == "ELLIPSIS"
                                 for c in node.children)
    key = exprs[0].value if is_object else None
    value = (exprs[1] if is_object else exprs[0]).value
    return ForExpr(key_var, value_var, collection.value, key, value, condition, grouping,
                   _pos(node))


# terms read as expressions only where they stand as one (a name is also an attribute's or a
# block's, a number also an index)
_LEAVES = {
    "identifier": _identifier,
    "literal_value": _literal_value,
    "int_lit": _int,
    "float_lit": _float,
    "template_string": _template_string,
}

# what each rule's node holds; a rule not listed is read only through its parent
_BUILDERS = {
    "start": _start,
    "body": _body,
    "attribute": _attribute,
    "block": _block,
    "expr_term": _expr_term,
    "conditional": _conditional,
    "binary_op": _binary_op,
    "unary_op": _unary_op,
    "string": _string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "tuple": _tuple,
    "object": _object,
    "object_elem": _object_elem,
    "object_elem_key": _object_key,
    "get_attr": _get_attr,
    "short_index": _short_index,
    "braces_index": _braces_index,
    "attr_splat": _splat_steps,
    "full_splat": _splat_steps,
    "get_attr_expr_term": _traverse,
    "index_expr_term": _traverse,
    "attr_splat_expr_term": _attr_splat,
    "full_splat_expr_term": _full_splat,
    "function_call": _call,
    "for_tuple_expr": _for,
    "for_object_expr": _for,
}
