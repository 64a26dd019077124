"""HCL constructs as the loader reads them from python-hcl2's parse: values and positions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from vpclint.config import Config
from vpclint.engine import scan
from vpclint.loaders.hcl import load_hcl, load_tfvars
from vpclint.loaders.hcl_ast import (BinaryOp, Call, ForExpr, Literal, ObjectExpr, Opaque, Pos,
                                     Template, Traversal)
from vpclint.loaders.tf_json import load_tf_json
from vpclint.source import ParseError


def _locals(body: str) -> dict:
    """name -> expression of one ``locals`` block holding ``body``, which starts on line 2."""
    loaded = load_hcl("main.tf", "locals {\n" + body + "}\n")
    assert not isinstance(loaded, ParseError), loaded
    return {name: attribute.expr for name, attribute in loaded.blocks[0].attributes.items()}


def _var(name: str, line: int, column: int) -> Traversal:
    return Traversal("var", (("attr", name),), Pos(line, column, line, column + 4 + len(name)))


def test_quoted_string_escapes_are_resolved_and_unknown_ones_kept():
    (value,) = _locals('  a = "q\\"\\n\\u00e9\\\\ \\q ✓"\n').values()
    assert value == Literal('q"\né\\ \\q ✓', Pos(2, 7, 2, 27))


def test_columns_count_characters_not_bytes():
    exprs = _locals('  u = "✓✓" + x\n')
    assert exprs["u"].right == Traversal("x", (), Pos(2, 14, 2, 15))


def test_an_interpolation_alone_is_its_expression_and_text_around_it_a_template():
    exprs = _locals('  alone = "${var.x}"\n  mixed = "a-${var.x}-b"\n')
    assert exprs["alone"] == _var("x", 2, 14)
    assert exprs["mixed"] == Template(("a-", _var("x", 3, 16), "-b"), Pos(3, 11, 3, 25))


def test_a_template_directive_is_opaque_text_at_its_string():
    exprs = _locals('  d = "a %{ if x }b%{ else }c%{ endif }"\n  e = "%{ for i in l }${i}%{ endfor }"\n')
    at = Pos(2, 7, 2, 41)
    assert exprs["d"] == Template(("a ", Opaque("%{ if x }b%{ else }c%{ endif }", at)), at)
    assert exprs["e"] == Opaque("%{ for i in l }${i}%{ endfor }", Pos(3, 7, 3, 39))


def test_an_unclosed_template_directive_makes_the_file_unreadable_at_its_line():
    result = load_hcl("main.tf", 'locals {\n  a = 1\n  b = "x %{ if c }y"\n}\n')
    assert isinstance(result, ParseError)
    assert (result.message, result.line) == ("not valid HCL: a construct the parser cannot read", 3)


def test_an_indented_heredoc_loses_its_smallest_indentation_and_a_plain_one_keeps_it():
    exprs = _locals("  trim = <<-EOT\n      one\n        two\n\n      three\n    EOT\n"
                    "  keep = <<EOT\n  kept\nEOT\n")
    assert exprs["trim"] == Literal("one\n  two\n\nthree\n", Pos(2, 10, 8, 1))
    assert exprs["keep"] == Literal("  kept\n", Pos(8, 10, 11, 1))


def test_a_heredoc_with_an_interpolation_is_a_template_at_the_heredoc():
    (value,) = _locals("  h = <<-EOT\n    id=${var.y}\n  EOT\n").values()
    assert isinstance(value, Template) and value.pos == Pos(2, 7, 5, 1)
    assert value.parts[0] == "id=" and value.parts[2] == "\n"
    assert value.parts[1].root == "var" and value.parts[1].steps == (("attr", "y"),)


def test_numbers_keep_their_type_and_one_python_cannot_hold_is_opaque():
    exprs = _locals("  i = 10\n  f = 1.5\n  tiny = 1e-400\n  huge = " + "9" * 1200 + "\n")
    assert exprs["i"] == Literal(10, Pos(2, 7, 2, 9)) and type(exprs["i"].value) is int
    assert exprs["f"] == Literal(1.5, Pos(3, 7, 3, 10))
    assert exprs["tiny"] == Literal(0.0, Pos(4, 10, 4, 16))
    assert exprs["huge"] == Opaque("9" * 80, Pos(5, 10, 5, 1210))
    assert not math.isnan(exprs["tiny"].value)


def test_for_expressions_with_and_without_grouping_and_condition():
    exprs = _locals('  t = [for k, v in var.m : v if k != "x"]\n'
                    "  g = {for x in var.l : x.id => x...}\n"
                    "  o = {for x in var.l : x.id => x}\n")
    assert exprs["t"] == ForExpr(
        "k", "v", _var("m", 2, 20), None, Traversal("v", (), Pos(2, 28, 2, 29)),
        BinaryOp("!=", Traversal("k", (), Pos(2, 33, 2, 34)), Literal("x", Pos(2, 38, 2, 41)),
                 Pos(2, 33, 2, 41)),
        False, Pos(2, 7, 2, 42))
    assert exprs["g"].grouping is True and exprs["o"].grouping is False
    assert exprs["g"].key == Traversal("x", (("attr", "id"),), Pos(3, 25, 3, 29))
    assert exprs["o"].condition is None and exprs["o"].key_var is None


def test_splats_and_a_numeric_index_are_traversal_steps():
    exprs = _locals("  full = var.a[*].b\n  attr = var.a.*.b\n  dot = var.a.0\n")
    assert exprs["full"].steps == (("attr", "a"), ("full_splat",), ("attr", "b"))
    assert exprs["attr"].steps == (("attr", "a"), ("splat",), ("attr", "b"))
    assert exprs["dot"] == Traversal("var", (("attr", "a"), ("index", Literal(0, Pos(4, 14, 4, 16)))),
                                     Pos(4, 9, 4, 16))


def test_a_call_expands_its_last_argument_only_after_an_ellipsis():
    exprs = _locals("  spread = f(a, b...)\n  plain = f(a, b)\n  ns = provider::aws::arn_parse(x)\n")
    assert isinstance(exprs["spread"], Call) and exprs["spread"].expand_final is True
    assert exprs["plain"].expand_final is False
    assert [a.root for a in exprs["plain"].args] == ["a", "b"]
    assert (exprs["ns"].name, exprs["ns"].pos) == ("provider::aws::arn_parse", Pos(4, 8, 4, 35))


def test_object_keys_names_strings_and_expressions():
    (value,) = _locals('  o = { name = 1, (local.k) = 2, "s" = 3, null = 4, in = 5 }\n').values()
    assert isinstance(value, ObjectExpr)
    keys = [key for key, _ in value.items]
    assert keys[0] == Literal("name", Pos(2, 9, 2, 13))
    assert keys[1] == Traversal("local", (("attr", "k"),), Pos(2, 20, 2, 27))
    assert keys[2] == Literal("s", Pos(2, 34, 2, 37))
    assert keys[3] == Literal("null", Pos(2, 43, 2, 47))  # a name, not the null value
    assert keys[4] == Literal("in", Pos(2, 53, 2, 55))


def test_an_operator_on_the_next_line_continues_the_expression():
    (value,) = _locals("  op = (a\n    && b)\n").values()
    assert value == BinaryOp("&&", Traversal("a", (), Pos(2, 9, 2, 10)),
                             Traversal("b", (), Pos(3, 8, 3, 9)), Pos(2, 9, 3, 9))


def test_a_node_spans_its_punctuation_and_what_python_hcl2_puts_in_it():
    """lark places a node from its first token to its last, the grammar's quirks included: an
    operation inside parentheses or brackets takes in the newline and comment after it."""
    exprs = _locals("  a = (x ||\n    y # c\n  )\n  b = [x + y\n  ]\n  c = (a).b\n")
    assert exprs["a"] == BinaryOp("||", Traversal("x", (), Pos(2, 8, 2, 9)),
                                  Traversal("y", (), Pos(3, 5, 3, 6)), Pos(2, 8, 4, 1))
    assert exprs["b"].pos == Pos(5, 7, 6, 4) and exprs["b"].items[0].pos == Pos(5, 8, 6, 3)
    assert exprs["c"] == Traversal("a", (("attr", "b"),), Pos(7, 7, 7, 12))


def test_a_stray_template_directive_is_opaque_text_at_its_own_place():
    exprs = _locals('  d = "%{endif}"\n  e = "x %{ if c }y%{ endif }z ${w}"\n')
    assert exprs["d"] == Opaque("%{ endif }", Pos(2, 8, 2, 16))
    at = Pos(3, 7, 3, 37)
    assert exprs["e"] == Template(("x ", Opaque("%{ if c }y%{ endif }", at), "z ",
                                   Traversal("w", (), Pos(3, 34, 3, 35))), at)


def test_an_empty_file_and_an_empty_block_load():
    assert load_hcl("main.tf", "").blocks == []
    (block,) = load_hcl("main.tf", "terraform {}\n").blocks
    assert (block.type, block.pos, block.attributes, block.blocks) == (
        "terraform", Pos(1, 1, 1, 13), {}, [])


@pytest.mark.parametrize("unreadable", ['"x %{ if c }y"', "[" * 300 + "1" + "]" * 300])
def test_a_syntax_error_is_reported_over_an_unreadable_construct_before_it(unreadable):
    result = load_hcl("main.tf", f"locals {{\n  a = {unreadable}\n}}\nresource {{\n")
    assert isinstance(result, ParseError)
    assert (result.message, result.line, result.column) == ("unexpected end of file", 5, 1)


@pytest.mark.parametrize("opening, closing", [("(", ")"), ("[", "]"), ("f(", ")"),
                                              ("{a = ", "}"), ('"${', '}"')])
def test_expressions_nest_200_deep_and_250_deep_is_a_parse_error(opening, closing):
    def loaded(depth):
        return load_hcl("main.tf", "locals {\n  a = " + opening * depth + "1" + closing * depth
                        + "\n}\n")

    assert not isinstance(loaded(200), ParseError)
    too_deep = loaded(250)
    assert isinstance(too_deep, ParseError)
    assert too_deep.message == "expression nested too deeply to parse"


def test_a_grammar_rule_that_drops_a_token_is_refused():
    """vpclint places a node at its first and last child: a grammar that dropped a token (an
    anonymous ``"{"``) would shift positions silently, so building the parser refuses it."""
    from lark.grammar import NonTerminal, Rule, Terminal

    from vpclint.loaders.hcl_convert import _callbacks

    kept = Rule(NonTerminal("object"), [Terminal("LBRACE"), Terminal("RBRACE")])
    dropped = Rule(NonTerminal("object"), [Terminal("LBRACE", filter_out=True)])
    assert len(_callbacks([kept])) == 1
    with pytest.raises(RuntimeError, match="drops a token"):
        _callbacks([dropped])


@pytest.mark.parametrize("depth, loads", [(50, True), (3000, False)])
def test_deep_nesting_loads_or_is_a_parse_error_never_a_crash(depth, loads):
    result = load_hcl("main.tf", "locals {\n  a = " + "(" * depth + "1" + ")" * depth + "\n}\n")
    if loads:
        assert result.blocks[0].attributes["a"].expr == Literal(1, Pos(2, 7 + depth, 2, 8 + depth))
    else:
        assert isinstance(result, ParseError)
        assert result.message == "expression nested too deeply to parse"


def test_tfvars_values_and_errors_carry_positions():
    assert load_tfvars("t.tfvars", 'region = "eu-west-1"\n') == {
        "region": Literal("eu-west-1", Pos(1, 10, 1, 21))}
    bad = load_tfvars("t.tfvars", "region = \n")
    assert isinstance(bad, ParseError) and (bad.line, bad.column) == (1, 10)


def test_terraform_json_templates_are_read_and_an_unparsable_one_is_opaque():
    text = '{"resource": {"aws_vpc": {"v": {"a": "${var.x}", "b": "${"}}}}'
    block = load_tf_json("main.tf.json", text).blocks[0]
    a, b = block.attributes["a"].expr, block.attributes["b"].expr
    assert (a.root, a.steps) == ("var", (("attr", "x"),))
    assert isinstance(b, Opaque) and b.text == "${"


def test_a_parser_laid_out_otherwise_is_vpclints_failure_not_invalid_hcl(monkeypatch, tmp_path):
    """python-hcl2's parser read through lark objects that are not its public interface: on a
    release laid out otherwise, each file is a vpclint failure (VPC000), never a syntax error
    of the user's (VPC001) nor a quiet UNKNOWN (a .tf.json template)."""
    import hcl2.parser

    from vpclint.loaders import hcl_convert

    class Unknown:
        rules = []

    (tmp_path / "main.tf").write_text('resource "aws_vpc" "main" {}\n')
    (tmp_path / "other.tf.json").write_text(
        '{"resource": {"aws_vpc": {"other": {"cidr_block": "${var.x}"}}}}')
    monkeypatch.setattr(hcl2.parser, "parser", lambda: Unknown())
    hcl_convert._parsers.cache_clear()
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    try:
        result = scan([str(tmp_path)], Config())
    finally:
        hcl_convert._parsers.cache_clear()
    assert sorted((f.rule.id, Path(f.location.file).name, f.location.line)
                  for f in result.findings) == [("VPC000", "main.tf", 1),
                                                ("VPC000", "other.tf.json", 1)]


def test_blocks_nest_200_deep_and_250_deep_is_a_parse_error_never_vpclints_failure(tmp_path):
    """Blocks nest without recursion in the parser, but the reference check, the evaluator and
    the worker processes' pickling recurse through them: past the limit the file is
    unreadable (VPC001), never a crash of vpclint's (VPC000)."""
    def module(depth):
        return ('resource "aws_security_group" "deep" {\n' + "  ingress {\n" * depth
                + "  }\n" * depth + "}\n")

    assert not isinstance(load_hcl("main.tf", module(200)), ParseError)
    too_deep = load_hcl("main.tf", module(250))
    assert isinstance(too_deep, ParseError)
    assert (too_deep.message, too_deep.line) == ("block nested too deeply to parse", 1)
    for depth, expected in ((200, []), (3000, [("VPC001", "main.tf", 1)])):
        folder = tmp_path / str(depth)
        folder.mkdir()
        (folder / "main.tf").write_text(module(depth))
        result = scan([str(folder)], Config())
        assert [(f.rule.id, Path(f.location.file).name, f.location.line)
                for f in result.findings] == expected
