"""The Terraform loader: positions, suppression comments, and no traceback on any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vpclint.loaders.hcl import find_ignores, load_hcl
from vpclint.loaders.hcl_ast import Literal, Template, Traversal, TupleExpr
from vpclint.loaders.tf_json import load_tf_json
from vpclint.source import ParseError

SAMPLE = '''# vpclint:ignore VPC101 routes come from another stack
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.${var.region}.s3"
  route_table_ids = [aws_route_table.a.id, "rtb-123"]
}
'''


def test_blocks_attributes_and_expressions_carry_positions():
    loaded = load_hcl("main.tf", SAMPLE)
    block = loaded.blocks[0]
    assert (block.type, block.labels, block.pos.line) == ("resource", ("aws_vpc_endpoint", "s3"), 2)
    vpc = block.attributes["vpc_id"]
    assert vpc.pos.line == 3
    assert vpc.expr == Traversal("aws_vpc", (("attr", "main"), ("attr", "id")), vpc.expr.pos)
    assert isinstance(block.attributes["service_name"].expr, Template)
    routes = block.attributes["route_table_ids"].expr
    assert isinstance(routes, TupleExpr) and routes.items[1] == Literal("rtb-123", routes.items[1].pos)
    assert routes.items[1].pos.column == 44


def test_ignore_comments_name_rules_and_reason():
    ignores = find_ignores("# vpclint:ignore VPC101,gateway-endpoint-without-route-tables why\n"
                           "  // vpclint:ignore VPC3 -- legacy\n/* vpclint:ignore VPC2 */\n")
    assert [(i.line, i.rules, i.reason) for i in ignores] == [
        (1, ("VPC101", "gateway-endpoint-without-route-tables"), "why"),
        (2, ("VPC3",), "legacy"), (3, ("VPC2",), "")]


def test_syntax_error_is_a_parse_error_at_its_line():
    result = load_hcl("bad.tf", 'resource "aws_vpc" "v" {\n  cidr_block = [1,\n}\n')
    assert isinstance(result, ParseError)
    assert result.line == 3


def test_terraform_json_maps_to_the_same_blocks():
    text = ('{"resource": {"aws_vpc_endpoint": {"s3": {\n'
            '  "vpc_id": "${aws_vpc.main.id}",\n  "service_name": "com.amazonaws.us-east-1.s3"}}}}')
    block = load_tf_json("main.tf.json", text).blocks[0]
    assert (block.type, block.labels) == ("resource", ("aws_vpc_endpoint", "s3"))
    assert isinstance(block.attributes["vpc_id"].expr, Traversal)
    assert block.attributes["vpc_id"].pos.line == 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('resource"{}[]()=\n #$aws_.,:?!0123456789<>-*/%'))))
def test_any_text_loads_or_is_a_parse_error(text):
    assert load_hcl("fuzz.tf", text) is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_load_or_are_a_parse_error(data):
    assert load_hcl("fuzz.tf", data.decode("utf-8", errors="replace")) is not None
    assert load_tf_json("fuzz.tf.json", data.decode("utf-8", errors="replace")) is not None
