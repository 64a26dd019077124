"""Terraform's built-in functions: documented results, UNKNOWN propagation, try/can, robustness.

Expected values are those of Terraform's function documentation (and of its Go implementation
where the documentation is silent).
"""

from __future__ import annotations

import inspect
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpclint.evaluate.tf_functions import FUNCTIONS, _arity, call
from vpclint.values import (DistinctList, PartialCollection, PartialJson, PartialString, Ref,
                            Unknown, join_parts)

UNK = Unknown("variable without a value", "var.x")
ERR = Unknown("error: no key 'x'", "x")
VPC_ID = Ref("net", "aws_vpc.main", "id")
CIDR_ATTR = Ref("net", "aws_vpc.main", "ipv6_cidr_block")


def is_error(value) -> bool:
    return isinstance(value, Unknown) and value.reason.startswith("error: ")


def typed(value):
    """Compare with types: 1 == 1.0 == True in Python, not in Terraform's results here."""
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    return type(value).__name__, value


KNOWN = [
    # numbers
    ("abs", [23], 23), ("abs", [0], 0), ("abs", [-12.4], 12.4),
    ("ceil", [5], 5), ("ceil", [5.1], 6), ("floor", [4.9], 4), ("floor", [-4.1], -5),
    ("max", [12, 54, 3], 54), ("max", [1, 2.0], 2), ("max", ["5", 3], 5), ("min", [12, 54, 3], 3),
    ("parseint", ["100", 10], 100), ("parseint", ["FF", 16], 255), ("parseint", ["-10", 16], -16),
    ("parseint", ["1011111011101111", 2], 48879), ("parseint", ["aA", 62], 656),
    ("pow", [3, 2], 9), ("pow", [4, 0], 1), ("pow", [2, -1], 0.5),
    ("signum", [-13], -1), ("signum", [0], 0), ("signum", [344], 1),
    ("range", [3], [0, 1, 2]), ("range", [1, 4], [1, 2, 3]), ("range", [1, 8, 2], [1, 3, 5, 7]),
    ("range", [1, 4, 0.5], [1, 1.5, 2, 2.5, 3, 3.5]), ("range", [4, 1], [4, 3, 2]),
    ("range", [10, 5, -2], [10, 8, 6]), ("range", [0], []), ("range", [-3], [0, -1, -2]),
    ("range", [0, 0.3, 0.1], [0, 0.1, 0.2]),
    ("sum", [[10, 13, 6, 4.5]], 33.5), ("sum", [[0.1, 0.2]], 0.3), ("sum", [["1", 2]], 3),
    # strings
    ("chomp", ["hello\n"], "hello"), ("chomp", ["hello\r\n"], "hello"),
    ("chomp", ["hello\n\n"], "hello"),
    ("indent", [2, "[\n  foo,\n  bar,\n]\n"], "[\n    foo,\n    bar,\n  ]\n  "),
    ("join", ["-", ["foo", "bar", "baz"]], "foo-bar-baz"), ("join", [", ", ["foo"]], "foo"),
    ("join", [",", ["a"], [1, True]], "a,1,true"),
    ("lower", ["HELLO"], "hello"), ("lower", ["АЛЛО!"], "алло!"), ("upper", ["алло!"], "АЛЛО!"),
    ("upper", ["straße"], "STRAßE"), ("upper", [5], "5"),
    ("replace", ["1 + 2 + 3", "+", "-"], "1 - 2 - 3"),
    ("replace", ["hello world", "/w.*d/", "everybody"], "hello everybody"),
    ("replace", ["subnet-a", r"/(\w+)-(\w)/", "$2-${1}x$1x"], "a-subnetx"),
    ("replace", ["a.b", r"/\./", "$$"], "a$b"),
    ("replace", ["baaab", "/a*/", "-"], "-b-b-"),
    ("replace", ["aaa", "/a*?/", "X"], "XaXaXaX"),
    ("split", [",", "foo,bar,baz"], ["foo", "bar", "baz"]), ("split", [",", "foo"], ["foo"]),
    ("split", [",", ""], [""]), ("split", ["", "abc"], ["a", "b", "c"]),
    ("strrev", ["hello"], "olleh"), ("strrev", ["a ☃"], "☃ a"),
    ("strrev", ["e\u0301a"], "ae\u0301"),
    ("substr", ["hello world", 1, 4], "ello"), ("substr", ["🤔🤷", 0, 1], "🤔"),
    ("substr", ["hello world", -5, -1], "world"), ("substr", ["hello world", 6, 10], "world"),
    ("substr", ["hello", 10, 2], ""),
    ("title", ["hello world"], "Hello World"), ("title", ["hELLO it's"], "HELLO It'S"),
    ("trimspace", ["  hello\n\n"], "hello"), ("trim", ["?!hello?!", "!?"], "hello"),
    ("trim", ["foobar", "far"], "oob"), ("trim", ["   hello! world.!  ", "! "], "hello! world."),
    ("trimprefix", ["helloworld", "hello"], "world"),
    ("trimprefix", ["helloworld", "cat"], "helloworld"),
    ("trimsuffix", ["helloworld", "world"], "hello"),
    ("startswith", ["hello world", "hello"], True), ("startswith", ["hello world", "world"], False),
    ("endswith", ["hello world", "world"], True), ("strcontains", ["hello world", "wor"], True),
    ("sort", [["e", "d", "a", "x"]], ["a", "d", "e", "x"]), ("sort", [[10, 9]], ["10", "9"]),
    # regular expressions (RE2 semantics)
    ("regex", ["[a-z]+", "53453453.345345aaabbbccc23454"], "aaabbbccc"),
    ("regex", [r"(\d\d\d\d)-(\d\d)-(\d\d)", "2019-02-01"], ["2019", "02", "01"]),
    ("regex", ["^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?",
               "https://terraform.io/docs/"], {"scheme": "https", "authority": "terraform.io"}),
    ("regex", ["(?<az>[a-z]+)-(?<n>[0-9])", "us-east-1"], {"az": "east", "n": "1"}),
    ("regex", ["(a)|(b)", "b"], [None, "b"]), ("regex", ["[[:digit:]]+", "ab123"], "123"),
    ("regex", ["(?m)a$", "a\nb"], "a"), ("regex", [r"\d+", "١٢3"], "3"),
    ("regexall", ["[a-z]+", "1234abcd5678efgh9"], ["abcd", "efgh"]),
    ("regexall", ["[a-z]+", "123456789"], []), ("regexall", ["a*", "baaa"], ["", "aaa"]),
    ("regexall", ["a*?", "aa"], ["", "", ""]),
    # format
    ("format", ["Hello, %s!", "Ander"], "Hello, Ander!"),
    ("format", ["There are %d lights", 4], "There are 4 lights"),
    ("format", ["%03d", 7], "007"), ("format", ["%.2f", 3.14159], "3.14"),
    ("format", ["%-5s|", "ab"], "ab   |"), ("format", ["%.2s", "hello"], "he"),
    ("format", ["%q", 'a"b<'], '"a\\"b\\u003c"'), ("format", ["%v", 1000000], "1e+06"),
    ("format", ["%v %v %v", 123456, 0.0001, "s"], "123456 0.0001 s"),
    ("format", ["%#v", {"b": 1, "a": [True, None]}], '{"a":[true,null],"b":1}'),
    ("format", ["%v", None], "null"), ("format", ["%x %X %o %b", 255, 255, 8, 5], "ff FF 10 101"),
    ("format", ["%#x %+d % d %.3d", 255, 5, 5, 7], "0xff +5  5 007"),
    ("format", ["100%%"], "100%"), ("format", ["%[2]s-%[1]s-%s", "a", "b"], "b-a-b"),
    ("format", ["%t", "true"], "true"), ("format", ["%5.1f|%-6d|%+d", 3.14159, 42, 5],
                                          "  3.1|42    |+5"),
    ("format", ["%08.3f|%e|%G", -1.5, 12345.678, 1e-7], "-001.500|1.234568e+04|1E-07"),
    ("format", ["%d", "12"], "12"),
    ("formatlist", ["Hello, %s!", ["Valentina", "Ander"]], ["Hello, Valentina!", "Hello, Ander!"]),
    ("formatlist", ["%s, %s!", "Salutations", ["Valentina", "Ander"]],
     ["Salutations, Valentina!", "Salutations, Ander!"]),
    ("formatlist", ["%s", []], []), ("formatlist", ["x"], ["x"]),
    # collections
    ("alltrue", [["true", True]], True), ("alltrue", [[True, False]], False),
    ("alltrue", [[]], True), ("anytrue", [["true"]], True), ("anytrue", [[True, False]], True),
    ("anytrue", [[]], False), ("anytrue", [[None, False]], False),
    ("chunklist", [["a", "b", "c", "d", "e"], 2], [["a", "b"], ["c", "d"], ["e"]]),
    ("chunklist", [["a", "b"], 0], [["a", "b"]]), ("chunklist", [[], 3], []),
    ("coalesce", ["a", "b"], "a"), ("coalesce", ["", "b"], "b"), ("coalesce", [1, 2], 1),
    ("coalesce", [1, "hello"], "1"), ("coalesce", [True, "hello"], "true"),
    ("coalesce", [None, "", "x"], "x"),
    ("coalescelist", [["a", "b"], ["c", "d"]], ["a", "b"]),
    ("coalescelist", [[], ["c", "d"]], ["c", "d"]),
    ("compact", [["a", "", "b", None, "c"]], ["a", "b", "c"]),
    ("concat", [["a", ""], ["b", "c"]], ["a", "", "b", "c"]),
    ("contains", [["a", "b", "c"], "a"], True), ("contains", [["a", "b", "c"], "d"], False),
    ("contains", [[1, 2], 1.0], True), ("contains", [["1"], 1], False),
    ("contains", [[True], 1], False), ("contains", [[], "a"], False),
    ("distinct", [["a", "b", "a", "c", "d", "b"]], ["a", "b", "c", "d"]),
    ("element", [["a", "b", "c"], 1], "b"), ("element", [["a", "b", "c"], 3], "a"),
    ("flatten", [[["a", "b"], [], ["c"]]], ["a", "b", "c"]),
    ("flatten", [[[["a", "b"], []], ["c"]]], ["a", "b", "c"]),
    ("index", [["a", "b", "c"], "b"], 1),
    ("keys", [{"a": 1, "c": 2, "d": 3}], ["a", "c", "d"]),
    ("values", [{"d": 1, "a": 3, "c": 2}], [3, 2, 1]),
    ("length", ["hello"], 5), ("length", ["👾🕹️"], 2), ("length", ["e\u0301"], 1),
    ("length", [[]], 0), ("length", [["a", "b"]], 2), ("length", [{"a": "b"}], 1),
    ("lookup", [{"a": "ay", "b": "bee"}, "a", "what?"], "ay"),
    ("lookup", [{"a": "ay", "b": "bee"}, "c", "what?"], "what?"),
    ("merge", [{"a": "b", "c": "d"}, {"e": "f", "c": "z"}], {"a": "b", "c": "z", "e": "f"}),
    ("merge", [{"a": "b"}, {"a": [1, 2], "c": "z"}, {"d": 3}], {"a": [1, 2], "c": "z", "d": 3}),
    ("merge", [None, {"a": 1}], {"a": 1}), ("merge", [], {}), ("merge", [None], None),
    ("one", [[]], None), ("one", [["hello"]], "hello"),
    ("reverse", [[1, 2, 3]], [3, 2, 1]),
    ("setintersection", [["a", "b"], ["b", "c"], ["b", "d"]], ["b"]),
    ("setproduct", [["development", "staging", "production"], ["app1", "app2"]],
     [["development", "app1"], ["development", "app2"], ["staging", "app1"],
      ["staging", "app2"], ["production", "app1"], ["production", "app2"]]),
    ("setproduct", [["a"], []], []),
    ("setsubtract", [["a", "b", "c"], ["a", "c"]], ["b"]),
    ("setunion", [["a", "b"], ["b", "c"], ["d"]], ["a", "b", "c", "d"]),
    ("slice", [["a", "b", "c", "d"], 1, 3], ["b", "c"]),
    ("transpose", [{"a": ["1", "2"], "b": ["2", "3"]}], {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
    ("zipmap", [["a", "b"], [1, 2]], {"a": 1, "b": 2}),
    # type conversions
    ("tobool", [True], True), ("tobool", ["true"], True), ("tobool", ["0"], False),
    ("tobool", [None], None), ("tonumber", [1], 1), ("tonumber", ["1"], 1),
    ("tonumber", ["1.5"], 1.5), ("tonumber", ["1e3"], 1000), ("tonumber", [None], None),
    ("tostring", ["hello"], "hello"), ("tostring", [1], "1"), ("tostring", [1.5], "1.5"),
    ("tostring", [1e20], "100000000000000000000"), ("tostring", [1e-7], "0.0000001"),
    ("tostring", [True], "true"), ("tostring", [None], None),
    ("tolist", [["a", "b", 3]], ["a", "b", "3"]),
    ("tomap", [{"a": 1, "b": 2}], {"a": 1, "b": 2}),
    ("tomap", [{"a": "foo", "b": True}], {"a": "foo", "b": "true"}),
    ("toset", [["c", "b", "b"]], ["b", "c"]), ("toset", [["a", "b", 3]], ["3", "a", "b"]),
    ("toset", [[3, 1, 2, 1.0]], [1, 2, 3]), ("nonsensitive", ["x"], "x"), ("sensitive", [1], 1),
    # encoding
    ("base64encode", ["Hello World"], "SGVsbG8gV29ybGQ="),
    ("base64decode", ["SGVsbG8gV29ybGQ="], "Hello World"),
    ("jsondecode", ['{"hello": "world"}'], {"hello": "world"}), ("jsondecode", ["true"], True),
    ("jsondecode", ["[1, 2.5, 1e2, null]"], [1, 2.5, 100, None]),
    ("jsonencode", [{"hello": "world"}], '{"hello":"world"}'),
    ("jsonencode", [{"b": [1, 2.5, None, True], "a": "<&>\u2028"}],
     '{"a":"\\u003c\\u0026\\u003e\\u2028","b":[1,2.5,null,true]}'),
    ("jsonencode", [1e20], "100000000000000000000"), ("jsonencode", ["é\n"], '"é\\n"'),
    ("md5", ["hello world"], "5eb63bbbe01eeed093cb22bb8f5acdc3"),
    ("sha1", ["hello world"], "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"),
    ("sha256", ["hello world"], "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"),
    # networking
    ("cidrhost", ["10.12.112.0/20", 16], "10.12.112.16"),
    ("cidrhost", ["10.12.112.0/20", 268], "10.12.113.12"),
    ("cidrhost", ["fd00:fd12:3456:7890:00a2::/72", 34], "fd00:fd12:3456:7890::22"),
    ("cidrhost", ["10.0.0.0/24", -1], "10.0.0.255"),
    ("cidrnetmask", ["172.16.0.0/12"], "255.240.0.0"),
    ("cidrsubnet", ["172.16.0.0/12", 4, 2], "172.18.0.0/16"),
    ("cidrsubnet", ["10.1.2.0/24", 4, 15], "10.1.2.240/28"),
    ("cidrsubnet", ["fd00:fd12:3456:7890::/56", 16, 162], "fd00:fd12:3456:7800:a200::/72"),
    ("cidrsubnet", ["10.0.0.0/16", 8, 2], "10.0.2.0/24"),
    ("cidrsubnet", ["10.1.2.3/16", "8", "2"], "10.1.2.0/24"),
    ("cidrsubnets", ["10.1.0.0/16", 4, 4, 8, 4],
     ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("cidrsubnets", ["fd00:fd12:3456:7890::/56", 16, 16, 16, 32],
     ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72",
      "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]),
    ("cidrsubnets", ["10.0.0.0/16"], []),
]


@pytest.mark.parametrize("name, args, expected", KNOWN,
                         ids=[f"{name}-{index}" for index, (name, _, _) in enumerate(KNOWN)])
def test_documented_results(name, args, expected):
    assert typed(call(name, args)) == typed(expected)


FAILURES = [
    ("parseint", ["12", 2]), ("parseint", [12, 10]), ("parseint", ["", 10]),
    ("parseint", ["0x10", 16]), ("parseint", ["1", 63]),
    ("regex", ["[a-z]+", "53453453.34534523454"]),
    ("regex", ["a$", "a\n"]),  # RE2's $ is the end of the text
    ("regex", ["(?=a)", "a"]), ("regex", [r"(a)\1", "aa"]), ("regex", ["(?#note)a", "a"]),
    ("regex", ["(a)(?P<n>b)", "ab"]), ("regex", ["a\\", "a"]),
    ("one", [["hello", "goodbye"]]), ("coalesce", [None, ""]), ("coalesce", [{}, "hello"]),
    ("coalesce", [1, True]), ("coalescelist", [[], []]), ("coalescelist", [["a"], "b"]),
    ("element", [[], 0]), ("element", [["a"], -1]), ("element", [["a"], 0.5]),
    ("index", [["a"], "b"]), ("index", [[], "b"]), ("lookup", [{"a": 1}, "b"]),
    ("slice", [["a"], 1, 0]), ("slice", [["a"], 0, 2]), ("zipmap", [["a"], []]),
    ("range", [0, 2000]), ("range", [1, 3, 0]), ("range", [1, 4, -1]), ("range", [4, 1, 1]),
    ("sum", [[]]), ("sum", [[1, None]]), ("sum", [[math.inf, -math.inf]]),
    ("tobool", ["no"]), ("tobool", [1]), ("tonumber", ["no"]), ("tonumber", [True]),
    ("tostring", [[]]), ("tolist", [[1, True]]), ("tolist", [[[1], {"a": 1}]]),
    ("cidrsubnet", ["10.0.0.0/16", 8, 256]), ("cidrsubnet", ["10.0.0.0/30", 8, 0]),
    ("cidrsubnet", ["not-a-cidr", 8, 0]), ("cidrsubnet", ["10.0.0.0", 8, 0]),
    ("cidrsubnet", ["10.0.0.0/255.255.0.0", 8, 0]), ("cidrsubnet", ["10.0.0.0/16", 1.5, 0]),
    ("cidrhost", ["10.0.0.0/30", 4]), ("cidrhost", ["10.0.0.0/30", -5]),
    ("cidrnetmask", ["fd00::/8"]),
    ("cidrsubnets", ["10.0.0.0/24", 1, 1, 1]), ("cidrsubnets", ["10.0.0.0/24", 0]),
    ("cidrsubnets", ["10.0.0.0/24", 9]),
    ("cidrsubnets", ["0.0.0.0/0", 8]),  # Terraform's allocation wraps around below address 0
    ("format", ["%d", 1.5]), ("format", ["%d"]), ("format", ["%s", None]), ("format", ["x", 1]),
    ("format", ["%z", 1]), ("format", ["%", 1]), ("format", ["%t", 1]), ("format", ["%d", "x"]),
    ("formatlist", ["%s %s", ["a"], ["b", "c"]]),
    ("jsondecode", ["{"]), ("jsondecode", ["NaN"]), ("jsonencode", [math.inf]),
    ("base64decode", ["not base64!"]), ("base64decode", ["SGVsbG8"]), ("base64decode", ["/w=="]),
    ("upper", [["a"]]), ("upper", [None]), ("upper", []), ("upper", ["a", "b"]),
    ("length", [None]), ("length", [5]), ("concat", ["a"]), ("concat", []), ("signum", [0.5]),
    ("abs", ["x"]), ("abs", [True]), ("max", []), ("merge", [{"a": 1}, ["b"]]), ("keys", [["a"]]),
    ("flatten", ["a"]), ("join", [","]), ("join", [",", ["a", None]]), ("sort", [["a", None]]),
    ("setproduct", [["a"]]), ("setunion", []), ("transpose", [{"a": [["x"]]}]),
    ("chunklist", [["a"], -1]), ("indent", [-1, "a\nb"]), ("pow", [-8, 0.5]),
    ("try", []), ("try", [ERR, ERR]),
]


@pytest.mark.parametrize("name, args", FAILURES,
                         ids=[f"{name}-{index}" for index, (name, _) in enumerate(FAILURES)])
def test_terraform_failures_are_error_unknowns(name, args):
    result = call(name, args)
    assert is_error(result), result
    assert result.expr == name


def test_unevaluated_functions_are_unknown_but_not_errors():
    for name, args in [("yamldecode", ["a: 1"]), ("provider::aws::arn_parse", ["arn"]),
                       ("timestamp", []), ("uuid", []), ("file", ["x.json"]),
                       ("templatefile", ["t.tpl", {}]), ("fileexists", ["x"])]:
        result = call(name, args)
        assert isinstance(result, Unknown) and not is_error(result), (name, result)
        assert result.expr == name
    assert call("yamldecode", ["a: 1"]) == Unknown("function not evaluated", "yamldecode")


def test_regular_expressions_are_go_regexps():
    # RE2 syntax that Python's re lacks, evaluated as Terraform does
    assert call("regex", [r"\pL+", "é1"]) == "é"
    assert call("regex", [r"\Q.*\E", "a.*b"]) == ".*"
    assert call("regex", ["(?U)a+", "aaa"]) == "a"
    assert call("regex", ["[[:^alpha:]]+", "ab12"]) == "12"
    assert is_error(call("regex", ["(?=a)", "a"]))  # lookahead: RE2 rejects it, so does Terraform


def test_regular_expression_that_backtracks_exponentially_elsewhere_is_linear_here():
    # (a*)*b takes exponential time on a backtracking engine; RE2 answers at once
    assert is_error(call("regex", ["(a*)*b", "a" * 64]))
    assert call("replace", ["a" * 64 + "b", "/(a*)*b/", "x"]) == "x"


def test_core_namespace_is_the_builtin():
    assert call("core::upper", ["a"]) == "A"


# --- UNKNOWN propagation ----------------------------------------------------------------------

def test_an_unknown_argument_is_passed_on_as_it_is():
    assert call("upper", [UNK]) is UNK
    assert call("cidrsubnet", ["10.0.0.0/16", 8, UNK]) is UNK
    encoded = call("jsonencode", [{"a": [UNK]}])  # UNKNOWN text; the data stays readable
    assert isinstance(encoded, PartialJson) and encoded == PartialJson(UNK.reason, UNK.expr)
    assert encoded.data == {"a": [UNK]}
    assert call("distinct", [["a", UNK]]) is UNK
    assert call("toset", [["a", UNK]]) is UNK


def test_a_resource_attribute_is_unknown_where_its_value_is_needed():
    result = call("upper", [VPC_ID])
    assert isinstance(result, Unknown) and not is_error(result)
    assert result.expr == "aws_vpc.main.id"


def test_errors_win_over_unknowns_and_reach_every_function():
    assert call("upper", [ERR]) is ERR
    assert call("format", ["%s %s", UNK, ERR]) is ERR
    assert call("length", [[ERR]]) is ERR
    assert call("concat", [["a"], [ERR]]) is ERR
    assert call("coalesce", ["a", ERR]) is ERR  # Terraform evaluates every argument first
    assert call("lookup", [{"a": 1}, "a", ERR]) is ERR


def test_collections_keep_unknown_elements():
    assert call("length", [UNK]) is UNK
    assert call("length", [[UNK, 1]]) == 2
    assert call("length", [{"a": UNK}]) == 1
    assert call("concat", [[UNK], ["a"]]) == [UNK, "a"]
    assert call("element", [[UNK, "a"], 1]) == "a"
    assert call("element", [[VPC_ID], 0]) is VPC_ID
    assert call("one", [[VPC_ID]]) is VPC_ID
    assert call("keys", [{"b": UNK, "a": 1}]) == ["a", "b"]
    assert call("values", [{"b": UNK, "a": 1}]) == [1, UNK]
    assert call("merge", [{"a": UNK}, {"b": 2}]) == {"a": UNK, "b": 2}
    assert call("merge", [{"a": 1}, UNK]) is UNK
    assert call("slice", [[UNK, "a", "b"], 1, 3]) == ["a", "b"]
    assert call("tolist", [[VPC_ID, "a"]]) == [VPC_ID, "a"]
    assert call("formatlist", ["%s!", ["a", UNK]]) == ["a!", join_parts([UNK, "!"])]
    assert call("setproduct", [[VPC_ID], ["a"]]) == [[VPC_ID, "a"]]
    assert call("zipmap", [["a"], [UNK]]) == {"a": UNK}
    assert call("zipmap", [[UNK], ["a"]]) is UNK


def test_flatten_passes_identities_but_not_values_that_might_be_lists():
    assert call("flatten", [[[VPC_ID], ["a"]]]) == [VPC_ID, "a"]
    assert call("flatten", [[["a"], UNK]]) is UNK
    assert isinstance(call("flatten", [[CIDR_ATTR]]), Unknown)


def test_contains_and_index_with_unknown_elements():
    assert call("contains", [["a", UNK], "a"]) is True
    assert call("contains", [["a", UNK], "b"]) is UNK
    assert call("contains", [["a"], UNK]) is UNK
    assert call("contains", [UNK, "a"]) is UNK
    assert call("index", [["a", UNK, "b"], "a"]) == 0
    assert call("index", [[UNK, "b"], "b"]) is UNK


def test_alltrue_and_anytrue_decided_by_a_known_element():
    assert call("alltrue", [[UNK, False]]) is False
    assert call("alltrue", [[UNK, True]]) is UNK
    assert call("anytrue", [[UNK, True]]) is True
    assert call("anytrue", [[UNK, False]]) is UNK


def test_coalesce_is_unknown_only_if_an_unknown_comes_first():
    assert call("coalesce", [None, "", "x", UNK]) == "x"
    assert call("coalesce", [None, UNK, "x"]) is UNK
    assert call("coalesce", ["", VPC_ID]) is VPC_ID  # an id is never empty
    assert isinstance(call("coalesce", [CIDR_ATTR, "x"]), Unknown)  # but this may be ""
    assert call("coalescelist", [[], UNK, ["a"]]) is UNK
    assert call("coalescelist", [["a"], UNK]) == ["a"]


def test_lookup_needs_the_default_only_when_the_key_is_missing():
    assert call("lookup", [{"a": 1}, "a", UNK]) == 1
    assert call("lookup", [{"a": 1}, "b", UNK]) is UNK
    assert call("lookup", [UNK, "a", 1]) is UNK
    assert call("lookup", [{"a": 1}, UNK, 2]) is UNK
    assert call("lookup", [{"a": UNK}, "a"]) is UNK


# --- try and can ------------------------------------------------------------------------------

def test_try_returns_the_first_argument_that_did_not_fail():
    assert call("try", [ERR, "fallback"]) == "fallback"
    assert call("try", ["a", ERR]) == "a"
    assert call("try", [[ERR], {"x": ERR}, "c"]) == "c"
    assert call("try", [None, "x"]) is None
    assert call("try", [VPC_ID, ""]) is VPC_ID


def test_try_is_unknown_when_an_unknown_comes_before_a_success():
    assert call("try", [UNK, "fallback"]) is UNK  # Terraform returns it if it evaluates
    assert call("try", [ERR, UNK, "x"]) is UNK
    assert call("try", [{"a": [UNK]}, "x"]) is UNK


def test_can_tells_failures_from_unknowns():
    assert call("can", ["a"]) is True
    assert call("can", [None]) is True
    assert call("can", [VPC_ID]) is True
    assert call("can", [ERR]) is False
    assert call("can", [[1, ERR]]) is False
    assert call("can", [UNK]) is UNK


def test_try_and_can_over_failing_calls():
    assert call("try", [call("cidrsubnet", ["bad", 8, 1]), "x"]) == "x"
    assert call("try", [call("lookup", [{"a": 1}, "b"]), 0]) == 0
    assert call("try", [call("upper", [call("element", [[], 0])]), "x"]) == "x"
    assert call("can", [call("regex", ["[a-z]+", "123"])]) is False
    assert call("can", [call("regex", ["[a-z]+", "abc"])]) is True
    assert call("can", [call("file", ["x"])]) == Unknown("reading files is not done", "file")


def test_implements_the_functions_vpclint_relies_on():
    wanted = """abs alltrue anytrue base64decode base64encode can ceil chomp chunklist cidrhost
        cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains distinct
        element endswith file flatten floor format formatlist index indent join jsondecode
        jsonencode keys length lookup lower max md5 merge min nonsensitive one parseint range
        regex regexall replace reverse sensitive setintersection setproduct setsubtract setunion
        sha1 sha256 slice sort split startswith strrev substr sum templatefile timestamp title
        tobool tolist tomap tonumber toset tostring transpose trim trimprefix trimspace trimsuffix
        try upper uuid values zipmap""".split()
    assert set(wanted) <= set(FUNCTIONS)


# --- robustness -------------------------------------------------------------------------------

_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-300, 300),
    st.floats(-1e6, 1e6, allow_nan=False), st.text(max_size=8),
    st.sampled_from(["10.0.0.0/16", "fd00::/56", "0.0.0.0/0", "%d-%s", "%v", "/a+/", "(a)(b)?",
                     "a,b", "true", "0", "5", "-1", "1.5", '{"a": [1]}', "SGk=", "$1", "[[:x"]),
    st.just(UNK), st.just(ERR), st.just(VPC_ID), st.just(CIDR_ATTR))
_VALUES = st.recursive(_LEAVES, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=3), children, max_size=3)),
    max_leaves=10)


def _is_value(value) -> bool:
    if isinstance(value, list):
        return all(_is_value(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_value(item) for key, item in value.items())
    if isinstance(value, PartialString):
        return all(isinstance(p, str) or _is_value(p) for p in value.parts)
    return value is None or type(value) in (str, int, float, bool, Unknown, PartialJson, Ref)


def _holds_error(value) -> bool:
    if isinstance(value, list):
        return any(_holds_error(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_error(item) for item in value.values())
    return is_error(value)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=st.lists(_VALUES, max_size=4))
def test_never_raises_and_passes_errors_on(name, args):
    result = call(name, args)
    assert _is_value(result)
    if name not in ("try", "can") and _holds_error(args):
        assert is_error(result)


def test_calls_that_would_build_huge_values_are_unknown():
    # bounded so a hostile configuration cannot exhaust memory: Unknown, not an error
    for name, args in [("setproduct", [list(range(1024))] * 3),
                       ("format", ["%099999999d", 1]),
                       ("indent", [100_000_000, "a\nb"]),
                       ("parseint", ["f" * 5000, 16])]:
        result = call(name, args)
        assert isinstance(result, Unknown) and not is_error(result), (name, result)
    assert len(call("setproduct", [[1, 2], [3, 4]])) == 4

# --- partly known arguments -------------------------------------------------------------------

AZS = DistinctList("AZs read from the account", "data.aws_availability_zones.az.names",
                   source="az")
MAYBE = PartialCollection("some entries may not exist", "for", items={"a": 1, "b": 2},
                          maybe=frozenset({"b"}))


def test_format_and_join_keep_their_known_text_around_unknown_strings():
    image = call("format", ["%s.dkr.ecr.%s.amazonaws.com/app", UNK, "us-east-1"])
    assert isinstance(image, PartialString)
    assert image.parts == (UNK, ".dkr.ecr.us-east-1.amazonaws.com/app")
    assert call("join", [",", ["a", VPC_ID]]).parts == ("a,", VPC_ID)
    assert call("format", ["%5s-x", UNK]) is UNK  # padding depends on the unknown's length
    assert call("format", ["%d", UNK]) is UNK
    assert is_error(call("join", [",", [["a"], UNK]]))  # a list is no string, known or not
    assert call("format", ["%s", ERR]) is ERR


def test_a_partial_value_passes_on_only_its_reason():
    partial = call("format", ["%s-x", UNK])
    result = call("upper", [partial])
    assert type(result) is Unknown and result.reason == UNK.reason
    assert type(call("try", [[partial]])) is Unknown  # not the partial string itself
    assert call("try", [partial]) is partial


def test_lookup_merge_and_concat_keep_the_entries_that_surely_exist():
    assert call("lookup", [MAYBE, "a"]) == 1
    assert isinstance(call("lookup", [MAYBE, "b", 0]), Unknown)  # may exist
    assert call("lookup", [MAYBE, "c", 0]) == 0  # surely does not
    assert call("lookup", [{"a": "x", "b": "x"}, UNK, "x"]) == "x"  # every candidate agrees
    assert call("lookup", [{"a": "x", "b": "y"}, UNK]) is UNK
    merged = call("merge", [MAYBE, {"c": 3}])
    assert isinstance(merged, PartialCollection) and merged.maybe == {"b"}
    assert merged.items == {"a": 1, "b": 2, "c": 3}
    overridden = call("merge", [{"b": 0}, MAYBE])
    assert overridden.keys() == {"a", "b"} and isinstance(overridden["b"], Unknown)
    assert call("merge", [MAYBE, {"b": 5}]) == {"a": 1, "b": 5}
    listed = PartialCollection("p", "", items=["x", "y"], maybe=frozenset({1}))
    joined = call("concat", [["w"], listed])
    assert joined.items == ["w", "x", "y"] and joined.maybe == {2}
    assert call("length", [MAYBE]) == Unknown(MAYBE.reason, MAYBE.expr)


def test_flatten_and_coalesce_keep_unknowns_that_are_surely_strings():
    partial = call("format", ["%s-x", UNK])
    assert call("flatten", [[["a"], partial, AZS.element(0)]]) == ["a", partial, AZS.element(0)]
    assert call("coalesce", ["", partial, "b"]) is partial  # known text: not empty
    assert call("coalesce", [AZS.element(1), "b"]) == AZS.element(1)
    assert call("coalesce", [call("format", ["%s", UNK]), "b"]) is UNK


def test_a_list_of_distinct_unknowns_is_indexed_and_sliced():
    assert call("element", [AZS, 1]) == AZS.element(1) != AZS.element(0)
    assert isinstance(call("element", [AZS, 2]), Unknown)  # wraps around an unknown length
    assert call("slice", [AZS, 1, 3]) == [AZS.element(1), AZS.element(2)]
    assert call("tolist", [AZS]) is AZS
    assert call("toset", [AZS]).source != AZS.source  # another order
    assert isinstance(call("length", [AZS]), Unknown)


def _binds(signature: inspect.Signature, count: int) -> bool:
    try:
        signature.bind(*range(count))
    except TypeError:
        return False
    return True


@pytest.mark.parametrize("parameters", [
    "a", "a, b=1", "*rest", "a, *rest", "a, /, b=2", "a, *, key", "a, *, key=1", ""])
def test_the_arity_check_agrees_with_signature_bind(parameters):
    """A call with the right number of arguments skips ``Signature.bind`` (slow); the counts
    must accept exactly what it accepts, here and for every function vpclint evaluates."""
    namespace: dict = {}
    exec(f"def f({parameters}): pass", namespace)
    signatures = [inspect.signature(namespace["f"])] + [
        inspect.signature(impl) for impl in FUNCTIONS.values()]
    for signature in signatures:
        _, fewest, most = _arity(signature)
        for count in range(8):
            assert (fewest <= count <= most) == _binds(signature, count), (signature, count)
