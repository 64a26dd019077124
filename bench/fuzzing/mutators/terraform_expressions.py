"""Terraform expressions built to be awkward: odd types, huge sizes, unknowns, errors, function
calls with wrong arguments, catastrophic regular expressions.

The evaluator must answer each with a value, an unknown or a note, in bounded time and memory.
"""

from __future__ import annotations

import random


def weird_hcl_expression(rng: random.Random) -> str:
    """A Terraform expression built to be awkward: odd types, huge sizes, unknowns, errors."""
    atoms = ["null", "true", "0", "-1", "1.5", "1e308", "100000000", '""', '"*"', "[]", "{}",
             "[null]", '["a", 1, null]', '{a = 1, "b" = [2]}', "var.fz", "var.fz_undeclared",
             "local.fz", "data.aws_subnets.fz.ids", "data.aws_vpc.fz.cidr_block",
             "aws_vpc.fz.id", "module.fz.out", "path.module", "path.root", "terraform.workspace",
             "count.index", "each.key", "each.value", "self.id", "aws_subnet.fz[*].id",
             "aws_subnet.fz[100000000]", '"10.0.0.0/16"', '"::/0"', '"10.0.0.0/33"',
             '"${var.fz}"', '"%{for x in var.fz}${x}%{endfor}"', '"a${"b${"c"}"}"',
             '"\\u0000\\ud800"', '"' + "a" * 200 + '"', "99999999999999999999999999999999"]
    calls = ["abs", "ceil", "floor", "max", "min", "pow", "signum", "parseint", "range", "sum",
             "upper", "lower", "title", "chomp", "trimspace", "trim", "trimprefix", "strrev",
             "indent", "substr", "split", "join", "sort", "replace", "regex", "regexall", "format",
             "formatlist", "jsonencode", "jsondecode", "yamldecode", "base64encode",
             "base64decode", "tostring", "tonumber", "tobool", "tolist", "toset", "tomap",
             "length", "concat", "flatten", "element", "slice", "reverse", "one", "chunklist",
             "keys", "values", "zipmap", "merge", "lookup", "contains", "index", "distinct",
             "compact", "alltrue", "anytrue", "coalesce", "coalescelist", "setproduct",
             "setunion", "setintersection", "setsubtract", "transpose", "cidrsubnet",
             "cidrsubnets", "cidrhost", "cidrnetmask", "try", "can", "file", "templatefile",
             "fileexists", "abspath", "sensitive", "nonsensitive", "core::upper", "provider::x::y",
             "nosuchfunction"]
    specials = [
        'pow(10, 100000000)', 'pow(2, 1024)', 'parseint("' + "f" * 20000 + '", 16)',
        'format("%999999999d", 1)', 'format("%.999999999f", 1)', 'format("%*d", 1)',
        'indent(100000000, "a\\nb")', 'regex("(a+)+$", "' + "a" * 40 + '!")',
        'regexall("(a|aa)*c", "' + "a" * 40 + '")', 'replace("' + "a" * 40 + '", "/(a*)*b/", "x")',
        'setproduct(range(1024), range(1024), range(1024))', 'chunklist(range(10), 0)',
        'range(0, 1e308, 1e-308)', 'range(1e308)', 'cidrsubnets("10.0.0.0/8", 24, 24, 24, 24)',
        'cidrsubnet("10.0.0.0/8", 200, 1)', 'cidrsubnet("::/0", 128, 99999999999999999999)',
        'cidrhost("10.0.0.0/8", 1e20)', 'substr("abc", -1, 100000000)',
        'element([], 0)', 'element(["a"], 1e18)', 'slice([1], 1, 0)', 'one([1, 2])',
        'jsondecode("' + "[" * 5000 + '")', 'jsondecode("1e999")', 'yamldecode("&a [*a]")',
        'file("/dev/zero")', 'file("/dev/stdin")', 'templatefile("/etc/passwd", {})',
        'formatlist("%s", range(1024))', 'join("", [for i in range(1024) : "${i}"])',
        '[for i in range(1024) : [for j in range(1024) : i * j]]',
        '{for k, v in var.fz : k => v...}', '[for x in aws_subnet.fz : x.id if x.id != null]',
        'var.fz == null ? var.fz : var.fz', 'true ? 1 : "a"', 'aws_subnet.fz.*.id[0]',
        'tolist(toset(tolist(toset(["a", 1, true]))))', 'merge({}, 1, "x", null)',
        'sort(["b", 1, null])', 'lookup(1, 2)', 'zipmap(["a", "a"], [1])',
        'transpose({a = ["b", "c"], b = [1]})', 'sum([1e308, 1e308])', '-(-(-(1)))',
        '1 / 0', '1 % 0', '"a" + 1', '!"x"', 'null.x', 'local.fz[0]["a"].b[*].c',
        '10000000000 * 10000000000 * 10000000000', 'tonumber("1e999")', 'abs(-0)',
        'can(local.fz)', 'try(local.fz, local.fz, 1)', 'strrev("\\u0301a\\U0001f600")',
        'upper("\\u00df")', 'title("ǆ")', 'base64decode("@@@@")', 'jsonencode(1e308 * 10)',
    ]
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(specials)
    if roll < 0.75:
        args = ", ".join(rng.choice(atoms) for _ in range(rng.randint(0, 4)))
        return f"{rng.choice(calls)}({args})"
    return rng.choice(atoms)
