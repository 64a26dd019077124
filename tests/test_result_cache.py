"""The report cache (``vpclint.result_cache``): the console command replays a stored run only
when nothing it depended on changed, and every change it depended on makes it scan again.

Each test runs ``vpclint.cli.run`` in this process (the console command, the only one that
replays) with ``XDG_CACHE_HOME`` in a temporary directory, and counts the scans it starts."""

from __future__ import annotations

import ast
import json
import os
import shutil
import time
from pathlib import Path

import pytest

import vpclint.engine
from fixture_cases import FIXTURES
from vpclint import cli, result_cache
from vpclint.baseline import VERSION
from vpclint.cache_dir import stamp
from vpclint.cli import run

ROOT = Path(__file__).resolve().parent.parent
TFVARS_CASE = FIXTURES / "rules" / "VPC101" / "tf_eval_tfvars"


@pytest.fixture
def scans(monkeypatch, tmp_path):
    """A private cache; returns the list of the paths of every scan the engine ran."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("VPCLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    ran: list[list[str]] = []
    real = vpclint.engine.scan

    def counted(paths, config, *args, **kwargs):
        ran.append(list(paths))
        return real(paths, config, *args, **kwargs)

    monkeypatch.setattr(vpclint.engine, "scan", counted)
    return ran


def _run(capsys, *args: str) -> tuple[int, list[tuple[str, str, int]], str]:
    """(exit code, (rule, file name, line) of each finding, the raw report) of a JSON check."""
    capsys.readouterr()
    code = run(["check", "--format", "json", *args])
    report = capsys.readouterr().out
    found = [(f["rule_id"], Path(f["file"]).name, f["line"])
             for f in json.loads(report)["findings"]]
    return code, sorted(found), report


@pytest.fixture
def module(tmp_path) -> Path:
    """A copy of a Terraform module whose findings depend on a tfvars file, without the
    ``network.auto.tfvars`` that turns off the DynamoDB endpoint's routes."""
    target = tmp_path / "infra"
    shutil.copytree(TFVARS_CASE, target)
    (target / "network.auto.tfvars").unlink()
    _age(tmp_path)
    return target


def _age(tree: Path) -> None:
    """Dates every directory under ``tree`` a minute back: a run does not store what it read
    from a directory changed since shortly before it started (it may have changed during it)."""
    past = time.time() - 60
    for directory in [tree, *(p for p in tree.rglob("*") if p.is_dir())]:
        os.utime(directory, (past, past))


S3_ONLY = [("VPC101", "main.tf", 29)]
BOTH = [("VPC101", "main.tf", 29), ("VPC101", "main.tf", 46)]


def test_an_unchanged_run_is_replayed_byte_for_byte(scans, capsys, module):
    first = _run(capsys, str(module))
    second = _run(capsys, str(module))
    assert first[:2] == (1, S3_ONLY)
    assert second == first and len(scans) == 1


def test_an_edited_file_is_scanned_again(scans, capsys, module):
    _run(capsys, str(module))
    tfvars = module / "terraform.tfvars"
    tfvars.write_text(tfvars.read_text().replace("attach_dynamodb_routes = true",
                                                 "attach_dynamodb_routes = false"))
    assert _run(capsys, str(module))[:2] == (1, BOTH)
    assert len(scans) == 2


def test_a_new_file_the_scan_never_read_is_noticed(scans, capsys, module):
    """``network.auto.tfvars`` did not exist, so no read recorded it: the listing of the module
    directory changes."""
    _run(capsys, str(module))
    shutil.copy(TFVARS_CASE / "network.auto.tfvars", module)
    assert _run(capsys, str(module))[:2] == (1, BOTH)
    assert len(scans) == 2


def test_a_file_named_alone_replays_and_notices_its_module_changing(scans, capsys, module):
    named = str(module / "main.tf")
    assert _run(capsys, named)[:2] == (1, S3_ONLY)
    assert _run(capsys, named)[:2] == (1, S3_ONLY) and len(scans) == 1
    shutil.copy(TFVARS_CASE / "network.auto.tfvars", module)
    assert _run(capsys, named)[:2] == (1, BOTH) and len(scans) == 2


def test_other_options_are_another_run(scans, capsys, module):
    _run(capsys, str(module))
    assert _run(capsys, str(module), "--ignore", "VPC101")[:2] == (0, [])
    assert len(scans) == 2


def test_a_config_file_change_is_noticed(scans, capsys, module, tmp_path):
    config = tmp_path / "vpclint.toml"
    config.write_text('ignore = []\n')
    assert _run(capsys, str(module), "--config", str(config))[:2] == (1, S3_ONLY)
    config.write_text('ignore = ["VPC101"]\n')
    assert _run(capsys, str(module), "--config", str(config))[:2] == (0, [])
    assert len(scans) == 2


def test_a_parameter_file_change_is_noticed(scans, capsys, tmp_path):
    """CloudFormation parameter files are read outside ``read_bytes``: hashed with the
    settings. The template defaults to dev, where neither endpoint has route tables."""
    template = tmp_path / "stack" / "endpoints.yaml"
    template.parent.mkdir()
    shutil.copy(FIXTURES / "rules" / "VPC101" / "cfn_eval_param" / "endpoints.yaml", template)
    _age(tmp_path)
    parameters = tmp_path / "params.json"
    parameters.write_text(json.dumps({"Environment": "dev"}))
    args = (str(template.parent), "--parameter-file", str(parameters))
    assert _run(capsys, *args)[:2] == (1, [("VPC101", "endpoints.yaml", 35),
                                           ("VPC101", "endpoints.yaml", 54)])
    parameters.write_text(json.dumps({"Environment": "prod"}))
    assert _run(capsys, *args)[:2] == (0, [])
    assert len(scans) == 2


def test_a_report_written_into_the_scanned_tree_does_not_defeat_the_replay(scans, capsys,
                                                                         module):
    report = module / "vpclint.sarif"
    for _ in range(3):
        run(["check", str(module), "--format", "sarif", "--output", str(report)])
    assert len(scans) == 1 and json.loads(report.read_text())["runs"]


def test_a_cache_directory_inside_the_scanned_tree_does_not_defeat_the_replay(
        scans, capsys, module, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(module / ".cache"))
    (module / ".cache" / "vpclint" / "results").mkdir(parents=True, mode=0o700)
    _age(module)
    for _ in range(3):
        assert _run(capsys, str(module))[:2] == (1, S3_ONLY)
    assert len(scans) == 1


def test_a_replay_writes_only_where_this_run_asks(scans, capsys, module, tmp_path):
    """An entry naming another destination (a tampered cache) is a miss: the stored reports
    are written only to the destinations of the request they were stored for."""
    report = tmp_path / "report.json"
    args = ["check", str(module), "--format", "json", "--output", str(report)]
    run(args)
    entry = next((tmp_path / "xdg" / "vpclint" / "results").iterdir())
    stored = json.loads(entry.read_text())
    stored["outputs"][0][0] = str(tmp_path / "elsewhere.json")
    entry.write_text(json.dumps(stored))
    run(args)
    assert len(scans) == 2 and not (tmp_path / "elsewhere.json").exists()


def test_a_file_added_to_a_module_in_a_directory_discovery_skips_is_noticed(scans, capsys,
                                                                           tmp_path):
    """``node_modules`` is not walked, but a directory the scan read a module from is listed."""
    root = tmp_path / "infra"
    module = root / "node_modules" / "netmod"
    module.mkdir(parents=True)
    (root / "main.tf").write_text('module "net" {\n  source = "./node_modules/netmod"\n}\n')
    (module / "vpc.tf").write_text('resource "aws_vpc" "main" {\n'
                                   '  cidr_block = "10.0.0.0/16"\n}\n')
    _age(tmp_path)
    assert _run(capsys, str(root))[:2] == (0, [])
    assert _run(capsys, str(root))[:2] == (0, []) and len(scans) == 1
    (module / "endpoint.tf").write_text('resource "aws_vpc_endpoint" "s3" {\n'
                                        '  vpc_id       = aws_vpc.main.id\n'
                                        '  service_name = "com.amazonaws.us-east-1.s3"\n}\n')
    assert _run(capsys, str(root))[:2] == (1, [("VPC101", "endpoint.tf", 1),
                                               ("VPC402", "endpoint.tf", 1)])
    assert len(scans) == 2


def test_a_module_source_appearing_is_noticed_through_its_probe(scans, capsys, tmp_path):
    """A file named alone lists its own directory only (not the tree under it); a module
    source that did not exist was probed, and its appearing is a change."""
    root = tmp_path / "infra"
    (root / "modules").mkdir(parents=True)
    named = root / "main.tf"
    named.write_text('module "net" {\n  source = "./modules/net"\n}\n'
                     'resource "aws_vpc_endpoint" "s3" {\n  vpc_id       = module.net.vpc_id\n'
                     '  service_name = "com.amazonaws.us-east-1.s3"\n'
                     '  route_table_ids = module.net.route_table_ids\n}\n')
    (root / "docs").mkdir()
    _age(tmp_path)
    assert _run(capsys, str(named), "--select", "VPC101")[:2] == (0, [])
    (root / "docs" / "network.md").write_text("# notes\n")  # not walked, not read: replayed
    _age(tmp_path)
    assert _run(capsys, str(named), "--select", "VPC101")[:2] == (0, []) and len(scans) == 1
    module = root / "modules" / "net"
    module.mkdir()
    (module / "outputs.tf").write_text('output "vpc_id" {\n  value = "vpc-0123456789abcdef0"\n}'
                                       '\noutput "route_table_ids" {\n  value = []\n}\n')
    _age(tmp_path)
    assert _run(capsys, str(named), "--select", "VPC101")[:2] == (1, [("VPC101", "main.tf", 7)])
    assert len(scans) == 2


def test_a_run_whose_module_directory_just_changed_stores_nothing(scans, capsys, module):
    """An editor saving by renaming a new file into place changes the directory: a file may
    have appeared during the scan, so what it saw cannot be told from what is there."""
    os.utime(module, None)
    _run(capsys, str(module))
    _run(capsys, str(module))
    assert len(scans) == 2
    _age(module)
    _run(capsys, str(module))
    _run(capsys, str(module))
    assert len(scans) == 3


def test_a_damaged_entry_is_a_miss_never_an_error(scans, capsys, module, tmp_path):
    _run(capsys, str(module))
    entries = list((tmp_path / "xdg" / "vpclint" / "results").iterdir())
    assert len(entries) == 1
    for damage in (b"{not json", b"[]", json.dumps({"key": entries[0].name, "listing": "x",
                                                     "code": [], "reads": [], "outputs": [],
                                                     "exit_code": 7}).encode()):
        entries[0].write_bytes(damage)
        assert _run(capsys, str(module))[:2] == (1, S3_ONLY)
    assert len(scans) == 4


def test_vpclint_no_cache_stores_and_replays_nothing(scans, capsys, module, tmp_path,
                                                     monkeypatch):
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    _run(capsys, str(module))
    _run(capsys, str(module))
    assert len(scans) == 2 and not (tmp_path / "xdg").exists()


def test_writing_a_baseline_always_scans(scans, capsys, module, tmp_path):
    baseline = tmp_path / "baseline.json"
    for _ in range(2):
        run(["check", str(module), "--baseline", str(baseline), "--write-baseline"])
    assert len(scans) == 2


def test_a_changed_baseline_is_noticed(scans, capsys, module, tmp_path):
    baseline = tmp_path / "baseline.json"
    run(["check", str(module), "--baseline", str(baseline), "--write-baseline"])
    assert _run(capsys, str(module), "--baseline", str(baseline))[:2] == (0, [])
    baseline.write_text(json.dumps({"version": VERSION, "fingerprints": {}}))
    assert _run(capsys, str(module), "--baseline", str(baseline))[:2] == (1, S3_ONLY)


def test_in_process_callers_never_replay(scans, module):
    """``CliRunner`` and programs embedding the command may have changed code in memory."""
    from typer.testing import CliRunner

    for _ in range(2):
        CliRunner().invoke(cli.app, ["check", str(module), "--format", "json"])
    assert len(scans) == 2


def test_pruning_keeps_the_most_recently_used_within_count_and_size(tmp_path, monkeypatch):
    monkeypatch.setattr(result_cache, "MAX_ENTRIES", 3)
    monkeypatch.setattr(result_cache, "MAX_BYTES", 250)
    for age, (name, size) in enumerate([("a", 100), ("b", 100), ("c", 10), ("d", 10)]):
        entry = tmp_path / (name * 64)
        entry.write_bytes(b"x" * size)
        os.utime(entry, (1000 - age, 1000 - age))  # "a" used last
    (tmp_path / "e.tmp").write_bytes(b"")
    os.utime(tmp_path / "e.tmp", (0, 0))  # left by a crashed writer long ago
    result_cache._prune(tmp_path)
    # a and b fit (200 bytes); c would too but d is the fourth: count; c stays
    assert sorted(p.name[0] for p in tmp_path.iterdir()) == ["a", "b", "c"]
    monkeypatch.setattr(result_cache, "MAX_BYTES", 150)
    result_cache._prune(tmp_path)
    assert sorted(p.name[0] for p in tmp_path.iterdir()) == ["a"]


def test_changed_code_or_installs_are_noticed(tmp_path):
    module_file = tmp_path / "pack.py"
    module_file.write_text("RULE = 1\n")
    signature = [["file", str(module_file), *stamp(str(module_file))],
                 ["dir", str(tmp_path), result_cache._names_of(str(tmp_path)), 0]]
    assert result_cache._unchanged_code(signature)
    (tmp_path / "new_pack-1.0.dist-info").mkdir()
    assert not result_cache._unchanged_code(signature)
    signature[1][2] = result_cache._names_of(str(tmp_path))
    module_file.write_text("RULE = 2  # edited\n")
    assert not result_cache._unchanged_code(signature)


def _environment_reads() -> set[tuple[str, str, int]]:
    """Every environment variable vpclint's code reads by name: (name, file, line)."""
    found = set()
    for folder in (ROOT / "vpclint", ROOT / "rules"):
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = _environment_name(node)
                if name is not None:
                    found.add((name, str(path.relative_to(ROOT)), node.lineno))
    return found


def _environment_name(node: ast.AST) -> str | None:
    """``os.environ.get("X")``, ``os.getenv("X")``, ``os.environ["X"]`` -> ``"X"``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        target = ast.unparse(node.func)
        if target in ("os.environ.get", "os.getenv") and isinstance(node.args[0], ast.Constant):
            return node.args[0].value
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" \
            and isinstance(node.slice, ast.Constant):
        return node.slice.value
    return None


def test_every_environment_variable_vpclint_reads_is_in_the_key_or_known_not_to_matter():
    reads = _environment_reads()
    assert {name for name, _, _ in reads} >= {"NO_COLOR", "VPCLINT_NO_CACHE"}  # the scan works
    unknown = [f"{file}:{line} reads {name}" for name, file, line in sorted(reads)
               if name not in result_cache.KEY_ENVIRONMENT + result_cache.IRRELEVANT_ENVIRONMENT]
    assert not unknown, "add each to KEY_ENVIRONMENT (or IRRELEVANT_ENVIRONMENT, saying why)"
