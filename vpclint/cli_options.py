"""What the commands share: the help layout, the options `check` and `flows` both take (which
files, which config, the values to evaluate Terraform and CloudFormation with), and the checks
that turn a mistyped path or file into a one-line usage error. Declared once so the commands
cannot drift."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, List, Optional

import typer
from typer.core import TyperCommand

from vpclint.config import SCHEMA, Config, load_config, merge_cli
from vpclint.errors import VpclintError
from vpclint.files import DEFAULT_MAX_MB
from vpclint.paths import display_path
from vpclint.reporters import FORMATS


class Command(TyperCommand):
    """A command whose help names every value the way a person reads it.

    Typer describes parameters by their Python types (``PATH <list[Path]>``, ``--select
    <list[str]>``, ``{PATH}...``); this layout uses each parameter's metavar instead
    (``PATH...``, ``--select RULES``), as click, ruff and cfn-lint do, and lists the arguments
    before the options.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if getattr(param, "hidden", False):
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), param.help or ""))
            else:
                options.append(_option_record(param))
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _argument_name(param: Any) -> str:
    name = param.metavar or param.name.upper()
    return f"{name}..." if param.nargs != 1 else name


def _option_record(param: Any) -> tuple[str, str]:
    """``-f, --format FORMAT`` and its help, with the default when it says something."""
    def names(opts: list[str]) -> str:
        return ", ".join(sorted(opts, key=lambda opt: (opt.startswith("--"), opt)))

    label = names(param.opts)
    if param.secondary_opts:
        label += " / " + names(param.secondary_opts)
    if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
        label += f" {param.metavar or param.name.upper()}"
    help_text = param.help or ""
    default = param.default
    if (getattr(param, "show_default", False) and isinstance(default, str) and default
            and not getattr(param, "is_flag", False)):
        help_text += f"  [default: {default}]"
    return label, help_text


# --- the options check and flows share -----------------------------------------------------


def paths_argument(help_text: str) -> Any:
    return typer.Argument(..., metavar="PATH", show_default=False, help=help_text)


EXCLUDE = typer.Option(None, "--exclude", metavar="GLOB",
                       help="Skip files and directories whose path or name matches GLOB "
                       "(repeatable), e.g. 'examples/*'.")
CONFIG = typer.Option(None, "--config", metavar="FILE", help="Read the configuration from "
                      "FILE (default: .vpclint.toml or [tool.vpclint] in pyproject.toml, found "
                      "by walking up from the first PATH).")
VAR = typer.Option(None, "--var", metavar="NAME=VALUE", help="Terraform root variable value "
                   "(repeatable), as `terraform plan -var`; JSON values (lists, maps) are "
                   "accepted.")
VAR_FILE = typer.Option(None, "--var-file", metavar="FILE", help="Terraform .tfvars file for "
                        "the root modules (repeatable), after terraform.tfvars and "
                        "*.auto.tfvars, as `terraform plan -var-file`. A missing FILE is an "
                        "error.")
REGION = typer.Option(None, "--region", metavar="REGION", help="AWS region the templates "
                      "deploy to, e.g. eu-west-1 (CloudFormation AWS::Region, AWS::Partition). "
                      "Default: unknown, and what depends on it is not judged.")
CFN_PARAM = typer.Option(None, "--cfn-param", metavar="KEY=VALUE", help="CloudFormation "
                         "parameter value (repeatable); wins over --parameter-file and the "
                         "template's Default.")
PARAMETER_FILE = typer.Option(None, "--parameter-file", metavar="FILE", help="CloudFormation "
                              "parameter file (repeatable, later files win): the JSON list of "
                              "ParameterKey/ParameterValue objects that 'aws cloudformation "
                              "create-stack --parameters' reads, a plain object of keys and "
                              "values, or a CodePipeline template configuration. A missing FILE "
                              "is an error.")
ALLOW_READ = typer.Option(None, "--allow-read", metavar="DIR", help="Also read files under DIR "
                          "that the scanned files point to: module sources, nested stack "
                          "templates, terraform.tfvars (repeatable). By default vpclint reads "
                          "nothing outside the PATHs, so a template cannot make it read, and "
                          "print, other files on the machine.")
MAX_FILE_SIZE = typer.Option(None, "--max-file-size", metavar="MB", help="Largest file to "
                             f"read, in MB (default {DEFAULT_MAX_MB}); a larger Terraform or "
                             "CloudFormation file is reported as VPC001, not read.")
ALLOW_EMPTY = typer.Option(False, "--allow-empty", help="Accept PATHs that hold no Terraform or "
                           "CloudFormation at all (e.g. pre-commit passing only other YAML) "
                           "and exit 0. Without it that is an error (exit 2), so a mistyped "
                           "path cannot pass CI.")


def settings(paths: List[Path], config_file: Optional[Path], exclude: Optional[List[str]],
             var: Optional[List[str]], var_file: Optional[List[Path]], region: Optional[str],
             cfn_param: Optional[List[str]], parameter_file: Optional[List[Path]],
             **more: Any) -> Config:
    """The effective config: command-line values over the config file over the defaults.

    Files to read values from must exist, whether named on the command line or in the config
    file: a missing one would otherwise be skipped and the scan judged without its values.
    """
    for option, files in (("--var-file", var_file), ("--parameter-file", parameter_file)):
        for file in files or []:
            _must_be_file(file, f"{option} {file}")
    start = Path(os.path.realpath(paths[0]))
    config = load_config(start if start.is_dir() else start.parent, config_file)
    for key, files in (("var-files", config.var_files), ("parameter-files",
                                                         config.parameter_files)):
        for file in files:
            _must_be_file(file, f"{display_path(config.source)}: {key} entry "
                                f"{display_path(file)!r}")
    size = more.get("max_file_size")
    if size is not None and not 0 < size <= 1024:
        raise VpclintError(f"--max-file-size {size:g}: give a size in MB above 0, at most 1024")
    for directory in more.get("allow_read") or []:
        if not Path(directory).is_dir():
            raise VpclintError(f"--allow-read {directory}: no such directory")
    return merge_cli(config, exclude=list(exclude) if exclude else None,
                     region=_region(region), cfn_params=_pairs(cfn_param, "--cfn-param"),
                     parameter_files=parameter_file, vars=_pairs(var, "--var"),
                     var_files=var_file, **more)


def _must_be_file(path: Path, what: str) -> None:
    if Path(path).is_dir():
        raise VpclintError(f"{what}: is a directory, not a file")
    if not Path(path).is_file():
        raise VpclintError(f"{what}: no such file")


def _pairs(values: Optional[List[str]], option: str) -> dict[str, str]:
    """``--cfn-param K=V`` / ``--var K=V`` options as a mapping (the value may hold ``=``)."""
    pairs = {}
    for item in values or []:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise VpclintError(f"{option} {item!r}: expected KEY=VALUE")
        pairs[key.strip()] = value
    return pairs


def _region(region: Optional[str]) -> Optional[str]:
    if region is not None and not re.fullmatch(SCHEMA["properties"]["region"]["pattern"], region):
        raise VpclintError(f"--region {region!r}: not an AWS region name (like us-east-1)")
    return region


def require_files(files_scanned: int, paths: List[Path], config: Config,
                  allow_empty: bool) -> None:
    """A usage error when the scan read no Terraform or CloudFormation file at all.

    "No findings in 0 files" with exit 0 would let a mistyped path pass CI; ``--allow-empty``
    is for callers that may legitimately pass no template (pre-commit on unrelated files).
    """
    if files_scanned or allow_empty:
        return
    shown = ", ".join(str(p) for p in paths[:3])
    if len(paths) > 3:
        shown += f" and {len(paths) - 3} more"
    excluded = " (after --exclude)" if config.exclude else ""
    raise VpclintError(f"no Terraform or CloudFormation found in {shown}{excluded}: check the "
                       "path, or pass --allow-empty if an empty scan is expected")


# --- where the report goes -----------------------------------------------------------------


def use_color(stream: Any, no_color: bool = False) -> bool:
    """Colour only on a terminal, and never with ``--no-color`` or a non-empty ``NO_COLOR``."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not no_color and not os.environ.get("NO_COLOR")


def check_output(path: Path, option: str = "--output") -> None:
    """Fail before scanning when ``--output`` (or ``--report``) cannot be a file: better now than
    after a scan.

    Missing parent directories are fine (they are created on writing); a directory, a parent
    that is a file, or a directory that cannot be written to is a usage error.
    """
    if path.is_dir():
        raise VpclintError(f"{option} {path}: is a directory, not a file")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise VpclintError(f"{option} {path}: {parent} is not a directory")
    target = path if path.exists() else parent
    if not os.access(target, os.W_OK):
        raise VpclintError(f"{option} {path}: permission denied")


def write_output(path: Path, text: str, option: str = "--output") -> None:
    """Write the report to ``path``, creating its missing parent directories."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        if path.is_dir():
            raise VpclintError(f"{option} {path}: is a directory, not a file") from None
        raise VpclintError(f"{option} {path}: cannot write: {error.strerror or error}") from None


REPORT = typer.Option(None, "--report", metavar="FORMAT:FILE", help="Also write the report in "
                      "FORMAT to FILE, from the same scan (repeatable), e.g. --report "
                      "sarif:vpclint.sarif --report markdown:summary.md beside the text on the "
                      "terminal. Missing parent directories are created.")


def parse_reports(values: Optional[List[str]], output: Optional[Path]) -> list[tuple[str, Path]]:
    """``--report FORMAT:FILE`` options as (format, file) pairs, each checked before the scan.

    The format comes before the first colon (no format name holds one), so a Windows path
    (``sarif:C:\\ci\\out.sarif``) keeps its own. Two reports, or a report and ``--output``, naming
    one file would overwrite each other: that is a usage error, not a silent loss.
    """
    reports: list[tuple[str, Path]] = []
    writers: dict[str, str] = {}
    if output is not None:
        writers[os.path.abspath(output)] = f"--output {output}"
    for value in values or []:
        fmt, colon, file = value.partition(":")
        option = f"--report {value}"
        if not colon or not fmt or not file:
            raise VpclintError(f"{option}: expected FORMAT:FILE, e.g. sarif:vpclint.sarif")
        if fmt not in FORMATS:
            raise VpclintError(f"{option}: unknown format {fmt!r}: choose one of "
                               f"{', '.join(FORMATS)}")
        path = Path(file)
        key = os.path.abspath(path)
        if key in writers:
            raise VpclintError(f"{option}: {file} is also written by {writers[key]}")
        check_output(path, "--report")
        writers[key] = option
        reports.append((fmt, path))
    return reports
