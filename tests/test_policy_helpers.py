"""rules._policy: reading endpoint and auth policies, three-valued (True / False / None)."""

from __future__ import annotations

import pytest

from vpclint.rules import _policy as p
from vpclint.values import PartialJson, Unknown


def test_document_reads_dicts_json_text_and_partial_json():
    doc = {"Statement": [{"Effect": "Deny"}]}
    assert p.document(doc) == doc
    assert p.document('{"Statement": {"Effect": "Allow"}}') == {"Statement": {"Effect": "Allow"}}
    assert p.document(PartialJson("policy with unknown parts", data=doc)) == doc
    assert p.document(Unknown("variable without a value")) is None
    assert p.document(None) is None
    assert p.document("not json") is None


def test_statements_accept_one_object_and_refuse_unknown_lists():
    assert p.statements({"Statement": {"Effect": "Allow"}}) == [{"Effect": "Allow"}]
    assert p.statements({"Statement": [{"Effect": "Allow"}, Unknown("x")]}) is None
    assert p.statements({"Statement": Unknown("x")}) is None


@pytest.mark.parametrize("principal,expected", [
    ("*", True),
    ({"AWS": "*"}, True),
    ({"AWS": ["arn:aws:iam::111122223333:root", "*"]}, True),
    ({"*": ["*"]}, True),  # aws_iam_policy_document principals { type = "*" }
    ({"AWS": "arn:aws:iam::111122223333:root"}, False),
    ({"Service": "appflow.amazonaws.com"}, False),
    ({"AWS": Unknown("var.principal")}, None),
    ({"AWS": [Unknown("var.principal"), "*"]}, True),
    (Unknown("var.principal"), None),
])
def test_principal_is_everyone(principal, expected):
    assert p.principal_is_everyone({"Effect": "Allow", "Principal": principal}) is expected


def test_no_principal_and_not_principal_are_not_everyone():
    assert p.principal_is_everyone({"Effect": "Allow"}) is False
    assert p.principal_is_everyone({"Effect": "Allow", "NotPrincipal": {"AWS": "x"}}) is False


def test_conditions():
    assert p.unconditional({"Effect": "Allow"}) is True
    assert p.unconditional({"Condition": {}}) is True
    assert p.unconditional({"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}) is False
    assert p.unconditional({"Condition": Unknown("x")}) is None


def test_covers_all_is_case_insensitive_and_three_valued():
    everything = ("*", "s3:*")
    assert p.covers_all({"Action": "S3:*"}, "Action", everything) is True
    assert p.covers_all({"Action": ["s3:GetObject", "*"]}, "Action", everything) is True
    assert p.covers_all({"Action": "s3:Get*"}, "Action", everything) is False
    assert p.covers_all({"NotAction": "s3:Delete*"}, "Action", everything) is False
    assert p.covers_all({"Action": [Unknown("x")]}, "Action", everything) is None


def test_effect():
    assert p.effect({"Effect": "Allow"}) == "Allow"
    assert p.effect({"Effect": "deny"}) == "Deny"
    assert p.effect({"Effect": Unknown("x")}) is None
