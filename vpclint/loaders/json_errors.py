"""Where a JSON syntax error is, as a person would point at it.

Python's decoder stops where the next token fails: after a trailing comma (which JSON forbids,
and which people write because HCL, YAML and JavaScript allow it) it reports "Expecting property
name" at the closing brace, often on the next line. The comma is the mistake, so the error is
reported there.
"""

from __future__ import annotations

import json

from vpclint.source import ParseError

_AFTER_COMMA = ("Expecting property name enclosed in double quotes", "Expecting value")


def json_parse_error(file: str, error: json.JSONDecodeError) -> ParseError:
    """The VPC001 finding for ``error``, at the trailing comma when that is what failed."""
    text, position = error.doc, error.pos
    if error.msg in _AFTER_COMMA and position < len(text) and text[position] in "}]":
        before = text[:position].rstrip()
        if before.endswith(","):
            comma = len(before) - 1
            line = text.count("\n", 0, comma) + 1
            column = comma - text.rfind("\n", 0, comma)
            return ParseError(file, f"trailing comma before '{text[position]}' (JSON allows "
                              "none)", line, column)
    return ParseError(file, error.msg, error.lineno, error.colno)
