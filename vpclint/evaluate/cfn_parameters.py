"""CloudFormation parameter values: given values, defaults, parameter types, pseudo parameters.

A parameter's value is the one given (``--cfn-param K=V`` over ``--parameter-file`` files, the
later file winning, as the CLI reads them), else its ``Default``, else UNKNOWN: CloudFormation
would ask for it at deploy time. Values are kept as the strings CloudFormation hands to
``Ref`` (a ``Number`` parameter is a string there too); list types (``CommaDelimitedList``,
``List<...>``) are split on commas and each item space-trimmed, as CloudFormation does.
``AWS::SSM::Parameter::Value<...>`` parameters are UNKNOWN whatever is given: the given value
is the name of an SSM parameter, whose content is read at deploy time.

Parameter files come in the forms that tools write (see ``read_parameter_file``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vpclint.errors import ConfigError
from vpclint.evaluate.cfn_intrinsics import physical_ids, split_ids, text
from vpclint.values import DEPLOYMENT_PARTITION, DEPLOYMENT_REGION, Ref, Unknown

# Regions outside the "aws" partition, by prefix: (partition, URL suffix).
_PARTITIONS = (
    ("cn-", "aws-cn", "amazonaws.com.cn"),
    ("us-gov-", "aws-us-gov", "amazonaws.com"),
    ("us-isob-", "aws-iso-b", "sc2s.sgov.gov"),
    ("us-iso-", "aws-iso", "c2s.ic.gov"),
)
_UNKNOWN_PSEUDO = ("AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs")


def pseudo_parameters(region: str | None) -> dict[str, Any]:
    """Pseudo parameters: the region's from ``--region``; account and stack UNKNOWN.

    Without a region, ``AWS::Region`` is ``DEPLOYMENT_REGION``: unknown, but the same region as
    every resource of the scan, so ``com.amazonaws.${AWS::Region}.s3`` still names S3 (the
    intrinsic functions treat it as UNKNOWN wherever its actual value would matter).
    """
    values: dict[str, Any] = {name: Unknown(f"{name} is known only at deploy time", name)
                              for name in _UNKNOWN_PSEUDO}
    if region is None:
        values["AWS::Region"] = DEPLOYMENT_REGION
        values["AWS::Partition"] = DEPLOYMENT_PARTITION
        values["AWS::URLSuffix"] = Unknown("AWS::URLSuffix: no region given (--region)",
                                           "AWS::URLSuffix")
        return values
    partition, suffix = "aws", "amazonaws.com"
    for prefix, known_partition, known_suffix in _PARTITIONS:
        if region.startswith(prefix):
            partition, suffix = known_partition, known_suffix
            break
    values.update({"AWS::Region": region, "AWS::Partition": partition, "AWS::URLSuffix": suffix})
    return values


def given_parameters(files: list[Path], pairs: dict[str, Any]) -> dict[str, Any]:
    """Parameter values given for the scan: files in order, then ``K=V`` pairs over them."""
    given: dict[str, Any] = {}
    for path in files:
        given.update(read_parameter_file(Path(path)))
    given.update(pairs)
    return given


def read_parameter_file(path: Path) -> dict[str, Any]:
    """Parameter values of a JSON parameter file, in any of the forms tools use.

    * the CLI's ``create-stack --parameters file://`` list:
      ``[{"ParameterKey": "Vpc", "ParameterValue": "vpc-1"}]`` (an entry with
      ``UsePreviousValue: true`` keeps the deployed value: UNKNOWN);
    * ``aws cloudformation deploy --parameter-overrides`` strings: ``["Vpc=vpc-1"]``;
    * a plain object: ``{"Vpc": "vpc-1"}``;
    * CodePipeline's template configuration: ``{"Parameters": {"Vpc": "vpc-1"}, "Tags": ...}``
      (recognized by ``Parameters`` holding an object: a parameter's value is never one).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read parameter file: {error.strerror or error}") from None
    except ValueError as error:
        raise ConfigError(f"{path}: parameter file is not valid JSON: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        data = data["Parameters"]
    if isinstance(data, dict):
        return dict(data)
    if isinstance(data, list):
        return dict(_entry(path, entry) for entry in data)
    raise ConfigError(f"{path}: a parameter file must be a JSON list or object")


def _entry(path: Path, entry: Any) -> tuple[str, Any]:
    if isinstance(entry, str) and "=" in entry:
        key, _, value = entry.partition("=")
        return key, value
    if isinstance(entry, dict) and isinstance(entry.get("ParameterKey"), str):
        if entry.get("UsePreviousValue") is True:
            return entry["ParameterKey"], Unknown("UsePreviousValue: the deployed value",
                                                  entry["ParameterKey"])
        if "ParameterValue" in entry:
            return entry["ParameterKey"], entry["ParameterValue"]
    raise ConfigError(f"{path}: parameter entry {json.dumps(entry)[:80]} has neither "
                      "ParameterKey/ParameterValue nor the form Key=Value")


def parameter_values(declared: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The value of each parameter ``declared`` in a template's ``Parameters`` section."""
    if not isinstance(declared, dict):
        return {}
    values = {}
    for name, spec in declared.items():
        spec = spec if isinstance(spec, dict) else {}
        kind = spec.get("Type") if isinstance(spec.get("Type"), str) else "String"
        if name in given:
            value = given[name]
        elif "Default" in spec:
            value = spec["Default"]
        else:
            value = Unknown(f"parameter {name} has no default and no value was given", name)
        values[name] = typed(value, kind, name)
    return values


def typed(value: Any, kind: str, name: str) -> Any:
    """``value`` as ``Ref`` of a parameter of type ``kind`` returns it.

    A ``Ref`` (a resource of a parent stack, passed to a nested stack) stays a reference, as a
    one-item list for a list type: a physical ID holds no comma, so IDs the parent joined with
    commas (``!Join [",", [!Ref A, !Ref B]]``) are as many items.
    """
    if kind.startswith("AWS::SSM::Parameter::Value<"):
        return Unknown(f"parameter {name} is read from SSM Parameter Store at deploy time", name)
    if not _is_list(kind):
        if isinstance(value, list):  # given as a list: CloudFormation receives it comma-joined
            value = _joined(value, name)
        return _scalar(value, name)
    if isinstance(value, Ref):
        return [value]
    if physical_ids(value):  # the IDs a parent stack joined into one string
        return split_ids(value, ",", trim=True)
    if not isinstance(value, list):
        value = _scalar(value, name)
        if not isinstance(value, str):
            return value
        value = value.split(",")
    items = [_scalar(item, name) for item in value]
    return [item.strip() if isinstance(item, str) else item for item in items]


def _is_list(kind: str) -> bool:
    return kind == "CommaDelimitedList" or kind.startswith("List<")


def _scalar(value: Any, name: str) -> Any:
    if isinstance(value, Ref):
        return value
    found = text(value)
    return found if found is not None else Unknown(f"parameter {name}: not a string value",
                                                   repr(value)[:80])


def _joined(values: list, name: str) -> str | Unknown:
    texts = [text(v) for v in values]
    if all(isinstance(t, str) for t in texts):
        return ",".join(texts)
    return next((t for t in texts if isinstance(t, Unknown)),
                Unknown(f"parameter {name}: not a list of strings", repr(values)[:80]))
