"""The parse cache: parse results stored and fetched by key, in a format that cannot run code.

An entry is one file, named by its key: a header line (format, table fingerprint, key), then the
result as compact JSON, written and read by msgspec's JSON codec (in C, and on the corpus about
twice as fast to read as the standard library's), untyped: JSON builds nothing but lists,
dicts, strings, numbers, booleans and None. A value it cannot write (a NaN, a string with a
lone surrogate) leaves the result uncached. (The cache used pickle, which runs code named
by the file: whoever could write the cache directory could run code in the next scan.)

One table, ``_TYPES``, turns results into that plain data and back: for each type an entry may
hold, its tag and each field with a codec that says what the field holds. A node is ``[tag,
field, ...]``; a ``Pos`` is ``[line, column, end line, end column]``; a ``CfnDocument``'s data is
its JSON as it is, its spans a few flat columns. Reading builds only the types of the table,
chosen by a tag (no class is ever named by the file), and checks every field as it goes: a wrong
header, an unknown tag, a field of the wrong type or a list of the wrong length makes the entry a
miss, never an error.

An entry is written to a temporary file and renamed into place, so a reader never sees half of
one. The directory is created private (0700), made private when it is not, and not used at all
when another user owns it. An entry's modification time is when it was last used (a hit more
than a day after that touches it). At most once a day, which a stamp file's age tells, pruning
deletes the entries unused for ``MAX_AGE``, then the least recently used until the rest fit in
``MAX_BYTES``.
"""

from __future__ import annotations

import gc
import hashlib
import math
import os
import re
import stat
import time
from pathlib import Path
from typing import Any, Callable, Optional

import msgspec

from vpclint.cache_dir import cache_dir, read_private, write_private
from vpclint.loaders.cfn import CfnDocument
from vpclint.loaders.hcl import HclFile, IgnoreComment, TfvarsFile
from vpclint.loaders.hcl_ast import (Attribute, BinaryOp, Block, Call, Conditional, ForExpr,
                                     Literal, ObjectExpr, Opaque, Pos, Template, Traversal,
                                     TupleExpr, UnaryOp)
from vpclint.source import ParseError, Span

FORMAT = 2  # bump when the encoding changes (the table's own changes are noticed)
MAX_BYTES = 200 * 1024 * 1024  # pruning keeps the entries under this size in total
MAX_AGE = 30 * 86400  # and deletes entries unused for this many seconds
PRUNE_EVERY = 86400  # seconds between prunings
_TOUCH_AFTER = 86400  # a hit refreshes an entry's time when it is older than this
_STALE_TMP = 3600  # a temporary file this old was left by a crashed writer

_STAMP = ".pruned"
_KEY = re.compile(r"[0-9a-f]{64}")
_ENTRY = re.compile(r"[0-9a-f]{64}(?:\.\d+\.tmp)?")


class _Invalid(Exception):
    """A value that does not have the shape the table gives it."""


# --- Codecs: (encode, decode) pairs. encode turns a value into plain data, raising _Invalid when
# the value does not fit (the result is then not cached); decode turns plain data back, raising
# _Invalid (or any other error) on data of another shape.

Codec = tuple  # (Callable[[Any], Any], Callable[[Any], Any])


def _typed(*types: type) -> Codec:
    """A value of exactly one of ``types`` (``bool`` is not an ``int`` here), as it is."""
    allowed = frozenset(types)

    def check(value):
        if type(value) not in allowed:
            raise _Invalid
        return value
    return check, check


_STR = _typed(str)
_INT = _typed(int)
_BOOL = _typed(bool)
_OPT_STR = _typed(str, type(None))
_int = _INT[0]
_check_scalar = _typed(str, int, float, bool, type(None))[0]


def _enc_scalar(value):
    """A literal's value; not a NaN or an infinity, which msgspec writes as null."""
    if type(value) is float and not math.isfinite(value):
        raise _Invalid
    return _check_scalar(value)


_SCALAR = (_enc_scalar, _check_scalar)


def _sequence_of(item: Codec, kind: type) -> Codec:
    """A ``kind`` (list or tuple) of items, as a JSON array."""
    enc_item, dec_item = item

    def enc(value):
        if type(value) is not kind:
            raise _Invalid
        return [enc_item(v) for v in value]

    def dec(value):
        if type(value) is not list:
            raise _Invalid
        return kind(map(dec_item, value))
    return enc, dec


def _tuple_of(item: Codec) -> Codec:
    return _sequence_of(item, tuple)


def _list_of(item: Codec) -> Codec:
    return _sequence_of(item, list)


def _dict_of(item: Codec) -> Codec:
    """A dict with str keys, as a JSON object."""
    enc_item, dec_item = item

    def enc(value):
        if type(value) is not dict or not all(type(key) is str for key in value):
            raise _Invalid
        return {key: enc_item(v) for key, v in value.items()}

    def dec(value):
        if type(value) is not dict:
            raise _Invalid
        return {key: dec_item(v) for key, v in value.items()}
    return enc, dec


def _pair(first: Codec, second: Codec) -> Codec:
    (enc_a, dec_a), (enc_b, dec_b) = first, second

    def enc(value):
        if type(value) is not tuple or len(value) != 2:
            raise _Invalid
        return [enc_a(value[0]), enc_b(value[1])]

    def dec(value):
        if type(value) is not list:
            raise _Invalid
        a, b = value
        return dec_a(a), dec_b(b)
    return enc, dec


def _str_or(other: Codec) -> Codec:
    """A str as it is, anything else through ``other`` (whose encodings are lists)."""
    enc_other, dec_other = other

    def enc(value):
        return value if type(value) is str else enc_other(value)

    def dec(value):
        return value if type(value) is str else dec_other(value)
    return enc, dec


def _optional(other: Codec) -> Codec:
    enc_other, dec_other = other

    def enc(value):
        return None if value is None else enc_other(value)

    def dec(value):
        return None if value is None else dec_other(value)
    return enc, dec


_TAGS: dict[type, str] = {}  # class -> tag, for every type of the table
_ENCODERS: dict[type, Callable] = {}  # class -> encoder
_DECODERS: dict[str, Callable] = {}  # tag -> decoder
_UNIONS: list = []  # (tag -> decoder, classes) of each _one_of


def _one_of(*classes: type) -> Codec:
    """A node of one of ``classes``, by its tag (``_fill_tables`` fills in the decoders)."""
    allowed = frozenset(classes)
    decoders: dict = {}
    _UNIONS.append((decoders, classes))

    def enc(value):
        if type(value) not in allowed:
            raise _Invalid
        return _ENCODERS[type(value)](value)

    def dec(value):
        if type(value) is not list:
            raise _Invalid
        return decoders[value[0]](value)  # an unknown tag is a KeyError
    return enc, dec


def _enc_pos(value):
    if type(value) is not Pos:
        raise _Invalid
    return [_int(value.line), _int(value.column), _int(value.end_line), _int(value.end_column)]


def _dec_pos(value):
    if type(value) is not list:
        raise _Invalid
    line, column, end_line, end_column = value
    if (type(line) is not int or type(column) is not int or type(end_line) is not int
            or type(end_column) is not int):
        raise _Invalid
    return Pos(line, column, end_line, end_column)


_POS = (_enc_pos, _dec_pos)
_EXPR = _enc_expr, _dec_expr = _one_of(Literal, Template, Traversal, TupleExpr, ObjectExpr, Call,
                                       Conditional, BinaryOp, UnaryOp, ForExpr, Opaque)
_RESULT = _one_of(HclFile, CfnDocument, ParseError, TfvarsFile)


def _enc_step(value):
    """A traversal step: ("attr", name) | ("index", Expr) | ("splat",) | ("full_splat",)."""
    if type(value) is tuple and len(value) == 2 and value[0] == "attr":
        return ["attr", _STR[0](value[1])]
    if type(value) is tuple and len(value) == 2 and value[0] == "index":
        return ["index", _enc_expr(value[1])]
    if type(value) is tuple and len(value) == 1 and value[0] in ("splat", "full_splat"):
        return [value[0]]
    raise _Invalid


def _dec_step(value):
    if type(value) is not list:
        raise _Invalid
    if len(value) == 2:
        name, argument = value
        if name == "attr" and type(argument) is str:
            return "attr", argument
        if name == "index":
            return "index", _dec_expr(argument)
    elif value == ["splat"]:
        return ("splat",)
    elif value == ["full_splat"]:
        return ("full_splat",)
    raise _Invalid


_STEP = (_enc_step, _dec_step)


def _enc_data(value):
    """A CloudFormation document's data, which JSON holds as it is: dicts with str keys, lists,
    str, int, float, bool and None (no tuple, which would come back a list)."""
    if type(value) is not dict:
        raise _Invalid
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if not all(type(key) is str for key in item):
                raise _Invalid
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            if not math.isfinite(item):  # msgspec writes a NaN or an infinity as null
                raise _Invalid
        elif kind not in (str, int, bool, type(None)):
            raise _Invalid
    return value


def _dec_data(value):
    if type(value) is not dict:  # within it, the JSON decoder has built only plain data
        raise _Invalid
    return value


_DATA = (_enc_data, _dec_data)


def _enc_spans(value):
    """A CloudFormation document's path -> Span, as columns: [file, parent rows, keys, lines,
    columns, end lines, end columns]. The rows are in reverse order, where a parent comes before
    its children (the loader records children first): a path is its parent row's path plus its
    key, or, with parent row -1, its key is the whole path as a list."""
    if type(value) is not dict:
        raise _Invalid
    file = None
    rows: dict = {}
    columns: tuple = ([], [], [], [], [], [])
    parents, keys, lines, starts, end_lines, ends = columns
    for path, span in reversed(value.items()):
        if type(path) is not tuple or type(span) is not Span:
            raise _Invalid
        if file is None:
            file = _STR[0](span.file)
        elif span.file != file:  # all of one file: it is written once
            raise _Invalid
        if not all(type(part) is str or type(part) is int for part in path):
            raise _Invalid
        parent = rows.get(path[:-1]) if path else None
        parents.append(-1 if parent is None else parent)
        keys.append(list(path) if parent is None else path[-1])
        rows[path] = len(rows)
        lines.append(_int(span.line))
        starts.append(_int(span.column))
        end_lines.append(_int(span.end_line))
        ends.append(_int(span.end_column))
    return [file, *columns]


_INT_ONLY = frozenset({int})
_KEY_TYPES = frozenset({str, int, list})
_PATH_PARTS = frozenset({str, int})


def _dec_spans(value):
    if type(value) is not list:
        raise _Invalid
    file, parents, keys, lines, starts, end_lines, ends = value
    if type(keys) is not list or not set(map(type, keys)) <= _KEY_TYPES:
        raise _Invalid
    if type(file) is not str and (file is not None or keys):
        raise _Invalid
    for column in (parents, lines, starts, end_lines, ends):  # checked in bulk, in C
        if (type(column) is not list or len(column) != len(keys)
                or not set(map(type, column)) <= _INT_ONLY):
            raise _Invalid
    if keys and (min(lines) < 1 or min(starts) < 1 or min(parents) < -1):
        raise _Invalid
    paths: list = []
    append = paths.append
    for parent, key in zip(parents, keys):
        if parent >= 0:  # a row not yet read is an IndexError, a list key a TypeError below
            append(paths[parent] + (key,))
        elif type(key) is list and set(map(type, key)) <= _PATH_PARTS:
            append(tuple(key))
        else:
            raise _Invalid
    spans = [Span(file, line, start, end_line, end)
             for line, start, end_line, end in zip(lines, starts, end_lines, ends)]
    paths.reverse()
    spans.reverse()
    return dict(zip(paths, spans))


_SPANS = (_enc_spans, _dec_spans)

# The allow-list: every type an entry may hold, its tag, and its fields in order, each with
# what it holds. Nothing else is ever built from an entry.
_TYPES: dict[type, tuple[str, tuple]] = {
    Literal: ("L", (("value", _SCALAR), ("pos", _POS))),
    Template: ("T", (("parts", _tuple_of(_str_or(_EXPR))), ("pos", _POS))),
    Traversal: ("V", (("root", _str_or(_EXPR)), ("steps", _tuple_of(_STEP)), ("pos", _POS))),
    TupleExpr: ("U", (("items", _tuple_of(_EXPR)), ("pos", _POS))),
    ObjectExpr: ("O", (("items", _tuple_of(_pair(_EXPR, _EXPR))), ("pos", _POS))),
    Call: ("F", (("name", _STR), ("args", _tuple_of(_EXPR)), ("expand_final", _BOOL),
                 ("pos", _POS))),
    Conditional: ("Q", (("condition", _EXPR), ("then", _EXPR), ("otherwise", _EXPR),
                        ("pos", _POS))),
    BinaryOp: ("B", (("op", _STR), ("left", _EXPR), ("right", _EXPR), ("pos", _POS))),
    UnaryOp: ("N", (("op", _STR), ("operand", _EXPR), ("pos", _POS))),
    ForExpr: ("R", (("key_var", _OPT_STR), ("value_var", _STR), ("collection", _EXPR),
                    ("key", _optional(_EXPR)), ("value", _EXPR),
                    ("condition", _optional(_EXPR)), ("grouping", _BOOL), ("pos", _POS))),
    Opaque: ("X", (("text", _STR), ("pos", _POS))),
    Attribute: ("A", (("name", _STR), ("expr", _EXPR), ("pos", _POS))),
    Block: ("K", (("type", _STR), ("labels", _tuple_of(_STR)), ("pos", _POS),
                  ("attributes", _dict_of(_one_of(Attribute))),
                  ("blocks", _list_of(_one_of(Block))))),
    IgnoreComment: ("I", (("line", _INT), ("column", _INT), ("rules", _tuple_of(_STR)),
                          ("reason", _STR))),
    HclFile: ("H", (("path", _STR), ("blocks", _list_of(_one_of(Block))),
                    ("ignores", _list_of(_one_of(IgnoreComment))))),
    ParseError: ("E", (("file", _STR), ("message", _STR), ("line", _INT), ("column", _INT),
                       ("unread", _BOOL), ("recovered", _BOOL))),
    CfnDocument: ("C", (("file", _STR), ("data", _DATA), ("spans", _SPANS),
                        ("duplicates", _list_of(_one_of(ParseError))))),
    TfvarsFile: ("W", (("path", _STR), ("values", _dict_of(_EXPR)))),
}


def _node_codec(cls: type, tag: str, spec: tuple) -> Codec:
    """``[tag, field, ...]`` for an instance of ``cls``, each field checked by its codec when
    read and passed to the class in order (the table lists a class's fields in its order)."""
    names = tuple(name for name, _ in spec)
    encoders = tuple(codec[0] for _, codec in spec)
    decoders = tuple(codec[1] for _, codec in spec)

    def enc(value):
        return [tag, *[encode(getattr(value, name)) for name, encode in zip(names, encoders)]]

    # Unrolled for two to four fields (most nodes): about a fifth faster than the loop.
    if len(spec) == 2:
        d0, d1 = decoders

        def dec(value):
            _, a, b = value
            return cls(d0(a), d1(b))
    elif len(spec) == 3:
        d0, d1, d2 = decoders

        def dec(value):
            _, a, b, c = value
            return cls(d0(a), d1(b), d2(c))
    elif len(spec) == 4:
        d0, d1, d2, d3 = decoders

        def dec(value):
            _, a, b, c, d = value
            return cls(d0(a), d1(b), d2(c), d3(d))
    else:
        size = len(spec) + 1

        def dec(value):
            if len(value) != size:
                raise _Invalid
            return cls(*[decode(item) for decode, item in zip(decoders, value[1:])])
    return enc, dec


def _fill_tables() -> Optional[str]:
    """Fill the dispatch tables from ``_TYPES`` and return its fingerprint, which changes with
    the table and with the classes' fields, so that entries of another layout are misses. None
    when the table does not match the classes' fields: the cache is then off (and a test fails)."""
    def names(spec: tuple) -> list:
        return [name for name, _ in spec]

    layout = [str(FORMAT)]
    for cls, (tag, spec) in _TYPES.items():
        if list(cls.__struct_fields__) != names(spec):
            return None
        _TAGS[cls] = tag
        _ENCODERS[cls], _DECODERS[tag] = _node_codec(cls, tag, spec)
        layout.append(f"{cls.__module__}.{cls.__qualname__}={tag}:{','.join(names(spec))}")
    for decoders, classes in _UNIONS:
        decoders.update((_TAGS[cls], _DECODERS[_TAGS[cls]]) for cls in classes)
    return hashlib.sha256("|".join(layout).encode()).hexdigest()[:16]


_LAYOUT = _fill_tables()


def encode(value: Any) -> bytes:
    """The JSON of an entry for a parse result; raises _Invalid if it does not fit the table."""
    return msgspec.json.encode(_RESULT[0](value))


def decode(text: bytes) -> Any:
    """The parse result of an entry's JSON; raises on anything unexpected."""
    return _RESULT[1](msgspec.json.decode(text))


class ParseCache:
    """Parse results by key, in one private directory; with ``directory`` None, a cache that
    keeps nothing."""

    def __init__(self, directory: Optional[Path]) -> None:
        self.directory = directory if _LAYOUT is not None else None

    @staticmethod
    def _header(key: str) -> bytes:
        return f"vpclint-parse-cache {FORMAT} {_LAYOUT} {key}\n".encode()

    def fetch(self, key: str, source: Optional[str] = None) -> Any:
        """The result stored under ``key``, or None: a missing entry, one that cannot be read
        (not a regular file, a symlink), one that is not exactly what ``store`` writes, or, with
        ``source`` given, one that is not a result the loaders give for that file."""
        if self.directory is None or not _KEY.fullmatch(key):
            return None
        path = self.directory / key
        data = read_private(path)
        if data is None:
            return None
        header = self._header(key)
        if not data.startswith(header):
            return None
        enabled = gc.isenabled()
        gc.disable()  # decoding builds many acyclic objects: a collection would only cost time
        try:
            value = decode(data[len(header):])
        except Exception:  # noqa: BLE001 - anything unexpected is a miss, never an error
            return None
        finally:
            if enabled:
                gc.enable()
        if source is not None and not _result_of(value, source):
            return None
        try:
            if time.time() - os.stat(path).st_mtime > _TOUCH_AFTER:
                os.utime(path)  # used now: pruning deletes the least recently used first
        except OSError:
            pass
        return value

    def store(self, key: str, value: Any) -> None:
        """Write ``value`` under ``key``, atomically. A value that does not fit the table, or a
        write that fails, leaves no entry: caching is an optimisation only."""
        if self.directory is None or not _KEY.fullmatch(key):
            return
        enabled = gc.isenabled()
        gc.disable()  # encoding builds only short-lived acyclic lists
        try:
            data = self._header(key) + encode(value)
        except Exception:  # noqa: BLE001 - e.g. an unexpected type in a result: not cached
            return
        finally:
            if enabled:
                gc.enable()
        write_private(self.directory / key, data)

    def prune_if_due(self, now: Optional[float] = None) -> None:
        """Prune if the last pruning was ``PRUNE_EVERY`` ago or more (or never happened)."""
        if self.directory is None:
            return
        now = time.time() if now is None else now
        stamp = self.directory / _STAMP
        try:
            if now - os.stat(stamp).st_mtime < PRUNE_EVERY:
                return
        except OSError:
            pass
        try:
            stamp.touch(mode=0o600)
            os.utime(stamp, (now, now))  # first, so that runs started meanwhile do not prune
        except OSError:
            return
        self.prune(now=now)

    def prune(self, max_bytes: int = MAX_BYTES, max_age: float = MAX_AGE,
              now: Optional[float] = None) -> None:
        """Delete the entries unused for ``max_age`` seconds, then the least recently used until
        the rest take at most ``max_bytes``; and temporary files that crashed runs left."""
        if self.directory is None:
            return
        now = time.time() if now is None else now
        kept = []
        try:
            with os.scandir(self.directory) as entries:
                for entry in entries:
                    if not _ENTRY.fullmatch(entry.name):
                        continue  # not ours
                    try:
                        status = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    age = now - status.st_mtime
                    if entry.name.endswith(".tmp"):
                        if age > _STALE_TMP:
                            _unlink(entry.path)
                    elif age > max_age or not stat.S_ISREG(status.st_mode):
                        _unlink(entry.path)
                    else:
                        kept.append((status.st_mtime, status.st_size, entry.path))
        except OSError:
            return
        total = sum(size for _, size, _ in kept)
        for _, size, path in sorted(kept):
            if total <= max_bytes:
                break
            _unlink(path)
            total -= size


def _result_of(value: Any, source: str) -> bool:
    """Whether ``value`` is what loading ``source`` can give: a ParseError, or a TfvarsFile (for
    ``.tfvars``), an HclFile (for ``.tf`` and ``.tf.json``) or CfnDocument (for the rest), of
    that file."""
    if type(value) is ParseError:
        return value.file == source
    if source.endswith(".tfvars"):
        return type(value) is TfvarsFile and value.path == source
    if source.endswith((".tf", ".tf.json")):
        return type(value) is HclFile and value.path == source
    return type(value) is CfnDocument and value.file == source


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def open_cache() -> ParseCache:
    """This user's parse cache (one that keeps nothing when there is none), pruned when due."""
    cache = ParseCache(cache_dir())
    cache.prune_if_due()
    return cache
