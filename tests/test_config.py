"""Config discovery, validation and precedence (CLI > --config > found file > defaults)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpclint.config import SCHEMA, SCHEMA_PATH, Config, load_config, merge_cli
from vpclint.errors import ConfigError


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root (holds .git) with a nested directory to scan."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "infra" / "net").mkdir(parents=True)
    return tmp_path / "repo"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_nothing_is_found(repo):
    config = load_config(repo / "infra" / "net", None)
    assert config == Config()
    assert config.fail_level == "error"
    assert config.source is None


def test_vpclint_toml_found_walking_up(repo):
    path = write(repo / ".vpclint.toml", 'select = ["VPC3"]\nfail-level = "warning"\n')
    config = load_config(repo / "infra" / "net", None)
    assert config.select == ["VPC3"]
    assert config.fail_level == "warning"
    assert config.source == path


def test_nearest_config_wins(repo):
    write(repo / ".vpclint.toml", 'select = ["VPC1"]\n')
    write(repo / "infra" / ".vpclint.toml", 'select = ["VPC2"]\n')
    assert load_config(repo / "infra" / "net", None).select == ["VPC2"]


def test_walk_stops_at_the_repository_root(repo):
    write(repo.parent / ".vpclint.toml", 'select = ["VPC1"]\n')  # above .git: not ours
    assert load_config(repo / "infra" / "net", None) == Config()


def test_git_file_also_marks_the_root(tmp_path):
    worktree = tmp_path / "wt"
    write(worktree / ".git", "gitdir: /elsewhere\n")
    (worktree / "infra").mkdir()
    write(tmp_path / ".vpclint.toml", 'select = ["VPC1"]\n')
    assert load_config(worktree / "infra", None) == Config()


def test_pyproject_tool_table(repo):
    text = '[project]\nname = "x"\n\n[tool.vpclint]\nignore = ["VPC303"]\n'
    path = write(repo / "pyproject.toml", text)
    config = load_config(repo / "infra", None)
    assert config.ignore == ["VPC303"]
    assert config.source == path


def test_pyproject_without_table_is_skipped(repo):
    write(repo / ".vpclint.toml", 'ignore = ["VPC1"]\n')
    write(repo / "infra" / "pyproject.toml", '[tool.black]\nline-length = 100\n')
    config = load_config(repo / "infra" / "net", None)
    assert config.ignore == ["VPC1"]
    assert config.source == repo / ".vpclint.toml"


def test_vpclint_toml_beats_pyproject_in_the_same_directory(repo):
    write(repo / "pyproject.toml", '[tool.vpclint]\nignore = ["VPC2"]\n')
    write(repo / ".vpclint.toml", 'ignore = ["VPC1"]\n')
    assert load_config(repo, None).ignore == ["VPC1"]


def test_start_may_be_a_file(repo):
    write(repo / ".vpclint.toml", 'region = "eu-west-1"\n')
    target = write(repo / "infra" / "main.tf", "")
    assert load_config(target, None).region == "eu-west-1"


def test_all_keys_load_and_paths_are_relative_to_the_file(repo):
    write(
        repo / "infra" / ".vpclint.toml",
        """
select = ["VPC"]
ignore = ["VPC303"]
exclude = ["**/examples/**"]
fail-level = "none"
format = "sarif"
baseline = "baseline.json"
var-files = ["prod.tfvars"]
vars = { env = "prod", azs = ["a", "b"] }
cfn-params = { Env = "prod", Count = 2, Subnets = ["a", "b"] }
parameter-files = ["params/prod.json"]
region = "us-gov-west-1"
""",
    )
    config = load_config(repo / "infra" / "net", None)
    base = (repo / "infra").resolve()
    assert config.baseline == base / "baseline.json"
    assert config.var_files == [base / "prod.tfvars"]
    assert config.parameter_files == [base / "params" / "prod.json"]
    assert config.vars == {"env": "prod", "azs": ["a", "b"]}
    assert config.cfn_params["Count"] == 2
    assert (config.fail_level, config.format, config.region) == ("none", "sarif", "us-gov-west-1")


def test_unknown_key_names_file_and_key(repo):
    write(repo / ".vpclint.toml", 'selct = ["VPC1"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(repo, None)
    assert ".vpclint.toml" in str(info.value)
    assert "selct" in str(info.value)


def test_unknown_key_in_pyproject_names_file_and_key(repo):
    write(repo / "pyproject.toml", '[tool.vpclint]\nfail_level = "warning"\n')
    with pytest.raises(ConfigError) as info:
        load_config(repo, None)
    assert "pyproject.toml" in str(info.value)
    assert "fail_level" in str(info.value)


@pytest.mark.parametrize(
    "text, key",
    [
        ('fail-level = "fatal"\n', "fail-level"),
        ('format = "xml"\n', "format"),
        ('select = "VPC1"\n', "select"),
        ("ignore = [1]\n", "ignore"),
        ('region = "Europe"\n', "region"),
        ("cfn-params = { Env = { a = 1 } }\n", "cfn-params"),
    ],
)
def test_invalid_values_name_file_and_key(repo, text, key):
    write(repo / ".vpclint.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(repo, None)
    assert ".vpclint.toml" in str(info.value)
    assert key in str(info.value)


def test_toml_syntax_error_names_file_and_line(repo):
    write(repo / ".vpclint.toml", 'select = ["VPC1"]\n\nignore = [VPC2\n')
    with pytest.raises(ConfigError) as info:
        load_config(repo, None)
    assert ".vpclint.toml" in str(info.value)
    assert ":3:" in str(info.value)


def test_broken_pyproject_met_on_the_walk_is_an_error(repo):
    write(repo / "infra" / "pyproject.toml", "[tool\n")
    with pytest.raises(ConfigError) as info:
        load_config(repo / "infra", None)
    assert "pyproject.toml" in str(info.value)


def test_explicit_config_replaces_discovery(repo, tmp_path):
    write(repo / ".vpclint.toml", 'select = ["VPC1"]\nregion = "eu-west-1"\n')
    explicit = write(tmp_path / "ci.toml", 'select = ["VPC3"]\n')
    config = load_config(repo, explicit)
    assert config.select == ["VPC3"]
    assert config.region is None
    assert config.source == explicit


def test_explicit_pyproject_uses_its_table(tmp_path):
    explicit = write(tmp_path / "pyproject.toml", '[tool.vpclint]\nignore = ["VPC3"]\n')
    assert load_config(tmp_path, explicit).ignore == ["VPC3"]


def test_explicit_pyproject_without_table_is_an_error(tmp_path):
    explicit = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, explicit)
    assert "pyproject.toml" in str(info.value)


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value)


def test_cli_values_override_only_when_given(repo):
    text = 'select = ["VPC1"]\nignore = ["VPC102"]\nfail-level = "warning"\n'
    write(repo / ".vpclint.toml", text)
    found = load_config(repo, None)
    config = merge_cli(
        found, select=["VPC3"], ignore=None, fail_level=None, format="json", exclude=()
    )
    assert config.select == ["VPC3"]
    assert config.ignore == ["VPC102"]
    assert config.fail_level == "warning"
    assert config.format == "json"
    assert config.source == repo / ".vpclint.toml"


def test_cli_vars_merge_key_by_key():
    config = Config(vars={"env": "dev", "azs": 2}, cfn_params={"Env": "dev"})
    merged = merge_cli(config, vars={"env": "prod"}, cfn_params={"Tier": "web"})
    assert merged.vars == {"env": "prod", "azs": 2}
    assert merged.cfn_params == {"Env": "dev", "Tier": "web"}


def test_cli_paths_become_paths():
    merged = merge_cli(Config(), baseline="b.json", var_files=["a.tfvars"])
    assert merged.baseline == Path("b.json")
    assert merged.var_files == [Path("a.tfvars")]


def test_cli_bad_fail_level_is_a_config_error():
    with pytest.raises(ConfigError):
        merge_cli(Config(), fail_level="fatal")


def test_cli_unknown_setting_is_a_programming_error():
    with pytest.raises(TypeError):
        merge_cli(Config(), colour=True)


def test_shipped_schema_matches_the_code():
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == SCHEMA


def test_schema_keys_are_config_fields():
    # allow_read is command line only: a config file is as untrusted as the files beside it
    fields = set(Config.__struct_fields__) - {"source", "allow_read"}
    assert {key.replace("-", "_") for key in SCHEMA["properties"]} == fields


def test_config_file_cannot_widen_what_vpclint_reads(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".vpclint.toml").write_text('allow-read = ["/"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'allow-read'"):
        load_config(tmp_path)
