"""python-hcl2's parser, rebuilt from tables vpclint keeps in its own cache.

python-hcl2 has lark build its LALR parser from its grammar and keep the result in a pickle
beside its code (``hcl2/.lark_cache.bin``). Every run that parses a file pays for it:

- loading that pickle takes about 55 ms, most of it lark's generic deserialiser turning some
  26,000 parse-table entries back into objects, and lark building a tree builder that vpclint
  never uses (``hcl_convert`` reduces with its own callbacks);
- where python-hcl2's directory is not writable (a system-wide or container install run by
  another user), lark cannot save the pickle and says nothing: every such run analyses the
  grammar again, about 1.6 s.

So vpclint keeps the parser's tables itself, in its private cache directory (``cache_dir``),
under the parse cache's rules: data that cannot run code (msgpack), written atomically, checked
against a digest, and not used when anything in it is not what lark builds its objects from.
The rules and terminals are in lark's own serialised form; the parse table, the bulk, is stored
as rows of integers and built straight into lark's table, sharing one action object per target
(lark never changes them). Loading takes about 25 ms.

The file is named by a key over this format, the versions of lark, python-hcl2 and Python,
and the grammar's text: any change makes a new file, and the oldest beyond four are removed.
Without a cache directory (``VPCLINT_NO_CACHE``) python-hcl2's parser is used as it is.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Optional

import msgspec
from lark import Lark
from lark.grammar import Rule
from lark.lark import _LOAD_ALLOWED_OPTIONS
from lark.lexer import TerminalDef
from lark.parsers.lalr_analysis import IntParseTable, Reduce, Shift
from lark.parsers.lalr_parser import LALR_Parser, _Parser

from vpclint.cache_dir import cache_dir, read_private, write_private

FORMAT = 1  # bump when the file's layout changes
_PREFIX = "hcl-tables-"
_SUFFIX = ".msgpack"
_HEADER = b"vpclint-hcl-tables"
# files of this many versions are kept: two installs that share the cache directory (a
# pre-commit environment and a project's own) must not remove each other's at every run
_KEEP = 4
# msgpack holds integers below 2**64; lark's widest regular expression is 2**64 wide (sre's
# unbounded width), so a terminal's width above this is stored as its decimal text
_MAX_INT = 2**63 - 1
# what the file's contents can fail with when they are not lark's (each makes it unusable)
_UNUSABLE = (msgspec.DecodeError, KeyError, IndexError, TypeError, ValueError, AttributeError,
             AssertionError, RecursionError)


def load_parser() -> Lark:
    """python-hcl2's parser: from the tables in vpclint's cache when they are there and
    usable, else python-hcl2's own (whose tables are then stored for the next run)."""
    from hcl2.parser import parser

    directory = cache_dir()
    key = _key() if directory is not None else None
    if key is None:
        return parser()
    path = directory / f"{_PREFIX}{key}{_SUFFIX}"
    stored = read_private(path)
    if stored is not None:
        rebuilt = _decoded(stored)
        if rebuilt is not None:
            return rebuilt
    built = parser()
    _store(path, built)
    return built


def _key() -> Optional[str]:
    """What the stored tables depend on: this format, lark, python-hcl2 (its version and its
    grammar's text) and Python (lark measures its terminals with Python's ``re`` parser); None
    when the grammar cannot be read (python-hcl2 installed in an archive)."""
    import hcl2.parser
    import lark

    try:
        from hcl2.version import version as hcl2_version
    except ImportError:
        hcl2_version = "?"  # the grammar's text still tells its tables apart
    try:
        grammar = Path(hcl2.parser.__file__).with_name("hcl2.lark").read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256(f"{FORMAT}|{lark.__version__}|{hcl2_version}|"
                            f"{sys.version_info[:2]}|".encode())
    digest.update(grammar)
    return digest.hexdigest()[:32]


def _store(path: Path, built: Lark) -> None:
    """Write ``built``'s tables to ``path``, then remove the oldest files beyond ``_KEEP`` (other
    versions'); nothing when they cannot be encoded (a lark whose tables are laid out
    otherwise) or written."""
    try:
        payload = encode(built)
    except _UNUSABLE:
        return
    if not write_private(path, b"%s %s\n%s" % (_HEADER, _digest(payload), payload)):
        return
    stored = []
    for other in path.parent.glob(f"{_PREFIX}*{_SUFFIX}"):
        try:
            stored.append((other.stat().st_mtime_ns, other.name == path.name, other))
        except OSError:
            continue
    for _, _, old in sorted(stored, reverse=True)[_KEEP:]:  # newest first, this one kept
        try:
            old.unlink()
        except OSError:
            pass


def _decoded(stored: bytes) -> Optional[Lark]:
    """The parser from a stored file; None when its header, digest or contents are not right."""
    header, _, payload = stored.partition(b"\n")
    if header != b"%s %s" % (_HEADER, _digest(payload)):
        return None
    try:
        return decode(payload)
    except _UNUSABLE:
        return None


def _digest(payload: bytes) -> bytes:
    return hashlib.sha256(payload).hexdigest().encode()


def encode(built: Lark) -> bytes:
    """``built``'s tables as msgpack: lark's serialised form (without the options given at
    load, as lark's own cache leaves them out), its parse table as rows (see ``_rows``)."""
    data, memo = built.memo_serialize([TerminalDef, Rule])
    data["options"] = {name: value for name, value in data["options"].items()
                       if name not in _LOAD_ALLOWED_OPTIONS}
    data["load_options"] = _load_options(built.options.options)
    data["parser"]["parser"] = _rows(data["parser"]["parser"])
    for entry in memo.values():
        width = _width(entry)
        if width is not None and width[1] > _MAX_INT:
            width[1] = str(width[1])
    return msgspec.msgpack.encode({"data": data, "memo": memo})


def _load_options(given: dict) -> dict:
    """The options lark takes at load (not stored in its tables) that python-hcl2 gave, to be
    given again: plain values, and its post-lexer, which ``decode`` makes anew. A value that
    cannot be made again (a transformer, a lexer callback) refuses the store: then every run
    uses python-hcl2's parser, never one built otherwise."""
    from hcl2.postlexer import PostLexer

    kept = {}
    for name in sorted(_LOAD_ALLOWED_OPTIONS):
        value = given.get(name)
        if name == "postlex":
            if type(value) is not PostLexer:
                raise ValueError(f"python-hcl2's post-lexer is {value!r}")
        elif name in ("_plugins", "lexer_callbacks", "transformer", "tree_class"):
            if value:
                raise ValueError(f"python-hcl2's parser has a {name}: {value!r}")
        elif type(value) in (bool, int, str):
            kept[name] = value
        elif value is not None:
            raise ValueError(f"python-hcl2's parser has {name}={value!r}")
    return kept


def _rows(table: dict) -> dict:
    """Lark's serialised parse table (state -> token number -> (0, next state) for a shift,
    (1, rule reference) for a reduction) as a token list and, per state in order, its token
    numbers and its actions: a next state, or ``-1 - rule`` for a reduction by memo entry
    ``rule``."""
    tokens, states = table["tokens"], table["states"]
    if sorted(tokens) != list(range(len(tokens))) or sorted(states) != list(range(len(states))):
        raise ValueError("lark's parse table is not numbered from 0")
    rows = []
    for state in range(len(states)):
        actions = states[state]
        rows.append([list(actions), [target if kind == 0 else -1 - target["@"]
                                     for kind, target in actions.values()]])
    return {"tokens": [tokens[number] for number in range(len(tokens))], "rows": rows,
            "start_states": table["start_states"], "end_states": table["end_states"]}


def decode(payload: bytes) -> Lark:
    """The parser from ``encode``'s bytes, built by lark's loader with the options python-hcl2
    gave (``_load_options``, and a post-lexer of its class) and two changes: the parse table
    is built from its rows (``_RowsParser``), and no tree builder is made (``_TablesOnly``)."""
    from hcl2.postlexer import PostLexer

    stored = msgspec.msgpack.decode(payload)
    for entry in stored["memo"].values():
        width = _width(entry)
        if width is not None and isinstance(width[1], str):
            width[1] = int(width[1])
    parser = _TablesOnly.__new__(_TablesOnly)
    load_options = stored["data"].pop("load_options")
    if not isinstance(load_options, dict) or set(load_options) - _LOAD_ALLOWED_OPTIONS:
        raise ValueError(f"options to load with: {load_options!r}")
    parser._load(stored, **load_options, postlex=PostLexer(),
                 _plugins={"LALR_Parser": _RowsParser})
    for rule in parser.rules:  # msgpack has no tuples: lark's rule options hold one here
        rule.options.empty_indices = tuple(rule.options.empty_indices)
    return parser


def _width(entry: dict) -> Optional[list]:
    """The (smallest, largest) width of a serialised terminal's pattern, as lark stores it."""
    pattern = entry.get("pattern")
    return pattern.get("_width") if isinstance(pattern, dict) else None


class _TablesOnly(Lark):
    """Lark loading stored tables without making its tree builder (``hcl_convert`` gives the
    parser its own callbacks)."""

    def _prepare_callbacks(self) -> None:
        self._callbacks = {}


class _RowsParser(LALR_Parser):
    """lark's LALR parser whose parse table is read from ``_rows``' form (lark's plugin for
    its parser class): one action tuple per next state and per rule, shared by every state."""

    @classmethod
    def deserialize(cls, data, memo, callbacks, debug=False):
        tokens, rows = data["tokens"], data["rows"]
        shifts = [(Shift, state) for state in range(len(rows))]
        reductions: dict[int, tuple] = {}
        states = {}
        for state, (numbers, targets) in enumerate(rows):
            actions = []
            for target in targets:
                if target >= 0:
                    actions.append(shifts[target])
                else:
                    action = reductions.get(target)
                    if action is None:
                        rule = memo[-1 - target]
                        if not isinstance(rule, Rule):
                            raise TypeError(f"a reduction by {rule!r}, which is not a rule")
                        action = reductions[target] = (Reduce, rule)
                    actions.append(action)
            if len(numbers) != len(actions):
                raise ValueError(f"state {state} has {len(numbers)} tokens and "
                                 f"{len(actions)} actions")
            states[state] = dict(zip([tokens[number] for number in numbers], actions))
        parser = cls.__new__(cls)
        parser._parse_table = IntParseTable(states, data["start_states"], data["end_states"])
        parser.parser = _Parser(parser._parse_table, callbacks, debug)
        return parser
