"""python-hcl2's parser rebuilt from the tables vpclint keeps (``hcl_tables``): the same parser,
stored and read back safely, and python-hcl2's own whenever the stored tables cannot serve."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import hcl2.parser
import msgspec
import pytest

from vpclint.loaders import hcl_convert, hcl_tables
from vpclint.loaders.hcl import HclFile, load_hcl

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hcl2_parser():
    return hcl2.parser.parser()


@pytest.fixture(scope="module")
def rebuilt(hcl2_parser):
    return hcl_tables.decode(hcl_tables.encode(hcl2_parser))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache directory of this test's own; the parsers made before it are forgotten."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("VPCLINT_NO_CACHE", raising=False)
    yield tmp_path / "vpclint"
    hcl_convert._parsers.cache_clear()


def _stored(directory: Path) -> list[Path]:
    return sorted(directory.glob("hcl-tables-*.msgpack"))


def test_the_rebuilt_parse_table_is_python_hcl2s(hcl2_parser, rebuilt):
    ours, theirs = rebuilt.parser.parser._parse_table, hcl2_parser.parser.parser._parse_table
    assert ours.states == theirs.states
    assert (ours.start_states, ours.end_states) == (theirs.start_states, theirs.end_states)


def test_the_rebuilt_rules_and_terminals_are_python_hcl2s(hcl2_parser, rebuilt):
    def rules(parser):
        return [(rule, rule.alias, rule.order, vars(rule.options)) for rule in parser.rules]

    def terminals(parser):
        return [(t.name, t.pattern, t.priority, t.pattern.min_width, t.pattern.max_width)
                for t in parser.terminals]

    assert rules(rebuilt) == rules(hcl2_parser)
    assert terminals(rebuilt) == terminals(hcl2_parser)
    assert rebuilt.lexer_conf.ignore == hcl2_parser.lexer_conf.ignore
    assert type(rebuilt.lexer_conf.postlex) is type(hcl2_parser.lexer_conf.postlex)
    given = {name: value for name, value in hcl2_parser.options.options.items()
             if name not in ("postlex", "_plugins")}
    assert {name: value for name, value in rebuilt.options.options.items()
            if name not in ("postlex", "_plugins")} == given


def test_the_rebuilt_parser_reads_every_fixture_as_python_hcl2s_does(hcl2_parser, rebuilt):
    ours = hcl_convert._with_callbacks(rebuilt, hcl_convert._callbacks(rebuilt.rules))
    theirs = hcl_convert._with_callbacks(hcl2_parser, hcl_convert._callbacks(hcl2_parser.rules))
    files = sorted((ROOT / "fixtures").rglob("*.tf"))
    assert len(files) > 100
    for file in files:
        text = file.read_text(encoding="utf-8") + "\n"
        try:
            expected = theirs.parse(text).value
        except Exception as error:  # noqa: BLE001 - the same error is expected of ours
            with pytest.raises(type(error)):
                ours.parse(text)
            continue
        assert ours.parse(text).value == expected, file


def test_the_rebuilt_parser_fails_where_python_hcl2s_fails_and_as_it_does(hcl2_parser, rebuilt):
    """Broken text (fixtures with characters inserted, deleted or replaced, seeded): the same
    error, at the same place, expecting the same tokens; or the same reading."""
    ours = hcl_convert._with_callbacks(rebuilt, hcl_convert._callbacks(rebuilt.rules))
    theirs = hcl_convert._with_callbacks(hcl2_parser, hcl_convert._callbacks(hcl2_parser.rules))
    texts = [file.read_text(encoding="utf-8") for file in sorted((ROOT / "fixtures").rglob("*.tf"))]
    pieces = list('{}[]()"=\n #$%~:?.,*<>-+/\\ax09') + ["${", "%{", "<<EOF\n", "\nEOF\n", "/*"]
    rng = random.Random(12)

    def outcome(parser, text):
        try:
            return "read", parser.parse(text).value
        except Exception as error:  # noqa: BLE001 - lark's errors, compared
            return (type(error).__name__, getattr(error, "line", None),
                    getattr(error, "column", None), str(getattr(error, "token", "")),
                    sorted(getattr(error, "expected", None) or ()))

    failures = 0
    for _ in range(300):
        text = rng.choice(texts)
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(pieces) + text[at + rng.randint(0, 3):] + "\n"
        expected = outcome(theirs, text)
        failures += expected[0] != "read"
        assert outcome(ours, text) == expected, text
    assert failures > 100  # the mutants do break the syntax


def test_the_tables_are_stored_once_then_read(cache):
    first = hcl_tables.load_parser()
    (stored,) = _stored(cache)
    assert not isinstance(first, hcl_tables._TablesOnly)  # python-hcl2's, as it was built
    assert stored.stat().st_mode & 0o077 == 0
    written = stored.read_bytes()
    second = hcl_tables.load_parser()
    assert isinstance(second, hcl_tables._TablesOnly)
    assert _stored(cache) == [stored] and stored.read_bytes() == written


def test_a_file_read_with_the_stored_tables_is_read_as_without_them(cache, monkeypatch):
    text = next((ROOT / "fixtures").rglob("*.tf")).read_text(encoding="utf-8")
    hcl_tables.load_parser()  # stores them
    hcl_convert._parsers.cache_clear()
    assert isinstance(hcl_tables.load_parser(), hcl_tables._TablesOnly)
    with_tables = load_hcl("main.tf", text)
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    hcl_convert._parsers.cache_clear()
    assert not isinstance(hcl_tables.load_parser(), hcl_tables._TablesOnly)
    assert isinstance(with_tables, HclFile) and with_tables.blocks
    assert load_hcl("main.tf", text) == with_tables


@pytest.mark.parametrize("damage", ["payload", "header", "digested nonsense", "not a rule"])
def test_stored_tables_that_cannot_serve_give_python_hcl2s_parser_and_are_written_again(
        cache, damage):
    hcl_tables.load_parser()
    (stored,) = _stored(cache)
    header, _, payload = stored.read_bytes().partition(b"\n")
    if damage == "payload":  # a changed byte: the digest no longer matches
        payload = payload[:1000] + bytes([payload[1000] ^ 1]) + payload[1001:]
    elif damage == "header":
        header = b"vpclint-hcl-tables " + b"0" * 64
    else:  # the digest matches, the contents are not lark's tables
        if damage == "digested nonsense":
            payload = msgspec.msgpack.encode({"data": {}, "memo": {}})
        else:
            decoded = msgspec.msgpack.decode(payload)
            rows = decoded["data"]["parser"]["parser"]["rows"]
            terminal = next(key for key, entry in decoded["memo"].items() if "pattern" in entry)
            rows[0][1][0] = -1 - terminal  # a reduction by a terminal
            payload = msgspec.msgpack.encode(decoded)
        header = b"vpclint-hcl-tables " + hcl_tables._digest(payload)
    stored.write_bytes(header + b"\n" + payload)
    parser = hcl_tables.load_parser()
    assert not isinstance(parser, hcl_tables._TablesOnly)
    assert parser.parser.parser._parse_table.states  # python-hcl2's, whole
    assert isinstance(hcl_tables.load_parser(), hcl_tables._TablesOnly)  # written again


def test_the_oldest_other_versions_tables_beyond_four_are_removed_when_these_are_stored(cache):
    """Two installs sharing the cache keep each other's tables; old versions go in time."""
    cache.mkdir(mode=0o700)
    others = [cache / f"hcl-tables-{digit * 32}.msgpack" for digit in "01234"]
    for age, other in enumerate(others):
        other.write_bytes(b"vpclint-hcl-tables 0\n")
        os.utime(other, ns=(age * 10**9, age * 10**9))  # "0..." the oldest
    hcl_tables.load_parser()
    kept = _stored(cache)
    assert len(kept) == 4 and others[0] not in kept and others[1] not in kept
    assert others[4] in kept and len([path for path in kept if path not in others]) == 1


def test_without_a_cache_python_hcl2s_parser_is_used_and_nothing_is_written(cache, monkeypatch):
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    assert hcl_tables.load_parser() is hcl2.parser.parser()
    assert not cache.exists() or not _stored(cache)


def test_options_python_hcl2_gave_that_cannot_be_given_again_refuse_the_store(cache, hcl2_parser,
                                                                              monkeypatch):
    monkeypatch.setitem(hcl2_parser.options.options, "lexer_callbacks", {"NAME": print})
    with pytest.raises(ValueError, match="lexer_callbacks"):
        hcl_tables.encode(hcl2_parser)
    assert hcl_tables.load_parser() is hcl2_parser
    assert not _stored(cache)


def test_without_the_lark_parts_it_rebuilds_hcl_convert_uses_python_hcl2s_parser(cache,
                                                                                  monkeypatch):
    monkeypatch.setitem(sys.modules, "vpclint.loaders.hcl_tables", None)  # its import fails
    hcl_convert._parsers.cache_clear()
    attributes, _ = hcl_convert.parse_body("a = 1\n")
    assert attributes["a"].expr.value == 1
    assert not cache.exists() or not _stored(cache)
