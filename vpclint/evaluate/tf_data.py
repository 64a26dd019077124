"""Terraform data sources whose result follows from their arguments, evaluated statically.

Most data sources read the live account and are UNKNOWN. A few are pure functions of their
arguments and the provider's region, and real modules lean on them to build service names and
policies: ``aws_region``, ``aws_partition``, ``aws_iam_policy_document``,
``aws_vpc_endpoint_service`` (given ``service`` or ``service_name``), ``aws_iam_policy`` given
the name or ARN of an AWS managed policy, and the prefix-list lookups by AWS service name.
``aws_availability_zones`` reads the account, but what rules need of it is known: its names
(and zone IDs) are distinct, so ``names[0]`` and ``names[1]`` are two AZs.

``region`` is the region the data source reads: its own ``region`` argument (AWS provider 6) or
its provider's, ``DEPLOYMENT_REGION`` when the provider's is not known (it is still the region of
the resources around it), or UNKNOWN for a ``region`` argument whose value is not known.
"""

from __future__ import annotations

import json
from typing import Any

from vpclint.values import (DEPLOYMENT_PARTITION, DEPLOYMENT_REGION, DistinctList, PartialJson,
                            Unknown, contains_unknown)


# partition -> (dns_suffix, reverse_dns_prefix), as the AWS provider's partition data has them
_PARTITIONS = {
    "aws": ("amazonaws.com", "com.amazonaws"),
    "aws-cn": ("amazonaws.com.cn", "cn.com.amazonaws"),
    "aws-us-gov": ("amazonaws.com", "com.amazonaws"),
    "aws-iso": ("c2s.ic.gov", "gov.ic.c2s"),
    "aws-iso-b": ("sc2s.sgov.gov", "gov.sgov.sc2s"),
    "aws-iso-e": ("cloud.adc-e.uk", "uk.adc-e.cloud"),
    "aws-iso-f": ("csp.hci.ic.gov", "gov.ic.hci.csp"),
    "aws-eusc": ("amazonaws.eu", "eu.amazonaws"),
}
# region name prefix -> partition, longest first; any other region is in "aws"
_REGION_PARTITIONS = (("us-isob-", "aws-iso-b"), ("us-isof-", "aws-iso-f"),
                      ("eu-isoe-", "aws-iso-e"), ("us-iso-", "aws-iso"), ("us-gov-", "aws-us-gov"),
                      ("eusc-", "aws-eusc"), ("cn-", "aws-cn"))
# what ``aws_region`` answers for ``description`` (the provider's endpoint data)
_DESCRIPTIONS = {
    "af-south-1": "Africa (Cape Town)", "ap-east-1": "Asia Pacific (Hong Kong)",
    "ap-northeast-1": "Asia Pacific (Tokyo)", "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)", "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-south-2": "Asia Pacific (Hyderabad)", "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)", "ap-southeast-3": "Asia Pacific (Jakarta)",
    "ap-southeast-4": "Asia Pacific (Melbourne)", "ap-southeast-5": "Asia Pacific (Malaysia)",
    "ap-southeast-7": "Asia Pacific (Thailand)", "ca-central-1": "Canada (Central)",
    "ca-west-1": "Canada West (Calgary)", "eu-central-1": "Europe (Frankfurt)",
    "eu-central-2": "Europe (Zurich)", "eu-north-1": "Europe (Stockholm)",
    "eu-south-1": "Europe (Milan)", "eu-south-2": "Europe (Spain)",
    "eu-west-1": "Europe (Ireland)", "eu-west-2": "Europe (London)",
    "eu-west-3": "Europe (Paris)", "il-central-1": "Israel (Tel Aviv)",
    "me-central-1": "Middle East (UAE)", "me-south-1": "Middle East (Bahrain)",
    "mx-central-1": "Mexico (Central)", "sa-east-1": "South America (Sao Paulo)",
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
    "us-gov-east-1": "AWS GovCloud (US-East)", "us-gov-west-1": "AWS GovCloud (US-West)",
    "cn-north-1": "China (Beijing)", "cn-northwest-1": "China (Ningxia)",
}
# AWS managed policies that live under a path other than "/", by name
_MANAGED_POLICY_PATHS = {
    "AmazonECSTaskExecutionRolePolicy": "/service-role/",
    "AmazonEC2ContainerServiceforEC2Role": "/service-role/",
    "AmazonEC2ContainerServiceRole": "/service-role/",
    "AWSLambdaBasicExecutionRole": "/service-role/",
    "AWSLambdaVPCAccessExecutionRole": "/service-role/",
    "AWSLambdaENIManagementAccess": "/service-role/",
    "AWSLambdaSQSQueueExecutionRole": "/service-role/",
    "AWSLambdaKinesisExecutionRole": "/service-role/",
    "AWSLambdaDynamoDBExecutionRole": "/service-role/",
    "AmazonSSMAutomationRole": "/service-role/",
    "AmazonEC2RoleforSSM": "/service-role/",
}


def partition_of(region: Any) -> Any:
    """The partition of a region; a region not known is in the provider's own partition (a
    provider configuration cannot reach across partitions)."""
    if not isinstance(region, str) or region == DEPLOYMENT_REGION:
        return DEPLOYMENT_PARTITION  # the provider's own partition, whatever it is
    return next((partition for prefix, partition in _REGION_PARTITIONS
                 if region.startswith(prefix)), "aws")


def data_source(kind: str, args: dict, region: Any, address: str = "") -> dict | Unknown:
    """The attributes of ``data.<kind>.<name>``, or UNKNOWN when they come from the account.
    ``address`` names the data source block where the values it gives must be told apart
    from another block's (the AZ lists of two ``aws_availability_zones``)."""
    if kind == "aws_availability_zones":
        return _availability_zones(args, address)
    handler = _HANDLERS.get(kind)
    if handler is None:
        return Unknown("data source (read from the account at plan time)", f"data.{kind}")
    return handler(args, region)


def _availability_zones(args: dict, address: str) -> dict:
    """Names and zone IDs are lists of distinct AZs in one order (the provider sorts the AZs by
    name): one block (so one provider configuration) with the same arguments gives the same
    lists, so an element is identified by the block, its arguments and its index."""
    unknown = Unknown("data source (read from the account at plan time)",
                      "data.aws_availability_zones")
    result: dict[str, Any] = {"id": unknown, "group_names": unknown}
    if not address or contains_unknown(args):
        return {**result, "names": unknown, "zone_ids": unknown}
    source = f"{address}|{json.dumps(args, sort_keys=True, default=repr)}"
    for attribute in ("names", "zone_ids"):
        result[attribute] = DistinctList("AZs read from the account at plan time",
                                         f"{address.rsplit(':', 1)[-1]}.{attribute}",
                                         source=f"{source}|{attribute}")
    return result


def _region(args: dict, region: Any) -> dict:
    """The region selected by ``name`` (or ``region``, ``id``), else the one read in. The
    deployment's own region has placeholder-known names; its endpoint is written in the
    commercial partition's suffix, as endpoint service names are (``com.amazonaws.<region>``)."""
    name = next((args[key] for key in ("region", "name", "id") if args.get(key) is not None),
                region)
    if not isinstance(name, str):
        unknown = Unknown("region not known", "data.aws_region")
        return dict.fromkeys(("name", "id", "region", "endpoint", "description"), unknown)
    partition = partition_of(name)
    suffix = _PARTITIONS.get(partition, _PARTITIONS["aws"])[0]
    return {"name": name, "id": name, "region": name, "endpoint": f"ec2.{name}.{suffix}",
            "description": _DESCRIPTIONS.get(name) or Unknown("region description", name)}


def _partition(args: dict, region: Any) -> dict:
    """The partition of the region read in; the deployment's own partition has a placeholder
    name, and DNS names that are not known (they differ from one partition to another)."""
    partition = partition_of(region)
    names = _PARTITIONS.get(partition)
    if names is None:
        unknown = Unknown("partition not known: no region given", "data.aws_partition")
        return {"partition": partition, "id": partition, "dns_suffix": unknown,
                "reverse_dns_prefix": unknown}
    return {"partition": partition, "id": partition, "dns_suffix": names[0],
            "reverse_dns_prefix": names[1]}


def _iam_policy(args: dict, region: Any) -> dict:
    """An IAM policy looked up by a literal ``arn`` or ``name``: a name is an AWS managed
    policy's (``arn:<partition>:iam::aws:policy/<path><name>``), which is what a role's policy
    attachment names. Its document is read from the account."""
    arn, name = args.get("arn"), args.get("name")
    result: dict[str, Any] = {key: Unknown("IAM policy (read from the account)", key) for key in
                              ("arn", "name", "path", "policy", "policy_id", "description")}
    if isinstance(arn, str) and ":policy/" in arn:
        path, _, policy_name = arn.split(":policy", 1)[1].rpartition("/")
        result.update(arn=arn, name=policy_name, path=path + "/")
    elif isinstance(name, str) and name and arn is None:
        prefix = args.get("path_prefix")
        path = prefix if isinstance(prefix, str) and prefix.endswith("/") else \
            _MANAGED_POLICY_PATHS.get(name, "/")
        result.update(arn=f"arn:{partition_of(region)}:iam::aws:policy{path}{name}", name=name,
                      path=path)
    result["id"] = result["arn"]
    return result


def _endpoint_service(args: dict, region: Any) -> dict:
    service, name = args.get("service"), args.get("service_name")
    result: dict[str, Any] = {"service_type": args.get("service_type") or Unknown(
        "endpoint service type (read from the account)", "service_type")}
    if isinstance(name, str):
        result["service_name"] = name
    elif isinstance(service, str) and isinstance(region, str):
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
    "aws_iam_policy": _iam_policy,
}
