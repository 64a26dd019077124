"""Terraform data sources whose result follows from their arguments, evaluated statically.

Most data sources read the live account and are UNKNOWN. A few are pure functions of their
arguments and the provider's region, and real modules lean on them to build service names and
policies: ``aws_region``, ``aws_partition``, ``aws_iam_policy_document``,
``aws_vpc_endpoint_service`` (given ``service`` or ``service_name``) and the prefix-list lookups
by AWS service name.
"""

from __future__ import annotations

import json
from typing import Any

from vpclint.values import (DEPLOYMENT_PARTITION, DEPLOYMENT_REGION, PartialJson, Unknown,
                            contains_unknown)


def partition_of(region: Any) -> Any:
    if not isinstance(region, str) or region == DEPLOYMENT_REGION:
        return DEPLOYMENT_PARTITION  # the provider's own partition, whatever it is
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def data_source(kind: str, args: dict, region: Any) -> dict | Unknown:
    """The attributes of ``data.<kind>.<name>``, or UNKNOWN when they come from the account."""
    handler = _HANDLERS.get(kind)
    if handler is None:
        return Unknown("data source (read from the account at plan time)", f"data.{kind}")
    return handler(args, region)


def _region(args: dict, region: Any) -> dict:
    name = args.get("name") or args.get("region") or region
    if not isinstance(name, str):
        name = DEPLOYMENT_REGION  # the provider's own region, whatever it is
    return {"name": name, "id": name, "region": name,
            "endpoint": f"ec2.{name}.amazonaws.com", "description": Unknown("region description")}


def _partition(args: dict, region: Any) -> dict:
    partition = partition_of(region)
    suffix = ("amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com") if (
        partition != DEPLOYMENT_PARTITION) else Unknown("partition not known")
    return {"partition": partition, "id": partition, "dns_suffix": suffix,
            "reverse_dns_prefix": Unknown("reverse DNS prefix")}


def _endpoint_service(args: dict, region: Any) -> dict:
    service, name = args.get("service"), args.get("service_name")
    result: dict[str, Any] = {"service_type": args.get("service_type") or Unknown(
        "endpoint service type (read from the account)", "service_type")}
    if isinstance(name, str):
        result["service_name"] = name
    elif isinstance(service, str):
        region = region if isinstance(region, str) else DEPLOYMENT_REGION
        prefix = "cn.com.amazonaws" if region.startswith("cn-") else "com.amazonaws"
        result["service_name"] = f"{prefix}.{region}.{service}"
        if service in ("s3", "dynamodb") and "service_type" not in args:
            result["service_type"] = Unknown("s3/dynamodb have both endpoint types", service)
    else:
        result["service_name"] = Unknown("endpoint service name", "data.aws_vpc_endpoint_service")
    result["id"] = Unknown("endpoint service id")
    return result


def _prefix_list(args: dict, region: Any) -> dict:
    name = args.get("name")
    return {"name": name if isinstance(name, str) else Unknown("prefix list name"),
            "id": Unknown("prefix list id (read from the account)", "prefix_list"),
            "cidr_blocks": Unknown("prefix list CIDRs")}


def _policy_document(args: dict, region: Any) -> dict:
    """The policy JSON of ``aws_iam_policy_document``. Statements, principals or conditions
    that are not known blocks (a ``dynamic`` block over an unknown collection, a type written
    as a list) make the whole document UNKNOWN: it may hold more than vpclint can see."""
    blocks = args.get("statement") or []
    if not isinstance(blocks, list):
        return _unknown_policy()
    statements = []
    for block in blocks:
        statement = _statement(block) if isinstance(block, dict) else None
        if statement is None:
            return _unknown_policy()
        statements.append(statement)
    document = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    if args.get("source_policy_documents") or args.get("override_policy_documents"):
        return _unknown_policy()
    try:
        if contains_unknown(document):
            raise TypeError
        text = json.dumps(document)
    except TypeError:  # UNKNOWN values or ARNs known only after apply inside: keep what is known
        partial = PartialJson("policy document with unknown parts", "aws_iam_policy_document",
                              data=document)
        return {"json": partial, "minified_json": partial, "id": Unknown("policy document id")}
    return {"json": text, "minified_json": text, "id": Unknown("policy document id")}


def _statement(block: dict) -> dict | None:
    """One ``statement`` block as IAM JSON, None when its shape is not known."""
    statement: dict[str, Any] = {}
    for key, field in (("sid", "Sid"), ("effect", "Effect"), ("actions", "Action"),
                       ("not_actions", "NotAction"), ("resources", "Resource"),
                       ("not_resources", "NotResource")):
        if block.get(key) is not None:
            statement[field] = block[key]
    statement.setdefault("Effect", "Allow")
    for key, field in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        entries = block.get(key)
        if not entries:
            continue
        if not isinstance(entries, list) or not all(
                isinstance(p, dict) and isinstance(p.get("type"), str) for p in entries):
            return None
        statement[field] = {p["type"]: p.get("identifiers") for p in entries}
    conditions = block.get("condition") or []
    if not isinstance(conditions, list):
        return None
    for condition in conditions:
        if not isinstance(condition, dict) or not isinstance(condition.get("test"), str) \
                or not isinstance(condition.get("variable"), str):
            return None
        statement.setdefault("Condition", {}).setdefault(
            condition["test"], {})[condition["variable"]] = condition.get("values")
    return statement


def _unknown_policy() -> dict:
    unknown = Unknown("policy document with unknown parts", "aws_iam_policy_document")
    return {"json": unknown, "minified_json": unknown, "id": unknown}


_HANDLERS = {
    "aws_region": _region,
    "aws_partition": _partition,
    "aws_vpc_endpoint_service": _endpoint_service,
    "aws_ec2_managed_prefix_list": _prefix_list,
    "aws_prefix_list": _prefix_list,
    "aws_iam_policy_document": _policy_document,
}
