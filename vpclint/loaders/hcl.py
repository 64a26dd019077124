"""Terraform loader: ``.tf`` text -> top-level blocks with positions, plus suppression comments.

Parsing goes through python-hcl2 v8's parser (its grammar, tables and post-lexer on lark), whose
reductions ``hcl_convert`` turns into the small expression tree (``hcl_ast``) the evaluator uses,
with line and column positions. Both are imported at the first parse, so a scan served from the
cache does without them. A syntax error becomes a ``ParseError`` at the line and column lark
reports, so one bad file never stops the scan.
"""

from __future__ import annotations

import re

from msgspec import Struct, field

from vpclint.loaders.hcl_ast import Block
from vpclint.source import ParseError

# `# vpclint:ignore VPC101,VPC206 reason` (also `//` and `/* */` comments)
# The rule list is the first word, several rules joined by commas; the rest is the reason.
_IGNORE = re.compile(
    r"(?:#|//|/\*)\s*vpclint:ignore\s+([A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*)"
    r"\s*(?:--\s*)?(.*?)\s*(?:\*/)?\s*$")


class IgnoreComment(Struct, frozen=True):
    line: int
    column: int
    rules: tuple
    reason: str


class HclFile(Struct):
    path: str
    blocks: list[Block] = field(default_factory=list)
    ignores: list[IgnoreComment] = field(default_factory=list)


class TfvarsFile(Struct):
    """A ``.tfvars`` file as the parse cache keeps it: variable name -> expression."""

    path: str
    values: dict = field(default_factory=dict)


def load_hcl(path: str, text: str) -> HclFile | ParseError:
    """Parse one ``.tf`` file. Raises only ``ParserUnavailable`` (vpclint's fault, which the
    loading reports as such): anything else the file's text causes is a ``ParseError``."""
    from lark.exceptions import UnexpectedInput

    from vpclint.loaders.hcl_convert import ParserUnavailable, top_level_blocks

    try:
        blocks = top_level_blocks(text)
    except ParserUnavailable:
        raise
    except UnexpectedInput as error:
        return ParseError(path, _describe(error), getattr(error, "line", 1) or 1,
                          getattr(error, "column", 1) or 1)
    except Exception as error:  # noqa: BLE001 - python-hcl2 raises assorted errors on bad input
        # (an unclosed %{ if } it rejects, an expression or blocks nested too deeply)
        return _failed(path, error)
    return HclFile(path, blocks, find_ignores(text))


def load_tfvars(path: str, text: str) -> dict | ParseError:
    """A ``.tfvars`` file: variable name -> expression (raises as ``load_hcl``)."""
    from lark.exceptions import UnexpectedInput

    from vpclint.loaders.hcl_convert import ParserUnavailable, top_level_attributes

    try:
        attributes = top_level_attributes(text)
    except ParserUnavailable:
        raise
    except UnexpectedInput as error:
        return ParseError(path, _describe(error), getattr(error, "line", 1) or 1,
                          getattr(error, "column", 1) or 1)
    except Exception as error:  # noqa: BLE001 - python-hcl2 raises assorted errors on bad input
        return _failed(path, error)
    return {name: attribute.expr for name, attribute in attributes.items()}


def _failed(path: str, error: Exception) -> ParseError:
    """A parser failure other than a syntax error, in words about the user's file: the
    parser's own messages name its grammar rules ("Error trying to process rule ..."), which
    mean nothing to the file's author."""
    cause = getattr(error, "orig_exc", None) or error.__cause__ or error
    if isinstance(cause, RecursionError) or isinstance(error, RecursionError):
        what = getattr(error, "what", None) or getattr(cause, "what", "expression")
        return ParseError(path, f"{what} nested too deeply to parse")
    if isinstance(cause, MemoryError):
        return ParseError(path, "file too large or too deeply nested to parse")
    line = getattr(getattr(error, "obj", None), "meta", None)
    line = getattr(line, "line", 1) if line is not None and not getattr(line, "empty", True) else 1
    return ParseError(path, "not valid HCL: a construct the parser cannot read", line or 1)


def _describe(error) -> str:
    """A lark syntax error (``UnexpectedInput``) in words."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(error, UnexpectedEOF):
        return "unexpected end of file"
    if isinstance(error, UnexpectedCharacters):
        char = error.char if hasattr(error, "char") else "?"
        return f"unexpected character {char!r}"
    if isinstance(error, UnexpectedToken):
        token = error.token
        shown = "end of file" if token.type == "$END" else repr(str(token))
        return f"unexpected {shown}"
    return "syntax error"


def find_ignores(text: str) -> list[IgnoreComment]:
    """All ``vpclint:ignore`` comments, with the rules they name and their reason."""
    if "vpclint:ignore" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if not match:
            continue
        rules = tuple(r.strip() for r in match.group(1).split(","))
        found.append(IgnoreComment(number, match.start() + 1, rules, match.group(2)))
    return found
