"""Terraform JSON syntax (``.tf.json``) -> the same blocks as native ``.tf`` files.

The JSON text is read with the CloudFormation loader's position-keeping JSON path, then mapped to
blocks as Terraform does: ``{"resource": {"aws_vpc": {"main": {...}}}}`` is
``resource "aws_vpc" "main" {...}``. Strings holding ``${...}`` are parsed as HCL templates.
Terraform tells nested blocks from object attributes by the provider schema, which vpclint does
not ship; an object (or list of objects) is taken as a nested block unless its key names a
well-known map attribute, which is the same shape for the evaluator in either case.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from vpclint.loaders.cfn import CfnDocument, load_cfn
from vpclint.loaders.hcl import HclFile
from vpclint.loaders.hcl_ast import Attribute, Block, Literal, ObjectExpr, Opaque, Pos, TupleExpr
from vpclint.loaders.hcl_convert import ParserUnavailable, convert_template_string
from vpclint.source import ParseError, Span

_MAP_ATTRIBUTES = {"tags", "tags_all", "variables", "environment", "labels", "triggers"}
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}


def load_tf_json(path: str, text: str) -> HclFile | ParseError:
    doc = load_cfn(path, text)
    if isinstance(doc, ParseError):
        return doc
    if doc.duplicates:  # Terraform rejects the file ("Duplicate argument"): nothing to analyse
        return replace(doc.duplicates[0], recovered=False)
    blocks: list[Block] = []
    for block_type, body in doc.data.items():
        depth = _LABELS.get(block_type)
        if depth is None:
            continue
        for labels, content, where in _label_levels(body, depth, (block_type,)):
            if isinstance(content, dict):
                blocks.append(_block(doc, block_type, tuple(labels), content, where))
    return HclFile(path, blocks, [])


def _label_levels(body: Any, depth: int, path: tuple):
    """(labels, body, path) for each block under ``depth`` levels of label objects."""
    items = body if isinstance(body, list) else [body]
    for index, item in enumerate(items):
        base = path + ((index,) if isinstance(body, list) else ())
        if depth == 0:
            yield [], item, base
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            for labels, content, where in _label_levels(value, depth - 1, base + (key,)):
                yield [key, *labels], content, where


def _block(doc: CfnDocument, block_type: str, labels: tuple, content: dict, path: tuple) -> Block:
    block = Block(block_type, labels, _pos(doc, path))
    for key, value in content.items():
        where = path + (key,)
        nested = value if isinstance(value, list) else [value]
        if key not in _MAP_ATTRIBUTES and nested and all(isinstance(v, dict) for v in nested):
            for index, item in enumerate(nested):
                item_path = where + ((index,) if isinstance(value, list) else ())
                block.blocks.append(_block(doc, key, (), item, item_path))
        else:
            block.attributes[key] = Attribute(key, _expr(doc, value, where), _pos(doc, where))
    return block


def _expr(doc: CfnDocument, value: Any, path: tuple):
    pos = _pos(doc, path)
    if isinstance(value, str) and ("${" in value or "%{" in value):
        try:
            return convert_template_string(value)
        except ParserUnavailable:
            raise  # vpclint's fault: not every template of the file quietly UNKNOWN
        except Exception:  # noqa: BLE001 - an unparsable template is UNKNOWN, not a crash
            return Opaque(value, pos)
    if isinstance(value, list):
        return TupleExpr(tuple(_expr(doc, v, path + (i,)) for i, v in enumerate(value)), pos)
    if isinstance(value, dict):
        return ObjectExpr(tuple((Literal(k, pos), _expr(doc, v, path + (k,)))
                                for k, v in value.items()), pos)
    return Literal(value, pos)


def _pos(doc: CfnDocument, path: tuple) -> Pos:
    span = doc.spans.get(path) or Span(doc.file, 1)
    return Pos(span.line, span.column, span.end_line or span.line, span.end_column or span.column)
