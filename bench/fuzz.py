#!/usr/bin/env python3
"""Mutation fuzzer for the whole vpclint pipeline: any input in, findings out, never a crash.

Seeds are the Terraform and CloudFormation files of the real-world corpus (``../shared/corpus``
beside the repository, when it is present) and of the project's own ``fixtures/``. Each mutant
is one seed file changed by one to three mutators (lines deleted, duplicated or swapped;
characters flipped or inserted, NUL bytes, non-UTF-8 bytes, BOMs, UTF-16; truncation; very long
lines; CRLF; nesting thousands deep; odd YAML tags, anchors and aliases; huge numbers and counts;
resources that reference themselves or each other; a module that calls itself; pieces of two
seeds spliced together), laid out in a temporary directory as a small project (the mutated file
with its sibling files, so a Terraform module stays whole, and links to the rest of its
repository, so relative module sources and nested-stack template paths still resolve), and run
through the real pipeline in-process: ``vpclint.engine.scan`` and then the text, JSON and SARIF
reporters.

A mutant fails when an exception escapes, when the scan reports an internal error (a rule that
crashed, ``ScanResult.internal_errors``) or a note or finding mentions one, when the JSON or
SARIF output is not JSON, when it takes longer than ``--timeout`` seconds, when it needs more
than ``--memory`` MB of address space (``RLIMIT_AS`` in the worker: ``MemoryError`` is a
failure), when the worker process dies, or when an odd YAML tag made the loader run Python code.
Mutants run in worker processes, so a hang or a crash is reported and the round goes on.

Every mutant is a pure function of ``--seed`` and its index, so a round is reproducible: the
same seed, count and seed files give the same mutants whatever ``--jobs`` is. ``--save DIR``
keeps each failing mutant as ``DIR/<seed>-<index>-<kind>/``: the project as it was scanned
(``project/``), ``mutant.json`` (seed, index, seed file, mutations, file contents) and
``failure.txt`` (the traceback). Then:

    python bench/fuzz.py --seed 1 --count 20000 --jobs 2 --timeout 10 --save /tmp/fuzz
    python bench/fuzz.py --replay /tmp/fuzz/1-000123-exception     # rerun one, show the traceback
    python bench/fuzz.py --shrink /tmp/fuzz/1-000123-exception --out /tmp/min  # minimize it

``--replay`` also takes a plain file or directory to scan. ``--shrink`` removes files and lines
(then characters) while the mutant still fails the same way, and saves the smallest it found.
The summary groups failures by kind and by where they happen: the exception type and the
innermost vpclint frame of its traceback (for a timeout, where the scan was when time ran out).
The exit code is 1 when any mutant failed.
"""

from __future__ import annotations

import argparse
import base64
import faulthandler
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any, Callable

import yaml

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = REPO / "fixtures"

HCL_SUFFIXES = (".tf", ".tfvars")
JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml", ".template")
SEED_SUFFIXES = (".tf.json", ".tf", ".yaml", ".yml", ".json", ".template")
MAX_SEED_BYTES = 1_000_000
FORMATS = ("text", "json", "sarif")
MARKER = "FUZZ_PWNED"  # created only if a YAML python/object tag is executed


# --- seeds ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seed:
    """A file to mutate; ``root`` is the tree it came from (the corpus, or ``fixtures/``)."""

    root: str
    rel: str  # path under root, posix

    @property
    def path(self) -> Path:
        return Path(self.root) / self.rel

    @property
    def display(self) -> str:
        base = "corpus" if Path(self.root).name == "corpus" else Path(self.root).name
        return f"{base}/{self.rel}"


def seed_roots(corpus: Path | None = CORPUS, fixtures: bool = True) -> list[Path]:
    roots = []
    if corpus is not None and corpus.is_dir():
        roots.append(corpus.resolve())
    if fixtures and FIXTURES.is_dir():
        roots.append(FIXTURES.resolve())
    return roots


def find_seeds(roots: list[Path]) -> list[Seed]:
    """Terraform files, auto-loaded tfvars, and the YAML/JSON that vpclint reads (templates,
    plans, ``.tf.json``); other YAML and JSON (CI workflows, package.json) is passed over."""
    from vpclint.discover import SKIP_DIRS
    from vpclint.loaders.cfn import looks_like_template

    seeds = []
    for root in roots:
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                path = Path(directory) / name
                if path.is_symlink() or not path.is_file():
                    continue
                if path.stat().st_size > MAX_SEED_BYTES:
                    continue
                keep = name.endswith((".tf", ".tf.json")) or name == "terraform.tfvars" \
                    or name.endswith(".auto.tfvars")
                if not keep and name.endswith(SEED_SUFFIXES):
                    head = path.read_text(encoding="utf-8", errors="replace")
                    keep = looks_like_template(head) or '"planned_values"' in head
                if keep:
                    seeds.append(Seed(str(root), path.relative_to(root).as_posix()))
    return seeds


def file_format(name: str) -> str:
    if name.endswith(HCL_SUFFIXES):
        return "hcl"
    if name.endswith(JSON_SUFFIXES):
        return "json"
    return "yaml"


# --- mutants --------------------------------------------------------------------------------

@dataclass
class Mutant:
    """A small project to scan: real files (mutated) and links to unchanged files beside them."""

    seed: int
    index: int
    origin: str  # the seed file, as shown to people
    mutations: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # project-relative path -> content
    links: dict[str, str] = field(default_factory=dict)  # project-relative path -> target
    target: str = "."  # what to scan: a project-relative file or directory
    config: dict[str, Any] = field(default_factory=dict)  # Config(**config)
    allow_read: list[str] = field(default_factory=list)  # where the links point

    def to_json(self) -> dict:
        data = asdict(self)
        data["files"] = {k: base64.b64encode(v).decode() for k, v in self.files.items()}
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Mutant":
        data = dict(data)
        data["files"] = {k: base64.b64decode(v) for k, v in data["files"].items()}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class Tagged:
    """A YAML node with a local or odd tag, kept through a mutation (``!Ref X``, ``!Foo``)."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value

    def __repr__(self) -> str:
        # A mutator may write str() of a value holding a Tagged into the document: the default
        # repr would put a memory address (and this module's name) there, so the same seed
        # and index would give a different mutant in every process.
        return f"Tagged({self.tag!r}, {self.value!r})"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's when installed), keeping local tags as ``Tagged``."""


def _construct_tagged(loader, suffix, node):
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        return Tagged(tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(tag, loader.construct_sequence(node, deep=True))
    return Tagged(tag, loader.construct_mapping(node, deep=True))


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper, data: Tagged):
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, "" if data.value is None else str(data.value))


_Dumper.add_representer(Tagged, _represent_tagged)
_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)


class Skip(Exception):
    """A mutator that does not apply to this input; another one is tried."""


# Characters and tokens that parsers and position bookkeeping care about. str.splitlines()
# breaks lines at \x0b \x0c \x1c-\x1e \x85 \u2028 \u2029 too, where parsers may not.
ODD_CHARS = ["\x00", "\ufeff", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r", "\t",
             "\\", '"', "'", "`", "{", "}", "[", "]", "(", ")", "#", "/", "*", ":", "-", "!",
             "&", "|", ">", "?", "%", "@", ",", "=", "$", ".", " ", "\n", "\u202e", "\u200b",
             "é", "\U0001d518", "\U0001f600", "\u0301", "\ud7ff", "\uffff", "\x7f", "\x1b",
             "٣", "１"]
ODD_TOKENS = ["${", "%{", "}}", "{{", "${var.x}", "<<EOF\n", "<<-EOT\n", "EOF\n", "/*", "*/",
              "//", "# vpclint:ignore", "---\n", "...\n", "- ", ": ", "? ", "!Ref ", "!!", "&a ",
              "*a", "<<: ", "0x", "1e999", "-0", ".inf", ".nan", "~", "null", "true", "NaN",
              "\\u0000", "\\ud800", "\\", "\\\"", "${aws_vpc.main.id}", "${AWS::Region}",
              "AWS::", "Fn::", "::", "[*]", ".*", "..", "=>", "...", "\r\n", "\n\n\n"]
ODD_TAGS = ["!Foo", "!", "!Ref!", "!GetAtt", "!Ref", "!Sub", "!If", "!Join", "!Select", "!Split",
            "!Cidr", "!GetAZs", "!ImportValue", "!Condition", "!Base64", "!FindInMap",
            "!Equals", "!Not", "!And", "!Or", "!Transform", "!Length", "!ToJsonString",
            "!%F0%9F%98%80", "tag:yaml.org,2002:python/object:os.system",
            "tag:yaml.org,2002:python/name:os.system",
            "tag:yaml.org,2002:python/object/apply:os.mkdir",
            "tag:yaml.org,2002:python/object/new:tuple", "tag:yaml.org,2002:binary",
            "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:set", "tag:yaml.org,2002:omap",
            "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
            "tag:yaml.org,2002:value", "tag:example.com,2000:app/foo"]
ODD_NUMBERS = ["100000000", "1e999", "-1e999", "99999999999999999999999999999999", "-1", "-0",
               "0", "1.5", "0.0000001", "4294967296", "9223372036854775808", "65536", "70000",
               "1e308", "1e-400", "0x7fffffff", "1_000", "007", "NaN", "Infinity", ".inf",
               "1" * 5000]
ODD_CIDRS = ["0.0.0.0/0", "::/0", "10.0.0.0/33", "10.0.0.0/-1", "999.1.1.1/8", "10.0.0.0",
             "10.0.0.0/8/8", "10.0.0.1/8", "fe80::/129", "10.0.0.0/0x10", "", "/", "10.0.0.0/ 8",
             "10.0.0.0/08", "2001:db8::/32", "::ffff:10.0.0.0/104", "10.0.0.0/1" + "0" * 50]
# How deep to nest. HCL stops at 10,000 levels: python-hcl2 lexes and parses about 20,000
# tokens a second, so deeper (longer) input would time out on speed alone, which is not what the
# timeout is there to catch; YAML and JSON go through libyaml, which is fast enough for more.
DEPTHS = {"hcl": [64, 250, 1000, 3000, 10000],
          "yaml": [64, 250, 1000, 3000, 10000, 30000, 100000],
          "json": [64, 250, 1000, 3000, 10000, 30000, 100000]}

CFN_TYPES = ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route",
             "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::VPCEndpoint",
             "AWS::EC2::VPCEndpointService", "AWS::EC2::VPCEndpointServicePermissions",
             "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
             "AWS::EC2::SecurityGroupEgress", "AWS::EC2::NatGateway", "AWS::EC2::InternetGateway",
             "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::NetworkAcl", "AWS::EC2::Instance",
             "AWS::ElasticLoadBalancingV2::LoadBalancer",
             "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::Listener",
             "AWS::VpcLattice::ServiceNetwork",
             "AWS::VpcLattice::Service", "AWS::VpcLattice::Listener",
             "AWS::VpcLattice::TargetGroup", "AWS::VpcLattice::ServiceNetworkVpcAssociation",
             "AWS::VpcLattice::ServiceNetworkServiceAssociation", "AWS::VpcLattice::AuthPolicy",
             "AWS::VpcLattice::ResourceGateway", "AWS::VpcLattice::ResourceConfiguration",
             "AWS::Lambda::Function", "AWS::ECS::Service", "AWS::RDS::DBInstance",
             "AWS::CloudFormation::Stack", "AWS::Serverless::Function", "AWS::", "AWS::EC2::VPC::X",
             "Custom::Thing", "Module::X::Y::MODULE"]
TF_TYPES = ["aws_vpc", "aws_subnet", "aws_route_table", "aws_route", "aws_route_table_association",
            "aws_vpc_endpoint", "aws_vpc_endpoint_service",
            "aws_vpc_endpoint_route_table_association", "aws_vpc_endpoint_subnet_association",
            "aws_security_group",
            "aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_nat_gateway",
            "aws_internet_gateway", "aws_lb", "aws_lb_target_group", "aws_lb_listener",
            "aws_vpclattice_service_network", "aws_vpclattice_service",
            "aws_vpclattice_listener", "aws_vpclattice_target_group",
            "aws_vpclattice_service_network_vpc_association",
            "aws_vpclattice_service_network_service_association", "aws_vpclattice_auth_policy",
            "aws_vpclattice_resource_gateway", "aws_vpclattice_resource_configuration",
            "aws_lambda_function", "aws_ecs_service", "aws_instance", "aws_default_route_table",
            "aws_default_security_group", "aws_network_acl", "aws_eip"]
GETATT_NAMES = ["VpcId", "Arn", "Id", "CidrBlock", "GroupId", "RouteTableId", "SubnetId",
                "DnsEntries", "NetworkInterfaceIds", "LoadBalancerArn", "DNSName", "Outputs.X",
                "", ".", "A.B.C"]


def _weird_hcl_expr(rng: random.Random) -> str:
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


def _deep_text(rng: random.Random, flavour: str, depth: int, indent: int = 4,
               flow: bool = False) -> str:
    """A value nested ``depth`` deep, in the syntax of ``flavour`` (YAML: block style under a
    key indented ``indent``, unless ``flow``)."""
    if flavour == "hcl":
        shape = rng.randrange(10)
        if shape == 0:
            return "[" * depth + "1" + "]" * depth
        if shape == 1:
            return "{a = " * depth + "1" + "}" * depth
        if shape == 2:
            return "(" * depth + "1" + ")" * depth
        if shape == 3:
            return " + ".join(["1"] * depth)
        if shape == 4:
            return "!" * depth + "true"
        if shape == 5:
            return "-" * depth + "1"
        if shape == 6:
            return "tolist(" * depth + "[1]" + ")" * depth
        if shape == 7:
            return "var.fz" + ".a" * depth
        if shape == 8:
            return '"' + "${\"" * min(depth, 2000) + "x" + "\"}" * min(depth, 2000) + '"'
        return "true ? " * depth + "1" + " : 2" * depth
    if flavour == "json":
        if rng.random() < 0.5:
            return "[" * depth + "1" + "]" * depth
        return '{"a": ' * depth + "1" + "}" * depth
    shape = rng.randrange(2 if flow else 4)
    if shape == 0:
        return "[" * depth + "1" + "]" * depth
    if shape == 1:
        return "{a: " * depth + "1" + "}" * depth
    depth = min(depth, 5000)  # block style, one more space of indentation each level
    if shape == 2:
        return "\n" + "\n".join(" " * (indent + 1 + i) + "a:" for i in range(depth)) + " 1"
    return "\n" + "\n".join(" " * (indent + 1 + i) + "-" for i in range(depth)) + " 1"


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _range(rng: random.Random, count: int, longest: int = 20) -> tuple[int, int]:
    start = rng.randrange(count)
    return start, min(count, start + rng.randint(1, longest))


class Mutator:
    """The mutators: each takes the text of the file (and the context) and returns a new text
    and what it did, or raises ``Skip``."""

    def __init__(self, rng: random.Random, name: str, siblings: dict[str, bytes],
                 pick_other: Callable[[], tuple[str, str]], directory_name: str) -> None:
        self.rng = rng
        self.name = name  # the mutated file's name
        self.flavour = file_format(name)
        self.siblings = siblings  # extra files added beside the mutant: name -> bytes
        self.pick_other = pick_other  # another seed: (name, text)
        self.directory_name = directory_name

    # generic text mutators -------------------------------------------------------------------

    def delete_lines(self, text: str) -> tuple[str, str]:
        lines = _lines(text)
        start, end = _range(self.rng, len(lines), self.rng.choice([1, 3, 30]))
        del lines[start:end]
        return "\n".join(lines), f"delete lines {start + 1}-{end}"

    def duplicate_lines(self, text: str) -> tuple[str, str]:
        lines = _lines(text)
        start, end = _range(self.rng, len(lines), self.rng.choice([1, 5, 40]))
        at = self.rng.choice([end, self.rng.randrange(len(lines) + 1)])
        lines[at:at] = lines[start:end]
        return "\n".join(lines), f"copy lines {start + 1}-{end} to line {at + 1}"

    def swap_lines(self, text: str) -> tuple[str, str]:
        lines = _lines(text)
        a, b = self.rng.randrange(len(lines)), self.rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return "\n".join(lines), f"swap lines {a + 1} and {b + 1}"

    def flip_chars(self, text: str) -> tuple[str, str]:
        if not text:
            raise Skip
        chars = list(text)
        done = []
        for _ in range(self.rng.choice([1, 1, 2, 5, 20])):
            at = self.rng.randrange(len(chars))
            chars[at] = self.rng.choice(ODD_CHARS)
            done.append(f"{at}:{chars[at]!r}")
        return "".join(chars), "flip chars " + " ".join(done[:5])

    def insert_tokens(self, text: str) -> tuple[str, str]:
        done = []
        for _ in range(self.rng.choice([1, 1, 3, 8])):
            at = self.rng.randrange(len(text) + 1)
            token = self.rng.choice(ODD_TOKENS + ODD_CHARS)
            text = text[:at] + token + text[at:]
            done.append(f"{at}:{token!r}")
        return text, "insert " + " ".join(done[:5])

    def truncate(self, text: str) -> tuple[str, str]:
        at = self.rng.randrange(len(text) + 1)
        return text[:at], f"truncate at char {at} of {len(text)}"

    def line_endings(self, text: str) -> tuple[str, str]:
        choice = self.rng.randrange(6)
        if choice == 0:
            return text.replace("\n", "\r\n"), "CRLF line endings"
        if choice == 1:
            return text.replace("\n", "\r"), "CR line endings"
        if choice == 2:
            sep = self.rng.choice(["\u2028", "\x85", "\x0c", "\x0b", "\r\r\n"])
            return text.replace("\n", sep), f"line separator {sep!r}"
        if choice == 3:
            lines = _lines(text)
            return "\n".join(line + self.rng.choice(["", "\r", " \t", "\t"]) for line in lines), \
                "mixed line ends and trailing whitespace"
        if choice == 4:
            return re.sub(r"(?m)^( +)", lambda m: "\t" * (len(m.group(1)) // 2), text), \
                "tabs for indentation"
        return text.rstrip("\n") if text.endswith("\n") else text + "\n\n\n", "final newline"

    def long_line(self, text: str) -> tuple[str, str]:
        length = self.rng.choice([10_000, 100_000, 1_000_000])
        lines = _lines(text)
        at = self.rng.randrange(len(lines) + 1)
        kind = self.rng.randrange(4)
        if kind == 0:
            filler = "a" * length
        elif kind == 1:
            filler = self._assignment("fz_long", '"' + "x" * length + '"')
        elif kind == 2:  # a long list on one line (python-hcl2 takes ~0.3 ms per string element,
            # so 2,000 of them, not a hundred thousand: the timeout is for hangs, not for speed)
            items = ", ".join(['"10.0.0.0/16"'] * (length // 500))
            filler = self._assignment("fz_long", "[" + items + "]")
        else:  # lengthen an existing line
            at = min(at, len(lines) - 1)
            lines[at] = lines[at] + " " * length + "#"
            return "\n".join(lines), f"line {at + 1} padded by {length} spaces"
        lines.insert(at, filler)
        return "\n".join(lines), f"insert a {length}-char line at line {at + 1}"

    def _assignment(self, key: str, value: str) -> str:
        if self.flavour == "hcl":
            return f"  {key} = {value}"
        if self.flavour == "json":
            return f'"{key}": {value},'
        return f"      {key}: {value}"

    def deep_nesting(self, text: str) -> tuple[str, str]:
        depth = self.rng.choice(DEPTHS[self.flavour])
        value = _deep_text(self.rng, self.flavour, depth)
        lines = _lines(text)
        if self.flavour == "hcl":
            headers = [i for i, line in enumerate(lines) if re.match(r"\s*\w.*\{\s*$", line)]
            if headers and self.rng.random() < 0.7:
                at = self.rng.choice(headers) + 1
                lines.insert(at, f"  fz_deep = {value}")
            elif self.rng.random() < 0.5:
                lines.append(f"locals {{\n  fz_deep = {value}\n}}")
            else:  # nested blocks
                depth = min(depth, 3000)
                lines.append('resource "aws_security_group" "fz" {\n' + "  ingress {\n" * depth
                             + "  from_port = 1\n" + "  }\n" * depth + "}")
            return "\n".join(lines), f"nesting {depth} deep"
        if self.flavour == "json":
            slots = [i for i, line in enumerate(lines) if re.search(r'":\s*\S', line)]
            if not slots:
                raise Skip
            at = self.rng.choice(slots)
            lines[at] = re.sub(r'(":\s*)(.*?)(,?\s*)$', lambda m: m.group(1) + value + m.group(3),
                               lines[at], count=1)
            return "\n".join(lines), f"value on line {at + 1} nested {depth} deep"
        slots = [i for i, line in enumerate(lines) if re.match(r"\s*[\w\-]+:\s*\S", line)]
        if not slots:
            raise Skip
        at = self.rng.choice(slots)
        match = re.match(r"(\s*)([\w\-]+:)", lines[at])
        value = _deep_text(self.rng, self.flavour, depth, indent=len(match.group(1)))
        lines[at] = match.group(1) + match.group(2) + " " + value
        return "\n".join(lines), f"value on line {at + 1} nested {depth} deep"

    def odd_numbers(self, text: str) -> tuple[str, str]:
        numbers = list(re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", text))
        cidrs = list(re.finditer(r"\d+\.\d+\.\d+\.\d+/\d+", text))
        if not numbers and not cidrs:
            raise Skip
        if cidrs and (not numbers or self.rng.random() < 0.4):
            match = self.rng.choice(cidrs)
            new = self.rng.choice(ODD_CIDRS)
        else:
            match = self.rng.choice(numbers)
            new = self.rng.choice(ODD_NUMBERS)
        return text[:match.start()] + new + text[match.end():], \
            f"replace {match.group()!r} at {match.start()} by {new[:40]!r}"

    def unicode_text(self, text: str) -> tuple[str, str]:
        words = list(re.finditer(r"[A-Za-z_][\w\-]{2,}", text))
        if not words:
            raise Skip
        match = self.rng.choice(words)
        style = self.rng.randrange(4)
        word = match.group()
        if style == 0:
            new = word.upper() if word.islower() else word.lower()
        elif style == 1:  # full-width letters look the same to people
            new = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
        elif style == 2:
            new = word + self.rng.choice(["\u200b", "\u0301", "\u202e", "\ufeff", "\x00"])
        else:
            new = word[::-1]
        return text[:match.start()] + new + text[match.end():], f"{word!r} -> {new!r}"

    def splice(self, text: str) -> tuple[str, str]:
        other_name, other = self.pick_other()
        mine, theirs = _lines(text), _lines(other)
        style = self.rng.randrange(3)
        a, b = self.rng.randrange(len(mine) + 1), self.rng.randrange(len(theirs) + 1)
        if style == 0:
            return "\n".join(mine[:a] + theirs[b:]), f"lines 1-{a} + {other_name} from line {b + 1}"
        if style == 1:
            start, end = _range(self.rng, len(theirs), 60)
            mine[a:a] = theirs[start:end]
            return "\n".join(mine), f"insert {other_name} lines {start + 1}-{end} at line {a + 1}"
        name = "fz_spliced" + (".tf" if other_name.endswith(".tf") else Path(other_name).suffix)
        self.siblings[name] = other.encode("utf-8", "surrogatepass")
        return text, f"add {other_name} as {name}"

    # Terraform mutators ----------------------------------------------------------------------

    def _blocks(self, text: str, kinds: str = "resource|data|module") -> list[re.Match]:
        return list(re.finditer(rf'(?m)^(?:{kinds})\s+"([^"]*)"(?:\s+"([^"]*)")?\s*\{{[ \t]*$',
                                text))

    def _insert_in_block(self, text: str, lines: list[str], kinds: str) -> tuple[str, str]:
        blocks = self._blocks(text, kinds)
        if not blocks:
            raise Skip
        block = self.rng.choice(blocks)
        at = block.end()
        return text[:at] + "\n" + "\n".join(lines) + text[at:], \
            " ".join(g for g in block.groups() if g)

    def tf_count(self, text: str) -> tuple[str, str]:
        counts = ["count = 100000000", "count = 1e9", "count = -1", "count = 1.5", 'count = "3"',
                  "count = true", "count = null", "count = var.fz", "count = 1e308",
                  "count = length(aws_subnet.fz)", "count = 0", "count = 2\n  count = 3",
                  "for_each = toset([for i in range(1024) : tostring(i)])",
                  "for_each = range(100000000)", "for_each = var.fz", 'for_each = "abc"',
                  "for_each = 1", "for_each = null", "for_each = {a = 1, a = 2}",
                  "for_each = [for s in aws_subnet.fz : s.id]",
                  "count = 3\n  for_each = {a = 1}", "for_each = data.aws_subnets.fz.ids",
                  "count = count.index", "for_each = each.value"]
        line = self.rng.choice(counts)
        text, where = self._insert_in_block(text, ["  " + line], "resource|data|module")
        return text, f"{line!r} in {where}"

    def tf_type_swap(self, text: str) -> tuple[str, str]:
        """A resource keeps its body under another type (an endpoint's arguments on a subnet)."""
        blocks = [b for b in self._blocks(text, "resource") if b.group(2) is not None]
        if not blocks:
            raise Skip
        block = self.rng.choice(blocks)
        new = self.rng.choice(TF_TYPES + ["", "aws_", "aws_vpc_endpoint.x", "AWS_VPC"])
        header = f'resource "{new}" "{block.group(2)}" {{'
        return text[:block.start()] + header + text[block.end():], \
            f"{block.group(1)}.{block.group(2)} becomes a {new!r}"

    def tf_weird_expression(self, text: str) -> tuple[str, str]:
        lines = _lines(text)
        slots = [i for i, line in enumerate(lines)
                 if re.match(r'\s+[\w"-]+\s*=\s*[^{\s].*$', line) and not line.rstrip().endswith(
                     ("[", "(", "<<EOF", "<<EOT", "<<-EOT", "<<-EOF"))]
        if not slots:
            raise Skip
        at = self.rng.choice(slots)
        expr = _weird_hcl_expr(self.rng)
        lines[at] = re.sub(r"=.*$", lambda _: "= " + expr, lines[at], count=1)
        return "\n".join(lines), f"line {at + 1}: = {expr[:80]}"

    def tf_self_reference(self, text: str) -> tuple[str, str]:
        blocks = [b for b in self._blocks(text, "resource|data") if b.group(2)]
        if not blocks:
            raise Skip
        block = self.rng.choice(blocks)
        kind, name = block.group(1), block.group(2)
        prefix = "data." if text[block.start():].startswith("data") else ""
        me = f"{prefix}{kind}.{name}"
        attrs = ["vpc_id", "subnet_ids", "route_table_ids", "security_group_ids", "subnet_id",
                 "route_table_id", "service_name", "cidr_block", "policy", "vpc_endpoint_id",
                 "service_network_identifier", "service_identifier", "target_group_arn",
                 "security_groups", "depends_on", "load_balancer_arn", "name", "tags"]
        attr = self.rng.choice(attrs)
        ref = self.rng.choice([f"{me}.{attr}", f"{me}.id", f"[{me}.id]", f"{me}[*].id",
                               f"{me}[0].{attr}", f"{me}", f"[{me}]", f'"${{{me}.arn}}"',
                               f"jsonencode({me})", f"{{a = {me}.id}}"])
        at = block.end()
        return text[:at] + f"\n  {attr} = {ref}" + text[at:], f"{me}.{attr} = {ref}"

    def tf_snippet(self, text: str) -> tuple[str, str]:
        expr = self.rng.choice(["var.fz", "data.aws_subnets.fz.ids", "local.fz_a", "[]", "{}",
                                "null", "1", '"x"', "[1, null, {}]", "{a = var.fz}",
                                "toset(data.aws_subnets.fz.ids)", "[var.fz]",
                                "[{actions = var.fz, principals = var.fz}]",
                                "range(100000000)", "aws_subnet.fz_a[*]", "var.fz[*]",
                                '{for k in var.fz : k => {actions = ["*"]}}',
                                "[[[[[]]]]]", "data.aws_iam_policy_document.fz.statement"])
        snippets = {
            "policy document with dynamic blocks": f'''
data "aws_iam_policy_document" "fz" {{
  dynamic "statement" {{
    for_each = {expr}
    content {{
      actions   = statement.value.actions
      resources = ["*"]
      dynamic "principals" {{
        for_each = {expr}
        content {{
          type        = "AWS"
          identifiers = principals.value
        }}
      }}
      dynamic "condition" {{
        for_each = {expr}
        iterator = c
        content {{
          test     = c.key
          variable = c.value
          values   = [c]
        }}
      }}
    }}
  }}
  statement {{
    principals = {expr}
    condition = {expr}
  }}
}}
resource "aws_vpc_endpoint" "fz" {{
  vpc_id       = aws_vpc_endpoint.fz.vpc_id
  service_name = "com.amazonaws.us-east-1.s3"
  policy       = data.aws_iam_policy_document.fz.json
  route_table_ids = {expr}
}}''',
            "security group with dynamic rules": f'''
resource "aws_security_group" "fz" {{
  vpc_id = aws_security_group.fz.vpc_id
  dynamic "ingress" {{
    for_each = {expr}
    content {{
      from_port       = ingress.value
      to_port         = ingress.key
      protocol        = ingress.value.protocol
      cidr_blocks     = [ingress.value]
      security_groups = [aws_security_group.fz.id]
    }}
  }}
  dynamic "egress" {{
    for_each = {expr}
    content {{
      dynamic "nested" {{
        for_each = egress.value
        content {{ x = nested.value }}
      }}
    }}
  }}
}}''',
            "subnets pointing at each other": f'''
resource "aws_subnet" "fz_a" {{
  vpc_id     = aws_subnet.fz_b.vpc_id
  cidr_block = aws_subnet.fz_b.cidr_block
}}
resource "aws_subnet" "fz_b" {{
  vpc_id     = aws_subnet.fz_a.vpc_id
  cidr_block = cidrsubnet(aws_subnet.fz_a.cidr_block, 1, 0)
}}
resource "aws_route_table" "fz" {{
  vpc_id = aws_route_table.fz.vpc_id
  route {{
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = aws_vpc_endpoint.fz.id
    nat_gateway_id  = aws_route_table.fz.id
  }}
}}
resource "aws_route_table_association" "fz" {{
  subnet_id      = aws_subnet.fz_a.id
  route_table_id = aws_route_table.fz.id
}}
resource "aws_vpc_endpoint" "fz" {{
  vpc_id            = aws_subnet.fz_a.vpc_id
  service_name      = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.fz_a.id, aws_subnet.fz_b.id, aws_vpc_endpoint.fz.id]
  route_table_ids   = [aws_route_table.fz.id]
  security_group_ids = {expr}
}}''',
            "locals cycle": f'''
locals {{
  fz_a = local.fz_b
  fz_b = [local.fz_a, {expr}]
  fz   = {{ for k, v in local.fz : k => v }}
}}
variable "fz" {{
  default = var.fz
  type    = list(object({{ a = number }}))
}}
output "fz" {{
  value = output.fz
}}
resource "aws_vpc" "fz" {{
  cidr_block = local.fz_a
  enable_dns_hostnames = local.fz
}}''',
            "module calling itself": f'''
module "fz_self" {{
  source = "{self.rng.choice(["./", ".", "./.", "././", "../" + self.directory_name])}"
  fz     = module.fz_self.out
  count  = {self.rng.choice(["1", "2", "100000000", "length(module.fz_self)"])}
}}
output "out" {{
  value = module.fz_self
}}''',
            "huge count": f'''
resource "aws_subnet" "fz" {{
  count      = {self.rng.choice(["100000000", "1e9", "10000", "1e308", "var.fz"])}
  vpc_id     = aws_vpc.fz.id
  cidr_block = cidrsubnet("10.0.0.0/8", 24, count.index)
}}
resource "aws_vpc_endpoint" "fz" {{
  for_each     = toset(aws_subnet.fz[*].id)
  vpc_id       = aws_vpc.fz.id
  service_name = "com.amazonaws.us-east-1.s3"
  route_table_ids = [for s in aws_subnet.fz : s.id]
}}''',
            "odd blocks": '''
resource "aws_vpc" {
}
resource "aws_vpc" "a" "b" {
}
resource "" "" {}
resource "aws_vpc" "a.b[0]" {}
resource "aws_vpc" "fz" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc" "fz" { cidr_block = "10.1.0.0/16" }
locals {}
locals { fz = 1 }
locals { fz = 2 }
terraform {
  required_providers { aws = { source = "hashicorp/aws" } }
}
provider "aws" {
  region = var.fz
  alias  = "fz"
}
moved {
  from = aws_vpc.fz
  to   = aws_vpc.fz
}
import {
  to = aws_vpc.fz
  id = "vpc-1"
}
check "fz" {
  assert {
    condition     = true
    error_message = "x"
  }
}
removed { from = aws_vpc.fz }
data "aws_region" "fz" { name = 1 }
data "aws_partition" "fz" { provider = aws.nonexistent }
data "aws_vpc_endpoint_service" "fz" { service = ["s3"] }
data "aws_prefix_list" "fz" { name = {} }
data "aws_ec2_managed_prefix_list" "fz" { name = [1] }''',
            "suppression comments": '''
# vpclint:ignore VPC101,,VPC999,nonsense-rule ,
# vpclint:ignore
/* vpclint:ignore VPC1 */
// vpclint:ignore ''' + "VPC101," * 1000 + '''
resource "aws_vpc_endpoint" "fz" { # vpclint:ignore VPC101 -- reason
  vpc_id       = "vpc-1" # vpclint:ignore VPC
  service_name = "com.amazonaws.us-east-1.s3" # vpclint:ignore VPC101 /*
}''',
        }
        label = self.rng.choice(sorted(snippets))
        snippet = snippets[label]
        if self.rng.random() < 0.3:
            self.siblings["fz_extra.tf"] = snippet.encode()
            return text, f"add fz_extra.tf: {label} ({expr})"
        at = self.rng.choice([len(text), 0, self.rng.randrange(len(text) + 1)])
        return text[:at] + snippet + "\n" + text[at:], f"insert {label} ({expr}) at char {at}"

    def tf_child_module(self, text: str) -> tuple[str, str]:
        """Mutual recursion: this module calls a child that calls it back."""
        self.siblings["fz_child/main.tf"] = b'module "parent" {\n  source = "../"\n}\n' \
            b'output "out" {\n  value = module.parent\n}\n'
        return text + '\nmodule "fz_child" {\n  source = "./fz_child"\n}\n', \
            "module fz_child calls its parent"

    def tf_to_json(self, text: str) -> tuple[str, str]:
        """The file as Terraform JSON syntax (what python-hcl2 makes of it)."""
        import hcl2

        try:
            data = hcl2.loads(text)
        except Exception:  # noqa: BLE001 - not HCL: nothing to convert
            raise Skip from None
        return json.dumps(_tf_json(data), indent=2), "converted to .tf.json"

    # structured (YAML / JSON) mutators -------------------------------------------------------

    def structured(self, text: str) -> tuple[str, str]:
        """Load the document, change it as data, write it back."""
        data = self._load(text)
        if data is None:
            raise Skip
        self._deep: list[str] = []
        did = self._mutate_data(data)
        return self._dump(data), did

    def _load(self, text: str) -> Any:
        if _too_deep(text):  # loading it would take the fuzzer long, or overflow libyaml's stack
            return None
        try:
            if self.flavour == "json":
                return json.loads(text)
            return yaml.load(text, Loader=_Loader)
        except Exception:  # noqa: BLE001 - not loadable: text mutators only
            return None

    def _placeholder(self, value: str) -> str:
        """A scalar that ``_dump`` replaces by ``value`` (deep nesting is text, not data: the
        YAML and JSON writers would recurse)."""
        self._deep.append(value)
        return f"FZDEEP{len(self._deep) - 1}FZ"

    def _dump(self, data: Any) -> str:
        try:
            if self.flavour == "json":
                text = json.dumps(data, indent=self.rng.choice([None, 1, 2, 4]),
                                  ensure_ascii=self.rng.random() < 0.5)
            else:
                text = yaml.dump(data, Dumper=_Dumper, sort_keys=False,
                                 allow_unicode=self.rng.random() < 0.7,
                                 default_flow_style=self.rng.choice([False, False, None, True]),
                                 width=self.rng.choice([80, 100000]))
        except (ValueError, TypeError, RecursionError, yaml.YAMLError):
            raise Skip from None
        for number, value in enumerate(self._deep):
            text = text.replace(f"'FZDEEP{number}FZ'", value).replace(f'"FZDEEP{number}FZ"', value)
            text = text.replace(f"FZDEEP{number}FZ", value)
        return text

    def _slots(self, data: Any, limit: int = 5000) -> list[tuple[Any, Any, tuple]]:
        """(container, key, path) for every value in the document, breadth first."""
        found, queue, seen = [], [(data, ())], set()
        while queue and len(found) < limit:
            node, path = queue.pop(0)
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Tagged):
                node = node.value
            if isinstance(node, dict):
                items = list(node.items())
            elif isinstance(node, list):
                items = list(enumerate(node))
            else:
                continue
            for key, value in items:
                found.append((node, key, path + (key,)))
                queue.append((value, path + (key,)))
        return found

    def _resources(self, data: Any) -> dict:
        resources = data.get("Resources") if isinstance(data, dict) else None
        if not isinstance(resources, dict) or not resources:
            raise Skip
        return resources

    def _intrinsic(self, name: str, value: Any) -> Any:
        """``{"Fn::X": value}``, or ``!X value`` in YAML (``Ref`` and ``Condition`` keep theirs)."""
        short = name.removeprefix("Fn::")
        if self.flavour == "yaml" and self.rng.random() < 0.6:
            if name == "Fn::GetAtt" and isinstance(value, list) and len(value) == 2 \
                    and all(isinstance(v, str) for v in value) and self.rng.random() < 0.7:
                value = ".".join(value)
            return Tagged("!" + short, value)
        return {name: value}

    def _weird_value(self, data: Any) -> Any:
        rng = self.rng
        names = list(data.get("Resources") or {}) if isinstance(data, dict) and isinstance(
            data.get("Resources"), dict) else []
        name = rng.choice(names) if names else "Nope"
        other = rng.choice(names) if names else "Nope"
        plain = [None, True, False, 0, -1, 2 ** 64, 10 ** 400, 1e308, float("inf"), float("nan"),
                 -0.0, "", " ", "*", "\x00", "a" * 100_000, "${", "${AWS::Region}",
                 "{{resolve:ssm:/x}}", "0.0.0.0/0", "::/0", "10.0.0.0/33", "999.1.1.1/8",
                 "vpc-123", "com.amazonaws.us-east-1.s3", "AWS::NoValue", [], {}, [None], [[]],
                 {"": None}, ["a"] * 10_000, {str(i): i for i in range(2000)}, "Interface",
                 "Gateway", "GatewayLoadBalancer", "AWS_IAM", "NONE", "true", "false", "yes"]
        intrinsics = [
            ("Ref", name), ("Ref", "AWS::NoValue"), ("Ref", None), ("Ref", []),
            ("Ref", "AWS::Region"),
            ("Ref", "AWS::NotificationARNs"), ("Ref", "AWS::AccountId"), ("Ref", "Nope"),
            ("Fn::GetAtt", [name, rng.choice(GETATT_NAMES)]), ("Fn::GetAtt", "x"),
            ("Fn::GetAtt", [1, 2, 3]), ("Fn::GetAtt", [other, "VpcId"]), ("Fn::GetAtt", {}),
            ("Fn::If", []), ("Fn::If", ["Nope", 1, 2]), ("Fn::If", ["Nope", {"Ref": name}]),
            ("Fn::Join", [",", {"Ref": "AWS::NotificationARNs"}]), ("Fn::Join", ["", "x"]),
            ("Fn::Join", [{"Ref": name}, [{"Ref": name}]]), ("Fn::Select", [-1, []]),
            ("Fn::Select", [100000000, {"Fn::GetAZs": ""}]), ("Fn::Select", ["1", "a,b"]),
            ("Fn::Split", ["", "abc"]), ("Fn::Split", [",", {"Ref": name}]),
            ("Fn::Sub", ["${x}", {"x": {"Fn::Sub": "${x}"}}]), ("Fn::Sub", f"${{{name}.VpcId}}"),
            ("Fn::Sub", "${!Literal}${AWS::Region}${" + name + "}${Nope.Nope}${"),
            ("Fn::Sub", [f"${{{name}}}", {name: {"Fn::Sub": f"${{{name}}}"}}]),
            ("Fn::Base64", {}), ("Fn::Cidr", ["10.0.0.0/8", 100000000, 8]),
            ("Fn::Cidr", ["::/0", 256, 128]), ("Fn::Cidr", [{"Fn::GetAtt": [name, "CidrBlock"]},
                                                            6, 5]),
            ("Fn::Cidr", ["10.0.0.0/16", -1, 200]), ("Fn::GetAZs", 7), ("Fn::GetAZs", "xx-fake-1"),
            ("Fn::ImportValue", {"Fn::Sub": "${AWS::StackName}-x"}), ("Fn::ImportValue", [1]),
            ("Fn::FindInMap", ["a", "b"]), ("Fn::FindInMap", [{"Ref": "AWS::Region"}, 1, 2,
                                                              {"DefaultValue": 3}]),
            ("Condition", "Nope"), ("Fn::Equals", [1]), ("Fn::Not", [{"Fn::Not": [True]}]),
            ("Fn::And", []), ("Fn::Or", [{"Condition": "Nope"}] * 11),
            ("Fn::Length", {"Ref": "AWS::NotificationARNs"}), ("Fn::ToJsonString", {"a": [1]}),
            ("Fn::Transform", {"Name": "AWS::Include", "Parameters": {"Location": "/dev/zero"}}),
            ("Fn::Nope", 1), ("Fn::GetAtt", [name, "Outputs." + name]),
            ("Fn::If", [name, {"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}]),
        ]
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(plain)
        if roll < 0.85:
            key, value = rng.choice(intrinsics)
            return self._intrinsic(key, value)
        if roll < 0.95:
            depth = rng.choice(DEPTHS[self.flavour])
            return self._placeholder(_deep_text(rng, self.flavour, depth, flow=True))
        # several intrinsics side by side in one map: not a valid intrinsic
        return {"Ref": name, "Fn::GetAtt": [name, "VpcId"]}

    def _mutate_data(self, data: Any) -> str:
        rng = self.rng
        operations = ["weird_value", "weird_value", "delete", "retype", "self_reference",
                      "mutual_reference", "type_swap", "conditions_cycle", "nested_self",
                      "nonstring_key", "suppression", "for_each", "parameters"]
        if self.flavour == "yaml":
            operations += ["odd_tag", "odd_tag", "alias", "recursive", "laughs"]
        for _ in range(10):
            operation = rng.choice(operations)
            try:
                return getattr(self, "_data_" + operation)(data)
            except Skip:
                continue
        raise Skip

    def _pick_slot(self, data: Any) -> tuple[Any, Any, tuple]:
        slots = self._slots(data)
        if not slots:
            raise Skip
        # prefer the inside of resources: that is where the model is built from
        inner = [s for s in slots if len(s[2]) > 2 and s[2][0] == "Resources"]
        return self.rng.choice(inner if inner and self.rng.random() < 0.8 else slots)

    def _data_weird_value(self, data: Any) -> str:
        container, key, path = self._pick_slot(data)
        container[key] = self._weird_value(data)
        return f"replace {_show(path)}"

    def _data_delete(self, data: Any) -> str:
        container, key, path = self._pick_slot(data)
        if isinstance(container, dict):
            del container[key]
        else:
            container.pop(key)
        return f"delete {_show(path)}"

    def _data_retype(self, data: Any) -> str:
        container, key, path = self._pick_slot(data)
        value = container[key]
        options = [[value], {"Fn::Nope": value}, str(value)[:200], None, {"x": value}]
        if isinstance(value, list) and value:
            options.append(value[0])
        if isinstance(value, dict) and value:
            options.append(list(value.values()))
        container[key] = self.rng.choice(options)
        return f"change the type of {_show(path)}"

    def _data_self_reference(self, data: Any) -> str:
        resources = self._resources(data)
        name = self.rng.choice(list(resources))
        body = resources[name]
        if not isinstance(body, dict):
            raise Skip
        props = body.get("Properties")
        if not isinstance(props, dict):
            props = body["Properties"] = {}
        attr = self.rng.choice(GETATT_NAMES)
        key = self.rng.choice(list(props) + ["VpcId", "SubnetIds", "RouteTableIds",
                                             "SecurityGroupIds", "GroupId", "ServiceName",
                                             "PolicyDocument", "TargetGroupArn"])
        ref = self.rng.choice([
            self._intrinsic("Fn::GetAtt", [name, attr]), {"Ref": name}, [{"Ref": name}],
            self._intrinsic("Fn::Sub", f"${{{name}.{attr}}}"),
            self._intrinsic("Fn::Select", [0, self._intrinsic("Fn::GetAtt", [name, attr])]),
            self._intrinsic("Fn::If", ["Nope", {"Ref": name}, self._intrinsic(
                "Fn::GetAtt", [name, attr])])])
        props[key] = ref
        if self.rng.random() < 0.3:
            body["DependsOn"] = [name]
        return f"{name}.Properties.{key} refers to {name} itself"

    def _data_mutual_reference(self, data: Any) -> str:
        resources = self._resources(data)
        kind = self.rng.choice(["AWS::EC2::Subnet", "AWS::EC2::SecurityGroup",
                                "AWS::EC2::RouteTable", "AWS::EC2::VPCEndpoint",
                                "AWS::VpcLattice::Service", "AWS::EC2::VPC"])
        for a, b in (("FzA", "FzB"), ("FzB", "FzA")):
            resources[a] = {"Type": kind, "Properties": {
                "VpcId": self._intrinsic("Fn::GetAtt", [b, "VpcId"]),
                "CidrBlock": self._intrinsic("Fn::GetAtt", [b, "CidrBlock"]),
                "SubnetIds": [{"Ref": b}], "RouteTableIds": [{"Ref": b}],
                "SecurityGroupIds": [self._intrinsic("Fn::GetAtt", [b, "GroupId"])],
                "SecurityGroupIngress": [{"SourceSecurityGroupId": {"Ref": b},
                                          "IpProtocol": "-1"}],
                "ServiceName": self._intrinsic("Fn::Sub", f"${{{b}.ServiceName}}")},
                "DependsOn": b}
        return f"two {kind} FzA and FzB refer to each other"

    def _data_type_swap(self, data: Any) -> str:
        resources = self._resources(data)
        name = self.rng.choice(list(resources))
        if not isinstance(resources[name], dict):
            raise Skip
        new = self.rng.choice(CFN_TYPES + [None, 1, ["AWS::EC2::VPC"], {"Ref": name}])
        resources[name]["Type"] = new
        return f"{name}.Type = {new!r}"

    def _data_conditions_cycle(self, data: Any) -> str:
        if not isinstance(data, dict):
            raise Skip
        conditions = {"FzA": self._intrinsic("Fn::And", [{"Condition": "FzB"},
                                                          {"Condition": "FzA"}]),
                      "FzB": self._intrinsic("Fn::Not", [{"Condition": "FzA"}]),
                      "FzC": self._intrinsic("Fn::Equals", [{"Ref": "FzParam"},
                                                             {"Fn::If": ["FzC", 1, 2]}])}
        if isinstance(data.get("Conditions"), dict):
            data["Conditions"].update(conditions)
        else:
            data["Conditions"] = conditions
        for body in list((data.get("Resources") or {}).values())[:5] \
                if isinstance(data.get("Resources"), dict) else []:
            if isinstance(body, dict):
                body["Condition"] = self.rng.choice(["FzA", "FzB", "FzC", "Nope"])
        return "conditions FzA, FzB, FzC that depend on each other"

    def _data_nested_self(self, data: Any) -> str:
        if not isinstance(data, dict):
            raise Skip
        own = self.name.rsplit("/", 1)[-1]
        url = self.rng.choice([f"./{own}", own, f"../{self.directory_name}/{own}",
                               "fz_child.yaml", "/dev/zero", "/", ".", "../" * 30 + "etc/passwd",
                               "x" * 5000, "https://s3.amazonaws.com/b/t.yaml",
                               {"Fn::Sub": f"./{own}"}])
        resources = data.setdefault("Resources", {})
        if not isinstance(resources, dict):
            raise Skip
        resources["FzStack"] = {"Type": "AWS::CloudFormation::Stack",
                                "Properties": {"TemplateURL": url,
                                               "Parameters": {"P": {"Ref": "FzStack"}}}}
        if url == "fz_child.yaml":
            self.siblings["fz_child.yaml"] = (
                "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Back:\n"
                "    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                f"      TemplateURL: ./{own}\n").encode()
        return f"nested stack FzStack with TemplateURL {str(url)[:60]!r}"

    def _data_nonstring_key(self, data: Any) -> str:
        if self.flavour != "yaml":
            raise Skip
        container, key, path = self._pick_slot(data)
        if not isinstance(container, dict):
            raise Skip
        new = self.rng.choice([None, 1, 1.5, True, ("a", "b"), "", "Fn::GetAtt", "Ref",
                               "Fn::If", "Condition", "Type", "Properties"])
        container[new] = container.pop(key)
        return f"key {_show(path)} renamed {new!r}"

    def _data_suppression(self, data: Any) -> str:
        if not isinstance(data, dict):
            raise Skip
        weird = self.rng.choice([None, "VPC101", [None], [{"id": None}], [{"id": ["VPC101"]}],
                                 [{"id": "VPC101", "reason": {"a": 1}}], [{"nope": 1}],
                                 {"id": "VPC101"}, [{"id": "VPC" * 1000}], [1, 2, 3],
                                 [{"id": "VPC1"}, {"id": "not-a-rule"}]])
        target = data
        resources = data.get("Resources")
        if isinstance(resources, dict) and resources and self.rng.random() < 0.7:
            name = self.rng.choice(list(resources))
            if isinstance(resources[name], dict):
                target = resources[name]
        target["Metadata"] = self.rng.choice([{"vpclint": {"ignore": weird}}, {"vpclint": weird},
                                              weird])
        return f"Metadata vpclint ignore = {str(weird)[:60]}"

    def _data_for_each(self, data: Any) -> str:
        if not isinstance(data, dict):
            raise Skip
        resources = data.setdefault("Resources", {})
        if not isinstance(resources, dict):
            raise Skip
        data["Transform"] = self.rng.choice([
            "AWS::LanguageExtensions", ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"],
            "AWS::Serverless-2016-10-31", {"Name": "AWS::Include"}])
        collection = self.rng.choice([["a", "b"], [str(i) for i in range(5000)], {"Ref": "FzList"},
                                      [], "a", {"Fn::Split": [",", "a,b"]}])
        inner = {"Fn::ForEach::Inner": ["Y", ["1", "2"], {"FzSub${X}${Y}": {
            "Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "FzSub${X}${Y}"}}}}]}
        resources["Fn::ForEach::Fz"] = ["X", collection, self.rng.choice([
            {"FzSub${X}": {"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": {"Fn::GetAtt": ["FzSub${X}", "VpcId"]}, "CidrBlock": "${X}"}}},
            inner, {}, "x"])]
        return "Fn::ForEach over " + str(collection)[:40]

    def _data_parameters(self, data: Any) -> str:
        if not isinstance(data, dict):
            raise Skip
        params = data.get("Parameters")
        if not isinstance(params, dict):
            params = data["Parameters"] = {}
        params["FzParam"] = self.rng.choice([
            {"Type": "String", "AllowedPattern": "(a+)+$", "Default": "a" * 40 + "!"},
            {"Type": "String", "AllowedPattern": "[", "Default": "x"},
            {"Type": "CommaDelimitedList", "Default": ",,," * 1000},
            {"Type": "List<AWS::EC2::Subnet::Id>", "Default": ["a", {"Ref": "FzParam"}]},
            {"Type": "Number", "Default": "1e999", "MinValue": "x", "MaxValue": []},
            {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/x"},
            {"Type": "String", "Default": {"Ref": "FzParam"}},
            {"Type": ["String"], "AllowedValues": "a"}, {"Type": "Nope"}, None, "x",
            {"Type": "String", "Default": "a" * 1_000_000}])
        params["FzList"] = {"Type": "CommaDelimitedList", "Default": "a,b"}
        container, key, path = self._pick_slot(data)
        container[key] = self.rng.choice([{"Ref": "FzParam"}, {"Ref": "FzList"},
                                          self._intrinsic("Fn::Sub", "${FzParam}")])
        return f"parameter FzParam used at {_show(path)}"

    def _data_odd_tag(self, data: Any) -> str:
        container, key, path = self._pick_slot(data)
        tag = self.rng.choice(ODD_TAGS)
        value = container[key]
        if tag.endswith(("os.system", "os.mkdir")):
            value = [MARKER]
        if isinstance(value, Tagged):
            value = value.value
        container[key] = Tagged(tag, value)
        return f"tag {tag} on {_show(path)}"

    def _data_alias(self, data: Any) -> str:
        (c1, k1, p1), (c2, k2, p2) = self._pick_slot(data), self._pick_slot(data)
        c2[k2] = c1[k1]
        return f"{_show(p2)} aliases {_show(p1)}"

    def _data_recursive(self, data: Any) -> str:
        container, key, path = self._pick_slot(data)
        value = container[key]
        if isinstance(value, dict):
            value["FzSelf"] = value
        elif isinstance(value, list):
            value.append(value)
        else:
            container[key] = value = [value]
            value.append(value)
        return f"{_show(path)} contains itself"

    def _data_laughs(self, data: Any) -> str:
        container, key, path = self._pick_slot(data)
        level: Any = ["lol"] * 9
        for _ in range(self.rng.choice([4, 6, 9])):
            level = [level] * 9
        container[key] = level
        return f"alias bomb at {_show(path)}"

    def yaml_text_tags(self, text: str) -> tuple[str, str]:
        tags = list(re.finditer(r"!\w+", text))
        style = self.rng.randrange(3)
        if tags and style == 0:
            match = self.rng.choice(tags)
            tag = self.rng.choice(ODD_TAGS).replace("tag:yaml.org,2002:", "!!")
            return text[:match.start()] + tag + text[match.end():], f"{match.group()} -> {tag}"
        if style == 1:
            return "FzAnchor: &fzanchor\n  VpcId: !Ref FzAnchor\n" + re.sub(
                r"(?m)^(\s+)Properties:\s*$", r"\1Properties:\n\1  <<: *fzanchor", text, count=1), \
                "merge key <<: *fzanchor"
        lines = _lines(text)
        slots = [i for i, line in enumerate(lines) if re.match(r"\s*[\w\-]+:\s*\S", line)]
        if len(slots) < 2:
            raise Skip
        a, b = self.rng.sample(slots, 2)
        lines[a] = re.sub(r":\s*", ": &fza ", lines[a], count=1)
        lines[b] = re.sub(r":\s*.*$", ": *fza", lines[b], count=1)
        return "\n".join(lines), f"anchor on line {a + 1}, alias on line {b + 1}"

    def format_flip(self, text: str) -> tuple[str, str]:
        """A JSON template as YAML or the other way round (cfn-flip), under the same name."""
        from cfn_flip import to_json, to_yaml

        if re.search(r"[&*][\w-]", text):  # cfn-flip would expand an alias bomb: the fuzzer hangs
            raise Skip
        try:
            if self.flavour == "json":
                return to_yaml(text), "converted to YAML (cfn-flip)"
            return to_json(text), "converted to JSON (cfn-flip)"
        except Exception:  # noqa: BLE001 - not a template cfn-flip can read
            raise Skip from None


def _too_deep(text: str, limit: int = 200) -> bool:
    """Whether brackets or indentation nest more than ``limit`` deep somewhere in ``text``."""
    if re.search(rf"(?m)^ {{{2 * limit},}}\S", text):
        return True
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def _show(path: tuple) -> str:
    return "/".join(str(p)[:30] for p in path) or "<root>"


def _tf_json(data: Any) -> Any:
    """python-hcl2's dict output -> Terraform JSON syntax: labels and strings unquoted, lists of
    single-key dicts merged."""
    if isinstance(data, dict):
        return {_unquote(k): _tf_json(v) for k, v in data.items() if k != "__is_block__"}
    if isinstance(data, list):
        if data and all(isinstance(item, dict) for item in data) and any(
                isinstance(item, dict) and item.get("__is_block__") is None for item in data):
            merged: dict = {}
            for item in data:
                for key, value in item.items():
                    key, value = _unquote(key), _tf_json(value)
                    if isinstance(merged.get(key), dict) and isinstance(value, dict):
                        merged[key].update(value)
                    else:
                        merged[key] = value
            return merged
        return [_tf_json(item) for item in data]
    if isinstance(data, str):
        return _unquote(data)
    return data


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


TEXT_MUTATORS = ["delete_lines", "duplicate_lines", "swap_lines", "flip_chars", "insert_tokens",
                 "truncate", "line_endings", "long_line", "deep_nesting", "odd_numbers",
                 "unicode_text", "splice"]
WEIGHTS = {
    "hcl": {"delete_lines": 3, "duplicate_lines": 3, "swap_lines": 2, "flip_chars": 3,
            "insert_tokens": 3, "truncate": 2, "line_endings": 1, "long_line": 1,
            "deep_nesting": 2, "odd_numbers": 3, "unicode_text": 1, "splice": 2, "tf_count": 4,
            "tf_type_swap": 2, "tf_weird_expression": 8, "tf_self_reference": 5, "tf_snippet": 8,
            "tf_child_module": 1},
    "yaml": {"delete_lines": 3, "duplicate_lines": 3, "swap_lines": 2, "flip_chars": 3,
             "insert_tokens": 3, "truncate": 2, "line_endings": 1, "long_line": 1,
             "deep_nesting": 2, "odd_numbers": 2, "unicode_text": 1, "splice": 2,
             "structured": 20, "yaml_text_tags": 3, "format_flip": 1},
    "json": {"delete_lines": 2, "duplicate_lines": 2, "swap_lines": 1, "flip_chars": 3,
             "insert_tokens": 3, "truncate": 2, "line_endings": 1, "long_line": 1,
             "deep_nesting": 2, "odd_numbers": 2, "unicode_text": 1, "splice": 2,
             "structured": 20, "format_flip": 1},
}


def encode(rng: random.Random, text: str) -> tuple[bytes, str | None]:
    """The file's bytes: UTF-8 mostly; sometimes a BOM, UTF-16/32, Latin-1 or broken bytes."""
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() > 0.12:
        return raw, None
    choice = rng.randrange(9)
    if choice == 0:
        return b"\xef\xbb\xbf" + raw, "UTF-8 BOM"
    if choice == 1:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + raw, "two UTF-8 BOMs"
    if choice == 2:
        return text.encode("utf-16", "surrogatepass"), "UTF-16 with BOM"
    if choice == 3:
        return text.encode("utf-16-le", "surrogatepass"), "UTF-16-LE without BOM"
    if choice == 4:
        return text.encode("utf-32", "surrogatepass"), "UTF-32"
    if choice == 5:
        return text.encode("latin-1", "replace"), "Latin-1"
    data = bytearray(raw)
    bad = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x00", b"\xf4\x90\x80\x80", b"\x80"]
    done = []
    for _ in range(rng.choice([1, 3])):
        at = rng.randrange(len(data) + 1)
        chunk = rng.choice(bad)
        data[at:at] = chunk
        done.append(f"{chunk!r}@{at}")
    return bytes(data), "insert bytes " + " ".join(done)


class SeedBank:
    """Seed files, read once each."""

    def __init__(self, seeds: list[Seed]) -> None:
        self.seeds = seeds
        self._text: dict[Seed, str] = {}

    def text(self, seed: Seed) -> str:
        if seed not in self._text:
            self._text[seed] = seed.path.read_bytes().decode("utf-8", "surrogateescape")
        return self._text[seed]


def make_mutant(bank: SeedBank, seed: int, index: int) -> Mutant:
    """Mutant number ``index`` of round ``seed``: depends on nothing else."""
    rng = random.Random(f"vpclint-fuzz:{seed}:{index}")
    source = rng.choice(bank.seeds)
    text = bank.text(source)
    rel = Path(source.rel)
    name = rel.name
    mutant = Mutant(seed, index, source.display)
    siblings: dict[str, bytes] = {}

    def pick_other() -> tuple[str, str]:
        other = rng.choice(bank.seeds)
        return other.display, bank.text(other)

    mutator = Mutator(rng, name, siblings, pick_other, rel.parent.name or "root")
    if mutator.flavour == "hcl" and name.endswith(".tf") and rng.random() < 0.05:
        try:
            text, did = mutator.tf_to_json(text)
            name = name + ".json"
            mutator = Mutator(rng, name, siblings, pick_other, rel.parent.name or "root")
            mutant.mutations.append(did)
        except Skip:
            pass
    weights = WEIGHTS[mutator.flavour]
    names, odds = list(weights), list(weights.values())
    wanted = rng.choice([1, 1, 1, 2, 2, 3])
    attempts = 0
    while len(mutant.mutations) < wanted and attempts < 20:
        attempts += 1
        which = rng.choices(names, odds)[0]
        try:
            text, did = getattr(mutator, which)(text)
        except (Skip, ValueError, IndexError):
            continue
        mutant.mutations.append(f"{which}: {did}")
    data, encoding = encode(rng, text)
    if encoding:
        mutant.mutations.append(f"encoding: {encoding}")
    if not mutant.mutations:
        mutant.mutations.append("none (unchanged seed)")
    _lay_out(rng, mutant, source, rel.parent / name, data, siblings)
    mutant.config = _random_config(rng, text)
    return mutant


ODD_NAMES = ["ma in", "mäin", "a\nb", "-rf", "*", "[x]", "#", "%s%n", "", " ", "..", "a" * 200,
             "\u202egnp", "\udcff", "main.tf", "CON", "x\ty"]
MAX_SIBLING_BYTES = 300_000


def _lay_out(rng: random.Random, mutant: Mutant, source: Seed, rel: Path, data: bytes,
             siblings: dict[str, bytes]) -> None:
    """The mutated file at its place in a copy of its tree: its directory's other files copied,
    real directories down to it, and links to everything else (other modules, templates), which
    the scan is allowed to read (``Config.allow_read``)."""
    root = Path(source.root)
    top = Path(root.name)
    directory = rel.parent
    name = rel.name
    if rng.random() < 0.04:  # an odd file name, same suffix
        suffix = next(s for s in (".tf.json", ".tf", ".tfvars", ".yaml", ".yml", ".json",
                                  ".template", "") if name.endswith(s))
        if not name.endswith(".tfvars"):
            name = rng.choice(ODD_NAMES) + suffix
            mutant.mutations.append(f"file name {name!r}")
    mutant.files[(top / directory / name).as_posix()] = data
    for extra, content in siblings.items():
        mutant.files[(top / directory / extra).as_posix()] = content
    terraform = rel.name.endswith((".tf", ".tf.json", ".tfvars"))
    keep_siblings = terraform or rng.random() < 0.5
    original = Path(source.rel)
    copied = 0
    parts = [Path()] + [Path(*directory.parts[:i + 1]) for i in range(len(directory.parts))]
    for level in parts:
        real = root / level
        if not real.is_dir():
            break
        on_path = directory.parts[len(level.parts)] if len(level.parts) < len(directory.parts) \
            else None
        for entry in sorted(real.iterdir()):
            if entry.name == on_path:
                continue
            here = (top / level / entry.name).as_posix()
            if level == directory:
                if entry.name in (original.name, rel.name) or here in mutant.files:
                    continue
                if entry.is_file() and not entry.is_symlink():
                    size = entry.stat().st_size
                    if keep_siblings and size <= MAX_SIBLING_BYTES and copied < 4_000_000:
                        mutant.files[here] = entry.read_bytes()
                        copied += size
                    continue
            mutant.links[here] = str(entry)
    mutant.allow_read = [str(root)] if mutant.links else []
    if rng.random() < 0.15:
        mutant.target = (top / directory / name).as_posix()  # named alone, as pre-commit does
    else:
        mutant.target = (top / directory).as_posix()


def _random_config(rng: random.Random, text: str) -> dict[str, Any]:
    if rng.random() > 0.15:
        return {}
    odd = [None, True, 0, -1, 1e308, "", "x", [], {}, [None], {"a": None}, "10.0.0.0/33",
           "us-east-1", ["a", "b"], {"a": [1, {"b": None}]}, "a" * 10000]
    config: dict[str, Any] = {}
    variables = re.findall(r'variable\s+"([^"]+)"', text)
    if variables:
        config["vars"] = {v: rng.choice(odd) for v in rng.sample(variables,
                                                                 min(3, len(variables)))}
    parameters = re.findall(r"(?m)^  (\w+):\s*\n\s+Type:\s*(?:String|Number|List|Comma|AWS)", text)
    if parameters:
        config["cfn_params"] = {p: rng.choice(["", "x", 1, -1, 1.5, True, ["a", 1], "a,b",
                                                "10.0.0.0/16"])
                                for p in rng.sample(parameters, min(3, len(parameters)))}
    if rng.random() < 0.5:
        config["region"] = rng.choice(["us-east-1", "cn-north-1", "us-gov-west-1", "eu-west-1",
                                       "xx-fake-9"])
    return config


# --- one mutant, in a worker ----------------------------------------------------------------

class FuzzTimeout(BaseException):
    """Raised by the per-mutant alarm; a BaseException so the engine's handlers let it pass."""


def materialize(mutant: Mutant, project: Path) -> Path:
    for rel, content in mutant.files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for rel, target in mutant.links.items():
        path = project / rel
        if os.path.lexists(path) or not os.path.exists(target):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    (project / ".git").mkdir(exist_ok=True)
    return project / mutant.target


def _frames(tb) -> list[traceback.FrameSummary]:
    return list(traceback.extract_tb(tb)) if tb is not None else []


def _ours(filename: str) -> str | None:
    """``filename`` relative to vpclint's package or the rule pack, if it is one of theirs."""
    path = Path(filename)
    if "vpclint" in path.parts[:-1]:
        return "/".join(path.parts[len(path.parts) - path.parts[::-1].index("vpclint"):])
    if path.parent.name == "rules" and (path.parent.parent / "vpclint").is_dir():
        return f"rules/{path.name}"
    return None


def _vpclint_frame(frames: list) -> str:
    """``file.py:line function`` of the innermost frame in vpclint or its rules."""
    for frame in reversed(frames):
        short = _ours(frame.filename)
        if short is not None:
            return f"{short}:{frame.lineno} {frame.name}"
    if frames:
        return f"{Path(frames[-1].filename).name}:{frames[-1].lineno} {frames[-1].name}"
    return "?"


def _failure(kind: str, error: BaseException | None, detail: str = "", stage: str = "") -> dict:
    frames = _frames(error.__traceback__) if error is not None else []
    where = _vpclint_frame(frames)
    name = type(error).__name__ if error is not None else ""
    text = "".join(traceback.format_exception(error)) if error is not None else ""
    message = detail or (f"{name}: {error}" if error is not None else "")
    signature = f"{kind}: {name} at {where}" if error is not None else f"{kind}: {detail[:120]}"
    return {"kind": kind, "signature": signature, "where": where, "stage": stage,
            "message": message[:2000], "traceback": text[-20000:]}


# Exceptions the engine caught and turned into an internal-error report (VPC000): the engine
# keeps only a one-line description, so the fuzzer wraps ``describe_crash`` to see the exception
# itself, with its traceback.
_CAUGHT: list[BaseException] = []
# What the last mutant's scan found, for the round's statistics: did a file fail to parse
# (VPC001), and how many other findings were there.
_STATS: dict[str, int] = {}


def _watch_contained_crashes() -> None:
    import vpclint.engine  # noqa: F401 - imports the modules that report crashes
    from vpclint import errors

    original = getattr(errors, "describe_crash", None)
    if original is None or getattr(original, "fuzz_wrapped", False):
        return

    def describe_crash(error: BaseException) -> str:
        _CAUGHT.append(error)
        return original(error)

    describe_crash.fuzz_wrapped = True  # type: ignore[attr-defined]
    for name, module in list(sys.modules.items()):
        if (name == "vpclint" or name.startswith(("vpclint.", "rules"))) and \
                getattr(module, "describe_crash", None) is original:
            module.describe_crash = describe_crash


def _config(mutant: Mutant):
    from vpclint.config import Config

    settings = dict(mutant.config)
    known = getattr(Config, "__dataclass_fields__", {})
    if "allow_read" in known and mutant.allow_read:
        settings["allow_read"] = [Path(p) for p in mutant.allow_read]
    return Config(**{k: v for k, v in settings.items() if k in known})


def check(mutant: Mutant, workdir: Path, timeout: float) -> list[dict]:
    """Run the mutant through scan and the three reporters; the failures found (one per kind
    and place), empty when it passed."""
    from vpclint.engine import scan
    from vpclint.reporters import render

    project = Path(tempfile.mkdtemp(prefix=f"m{mutant.index}-", dir=workdir))
    old_cwd = os.getcwd()
    stage = "materialize"
    _CAUGHT.clear()
    _STATS.clear()
    try:
        target = materialize(mutant, project)
        os.chdir(project)
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            stage = "scan"
            result = scan([str(target)], _config(mutant), root=project)
            outputs = {}
            for fmt in FORMATS:
                stage = f"render {fmt}"
                outputs[fmt] = render(result, fmt)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        stage = "checks"
        ids = [f.rule.id if f.rule is not None else "" for f in result.findings]
        _STATS.update(parse_error=int("VPC001" in ids),
                      findings=sum(1 for i in ids if i not in ("VPC001", "VPC000")))
        failures = []
        if (project / MARKER).exists():
            failures.append(_failure("code-execution", None, "a YAML python/object tag was run"))
        for fmt in ("json", "sarif"):
            try:
                json.loads(outputs[fmt])
            except ValueError as error:
                failures.append(_failure("invalid-output", error,
                                         f"the {fmt} report is not JSON: {error}", f"render {fmt}"))
        failures.extend(_internal_errors(mutant, target, result))
        return _distinct(failures)
    except FuzzTimeout as error:
        return [_failure("timeout", error, f"over {timeout:g} s (in {stage})", stage)]
    except MemoryError as error:
        return [_failure("memory", error, f"MemoryError (in {stage})", stage)]
    except BaseException as error:  # noqa: BLE001 - anything escaping is the finding
        if isinstance(error, KeyboardInterrupt):
            raise
        return [_failure("exception", error, stage=stage)]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        os.chdir(old_cwd)
        shutil.rmtree(project, ignore_errors=True)


def _distinct(failures: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for failure in failures:
        seen.setdefault(failure["signature"], failure)
    return list(seen.values())


def _alarm(signum, frame):
    raise FuzzTimeout("per-mutant timeout")


def _internal_errors(mutant: Mutant, target: Path, result) -> list[dict]:
    """What the scan reported as its own failure: ``ScanResult.failures`` (VPC000 findings), an
    internal-error count, and any note or finding that speaks of an internal error."""
    messages = [f.message for f in getattr(result, "failures", [])]
    messages += [n.message for n in result.notes if "internal error" in n.message.lower()]
    messages += [f.message for f in result.findings
                 if "internal error" in f.message.lower()
                 or (f.rule is not None and f.rule.id == "VPC000")]
    count = result.internal_errors
    if not messages and not count and not _CAUGHT:
        return []
    failures = []
    for error in _CAUGHT:  # the exceptions themselves, with their tracebacks
        kind = "memory" if isinstance(error, MemoryError) else "internal-error"
        failures.append(_failure(kind, error, f"{type(error).__name__}: {error}"[:300]
                                 + "\n(contained: " + (messages[0] if messages else "?") + ")",
                                 "scan"))
    if not failures:  # an engine that does not go through describe_crash: rerun the rule
        failures += _rerun_rules(mutant, target, messages)
    if not failures:
        message = "; ".join(dict.fromkeys(messages)) or f"{count} internal errors"
        generic = re.sub(r"\d+", "N", re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message))[:160]
        failures.append({"kind": "internal-error", "signature": f"internal-error: {generic}",
                         "where": "", "stage": "scan", "message": message[:2000],
                         "traceback": ""})
    return failures


def _rerun_rules(mutant: Mutant, target: Path, messages: list[str]) -> list[dict]:
    from vpclint.engine import build
    from vpclint.registry import load_rules

    found = []
    for rule_id in dict.fromkeys(re.findall(r"rule (VPC\d+) failed", " ".join(messages))):
        rule = load_rules().get(rule_id)
        if rule is None:
            continue
        try:
            list(rule.run(build([str(target)], _config(mutant)).model))
        except Exception as error:  # noqa: BLE001
            failure = _failure("internal-error", error, "; ".join(messages), f"rule {rule_id}")
            failure["signature"] = f"internal-error: {type(error).__name__} at {failure['where']}"
            found.append(failure)
    return found


# --- workers --------------------------------------------------------------------------------

def _worker(conn, seeds: list[Seed], memory_mb: int, timeout: float, workdir: str) -> None:
    os.environ["VPCLINT_NO_CACHE"] = "1"
    os.environ.pop("VPCLINT_DEBUG", None)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    dump = open(Path(workdir) / "stack.txt", "w+")
    faulthandler.enable(dump)
    _watch_contained_crashes()
    bank = SeedBank(seeds)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        _phase(dump, "generate")
        # a scan stuck in C code never sees the alarm: dump the stack and exit a bit later
        faulthandler.dump_traceback_later(2 * timeout + 3, exit=True, file=dump)
        started = time.perf_counter()
        try:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            mutant = task if isinstance(task, Mutant) else make_mutant(bank, *task)
        except BaseException as error:  # noqa: BLE001 - a bug of the fuzzer, reported as such
            faulthandler.cancel_dump_traceback_later()
            failure = _failure("fuzzer-error", error, f"making the mutant: {error!r}")
            conn.send(("done", task, [failure], None, 0.0, {}))
            if isinstance(error, FuzzTimeout):
                return
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        _phase(dump, "scan")
        failures = check(mutant, Path(workdir), timeout)
        faulthandler.cancel_dump_traceback_later()
        elapsed = time.perf_counter() - started
        conn.send(("done", task, failures, mutant if failures else None, elapsed, dict(_STATS)))
        if _restart(failures):
            return  # its memory may be fragmented or its state half-changed: start afresh


def _phase(dump, name: str) -> None:
    """Note in the stack-dump file what the worker is doing, for the parent if it dies."""
    dump.seek(0)
    dump.truncate()
    dump.write(f"phase: {name}\n")
    dump.flush()


def _import_everything() -> None:
    """Import vpclint, its rules and its lazily imported modules now, in the parent: forked
    workers share this one snapshot of the code, so a round stays consistent while the source
    tree is being edited."""
    import pkgutil

    import vpclint
    from vpclint.registry import load_rules

    for module in pkgutil.walk_packages(vpclint.__path__, "vpclint."):
        if module.name.endswith("__main__"):
            continue
        try:
            __import__(module.name)
        except Exception:  # noqa: BLE001 - an optional module; the worker will report it
            pass
    load_rules()


def _restart(failures: list[dict]) -> bool:
    return any(f["kind"] in ("memory", "timeout") for f in failures)


class Pool:
    """Worker processes fed one mutant at a time; a worker that hangs or dies is replaced."""

    def __init__(self, seeds: list[Seed], jobs: int, timeout: float, memory_mb: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        if self.context.get_start_method() == "fork":
            _import_everything()  # every worker then runs the same code, even if files change
        self.seeds, self.jobs, self.timeout, self.memory_mb = seeds, jobs, timeout, memory_mb
        self.base = Path(tempfile.mkdtemp(prefix="vpclint-fuzz-"))
        self.slots: list[dict] = []
        self.counter = 0

    def _start(self) -> dict:
        self.counter += 1
        workdir = self.base / f"w{self.counter}"
        workdir.mkdir()
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, daemon=True, args=(
            child, self.seeds, self.memory_mb, self.timeout, str(workdir)))
        process.start()
        child.close()
        return {"process": process, "conn": parent, "task": None, "started": 0.0,
                "workdir": workdir}

    def _stop(self, slot: dict, kill: bool = False) -> None:
        if kill and slot["process"].is_alive():
            slot["process"].kill()
        slot["process"].join(timeout=10)
        slot["conn"].close()
        shutil.rmtree(slot["workdir"], ignore_errors=True)

    def _dead(self, slot: dict, bank: SeedBank, reason: str) -> tuple:
        """The result for the task of a worker that died or was killed."""
        task = slot["task"]
        stack_file = slot["workdir"] / "stack.txt"
        stack = stack_file.read_text(errors="replace") if stack_file.exists() else ""
        self._stop(slot, kill=True)
        where = _stack_where(stack)
        if stack.startswith("phase: generate"):  # the fuzzer's own fault: do not make it again
            mutant, kind = None, "fuzzer-error"
        else:
            mutant = task if isinstance(task, Mutant) else make_mutant(bank, *task)
            kind = "timeout" if reason.startswith("timeout") else "crash"
        failure = {"kind": kind, "signature": f"{kind}: {reason} at {where}", "where": where,
                   "stage": "", "message": f"worker {reason}", "traceback": stack[-20000:]}
        return ("done", task, [failure], mutant, time.perf_counter() - slot["started"], {})

    def run(self, tasks, on_result: Callable[[tuple], None]) -> None:
        """Run every task; ``on_result((tag, task, failures, mutant, elapsed,
        stats))`` for each."""
        bank = SeedBank(self.seeds)
        tasks = iter(tasks)
        self.slots = [self._start() for _ in range(self.jobs)]
        remaining = True
        hard_limit = 2 * self.timeout + 10  # the worker's own limits come first
        try:
            while True:
                for number, slot in enumerate(self.slots):
                    if slot["task"] is not None or not remaining:
                        continue
                    task = next(tasks, None)
                    if task is None:
                        remaining = False
                        break
                    if not slot["process"].is_alive():
                        self._stop(slot)
                        slot = self.slots[number] = self._start()
                    slot["task"], slot["started"] = task, time.perf_counter()
                    slot["conn"].send(task)
                busy = [s for s in self.slots if s["task"] is not None]
                if not busy:
                    return
                now = time.perf_counter()
                wait = max(0.05, min(s["started"] + hard_limit - now for s in busy))
                ready = set(wait_for([s["conn"] for s in busy]
                                     + [s["process"].sentinel for s in busy], timeout=wait))
                for number, slot in enumerate(list(self.slots)):
                    if slot["task"] is None:
                        continue
                    message, replace = None, False
                    if slot["conn"] in ready or slot["process"].sentinel in ready:
                        try:
                            if slot["conn"].poll():
                                message = slot["conn"].recv()
                        except (EOFError, OSError):
                            message = None
                        if message is None:
                            slot["process"].join(timeout=5)
                            message = self._dead(slot, bank, _exit_reason(slot["process"].exitcode))
                            replace = True
                        elif _restart(message[2]):
                            self._stop(slot)  # the worker exits after these
                            replace = True
                    elif time.perf_counter() - slot["started"] > hard_limit:
                        message = self._dead(slot, bank, "timeout (killed)")
                        replace = True
                    if message is None:
                        continue
                    slot["task"] = None
                    if replace:
                        self.slots[number] = self._start()
                    on_result(message)
        finally:
            for slot in self.slots:
                try:
                    slot["conn"].send(None)
                except (OSError, ValueError):
                    pass
                self._stop(slot, kill=True)
            shutil.rmtree(self.base, ignore_errors=True)


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "died"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    if code == 1:  # faulthandler's dump_traceback_later(exit=True) exits with status 1
        return "timeout (stuck in C code)"
    return f"exited with status {code}"


def _stack_where(stack: str) -> str:
    """The innermost vpclint frame of a faulthandler dump (it lists innermost first)."""
    for line in stack.splitlines():
        match = re.match(r'\s*File "([^"]+)", line (\d+) in (\S+)', line)
        if match and _ours(match.group(1)) is not None:
            return f"{_ours(match.group(1))}:{match.group(2)} {match.group(3)}"
    return "?"


# --- a round --------------------------------------------------------------------------------

@dataclass
class Summary:
    seed: int
    count: int
    run: int = 0
    failed: int = 0  # mutants with at least one failure
    unparsable: int = 0  # mutants with a VPC001 finding (a file did not parse)
    with_findings: int = 0  # mutants with findings of rules (the model was built and checked)
    seconds: float = 0.0
    failures: list[dict] = field(default_factory=list)  # failure dicts + index, origin, mutations
    slowest: list[tuple[float, int]] = field(default_factory=list)
    seed_flags: str = ""  # the fuzz.py options that select the same seed files

    def classes(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for failure in self.failures:
            grouped.setdefault(failure["signature"], []).append(failure)
        return grouped

    def report(self) -> str:
        kinds = Counter(f["kind"] for f in self.failures)
        lines = [f"{self.run} mutants run (seed {self.seed}) in {self.seconds:.0f} s: "
                 f"{self.failed} failed"
                 + (f" ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) "
                    f"in {len(self.classes())} classes" if kinds else ""),
                 f"  {self.unparsable} had a file that did not parse (VPC001), "
                 f"{self.with_findings} had findings of other rules"]
        for signature, group in sorted(self.classes().items(), key=lambda kv: -len(kv[1])):
            first = group[0]
            lines.append(f"  {len(group):5d} x {signature}")
            lines.append(f"          e.g. mutant {first['index']}: {first['origin']} "
                         f"[{'; '.join(first['mutations'])[:200]}]")
            message = (first["message"] or "").splitlines()
            if message:
                lines.append(f"          {message[0][:200]}")
            if first.get("saved"):
                lines.append(f"          saved: {first['saved']}")
            else:
                lines.append(f"          rerun: python bench/fuzz.py --seed {self.seed} --start "
                             f"{first['index']} --count 1{self.seed_flags} --save DIR")
        return "\n".join(lines)


def run_round(seed: int, count: int, jobs: int = 2, timeout: float = 10, memory_mb: int = 2048,
              roots: list[Path] | None = None, save: Path | None = None, start: int = 0,
              progress: Callable[[str], None] | None = None, save_limit: int = 20) -> Summary:
    """Fuzz ``count`` mutants, numbers ``start`` .. ``start + count - 1`` of round ``seed``."""
    roots = roots if roots is not None else seed_roots()
    seeds = find_seeds(roots)
    if not seeds:
        raise SystemExit("fuzz: no seed files (no corpus and no fixtures/)")
    summary = Summary(seed, count, seed_flags=_seed_flags(roots))
    began = last = time.perf_counter()
    saved_per_class: Counter = Counter()

    def on_result(message: tuple) -> None:
        nonlocal last
        _, task, failures, mutant, elapsed, stats = message
        summary.run += 1
        summary.unparsable += bool(stats.get("parse_error"))
        summary.with_findings += bool(stats.get("findings"))
        index = task[1] if isinstance(task, tuple) else task.index
        summary.slowest = sorted(summary.slowest + [(elapsed, index)], reverse=True)[:5]
        if failures:
            summary.failed += 1
            for failure in failures:
                failure.update(index=index, origin=mutant.origin if mutant else "?",
                               mutations=mutant.mutations if mutant else [])
            fresh = [f for f in failures if saved_per_class[f["signature"]] < save_limit]
            if save is not None and mutant is not None and fresh:
                where = str(save_mutant(save, mutant, failures))
                for failure in fresh:
                    saved_per_class[failure["signature"]] += 1
                    failure["saved"] = where
            summary.failures.extend(failures)
            if progress:
                for failure in failures:
                    progress(f"  FAIL mutant {index}: {failure['signature']}")
        now = time.perf_counter()
        if progress and (now - last > 30 or summary.run == count):
            last = now
            rate = summary.run / (now - began)
            progress(f"[{summary.run}/{count}] {rate:.1f}/s, {summary.failed} failed, "
                     f"{len(summary.classes())} classes, eta {(count - summary.run) / rate:.0f} s")

    Pool(seeds, jobs, timeout, memory_mb).run(((seed, i) for i in range(start, start + count)),
                                              on_result)
    summary.seconds = time.perf_counter() - began
    return summary


def _seed_flags(roots: list[Path]) -> str:
    names = {Path(r).resolve() for r in roots}
    flags = "" if FIXTURES.resolve() in names else " --no-fixtures"
    corpus = [r for r in names if r != FIXTURES.resolve()]
    if not corpus:
        flags += " --no-corpus"
    elif corpus[0] != CORPUS.resolve():
        flags += f" --corpus {corpus[0]}"
    return flags


def save_mutant(directory: Path, mutant: Mutant, failures: list[dict]) -> Path:
    """Save a failing mutant as ``directory/<seed>-<index>-<kind>/`` (see the module docs)."""
    slug = re.sub(r"[^a-z]+", "-", failures[0]["kind"])
    where = directory / f"{mutant.seed}-{mutant.index:06d}-{slug}"
    shutil.rmtree(where, ignore_errors=True)
    (where / "project").mkdir(parents=True)
    materialize(mutant, where / "project")
    data = mutant.to_json()
    data["failures"] = failures
    (where / "mutant.json").write_text(json.dumps(data, indent=1, default=str))
    text = [f"seed file: {mutant.origin}", f"mutations: {mutant.mutations}",
            f"config: {mutant.config}", f"scan: project/{mutant.target}",
            f"replay: python bench/fuzz.py --replay {where}", ""]
    for failure in failures:
        text += [failure["signature"], failure["message"], "", failure["traceback"], ""]
    (where / "failure.txt").write_text("\n".join(text), errors="backslashreplace")
    return where


def load_mutant(path: Path) -> Mutant:
    """A saved mutant (its directory or mutant.json), or any file or directory as a project."""
    if path.is_dir() and (path / "mutant.json").is_file():
        path = path / "mutant.json"
    if path.name == "mutant.json":
        return Mutant.from_json(json.loads(path.read_text()))
    path = path.resolve()
    mutant = Mutant(0, 0, str(path), ["replay of a plain path"])
    base = path.parent
    for file in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
        mutant.files[file.relative_to(base).as_posix()] = file.read_bytes()
    mutant.target = path.relative_to(base).as_posix()
    return mutant


def run_one(mutant: Mutant, timeout: float, memory_mb: int) -> list[dict]:
    """Check one mutant in a fresh worker (so hangs and crashes are caught): its failures."""
    results: list[tuple] = []
    Pool([], 1, timeout, memory_mb).run([mutant], results.append)
    return results[0][2]


# --- shrinking ------------------------------------------------------------------------------

def shrink(mutant: Mutant, timeout: float, memory_mb: int, budget: float = 600,
           signature: str | None = None,
           log: Callable[[str], None] = print) -> tuple[Mutant, list[dict]]:
    """Delta-debug the mutant: drop links, files, lines and then characters while it still
    fails with the same signature (the first one, unless given). The smallest mutant found and
    its failures."""
    failures = run_one(mutant, timeout, memory_mb)
    if not failures:
        raise SystemExit("shrink: the mutant does not fail")
    signature = signature or failures[0]["signature"]
    log(f"shrinking: {signature}")
    deadline = time.monotonic() + budget
    best, best_failures = mutant, failures
    tries = 0

    def fails(candidate: Mutant) -> bool:
        nonlocal best_failures, tries
        if time.monotonic() > deadline:
            return False
        tries += 1
        result = run_one(candidate, timeout, memory_mb)
        if any(_same(f["signature"], signature) for f in result):
            best_failures = result
            return True
        return False

    for attr in ("links", "files"):
        keys = sorted(getattr(best, attr))
        kept = _ddmin(keys, lambda subset: fails(_with(best, attr, subset)),
                      keep_one=attr == "files")
        best = _with(best, attr, kept)
        log(f"  {attr}: {len(keys)} -> {len(kept)}")
    for unit in ("lines", "chars"):
        for rel in sorted(best.files):
            pieces = _split(best.files[rel], unit)
            if unit == "chars" and len(pieces) > 4000:
                continue
            kept = _ddmin(pieces, lambda subset: fails(_with_file(best, rel, b"".join(subset))))
            best = _with_file(best, rel, b"".join(kept))
            log(f"  {rel} by {unit}: {len(pieces)} -> {len(kept)} ({tries} runs)")
    best.mutations = best.mutations + ["shrunk"]
    return best, best_failures


def _same(found: str, wanted: str) -> bool:
    # line numbers move as the engine changes: compare without them
    strip = lambda s: re.sub(r":\d+\b", "", s)  # noqa: E731
    return strip(found) == strip(wanted)


def _split(content: bytes, unit: str) -> list[bytes]:
    if unit == "lines":
        return content.splitlines(keepends=True)
    return [content[i:i + 1] for i in range(len(content))]


def _with(mutant: Mutant, attr: str, keys: list) -> Mutant:
    copy = Mutant(**{**asdict(mutant), "files": dict(mutant.files), "links": dict(mutant.links)})
    setattr(copy, attr, {k: getattr(mutant, attr)[k] for k in keys})
    return copy


def _with_file(mutant: Mutant, rel: str, content: bytes) -> Mutant:
    copy = _with(mutant, "files", list(mutant.files))
    copy.files[rel] = content
    return copy


def _ddmin(items: list, fails: Callable[[list], bool], keep_one: bool = False) -> list:
    """Zeller's ddmin, simplified: drop chunks (halves, then quarters ...) not needed to fail."""
    chunks = 2
    while items:
        size = max(1, len(items) // chunks)
        for begin in range(0, len(items), size):
            candidate = items[:begin] + items[begin + size:]
            if (candidate or not keep_one) and fails(candidate):
                items = candidate
                chunks = max(chunks - 1, 2)
                break
        else:
            if size == 1:
                break
            chunks = min(len(items), chunks * 2)
    return items


# --- command line ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Mutation fuzzer for the whole vpclint pipeline (see the module docstring).")
    parser.add_argument("--seed", type=int, default=1, help="the round's random seed")
    parser.add_argument("--count", type=int, default=300, help="mutants to run")
    parser.add_argument("--start", type=int, default=0, help="index of the first mutant")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: one per core)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per mutant")
    parser.add_argument("--memory", type=int, default=2048,
                        help="MB of address space per worker (RLIMIT_AS); 0: no limit")
    parser.add_argument("--save", type=Path, help="save failing mutants under this directory")
    parser.add_argument("--save-limit", type=int, default=20,
                        help="mutants saved per failure class")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the real-world corpus")
    parser.add_argument("--no-corpus", action="store_true", help="seeds from fixtures/ only")
    parser.add_argument("--no-fixtures", action="store_true", help="seeds from the corpus only")
    parser.add_argument("--replay", type=Path,
                        help="run one saved mutant (or a plain file or directory) and show it")
    parser.add_argument("--shrink", type=Path, help="minimize a saved mutant")
    parser.add_argument("--signature", help="with --shrink: the failure to keep (default: first)")
    parser.add_argument("--out", type=Path, help="where --shrink saves (default: <mutant>-min)")
    parser.add_argument("--budget", type=float, default=600, help="seconds --shrink may take")
    parser.add_argument("--show", action="store_true",
                        help="list the mutants (seed file, mutations) without running them")
    args = parser.parse_args(argv)

    if args.replay:
        mutant = load_mutant(args.replay)
        print(f"replaying mutant {mutant.index} of seed {mutant.seed}: {mutant.origin}")
        for mutation in mutant.mutations:
            print(f"  {mutation}")
        failures = run_one(mutant, args.timeout, args.memory)
        if not failures:
            print("no failure")
            return 0
        for failure in failures:
            print(f"\n{failure['signature']}\n{failure['message']}\n\n{failure['traceback']}")
        return 1
    if args.shrink:
        mutant = load_mutant(args.shrink)
        small, failures = shrink(mutant, args.timeout, args.memory, args.budget, args.signature)
        out = args.out or args.shrink.parent / (args.shrink.name.removesuffix(".json") + "-min")
        out.mkdir(parents=True, exist_ok=True)
        where = save_mutant(out, small, failures)
        print(f"saved to {where}")
        for rel, content in small.files.items():
            print(f"--- {rel} ({len(content)} bytes)")
            print(content[:3000].decode("utf-8", "backslashreplace"))
        return 0

    roots = seed_roots(None if args.no_corpus else args.corpus, fixtures=not args.no_fixtures)
    if args.show:
        bank = SeedBank(find_seeds(roots))
        for index in range(args.start, args.start + args.count):
            mutant = make_mutant(bank, args.seed, index)
            print(f"{index}: {mutant.origin} -> {mutant.target}: {mutant.mutations} "
                  f"{mutant.config or ''}")
        return 0
    print(f"seeds from {', '.join(str(r) for r in roots)}", flush=True)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    summary = run_round(args.seed, args.count, args.jobs, args.timeout, args.memory, roots,
                        args.save, args.start, progress=lambda s: print(s, flush=True),
                        save_limit=args.save_limit)
    print(summary.report())
    print("slowest mutants: " + ", ".join(f"{index} ({seconds:.1f} s)"
                                          for seconds, index in summary.slowest))
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
