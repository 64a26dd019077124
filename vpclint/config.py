"""The run's configuration: defaults < found config file < ``--config FILE`` < CLI flags.

A config file is a ``.vpclint.toml`` (keys at the top level) or a ``pyproject.toml`` with a
``[tool.vpclint]`` table, found by walking up from the scanned directory. The walk stops at the
repository root (a directory holding ``.git``, which is itself checked) or at the filesystem
root, so a checkout never picks up a stray config from the user's home directory. In one
directory ``.vpclint.toml`` wins over ``pyproject.toml``; a ``pyproject.toml`` without the table
is not a vpclint config and the walk goes on.

TOML keys are kebab-case (``fail-level``, ``var-files``), as in other tools configured from
``pyproject.toml``; the ``Config`` fields are their snake_case twins. The file is validated
against ``SCHEMA`` (JSON Schema, also shipped as ``vpclint/schemas/config.schema.json`` for
editors; regenerate it with ``python -m vpclint.config``) and any unknown key is an error that
names the file and the key: a misspelt ``ignore`` silently doing nothing is worse than a stop.

Paths in a config file (``baseline``, ``var-files``, ``parameter-files``) are relative to the
file's directory, so the same config works whichever directory vpclint is run from; paths from
the CLI are relative to the current directory, as usual for command-line arguments.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from msgspec import Struct, field
from msgspec.structs import replace

from vpclint.errors import ConfigError
from vpclint.files import DEFAULT_MAX_MB, MB
from vpclint.reporters import FORMATS

CONFIG_FILE = ".vpclint.toml"
PYPROJECT = "pyproject.toml"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "config.schema.json"

_STRINGS = {"type": "array", "items": {"type": "string"}}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": (
        "https://raw.githubusercontent.com/vpclint/vpclint/main/vpclint/schemas/config.schema.json"
    ),
    "title": "vpclint configuration",
    "description": "Keys of .vpclint.toml, or of the [tool.vpclint] table in pyproject.toml.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": {
            **_STRINGS,
            "description": "Rules to run: IDs (VPC101), slugs or ID prefixes (VPC3). Default: all.",
        },
        "ignore": {
            **_STRINGS,
            "description": "Rules not to run: IDs, slugs or ID prefixes. The longest match wins.",
        },
        "exclude": {**_STRINGS, "description": "Glob patterns of files and directories to skip."},
        "fail-level": {
            "enum": ["error", "warning", "note", "none"],
            "default": "error",
            "description": "Lowest finding level that makes vpclint exit 1; 'none' never fails.",
        },
        "format": {"enum": list(FORMATS), "description": "Output format."},
        "baseline": {
            "type": "string",
            "description": "Baseline file: findings recorded in it are hidden.",
        },
        "var-files": {**_STRINGS, "description": "Terraform .tfvars files to evaluate with."},
        "vars": {"type": "object", "description": "Terraform variable values, by name."},
        "cfn-params": {
            "type": "object",
            "additionalProperties": {
                "type": ["string", "number", "boolean", "array"],
                "items": {"type": ["string", "number"]},
            },
            "description": "CloudFormation parameter values, by parameter name.",
        },
        "parameter-files": {
            **_STRINGS,
            "description": "CloudFormation parameter files (JSON) to evaluate with.",
        },
        "region": {
            "type": "string",
            "pattern": "^[a-z]{2}(-[a-z]+)+-[0-9]+$",
            "description": "AWS region for service names and AZs when templates do not fix it.",
        },
        "max-file-size": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1024,
            "default": DEFAULT_MAX_MB,
            "description": "Largest file to read, in MB; larger files are reported, not read.",
        },
    },
}

_PATH_KEYS = {"baseline"}
_PATH_LIST_KEYS = {"var_files", "parameter_files", "allow_read"}
_MERGED_DICTS = {"vars", "cfn_params"}


class Config(Struct):
    """Effective settings; every field has the default used when nothing sets it."""

    select: list[str] = field(default_factory=list)  # empty: every rule
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    # "error" by default: warnings (detours, advisory checks) are reported but do not fail CI
    # until a team opts in with fail-level = "warning"; adopting vpclint must not break builds
    # over findings that cost money rather than break connectivity.
    fail_level: str = "error"
    format: str | None = None  # None: the CLI picks (text on a terminal)
    baseline: Path | None = None
    var_files: list[Path] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    cfn_params: dict[str, Any] = field(default_factory=dict)
    parameter_files: list[Path] = field(default_factory=list)
    region: str | None = None
    max_file_size: float = DEFAULT_MAX_MB  # MB
    # Directories vpclint may read beyond the scanned paths (module sources, nested templates).
    # Command line only: a config file is as untrusted as the files it sits with.
    allow_read: list[Path] = field(default_factory=list)
    source: Path | None = None  # the config file these settings came from, if any

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_size * MB)


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """The config from ``explicit`` if given, else the one found walking up from ``start``."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{_display(path)}: config file not found")
        data = _read_toml(path)
        if path.name == PYPROJECT:
            table = _tool_table(data)
            if table is None:
                raise ConfigError(f"{_display(path)}: no [tool.vpclint] table")
            return _build(table, path)
        return _build(data, path)
    found = find_config(Path(start))
    if found is None:
        return Config()
    path, table = found
    return _build(table, path)


def find_config(start: Path) -> tuple[Path, Any] | None:
    """The nearest config file at or above ``start`` and its vpclint table, or ``None``."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    while True:
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            table = _tool_table(_read_toml(pyproject))
            if table is not None:
                return pyproject, table
        if (directory / ".git").exists() or directory.parent == directory:
            return None
        directory = directory.parent


def merge_cli(config: Config, **cli_values: Any) -> Config:
    """``config`` with every CLI value that was given (not None, not empty) taking precedence.

    Lists replace the file's lists; ``vars`` and ``cfn_params`` are merged key by key (CLI wins)
    because, as with ``terraform -var``, setting one variable must not drop the others.
    """
    names = set(Config.__struct_fields__) - {"source"}
    unknown = set(cli_values) - names
    if unknown:
        raise TypeError(f"merge_cli: unknown setting(s) {', '.join(sorted(unknown))}")
    changes: dict[str, Any] = {}
    for name, value in cli_values.items():
        if value is None or (isinstance(value, (list, tuple, dict)) and not value):
            continue  # not given (click reports an absent repeatable option as ())
        if name in _MERGED_DICTS:
            value = {**getattr(config, name), **value}
        elif name in _PATH_KEYS:
            value = Path(value)
        elif name in _PATH_LIST_KEYS:
            value = [Path(v) for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        changes[name] = value
    for name in ("fail_level", "format"):
        allowed = SCHEMA["properties"][name.replace("_", "-")]["enum"]
        if name in changes and changes[name] not in allowed:
            raise ConfigError(
                f"--{name.replace('_', '-')}: {changes[name]!r} is not one of {', '.join(allowed)}"
            )
    return replace(config, **changes)


def write_schema(path: Path = SCHEMA_PATH) -> None:
    """Write ``SCHEMA`` as the JSON file shipped for editors (a test keeps the two in step)."""
    path.write_text(json.dumps(SCHEMA, indent=2) + "\n", encoding="utf-8")


# --- internals ------------------------------------------------------------------------------


def _display(path: Path) -> str:
    """``path`` as the user will recognize it: relative to the current directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _label(path: Path) -> str:
    return f"{_display(path)} [tool.vpclint]" if path.name == PYPROJECT else _display(path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{_display(path)}: cannot read config file: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)", message)
        if where is None:
            raise ConfigError(f"{_display(path)}: invalid TOML: {message}") from exc
        if where.group(1):
            line, column = int(where.group(1)), int(where.group(2))
        else:  # "at end of document": point past the last character
            lines = text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
        message = message[: where.start()] + message[where.end() :]
        raise ConfigError(f"{_display(path)}:{line}:{column}: invalid TOML: {message}") from exc


def _tool_table(data: dict[str, Any]) -> Any:
    tool = data.get("tool")
    return tool.get("vpclint") if isinstance(tool, dict) else None


def _build(table: Any, path: Path) -> Config:
    _validate(table, _label(path))
    base = Path(os.path.realpath(path)).parent
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name in _PATH_KEYS:
            value = base / value
        elif name in _PATH_LIST_KEYS:
            value = [_inside(base / v, base, f"{_label(path)}: {key}") for v in value]
        values[name] = value
    return Config(**values, source=path)


def _inside(path: Path, base: Path, where: str) -> Path:
    """A file a config file names for vpclint to read: only under the config file's own
    directory (after following symlinks), so a config in a pull request cannot make vpclint
    read, and print, files from elsewhere on the machine."""
    real = os.path.realpath(path)
    if real != str(base) and not real.startswith(str(base).rstrip(os.sep) + os.sep):
        raise ConfigError(f"{where}: {_display(path)} is outside the config file's directory; "
                          "vpclint reads no file a config names outside it (give the file on "
                          "the command line instead)")
    return path


def _validate(table: Any, label: str) -> None:
    """Raise ``ConfigError`` listing every schema violation, each naming the file and the key."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(table), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise ConfigError("\n".join(line for e in errors for line in _describe(e, label)))


def _key(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TOML_TYPES = {
    "array": "a list",
    "object": "a table",
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
}


def _describe(error, label: str) -> list[str]:
    allowed = list(SCHEMA["properties"])
    if not error.absolute_path and error.validator == "additionalProperties":
        lines = []
        for key in sorted(set(error.instance) - set(allowed)):
            close = difflib.get_close_matches(key.replace("_", "-"), allowed, n=1)
            hint = f", did you mean {close[0]!r}?" if close else ""
            lines.append(f"{label}: unknown key {key!r}{hint} (allowed: {', '.join(allowed)})")
        return lines
    key = _key(error.absolute_path)
    if not key:
        return [f"{label}: must be a table of settings, not {type(error.instance).__name__}"]
    if error.validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return [f"{label}: key {key!r} must be one of {choices} (got {error.instance!r})"]
    if error.validator == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        names = [_TOML_TYPES.get(t, t) for t in expected]
        expected = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        return [f"{label}: key {key!r} must be {expected} (got {error.instance!r})"]
    return [f"{label}: key {key!r}: {error.message}"]


if __name__ == "__main__":  # pragma: no cover
    write_schema()
    print(f"wrote {SCHEMA_PATH}")
