"""Rule packs are found through their entry points; the answer "only vpclint's own pack" is
remembered until something is installed, removed or reinstalled (``vpclint.installed_packs``)."""

import importlib.metadata
import os
import sys

import pytest

from vpclint import installed_packs, registry
from vpclint.installed_packs import BUILTIN_MODULE, GROUP, entry_points

PACK_RULE = '''"""A third-party rule."""
from vpclint.rule import Level, RuleMeta

RULE = RuleMeta(id="TP801", slug="tp-801", level=Level.NOTE, summary="A third-party rule.")


def check(context):
    return []
'''


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("VPCLINT_NO_CACHE", raising=False)
    return tmp_path / "cache" / "vpclint"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A directory on ``sys.path`` where a test installs distributions."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, "tppack", raising=False)
    monkeypatch.delitem(sys.modules, "tppack.tp801", raising=False)
    return folder


def _install(site, entry_points_text: str) -> None:
    """A distribution ``tppack`` 1.0 with the rule pack ``tppack`` and these entry points."""
    info = site / "tppack-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tppack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points_text)
    package = site / "tppack"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "tp801.py").write_text(PACK_RULE)


def _discovery_forbidden(monkeypatch):
    def forbidden(**_):
        raise AssertionError("importlib.metadata was asked")
    monkeypatch.setattr(importlib.metadata, "entry_points", forbidden)


def _values(found) -> list[str]:
    return [entry.value for entry in found]


def test_only_the_builtin_pack_is_remembered_and_then_loaded_without_discovery(cache,
                                                                                monkeypatch):
    assert _values(entry_points(GROUP)) == [BUILTIN_MODULE]
    assert (cache / ".installed-packs").stat().st_mode & 0o777 == 0o600
    _discovery_forbidden(monkeypatch)
    found = entry_points(GROUP)
    assert _values(found) == [BUILTIN_MODULE]
    assert found[0].load().__name__ == BUILTIN_MODULE


def test_a_pack_installed_since_is_found(cache, site):
    entry_points(GROUP)  # remembers: the built-in pack only
    _install(site, f"[{GROUP}]\ntppack = tppack\n")
    assert _values(entry_points(GROUP)) == ["tppack", BUILTIN_MODULE]
    assert "TP801" in registry.load_catalogue()


def test_a_reinstall_that_adds_a_pack_is_found(cache, site):
    _install(site, "[console_scripts]\ntp = tppack:main\n")
    entry_points(GROUP)  # remembers: the built-in pack only, with tppack installed
    _install(site, f"[{GROUP}]\ntppack = tppack\n")  # same name and version, new entry points
    assert "tppack" in _values(entry_points(GROUP))


def test_an_upgrade_is_noticed_by_its_version_even_with_an_entry_points_file_alike(cache, site):
    declared = f"[{GROUP}]\ntppack = tppack\n"
    _install(site, "[console_scripts]\ntppack = tppack:run\n"[:len(declared)])
    old = site / "tppack-1.0.dist-info"
    status = (old / "entry_points.txt").stat()
    entry_points(GROUP)  # remembers: the built-in pack only, with tppack 1.0 installed
    new = site / "tppack-2.0.dist-info"
    old.rename(new)
    (new / "entry_points.txt").write_text(declared)
    os.utime(new / "entry_points.txt", ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (new / "entry_points.txt").stat().st_size == status.st_size
    assert "tppack" in _values(entry_points(GROUP))


def test_a_third_party_pack_is_never_remembered(cache, site, monkeypatch):
    _install(site, f"[{GROUP}]\ntppack = tppack\n")
    assert "tppack" in _values(entry_points(GROUP))
    assert not (cache / ".installed-packs").exists()
    calls = []
    installed = importlib.metadata.entry_points
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda **kw: calls.append(kw) or installed(**kw))
    assert "tppack" in _values(entry_points(GROUP))
    assert calls == [{"group": GROUP}]


@pytest.mark.parametrize("note", [b"", b"{", b"[]", b'{"format": 1}',
                                  b'{"format": 1, "fingerprint": "00"}'])
def test_a_damaged_or_foreign_note_means_discovery(cache, site, note):
    _install(site, f"[{GROUP}]\ntppack = tppack\n")
    cache.mkdir(parents=True)
    (cache / ".installed-packs").write_bytes(note)
    assert "tppack" in _values(entry_points(GROUP))


def test_vpclint_no_cache_remembers_nothing(cache, monkeypatch):
    monkeypatch.setenv("VPCLINT_NO_CACHE", "1")
    assert _values(entry_points(GROUP)) == [BUILTIN_MODULE]
    assert not (cache / ".installed-packs").exists()


def test_an_import_hook_that_lists_distributions_of_its_own_turns_the_note_off(cache,
                                                                                monkeypatch):
    class Hook:
        @staticmethod
        def find_spec(*_):
            return None

        @staticmethod
        def find_distributions(*_args, **_kw):
            return iter(())

    entry_points(GROUP)
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Hook()])
    calls = []
    installed = importlib.metadata.entry_points
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda **kw: calls.append(kw) or installed(**kw))
    entry_points(GROUP)
    assert calls == [{"group": GROUP}]
    assert installed_packs._fingerprint() is None
