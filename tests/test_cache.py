"""The parse cache: real parses survive the round trip exactly, every entry that is not exactly
what vpclint wrote is a miss (never code run, never an error, never a changed result), pruning
keeps the cache bounded, and the directory is private.

Each test points ``XDG_CACHE_HOME`` at its own temporary directory.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from msgspec import Struct

from vpclint import cache as cache_module
from vpclint.cache import ParseCache, decode, encode, open_cache
from vpclint.config import Config
from vpclint.engine import scan
from vpclint.loaders.cfn import load_cfn
from vpclint.loaders.hcl import TfvarsFile, load_hcl, load_tfvars
from vpclint.loaders.tf_json import load_tf_json
from vpclint.reporters import render
from vpclint.source import ParseError

REPO = Path(__file__).resolve().parent.parent
KEY = "ab" * 32
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")

HCL = textwrap.dedent("""\
    # vpclint:ignore VPC101,VPC206 -- the endpoint is attached elsewhere
    locals {
      name    = "net-${var.env}-${count.index}"
      total   = length(var.subnets) + 1
      ratio   = (var.a + 1) * 2.5 / var.b
      neg     = -var.offset
      off     = !var.enabled
      cidrs   = [for s in var.subnets : s.cidr if s.public]
      by_az   = { for k, s in var.subnets : s.az => s.id... }
      first   = aws_subnet.private[0].id
      ids     = aws_subnet.private[*].id
      legacy  = aws_subnet.private.*.id
      keyed   = var.map["key"]
      pick    = var.enabled ? "a" : null
      scalars = [1, 2.5, true, false, null, "s", -3]
      obj     = { a = 1, "b" = 2, (local.k) = 3 }
      args    = concat(var.a, var.b...)
      joined  = "%{ for x in var.xs }${x}, %{ endfor }"
      unicode = "caf\\u00e9 \\"quoted\\" \\\\ done"
      doc     = <<-EOT
        hello ${var.name}
        world
      EOT
      plain   = <<EOT
    literal text
    EOT
    }

    resource "aws_vpc_endpoint" "s3" {
      vpc_id       = aws_vpc.main.id
      service_name = "com.amazonaws.${var.region}.s3"
      route_table_ids = []

      dynamic "dns_options" {
        for_each = var.dns ? [1] : []
        content {
          dns_record_ip_type = "ipv4"
        }
      }

      lifecycle {
        ignore_changes = [tags]
      }
    }
    """)

CFN_YAML = textwrap.dedent("""\
    AWSTemplateFormatVersion: 2010-09-09
    Description: >
      A folded
      description
    Parameters:
      Env: {Type: String, Default: prod}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Vpc:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
          EnableDnsHostnames: yes
          Tags:
            - {Key: Name, Value: !Sub "${Env}-vpc"}
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Condition: IsProd
        Metadata:
          vpclint: {ignore: [{id: VPC101, reason: elsewhere}]}
        Properties:
          VpcId: !GetAtt Vpc.VpcId
          ServiceName: !Join ["", ["com.amazonaws.", !Ref "AWS::Region", ".s3"]]
          RouteTableIds: []
          PolicyDocument: |
            {"Version": "2012-10-17"}
          Port: 443
          Ratio: 0.5
          Limit: 1.5e300
          Big: 123456789012345678901234567890
          Nothing: null
          Endpoint: x
          Endpoint: y
    """)

CFN_JSON = json.dumps({
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC",
                "Properties": {"CidrBlock": "10.0.0.0/16", "Tags": [{"Key": "a\U0001F600",
                                                                      "Value": 1e5}]}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup",
               "Properties": {"VpcId": {"Ref": "Vpc"}, "SecurityGroupIngress": [
                   {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "FromPort": -1}]}},
    },
}, indent=1, ensure_ascii=True)

TF_JSON = json.dumps({
    "variable": {"env": {"default": "prod"}},
    "resource": {
        "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "${var.env}-vpc"}}},
        "aws_vpc_endpoint": {"s3": {"vpc_id": "${aws_vpc.main.id}", "route_table_ids": [],
                                    "dns_options": [{"dns_record_ip_type": "ipv4"}]}},
    },
}, indent=2)


TFVARS = 'region = "eu-west-1"\nazs = ["a", "b"]\ntags = { team = "net", cost = 3 }\n'


def parses() -> dict:
    """One real parse of each kind, and parse errors of each loader."""
    return {
        "hcl": load_hcl("main.tf", HCL),
        "cfn_yaml": load_cfn("stack.yaml", CFN_YAML),
        "cfn_json": load_cfn("stack.json", CFN_JSON),
        "tf_json": load_tf_json("main.tf.json", TF_JSON),
        "tfvars": TfvarsFile("prod.tfvars", load_tfvars("prod.tfvars", TFVARS)),
        "hcl_error": load_hcl("bad.tf", 'resource "aws_vpc" "x" {\n  cidr_block = \n'),
        "yaml_error": load_cfn("bad.yaml", "Resources:\n  A: [1,\n"),
        "json_error": load_cfn("bad.json", '{"Resources": {"A": [1, 2}}'),
    }


def assert_identical(a, b, path="result") -> None:
    """Equal, and of the same types throughout (True is not 1, a tuple not a list), with dict
    keys in the same order."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, Struct):
        for name in a.__struct_fields__:
            assert_identical(getattr(a, name), getattr(b, name), f"{path}.{name}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for key in a:
            assert_identical(a[key], b[key], f"{path}[{key!r}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def types_in(value, found: set) -> set:
    found.add(type(value))
    if isinstance(value, Struct):
        for name in value.__struct_fields__:
            types_in(getattr(value, name), found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            types_in(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            types_in(key, found)
            types_in(item, found)
    return found


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """A fresh XDG_CACHE_HOME; returns the vpclint cache directory inside it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("VPCLINT_NO_CACHE", raising=False)
    return tmp_path / "xdg" / "vpclint"


# --- round trip --------------------------------------------------------------------------------

def test_the_table_matches_the_loader_types():
    assert cache_module._LAYOUT is not None, "a cached type's fields changed: update _TYPES"


@pytest.mark.parametrize("kind", sorted(parses()))
def test_a_real_parse_round_trips_exactly(kind, cache_home):
    result = parses()[kind]
    if kind.endswith("error"):
        assert isinstance(result, ParseError)
    else:
        assert not isinstance(result, ParseError), result
    assert_identical(decode(encode(result)), result)
    cache = open_cache()
    cache.store(KEY, result)
    fetched = cache.fetch(KEY)
    assert_identical(fetched, result)
    assert fetched == result


def test_the_samples_hold_every_type_of_the_table():
    found: set = set()
    for result in parses().values():
        types_in(result, found)
    assert set(cache_module._TYPES) <= found
    assert load_cfn("stack.yaml", CFN_YAML).duplicates  # the duplicate key is cached too


def test_fixture_scenarios_round_trip():
    root = REPO / "fixtures" / "scenarios"
    files = sorted(root.glob("*/*/*.tf"))[:40] + sorted(root.glob("*/*/*.yaml"))[:40]
    assert files
    for file in files:
        text = file.read_text()
        result = load_hcl(str(file), text) if file.suffix == ".tf" else load_cfn(str(file), text)
        assert_identical(decode(encode(result)), result)


def test_a_value_the_table_does_not_hold_is_not_stored(cache_home):
    cache = open_cache()
    document = load_cfn("stack.json", CFN_JSON)
    document.data["Resources"]["Vpc"]["Extra"] = ("a", "tuple")  # JSON would give a list back
    cache.store(KEY, document)
    cache.store(KEY[::-1], object())
    assert cache.fetch(KEY) is None and cache.fetch(KEY[::-1]) is None
    assert [p.name for p in cache_home.iterdir() if not p.name.startswith(".")] == []


@pytest.mark.parametrize("text", [
    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      Size: .nan\n",
    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      Size: -.inf\n",
    '{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"Tag": "\\ud800"}}}}',
])
def test_a_value_json_cannot_hold_is_not_stored(cache_home, text):
    """msgspec writes a NaN or an infinity as null and refuses a lone surrogate: such a file
    is parsed again at every scan rather than read back changed."""
    document = load_cfn("stack.json" if text.startswith("{") else "stack.yaml", text)
    assert "Vpc" in document.data["Resources"]  # a document, not a parse error
    cache = open_cache()
    cache.store(KEY, document)
    assert cache.fetch(KEY) is None
    assert [p.name for p in cache_home.iterdir() if not p.name.startswith(".")] == []


def test_a_literal_json_cannot_hold_is_not_stored(cache_home):
    hcl = load_hcl("main.tf", 'locals {\n  a = 1e999\n}\n')
    assert hcl.blocks[0].attributes["a"].expr.value == float("inf")
    cache = open_cache()
    cache.store(KEY, hcl)
    assert cache.fetch(KEY) is None


# --- entries that are not what vpclint wrote ---------------------------------------------------

class _Trap:
    """Unpickling this creates the marker file: proof that a pickle payload was run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def _payload(result) -> list:
    return json.loads(encode(result))


def _entry(payload, key: str = KEY, header: bytes | None = None) -> bytes:
    header = ParseCache._header(key) if header is None else header
    return header + json.dumps(payload).encode()


def _rename_first(node, old: str, new: str) -> bool:
    """Replace the tag of the first node tagged ``old`` in an encoded payload."""
    if isinstance(node, list):
        if node and node[0] == old and isinstance(node[-1], list):
            node[0] = new
            return True
        return any(_rename_first(item, old, new) for item in node)
    if isinstance(node, dict):
        return any(_rename_first(item, old, new) for item in node.values())
    return False


def bad_entries(marker: Path, key: str = KEY) -> dict[str, bytes]:
    """Entries for ``key`` that must all be misses."""
    hcl = load_hcl("main.tf", HCL)
    cfn = load_cfn("stack.yaml", CFN_YAML)
    header = ParseCache._header(key)
    good = header + encode(hcl)

    def hcl_with(tag_from: str, tag_to: str) -> bytes:
        payload = _payload(hcl)
        assert _rename_first(payload, tag_from, tag_to)
        return _entry(payload, key)

    wrong_pos = _payload(hcl)
    wrong_pos[2][0][3] = ["1", 2, 3, 4]  # the first block's Pos, with a str line
    missing_field = _payload(hcl)
    missing_field[2][0].pop()  # the first block without its nested blocks
    wrong_spans = _payload(cfn)
    wrong_spans[3][1][5] = 10**6  # a span whose parent row is not read yet
    bool_line = _payload(cfn)
    bool_line[3][3][0] = True
    return {
        "pickle": pickle.dumps(_Trap(marker)),
        "pickle after the header": header + pickle.dumps(_Trap(marker)),
        "garbage": os.urandom(256),
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "other format version": good.replace(
            f"vpclint-parse-cache {cache_module.FORMAT} ".encode(),
            f"vpclint-parse-cache {cache_module.FORMAT + 1} ".encode(), 1),
        "other table": _entry(_payload(hcl), header=header.replace(
            cache_module._LAYOUT.encode(), b"0" * 16)),
        "other key": _entry(_payload(hcl), header=ParseCache._header(key[::-1])),
        "unknown node type": hcl_with("L", "Z"),
        "a vpclint type outside the table": hcl_with("L", "Resource"),
        "a class path": hcl_with("L", "os.system"),
        "a type where another is expected": hcl_with("A", "L"),
        "a str where a Pos is": _entry(wrong_pos, key),
        "a missing field": _entry(missing_field, key),
        "a dangling span parent": _entry(wrong_spans, key),
        "a bool where a line is": _entry(bool_line, key),
        "not a result": _entry(["L", 1, [1, 1, 1, 1]], key),
        "plain JSON": _entry({"path": "main.tf", "blocks": []}, key),
        "deep nesting": header + b"[" * 100_000 + b"]" * 100_000,
    }


def test_every_bad_entry_is_a_miss_and_runs_nothing(cache_home, tmp_path):
    marker = tmp_path / "pwned"
    cache = open_cache()
    for name, data in bad_entries(marker).items():
        (cache_home / KEY).write_bytes(data)
        assert cache.fetch(KEY) is None, name
    assert not marker.exists()
    (cache_home / KEY).write_bytes(ParseCache._header(KEY) + encode(load_hcl("main.tf", HCL)))
    assert cache.fetch(KEY) == load_hcl("main.tf", HCL)  # and the good one is a hit


def test_an_entry_for_another_file_or_of_another_kind_is_a_miss(cache_home):
    cache = open_cache()
    hcl, cfn = load_hcl("main.tf", HCL), load_cfn("stack.yaml", CFN_YAML)
    cache.store(KEY, hcl)
    assert cache.fetch(KEY, "main.tf") == hcl
    assert cache.fetch(KEY, "other.tf") is None
    assert cache.fetch(KEY, "main.yaml") is None
    cache.store(KEY, cfn)
    assert cache.fetch(KEY, "stack.yaml") == cfn
    assert cache.fetch(KEY, "stack.tf") is None
    error = ParseError("stack.tf", "cannot parse")
    cache.store(KEY, error)
    assert cache.fetch(KEY, "stack.tf") == error
    assert cache.fetch(KEY, "other.tf") is None


@POSIX
def test_an_entry_that_is_not_a_regular_file_is_a_miss(cache_home, tmp_path):
    cache = open_cache()
    good = tmp_path / "elsewhere"
    good.write_bytes(ParseCache._header(KEY) + encode(load_hcl("main.tf", HCL)))
    (cache_home / KEY).symlink_to(good)
    assert cache.fetch(KEY) is None
    (cache_home / KEY).unlink()
    os.mkfifo(cache_home / KEY)  # would block a plain open() forever
    assert cache.fetch(KEY) is None
    (cache_home / KEY).unlink()
    cache.store(KEY, load_hcl("main.tf", HCL))
    assert cache.fetch(KEY) == load_hcl("main.tf", HCL)


def _project(root: Path) -> Path:
    project = root / "project"
    for scenario in ("alb-web-app", "ecs-fargate-ecr-broken-no-ecr-dkr"):
        shutil.copytree(REPO / "fixtures" / "scenarios" / scenario, project / scenario)
    (project / "stack.yaml").write_text(CFN_YAML)
    (project / "json" / "stack.json").parent.mkdir()
    (project / "json" / "stack.json").write_text(CFN_JSON)
    (project / "broken" / "bad.tf").parent.mkdir()
    (project / "broken" / "bad.tf").write_text('resource "aws_vpc" "x" {\n')
    return project


def _sarif(project: Path) -> str:
    return render(scan([str(project)], Config(), root=project), "sarif")


SCAN_CASES = ("pickle", "garbage", "other format version", "unknown node type",
              "a str where a Pos is", "a dangling span parent", "another file's result")


def test_bad_entries_leave_the_scan_unchanged_and_are_rewritten(cache_home, tmp_path):
    project = _project(tmp_path)
    cold = _sarif(project)
    entries = sorted(p for p in cache_home.iterdir() if not p.name.startswith("."))
    assert len(entries) >= 8
    marker = tmp_path / "pwned"
    bad = {entry: bad_entries(marker, entry.name) for entry in entries}
    for entry, cases in bad.items():  # well formed, but the result of another file
        cases["another file's result"] = (ParseCache._header(entry.name)
                                          + encode(load_hcl("main.tf", HCL)))
    for case in SCAN_CASES:
        for entry in entries:
            entry.write_bytes(bad[entry][case])
        assert _sarif(project) == cold, case
        for entry in entries:  # each was a miss, parsed again and stored again
            assert ParseCache(cache_home).fetch(entry.name) is not None, case
    assert not marker.exists()


def test_a_warm_scan_reads_the_cache(cache_home, tmp_path, monkeypatch):
    project = _project(tmp_path)
    cold = _sarif(project)

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed although cached")
    for name in ("load_hcl", "load_cfn"):
        monkeypatch.setattr(f"vpclint.loading.{name}", no_parsing)
    monkeypatch.setattr("vpclint.loaders.tf_json.load_tf_json", no_parsing)
    assert _sarif(project) == cold


def test_no_cache_when_turned_off(cache_home, tmp_path, monkeypatch):
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    project = _project(tmp_path)
    _sarif(project)
    assert not cache_home.exists()


def test_cold_and_warm_scans_give_byte_identical_sarif(tmp_path):
    project = _project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("VPCLINT_NO_CACHE", "VPCLINT_DEBUG")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")

    def run(name: str, **extra: str) -> bytes:
        out = tmp_path / f"{name}.sarif"
        result = subprocess.run(
            [sys.executable, "-m", "vpclint.cli", "check", str(project), "--format", "sarif",
             "-o", str(out)], cwd=tmp_path, env={**env, **extra}, capture_output=True,
            text=True, timeout=300)
        assert result.returncode in (0, 1), result.stderr
        return out.read_bytes()

    cold = run("cold", PYTHONHASHSEED="1")
    entries = list((tmp_path / "xdg" / "vpclint").iterdir())
    warm = run("warm", PYTHONHASHSEED="2")  # set and dict orders must not leak into reports
    assert warm == cold
    assert sorted(entries) == sorted((tmp_path / "xdg" / "vpclint").iterdir())
    assert run("uncached", VPCLINT_NO_CACHE="1", PYTHONHASHSEED="3") == cold


# --- pruning and the directory -----------------------------------------------------------------

def _fill(directory: Path, sizes_and_ages: list[tuple[int, float]], now: float) -> list[Path]:
    paths = []
    for index, (size, age) in enumerate(sizes_and_ages):
        path = directory / f"{index:064x}"
        path.write_bytes(b"x" * size)
        os.utime(path, (now - age, now - age))
        paths.append(path)
    return paths


def test_pruning_drops_unused_entries_then_the_least_recently_used(cache_home):
    cache = open_cache()
    now = 2_000_000_000.0
    day = 86400
    entries = _fill(cache_home, [(100, 40 * day),  # unused for longer than MAX_AGE
                                 (400, 5 * day), (400, 3 * day), (400, 2 * day), (400, 1)],
                    now)
    stray = cache_home / "notes.txt"
    stray.write_text("not an entry")
    os.utime(stray, (now - 100 * day, now - 100 * day))
    stale_tmp = cache_home / f"{'e' * 64}.123.tmp"
    fresh_tmp = cache_home / f"{'f' * 64}.124.tmp"
    for tmp, age in ((stale_tmp, 2 * day), (fresh_tmp, 10)):
        tmp.write_bytes(b"partial")
        os.utime(tmp, (now - age, now - age))

    cache.prune(max_bytes=1000, max_age=30 * day, now=now)

    left = [p for p in entries if p.exists()]
    assert left == entries[3:]  # the two most recently used fit under 1000 bytes
    assert sum(p.stat().st_size for p in left) <= 1000
    assert stray.exists() and fresh_tmp.exists() and not stale_tmp.exists()


def test_pruning_runs_at_most_once_a_day(cache_home, monkeypatch):
    cache = open_cache()  # the first open prunes and writes the stamp
    stamp = cache_home / ".pruned"
    assert stamp.exists()
    now = stamp.stat().st_mtime
    old = _fill(cache_home, [(10, 60 * 86400)], now)[0]
    cache.prune_if_due(now=now + 3600)
    assert old.exists()  # pruned less than a day ago: not again
    monkeypatch.setattr(cache_module, "PRUNE_EVERY", 0)
    open_cache()
    assert not old.exists()


def test_a_hit_marks_the_entry_used(cache_home):
    cache = open_cache()
    cache.store(KEY, load_hcl("main.tf", HCL))
    path = cache_home / KEY
    long_ago = path.stat().st_mtime - 10 * 86400
    os.utime(path, (long_ago, long_ago))
    assert cache.fetch(KEY) is not None
    assert path.stat().st_mtime > long_ago + 9 * 86400


@POSIX
def test_the_cache_directory_is_private(cache_home):
    cache = open_cache()
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    cache.store(KEY, load_hcl("main.tf", HCL))
    assert stat.S_IMODE((cache_home / KEY).stat().st_mode) == 0o600
    assert [p.name for p in cache_home.iterdir() if p.name.endswith(".tmp")] == []
    cache_home.chmod(0o755)  # made by an older vpclint, or by hand
    open_cache()
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
