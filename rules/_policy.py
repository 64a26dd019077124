"""Reading IAM policy documents (VPC endpoint policies, Lattice auth policies) for the exposure
rules.

A policy reaches the model as a dict (CloudFormation ``PolicyDocument``), a JSON string
(``jsonencode``, ``data.aws_iam_policy_document.x.json``, a heredoc), a ``PartialJson`` (JSON
that holds values known only after apply, with the known structure kept), or UNKNOWN. Every
question here is three-valued: True, False, or None when the answer depends on something
vpclint cannot see; a rule fires only on True.
"""

from __future__ import annotations

import json
from typing import Any

from vpclint.values import PartialJson, Unknown

EVERYONE = "*"


def document(policy: Any) -> dict | None:
    """The policy document as a dict, or None when it is not set, UNKNOWN or not JSON."""
    if isinstance(policy, PartialJson):
        policy = policy.data
    if isinstance(policy, Unknown) or policy is None:
        return None
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None
    return policy if isinstance(policy, dict) else None


def statements(doc: dict) -> list[dict] | None:
    """The document's statements (a single statement object counts as a list of one), or None
    when they are not all known."""
    found = doc.get("Statement")
    if isinstance(found, dict):
        return [found]
    if isinstance(found, list) and all(isinstance(s, dict) for s in found):
        return found
    return None


def effect(statement: dict) -> str | None:
    """``"Allow"`` or ``"Deny"``, None when UNKNOWN or malformed."""
    value = statement.get("Effect")
    if isinstance(value, str) and value.lower() in ("allow", "deny"):
        return value.capitalize()
    return None


def _values(value: Any) -> list | None:
    """A policy element as a list of strings, None when some element is not known."""
    items = value if isinstance(value, list) else [value]
    if all(isinstance(item, str) for item in items):
        return items
    return None


def principal_is_everyone(statement: dict) -> bool | None:
    """True for ``Principal: "*"`` or ``{"AWS": "*"}`` (also in a list): every principal,
    anonymous callers included. A statement with no ``Principal`` (or a ``NotPrincipal``)
    answers False; UNKNOWN parts answer None."""
    if "NotPrincipal" in statement:
        return False
    principal = statement.get("Principal")
    if principal is None:
        return False
    if principal == EVERYONE:
        return True
    if isinstance(principal, Unknown):
        return None
    if not isinstance(principal, dict):
        return False
    # aws_iam_policy_document renders `principals { type = "*", identifiers = ["*"] }` as
    # "Principal": "*"; the evaluated document may still hold it as {"*": ["*"]}
    if principal.get("*") in (EVERYONE, [EVERYONE]):
        return True
    if "AWS" not in principal:
        return None if any(isinstance(v, Unknown) for v in principal.values()) else False
    values = _values(principal["AWS"])
    if values is None:
        return True if isinstance(principal["AWS"], list) and EVERYONE in principal["AWS"] \
            else None
    return EVERYONE in values


def unconditional(statement: dict) -> bool | None:
    """True when the statement has no ``Condition`` (or an empty one)."""
    condition = statement.get("Condition")
    if condition is None or condition == {}:
        return True
    if isinstance(condition, Unknown):
        return None
    return False


def covers_all(statement: dict, key: str, everything: tuple[str, ...]) -> bool | None:
    """True when element ``key`` (``Action``, ``Resource``) holds a value meaning "all" (one of
    ``everything``, compared case-insensitively); False when it is absent, replaced by its
    ``Not`` form, or lists only narrower values; None when some value is UNKNOWN."""
    if f"Not{key}" in statement or key not in statement:
        return False
    raw = statement[key]
    items = raw if isinstance(raw, list) else [raw]
    wanted = {value.lower() for value in everything}
    if any(isinstance(item, str) and item.lower() in wanted for item in items):
        return True
    if all(isinstance(item, str) for item in items):
        return False
    return None


def shown(value: Any) -> str:
    """A policy element for a message: ``*``, ``{"AWS": "*"}``, ``s3:*``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and list(value) == [EVERYONE]:
        return EVERYONE  # aws_iam_policy_document's `type = "*"` principal
    try:
        return json.dumps(value)
    except TypeError:
        return str(value)
