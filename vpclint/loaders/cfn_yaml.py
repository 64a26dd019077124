"""How ``load_cfn`` reads a template's text: PyYAML nodes with marks -> data and spans (the rules
are in ``vpclint.loaders.cfn``'s docstring). Imported at the first template read."""

from __future__ import annotations

import json
import re

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode

from vpclint.loaders.cfn_document import CfnDocument
from vpclint.loaders.json_errors import json_parse_error
from vpclint.source import ParseError, Span

_C = hasattr(yaml, "CSafeLoader")  # libyaml: the whole load is about 5x faster with it


class _Loader(yaml.CSafeLoader if _C else yaml.SafeLoader):  # type: ignore[misc]
    """Composes nodes only; its resolver leaves timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_Y = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _Y + "str", _Y + "map", _Y + "seq"
_SC = SafeConstructor()
_SCALARS = {  # the standard scalar tags CloudFormation accepts; anything else is an error
    _Y + "int": _SC.construct_yaml_int,
    _Y + "float": _SC.construct_yaml_float,
    _Y + "bool": _SC.construct_yaml_bool,
    _Y + "null": _SC.construct_yaml_null,
    _Y + "timestamp": lambda node: node.value,  # explicit !!timestamp: still a string
}
_UNCHANGED = ("Ref", "Condition")  # short tags whose long form has no "Fn::" prefix
_DIGITS = tuple("-0123456789")  # how a JSON number starts

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_START = re.compile(r"\s*\{")


class _Bad(Exception):
    """A template problem found while walking the nodes, at a PyYAML mark."""

    def __init__(self, message: str, mark) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


def read_template(file: str, text: str | bytes) -> CfnDocument | ParseError:
    """Read a template; never raises: any input gives a CfnDocument or a ParseError."""
    try:
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError as exc:
                line = text.count(b"\n", 0, exc.start) + 1
                column = exc.start - (text.rfind(b"\n", 0, exc.start) + 1) + 1
                return ParseError(file, f"not UTF-8 text: {exc.reason}", line, column)
        text = text.removeprefix("\ufeff")
        return _load(file, text)
    except _Bad as exc:
        mark = exc.mark
        return ParseError(file, exc.message, mark.line + 1 if mark else 1,
                          mark.column + 1 if mark else 1)
    except UnicodeEncodeError as exc:  # a str with unpaired surrogates, which no file holds
        line, column = _line_col(exc.object, exc.start)
        return ParseError(file, f"not Unicode text: {exc.reason}", line, column)
    except RecursionError:
        return ParseError(file, "template is nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - one odd file must never stop a scan
        return ParseError(file, f"cannot read template: {type(exc).__name__}: {exc}")


def _load(file: str, text: str) -> CfnDocument | ParseError:
    is_json = _JSON_START.match(text) is not None or file.lower().endswith(".json")
    try:
        return _build(file, text, _compose(text), is_json, None)
    except yaml.YAMLError as exc:
        if not is_json:
            return _yaml_error(file, text, exc)
        try:
            json.loads(text)
        except json.JSONDecodeError as jexc:
            return json_parse_error(file, jexc)
        # Valid JSON that libyaml refuses: blank the strings, keep their decoded values aside.
        strings = {m.start(): json.loads(m.group()) for m in _JSON_STRING.finditer(text)}
        skeleton = _JSON_STRING.sub(lambda m: '"' + "x" * (len(m.group()) - 2) + '"', text)
        skeleton = skeleton.replace("\t", " ")  # the pure-Python scanner refuses tabs
        try:
            return _build(file, text, _compose(skeleton), True, strings)
        except yaml.YAMLError:
            return _yaml_error(file, text, exc)


def _compose(text: str):
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _yaml_error(file: str, text: str, exc: yaml.YAMLError) -> ParseError:
    """PyYAML's error as a ParseError at its 1-based position (its marks are 0-based)."""
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml gives a byte offset into the UTF-8 text, the pure reader a character offset
        index = len(text.encode()[: exc.position].decode("utf-8", "replace")) \
            if _C else exc.position
        char = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "?")
        return ParseError(file, f"unacceptable character #x{char:04x}: {exc.reason}",
                          *_line_col(text, index))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = getattr(exc, "problem", None) or str(exc)
    context, cmark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context:
        message += f" ({context}" + (f" at line {cmark.line + 1})" if cmark else ")")
    if mark is None:
        return ParseError(file, message)
    if text[mark.index : mark.index + 1] == "\t":
        message += "; YAML indentation must use spaces, not tabs"
    return ParseError(file, message, mark.line + 1, mark.column + 1)


def _line_col(text: str, index: int) -> tuple:
    """1-based line and column of character ``index``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _build(file: str, text: str, root, is_json: bool, strings: dict | None) -> CfnDocument:
    """Walk the composed nodes once, building the data, the spans and the duplicate keys."""
    if root is None:
        raise _Bad("empty template: no YAML or JSON content", None)
    if type(root) is not MappingNode or (root.tag[0] == "!" and root.tag != "!"):
        raise _Bad("a template must be a mapping of sections at the top level", root.start_mark)
    spans: dict = {}
    duplicates: list = []
    check_aliases = "&" in text  # without an anchor there can be no alias
    seen: set = set()
    lines: list = []

    def scalar_end(node) -> tuple:
        end = node.end_mark
        if node.style not in ("|", ">"):
            return end.line + 1, end.column + 1
        # A block scalar's mark ends past its trailing line breaks: end at its last text instead.
        if not lines:
            lines.extend(text.splitlines() or [""])
        i = min(end.line, len(lines) - 1)
        if end.column == 0 or not lines[i][: end.column].strip():
            i -= 1
            while i > node.start_mark.line and not lines[i].strip():
                i -= 1
        return i + 1, len(lines[i].rstrip()) + 1

    def alias_check(node, where) -> None:
        if id(node) in seen:
            raise _Bad("YAML aliases are not allowed in CloudFormation templates", where)
        seen.add(id(node))

    def walk(node, path: tuple) -> tuple:
        """Return (value, end line, end column) of ``node`` at ``path``, recording spans."""
        tag = node.tag
        if tag[0] == "!" and tag != "!":  # short-form intrinsic function
            name = tag[1:]
            key = name if name in _UNCHANGED else "Fn::" + name
            fpath = path + (key,)
            if type(node) is ScalarNode:
                value = node.value
                end_line, end_col = scalar_end(node)
                if key == "Fn::GetAtt":
                    value = value.split(".", 1)
            elif key == "Fn::GetAtt" and type(node) is MappingNode:
                raise _Bad("!GetAtt takes 'Resource.Attribute' or a list", node.start_mark)
            else:
                value, end_line, end_col = collection(node, fpath)
            start = node.start_mark
            spans[fpath] = Span(file, start.line + 1, start.column + 1, end_line, end_col)
            return {key: value}, end_line, end_col
        if type(node) is ScalarNode:
            end_line, end_col = scalar_end(node)
            if strings is not None and node.style == '"':
                return strings[node.start_mark.index], end_line, end_col
            if tag == _STR or tag == "!":
                value = node.value
                if is_json and not node.style and value[:1] in _DIGITS:
                    try:  # JSON numbers such as 1e5 that YAML 1.1 reads as strings
                        value = json.loads(value)
                    except ValueError:
                        pass
                return value, end_line, end_col
            construct = _SCALARS.get(tag)
            if construct is None:
                raise _Bad(f"unsupported YAML tag {tag}", node.start_mark)
            try:
                return construct(node), end_line, end_col
            except (ValueError, KeyError, OverflowError) as exc:
                shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
                reason = "too many digits" if len(node.value) > 4000 else str(exc)[:120]
                raise _Bad(f"bad {tag} value {shown!r}: {reason}", node.start_mark) from None
        if tag not in (_MAP, _SEQ, "!"):
            raise _Bad(f"unsupported YAML tag {tag}", node.start_mark)
        return collection(node, path)

    def collection(node, path: tuple) -> tuple:
        end = node.end_mark
        end_line, end_col = end.line + 1, end.column + 1
        flow = node.flow_style
        if type(node) is not MappingNode:
            items = []
            where = node.start_mark
            for i, child in enumerate(node.value):
                if check_aliases:
                    alias_check(child, where)
                item_path = path + (i,)
                value, el, ec = walk(child, item_path)
                start = child.start_mark
                spans[item_path] = Span(file, start.line + 1, start.column + 1, el, ec)
                items.append(value)
                where = child.end_mark
            if items and not flow:
                end_line, end_col = el, ec
            return items, end_line, end_col
        pairs = node.value
        keys = []
        for key_node, _ in pairs:
            if type(key_node) is not ScalarNode or (key_node.tag[0] == "!" and key_node.tag != "!"):
                raise _Bad("a mapping key must be a plain string", key_node.start_mark)
            if strings is not None and key_node.style == '"':
                keys.append(strings[key_node.start_mark.index])
            else:
                keys.append(key_node.value)
        skip = _duplicates(file, keys, pairs, duplicates) if len(set(keys)) < len(keys) else ()
        mapping = {}
        for i, (key_node, value_node) in enumerate(pairs):
            if check_aliases:
                alias_check(value_node, key_node.start_mark)
            if i in skip:
                continue
            key = keys[i]
            entry_path = path + (key,)
            value, el, ec = walk(value_node, entry_path)
            start = key_node.start_mark
            spans[entry_path] = Span(file, start.line + 1, start.column + 1, el, ec)
            mapping[key] = value
        if pairs and not flow:
            end_line, end_col = el, ec
        return mapping, end_line, end_col

    try:
        data, end_line, end_col = collection(root, ())
    finally:
        # walk and collection refer to each other through their closures: a cycle holding the
        # text, which only the cyclic collector (off while vpclint scans) would free
        del walk, collection
    start = root.start_mark
    spans[()] = Span(file, start.line + 1, start.column + 1, end_line, end_col)
    return CfnDocument(file, data, spans, duplicates)


def _duplicates(file: str, keys: list, pairs: list, out: list) -> set:
    """Report each repeated key at its position; return the indexes that a later one overrides."""
    first: dict = {}
    last: dict = {}
    for i, key in enumerate(keys):
        mark = pairs[i][0].start_mark
        if key in first:
            message = f"duplicate key '{key}' (first defined at line {first[key]})"
            out.append(ParseError(file, message, mark.line + 1, mark.column + 1,
                                  recovered=True))
        else:
            first[key] = mark.line + 1
        last[key] = i
    return set(range(len(keys))) - set(last.values())
