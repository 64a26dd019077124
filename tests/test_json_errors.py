"""Where a JSON syntax error is reported (JSON tfvars, JSON templates YAML cannot read)."""

from __future__ import annotations

import json

import pytest

from vpclint.loaders.json_errors import json_parse_error


def _error(text: str):
    with pytest.raises(json.JSONDecodeError) as raised:
        json.loads(text)
    return json_parse_error("t.json", raised.value)


@pytest.mark.parametrize(("text", "line", "column", "closing"), [
    ('{\n  "services": {\n    "ssm": {"dns": true},\n  }\n}', 3, 25, "}"),
    ('{"azs": ["a", "b",\n  ]}', 1, 18, "]"),
])
def test_a_trailing_comma_is_reported_at_the_comma(text, line, column, closing):
    err = _error(text)
    assert (err.line, err.column) == (line, column), err
    assert f"trailing comma before '{closing}'" in err.message


@pytest.mark.parametrize(("text", "line", "column"), [
    ('{"a": }', 1, 7),      # a missing value, no comma
    ('{"a": 1 "b": 2}', 1, 9),
])
def test_other_errors_keep_the_decoders_position(text, line, column):
    err = _error(text)
    assert "trailing comma" not in err.message and (err.line, err.column) == (line, column)
