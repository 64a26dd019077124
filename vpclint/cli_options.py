"""Options that `check` and `flows` share: which files, which config, and the values to
evaluate Terraform and CloudFormation with. Declared once so the two commands cannot drift."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, List, Optional

import typer

from vpclint.config import SCHEMA, Config, load_config, merge_cli
from vpclint.errors import VpclintError

EXCLUDE = typer.Option(None, "--exclude",
                       help="Glob of paths to skip (repeatable), e.g. 'examples/*'.")
CONFIG = typer.Option(None, "--config", help="Config file (default: .vpclint.toml or "
                      "[tool.vpclint] in pyproject.toml, found by walking up from the first path).")
VAR = typer.Option(None, "--var", metavar="NAME=VALUE", help="Terraform root variable value "
                   "(repeatable), as `terraform plan -var`; JSON values (lists, maps) are "
                   "accepted.")
VAR_FILE = typer.Option(None, "--var-file", help="Terraform .tfvars file for the root modules "
                        "(repeatable), after terraform.tfvars and *.auto.tfvars, as "
                        "`terraform plan -var-file`.")
REGION = typer.Option(None, "--region", help="AWS region the templates deploy to "
                      "(CloudFormation AWS::Region, AWS::Partition). Default: unknown, and what "
                      "depends on it is not judged.")
CFN_PARAM = typer.Option(None, "--cfn-param", metavar="KEY=VALUE", help="CloudFormation "
                         "parameter value (repeatable); wins over --parameter-file and the "
                         "template's Default.")
PARAMETER_FILE = typer.Option(None, "--parameter-file", help="CloudFormation parameter file "
                              "(repeatable, later files win): JSON as for 'aws cloudformation "
                              "create-stack --parameters' ([{ParameterKey, ParameterValue}]), a "
                              "{Key: Value} object, or CodePipeline's {Parameters: {...}}.")


def settings(paths: List[Path], config_file: Optional[Path], exclude: Optional[List[str]],
             var: Optional[List[str]], var_file: Optional[List[Path]], region: Optional[str],
             cfn_param: Optional[List[str]], parameter_file: Optional[List[Path]],
             **more: Any) -> Config:
    """The effective config: command-line values over the config file over the defaults."""
    start = paths[0] if paths[0].is_dir() else paths[0].parent
    config = load_config(start.resolve(), config_file)
    return merge_cli(config, exclude=list(exclude) if exclude else None,
                     region=_region(region), cfn_params=_pairs(cfn_param, "--cfn-param"),
                     parameter_files=parameter_file, vars=_pairs(var, "--var"),
                     var_files=var_file, **more)


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
