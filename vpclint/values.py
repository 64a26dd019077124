"""Three-valued property values: known Python values, UNKNOWN, and references.

Evaluated properties are plain Python data (str, int, float, bool, None, list, dict) in which two
extra kinds of leaf may appear:

* ``Unknown``: a value that cannot be known statically (a variable with no value, a data source,
  a function we do not evaluate). Rules never fire on it: that is what keeps vpclint precise.
* ``Ref``: a reference to another resource of the same scope (Terraform ``aws_vpc.main.id``,
  CloudFormation ``!Ref Vpc`` / ``!GetAtt Lb.LoadBalancerArn``), resolved to a model component
  when the model is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value vpclint cannot determine; ``reason`` says why, ``expr`` is the source text."""

    reason: str
    expr: str = ""

    def __repr__(self) -> str:  # shown in debug output and JSON reports
        return f"UNKNOWN({self.reason}{': ' + self.expr if self.expr else ''})"


@dataclass(frozen=True, repr=False)
class PartialJson(Unknown):
    """JSON text that cannot be written out because resource attributes known only after apply
    (an ARN) sit inside it, with the data it encodes: what is known there, such as the actions of
    a policy built with ``jsonencode``, can still be read. As text it is UNKNOWN like any other."""

    data: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Ref:
    """A reference to resource ``target`` (an address in ``scope``), optionally to one attribute.

    ``scope`` names the Terraform module directory or the CloudFormation template the reference
    was written in; ``attr`` is the Terraform attribute (``id``, ``arn``) or the CloudFormation
    ``GetAtt`` attribute, ``None`` for a CloudFormation ``Ref``.
    """

    scope: str
    target: str
    attr: str | None = None


# The region of the deployment itself, when no region was given: ``${AWS::Region}`` in a stack
# and ``data.aws_region.current.name`` under a provider with no region set. Its value is not
# known, but it is the same region as the resources around it, which is what service names
# (``com.amazonaws.<region>.s3``) and same-region checks need; rules comparing regions treat it
# as unknown.
DEPLOYMENT_REGION = "<region>"
# Likewise the deployment's partition (``aws``, ``aws-cn`` ...), so that
# ``arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`` still names the policy.
DEPLOYMENT_PARTITION = "<partition>"
PLACEHOLDERS = (DEPLOYMENT_REGION, DEPLOYMENT_PARTITION)


def contains_unknown(value: Any) -> bool:
    """True when ``value`` is UNKNOWN or holds an UNKNOWN anywhere inside it."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def as_bool(value: Any) -> bool | Unknown | None:
    """Interpret a Terraform or CloudFormation boolean ("true", True, "false" ...); None if absent."""
    if value is None or isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown("not a boolean", repr(value))
