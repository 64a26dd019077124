"""The report cache: a ``vpclint check`` whose inputs did not change replays its stored reports.

Re-checking an unchanged estate (a second run in a terminal, a pre-commit retry, an editor
saving) would otherwise evaluate every module and template again: the parse cache spares the
parsing only. Here the reports themselves are kept, with everything they depended on, and a run
is served from them only when all of it is still the same:

- the request: the paths as given, the working directory, the effective settings (after the
  config file), formats and destinations, colour, the environment variables vpclint reads
  (``KEY_ENVIRONMENT``), Python and vpclint versions, ``sys.path`` - all hashed into the key;
- every file the scan read through ``vpclint.files.read_bytes`` (templates, modules, tfvars,
  ``file()`` reads, cloud assembly manifests, the heads of YAML/JSON files sniffed for being
  templates), read again and compared by content, with the problem it had when it had one
  (a file that was missing or too large and now is not is a change), and every path it probed
  (``files.is_dir`` / ``is_file``: a module source, a nested template, a module manifest), with
  a directory's names; the parameter files and baseline the settings name, by content too;
- the names in the directories discovery walks (every directory under a scanned directory but
  ``.git``, ``node_modules``, virtual environments and tool caches; the directory of a file
  named alone), and in each directory a file was read from, wherever it is (a module kept in
  ``node_modules`` or under an ``--allow-read`` directory): a new ``.tf`` file, an
  ``*.auto.tfvars`` appearing, a symlink retargeted;
- the code that ran: every non-standard-library module loaded by the scan (vpclint, the rule
  packs, the parsers), by size and modification time, and the listing of each ``sys.path``
  directory (a rule pack installed or removed).

Anything different, unreadable or unexpected is a miss, and the scan runs as if there were no
cache; nothing here can change what a scan reports. Entries are plain JSON read by the C
decoder (strings and numbers only, checked field by field), in ``results/`` of the private
cache directory; the ``MAX_ENTRIES`` most recently used are kept. Only the console command
replays (``vpclint.cli.main``): a program that calls the command in-process may have changed the
code in memory, which no file shows. ``VPCLINT_NO_CACHE=1`` turns it off with the parse cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Optional

from msgspec import Struct

from vpclint import __version__
from vpclint.cache_dir import cache_dir, read_private, stamp, write_private
from vpclint.files import SKIP_DIRS, Recording, probe_state, read_bytes, read_digest

FORMAT = 1
MAX_ENTRIES = 64
MAX_BYTES = 100 * 1024 * 1024  # a large estate's SARIF is megabytes: bound the whole too
#: The environment variables that can change what ``vpclint check`` prints. (A test reads the
#: code for every variable vpclint reads and fails when one is neither here nor in
#: ``IRRELEVANT_ENVIRONMENT``.)
KEY_ENVIRONMENT = ("NO_COLOR", "XDG_CACHE_HOME", "HOME")
#: Read by vpclint, but never changing a check's report: tracebacks, the pager of ``explain``,
#: and this cache's own switch (with it set, nothing is replayed or stored).
IRRELEVANT_ENVIRONMENT = ("VPCLINT_DEBUG", "PAGER", "VPCLINT_NO_CACHE")

# Not walked: what discovery skips, but ``.terraform``, whose module manifest a scan may read. A
# directory under these that a scan reads from is listed through its reads.
_SKIP_DIRS = SKIP_DIRS - {".terraform"}
_HEX = frozenset("0123456789abcdef")
_TIME_MARGIN = 2.0  # seconds: FAT keeps modification times to 2 s


class Output(Struct, frozen=True):
    """One report a run produced: its text and where it went (None: standard output), with the
    option that named the destination (for the messages of a failed write)."""

    destination: Optional[str]
    option: str
    text: str


class Replay(Struct, frozen=True):
    """A stored run: its reports and exit code."""

    outputs: tuple[Output, ...]
    exit_code: int


class Request:
    """One ``vpclint check`` invocation, as far as its reports can depend on it.

    ``request`` is every command-line value after parsing and the settings after the config
    file (anything JSON can write, ``Path`` as text); ``roots`` are the directories discovery
    walks (each with the directories under it) and ``shallow`` those whose names alone it reads
    (the module of a file named alone); ``files`` the settings' files read outside
    ``read_bytes`` (parameter files, baseline); ``outputs`` the report destinations in the
    order the run writes them (None: standard output): a replay writes only there, and they are
    left out of the listings (writing a report must not make the next run a miss).
    """

    def __init__(self, request: dict[str, Any], roots: Iterable[str], shallow: Iterable[str],
                 files: Iterable[str], outputs: Iterable[Optional[str]]) -> None:
        material = {"format": FORMAT, "vpclint": __version__, "python": sys.version,
                    "path": sys.path, "cwd": os.getcwd(), "request": request,
                    "environment": {name: os.environ.get(name) for name in KEY_ENVIRONMENT}}
        text = json.dumps(material, sort_keys=True, default=str)
        self.key = hashlib.sha256(text.encode()).hexdigest()
        self.files = sorted({os.path.abspath(f) for f in files})
        self.outputs = list(outputs)
        self.roots = sorted({os.path.realpath(r) for r in roots})
        self.shallow = sorted({os.path.realpath(r) for r in shallow})
        self.directory = _results_directory()
        # the cache's own directory may lie under a scanned one (a CI cache in the checkout):
        # its entries change with every run, and no scan reads them
        self.unlisted = frozenset(
            [*(os.path.realpath(o) for o in self.outputs if o is not None),
             *([os.path.realpath(self.directory.parent)] if self.directory is not None else [])])
        self._listing: Optional[str] = None
        self._started = 0.0

    @property
    def listing(self) -> str:
        """The digest of the names under the roots and of the settings' files' bytes, as they
        were when first asked (before the scan)."""
        if self._listing is None:
            self._started = time.time()
            self._listing = self._list()
        return self._listing

    def _list(self) -> str:
        digest = hashlib.sha256()
        for root in self.roots:
            _list_tree(root, digest, self.unlisted)
        for directory in self.shallow:
            _list_tree(directory, digest, self.unlisted, deep=False)
        for path in self.files:
            digest.update(f"{path}\0{_file_digest(path)}\0".encode())
        return digest.hexdigest()

    def _changed_during_scan(self, reads: list) -> bool:
        """Whether the scan may have seen a tree that is no longer there: the listing differs
        now, or a directory it read from changed since shortly before it started (a margin for
        file systems that keep times in whole seconds)."""
        if self._list() != self.listing:
            return True
        for directory in _directories_of(reads):
            try:
                if os.stat(directory).st_mtime >= self._started - _TIME_MARGIN:
                    return True
            except OSError:
                return True
        return False

    def fetch(self) -> Optional[Replay]:
        """The stored run for this request, if every input it read is unchanged. Takes the
        listing first, also on a miss: ``store`` records it, as the scan that follows saw it."""
        if self.directory is None:
            return None
        listing = self.listing
        entry = _read_entry(self.directory / self.key)
        if entry is None or entry.get("key") != self.key:
            return None
        try:
            replay = _valid_entry(entry)
        except (TypeError, ValueError, KeyError):
            return None
        if replay is None or [o.destination for o in replay.outputs] != self.outputs \
                or entry["listing"] != listing:
            return None
        if entry["read_dirs"] != _read_dirs(entry["reads"], self.unlisted) \
                or any(probe_state(path) != state for path, state in entry["probes"]) \
                or not _unchanged_code(entry["code"]) or not _unchanged_reads(entry["reads"]):
            return None
        _touch(self.directory / self.key)
        return replay

    def store(self, recording: Recording, replay: Replay) -> None:
        """Keep ``replay`` with what it depended on: what the scan read and probed, the listing
        ``fetch`` took before it."""
        if self.directory is None:
            return
        recorded = [[path, size, head, digest]
                    for (path, size, head), digest in sorted(recording.reads.items())]
        if self._changed_during_scan(recorded):
            return  # what the scan saw cannot be told from what is there now
        entry = {"key": self.key, "listing": self.listing, "code": _code_signature(),
                 "reads": recorded, "read_dirs": _read_dirs(recorded, self.unlisted),
                 "probes": sorted([path, state] for path, state in recording.probes.items()),
                 "outputs": [[o.destination, o.option, o.text] for o in replay.outputs],
                 "exit_code": replay.exit_code}
        data = json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode()
        if write_private(self.directory / self.key, data):
            _prune(self.directory)


def _results_directory() -> Optional[Path]:
    base = cache_dir()
    if base is None:
        return None
    directory = base / "results"
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        if not stat.S_ISDIR(os.lstat(directory).st_mode):
            return None
    except OSError:
        return None
    return directory


def _list_tree(root: str, digest: "hashlib._Hash", unlisted: frozenset[str],
               deep: bool = True) -> None:
    """Feed ``digest`` the names (with their kind, and a symlink's target) of ``root`` and, when
    ``deep``, every directory under it, in a fixed order, except the paths ``unlisted`` (the
    contents of a directory among them are not listed, its name is)."""
    if not os.path.isdir(root):
        digest.update(f"{root}\0{_kind(root)}\0".encode())
        return
    for directory, dirnames, filenames in os.walk(root):
        digest.update(f"\1{directory}\0".encode())
        for name in sorted(dirnames + filenames):
            path = os.path.join(directory, name)
            if path not in unlisted or name in dirnames:
                digest.update(f"{name}\0{_kind(path)}\0".encode())
        if not deep:
            break
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS
                             and os.path.join(directory, d) not in unlisted)


def _directories_of(reads: list) -> list[str]:
    """The directories the recorded reads were in, sorted."""
    return sorted({os.path.dirname(os.path.abspath(read[0])) for read in reads})


def _read_dirs(reads: list, unlisted: frozenset[str]) -> str:
    """The digest of the names in each directory a recorded read was in, but ``unlisted``."""
    digest = hashlib.sha256()
    for directory in _directories_of(reads):
        real = os.path.realpath(directory)
        try:
            names = sorted(name for name in os.listdir(directory)
                           if os.path.join(real, name) not in unlisted)
        except OSError:
            names = ["\0unreadable"]
        digest.update(f"\1{directory}\0{chr(0).join(names)}".encode())
    return digest.hexdigest()


def _kind(path: str) -> str:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISLNK(mode):
        try:
            return "link:" + os.readlink(path)
        except OSError:
            return "link"
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as error:
        return f"problem:{error.errno}"


def _code_signature() -> list[list]:
    """(file, size, modification time) of every loaded module outside the standard library,
    then (directory, names) of each ``sys.path`` directory: the code a run used, and what an
    install or uninstall would change."""
    stdlib = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)}
    resolved: dict[str, str] = {}  # directory -> its real path: a few hundred modules, few folders
    signature: list[list] = []
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if not isinstance(file, str):
            continue
        folder, name = os.path.split(file)
        if folder not in resolved:
            resolved[folder] = os.path.realpath(folder)
        if not _in_stdlib(os.path.join(resolved[folder], name), stdlib):
            signature.append(["file", file, *stamp(file)])
    for entry in sys.path:
        if entry and os.path.isdir(entry):
            signature.append(["dir", entry, _names_of(entry), 0])
    return sorted(signature)


def _in_stdlib(path: str, prefixes: set[str]) -> bool:
    return "site-packages" not in path and any(path.startswith(p + os.sep) for p in prefixes)


def _names_of(directory: str) -> str:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return "unreadable"
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


def _unchanged_code(signature: list) -> bool:
    for kind, path, first, second in signature:
        if kind == "file" and list(stamp(path)) != [first, second]:
            return False
        if kind == "dir" and _names_of(path) != first:
            return False
    return True


def _unchanged_reads(reads: list) -> bool:
    return all(read_digest(read_bytes(path, size, head)) == digest
               for path, size, head, digest in reads)


def _read_entry(path: Path) -> Optional[dict]:
    data = read_private(path)
    try:
        entry = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def _valid_entry(entry: dict) -> Optional[Replay]:
    """The replay an entry holds, when every field has the shape ``store`` writes."""
    if not (isinstance(entry["listing"], str) and _is_hex(entry["listing"])
            and isinstance(entry["read_dirs"], str)
            and isinstance(entry["exit_code"], int) and entry["exit_code"] in (0, 1)):
        return None
    for item in entry["code"]:
        if not (isinstance(item, list) and len(item) == 4 and item[0] in ("file", "dir")
                and all(isinstance(x, str) for x in item[:2])
                and (isinstance(item[2], int) if item[0] == "file" else isinstance(item[2], str))
                and isinstance(item[3], int)):
            return None
    for item in entry["probes"]:
        if not (isinstance(item, list) and len(item) == 2
                and all(isinstance(x, str) for x in item)):
            return None
    for item in entry["reads"]:
        if not (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str)
                and type(item[1]) is int and isinstance(item[2], bool)
                and isinstance(item[3], str)):
            return None
    outputs = []
    for item in entry["outputs"]:
        if not (isinstance(item, list) and len(item) == 3
                and (item[0] is None or isinstance(item[0], str))
                and isinstance(item[1], str) and isinstance(item[2], str)):
            return None
        outputs.append(Output(*item))
    return Replay(tuple(outputs), entry["exit_code"])


def _is_hex(text: str) -> bool:
    return len(text) == 64 and set(text) <= _HEX


def _touch(path: Path) -> None:
    try:
        os.utime(path)  # used now: pruning keeps the most recently used
    except OSError:
        pass


def _prune(directory: Path) -> None:
    """Keep the most recently used entries, at most ``MAX_ENTRIES`` of them and ``MAX_BYTES``
    in all; drop temporary files older than an hour (a writer that crashed)."""
    now = time.time()
    entries = []
    try:
        with os.scandir(directory) as listing:
            for item in listing:
                try:
                    status = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                if item.name.endswith(".tmp"):
                    if now - status.st_mtime > 3600:
                        _unlink(item.path)
                elif _is_hex(item.name):
                    entries.append((status.st_mtime, status.st_size, item.path))
    except OSError:
        return
    total = 0
    for count, (_, size, path) in enumerate(sorted(entries, reverse=True)):
        total += size
        if count >= MAX_ENTRIES or total > MAX_BYTES:
            _unlink(path)


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
