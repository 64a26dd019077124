"""Reading input files safely: regular files only, inside the scan, up to a size limit.

vpclint runs in CI on pull requests from people the repository does not trust, and it opens
files on the say-so of other files: a nested stack's ``TemplateURL``, a module's ``source``,
a module directory's ``terraform.tfvars``, a config file's ``var-files``. Every such read goes
through ``Boundary.check`` and ``read_bytes``, so that:

- nothing outside the scanned paths is read (and so never printed in a code frame): a path is
  judged after following symlinks, so ``x.yaml -> /etc/passwd`` is outside too. The user can
  widen the boundary with ``--allow-read DIR`` (the pre-commit hook passes the repository);
- only regular files are read: a FIFO named ``x.tf`` would block forever, ``/dev/zero`` never
  ends, a symlink loop never resolves;
- a file past the size limit (``--max-file-size``, default ``DEFAULT_MAX_MB``) is refused
  with a message that says how to raise it, instead of taking minutes and gigabytes.

Problems are returned as a ``FileProblem`` message, never raised past this module: the caller
turns it into a VPC001 finding or a note, and the scan of the other files goes on.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import hashlib
import os
import stat
from typing import Iterator

from msgspec import Struct, field

DEFAULT_MAX_MB = 2  # CloudFormation allows 1 MB templates; python-hcl2 parses ~0.1 MB/s
MB = 1024 * 1024
# Directories discovery never walks into: tool state, dependencies, virtual environments
SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", ".venv", "__pycache__", ".tox",
                       ".mypy_cache", ".pytest_cache", ".vpclint-cache"})


def real_path(path: str) -> str:
    """``os.path.realpath(path)``, resolving each directory once per scan: a scan asks about
    thousands of files in a few hundred directories, and realpath costs a system call per
    path component. ``forget_real_paths`` starts afresh (each scan does)."""
    directory, name = os.path.split(os.path.abspath(path))
    candidate = os.path.join(_real_directory(directory), name)
    return os.path.realpath(candidate) if os.path.islink(candidate) else candidate


@functools.lru_cache(maxsize=8192)
def _real_directory(directory: str) -> str:
    return os.path.realpath(directory)


def forget_real_paths() -> None:
    _real_directory.cache_clear()


class FileProblem(Struct, frozen=True):
    """Why a file was not read, in words for the user."""

    message: str


class Boundary(Struct, frozen=True):
    """The directories (and single files) a scan may read, as real paths (symlinks resolved)."""

    roots: tuple[str, ...]

    @classmethod
    def around(cls, paths: list[str], allowed: list[str] = ()) -> "Boundary":
        """The boundary of a scan of ``paths``: each directory given, and the directory of each
        file given (its Terraform module is judged whole), plus the ``allowed`` directories."""
        roots = []
        for path in [*paths, *allowed]:
            real = os.path.realpath(path)
            roots.append(real if os.path.isdir(real) else os.path.dirname(real))
        return cls(tuple(sorted(set(roots))))

    def contains(self, path: str) -> bool:
        """Whether ``path`` (after following its symlinks) lies inside the boundary."""
        try:
            real = real_path(path)
        except (OSError, ValueError):
            return False
        return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep)
                   for root in self.roots)

    def check(self, path: str) -> FileProblem | None:
        """None when ``path`` may be read, else why not."""
        if self.contains(path):
            return None
        return FileProblem("outside the scanned paths, so not read (vpclint reads only what "
                           "it was asked to scan; add --allow-read DIR to include it)")


def read_bytes(path: str, max_bytes: int, head: bool = False) -> bytes | FileProblem:
    """The bytes of the regular file ``path``, or why it cannot be read. Never blocks on a
    FIFO or device, never reads more than ``max_bytes`` + 1 bytes. With ``head``, a larger
    file gives its first ``max_bytes`` bytes instead of a problem (to sniff what it is)."""
    result = _read(path, max_bytes, head)
    if _recording is not None:
        _recording.reads[(path, max_bytes, head)] = read_digest(result)
    return result


def read_digest(result: bytes | FileProblem) -> str:
    """What a read gave, in a few bytes: the SHA-256 of the bytes, or the problem."""
    if isinstance(result, FileProblem):
        return "problem:" + result.message
    return hashlib.sha256(result).hexdigest()


def is_dir(path: str) -> bool:
    """``os.path.isdir``, for a directory a scan may read from (a module source): recorded."""
    if _recording is None:
        return os.path.isdir(path)
    return _recorded_probe(path).startswith("dir")


def is_file(path: str) -> bool:
    """``os.path.isfile``, for a file a scan may read (a nested template, a module manifest):
    recorded."""
    if _recording is None:
        return os.path.isfile(path)
    return _recorded_probe(path) == "file"


def _recorded_probe(path: str) -> str:
    """The state of ``path`` as first probed in this recording (a module called many times is
    listed once)."""
    state = _recording.probes.get(path)
    if state is None:
        state = _recording.probes[path] = probe_state(path)
    return state


def probe_state(path: str) -> str:
    """What is at ``path`` now: a directory with the digest of its names, a file, something
    else, or nothing."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return "missing"
    if stat.S_ISDIR(mode):
        try:
            names = "\0".join(sorted(os.listdir(path)))
        except OSError:
            return "dir:unreadable"
        return "dir:" + hashlib.sha256(names.encode("utf-8", "surrogateescape")).hexdigest()
    return "file" if stat.S_ISREG(mode) else "other"


class Recording(Struct):
    """What a scan depended on in the file system: every ``read_bytes`` as (path, max_bytes,
    head) -> ``read_digest``, and every ``is_dir`` / ``is_file`` as path -> ``probe_state``; so
    that a stored report can later be checked against the files (``vpclint.result_cache``)."""

    reads: dict[tuple[str, int, bool], str] = field(default_factory=dict)
    probes: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def recording() -> Iterator[Recording]:
    """Record what is read and probed inside. Reads happen in the scanning process only (parse
    workers get the bytes), so this sees them all."""
    global _recording
    outer, _recording = _recording, Recording()
    try:
        yield _recording
    finally:
        _recording = outer


_recording: Recording | None = None


def _read(path: str, max_bytes: int, head: bool) -> bytes | FileProblem:
    try:
        info = os.stat(path)
    except OSError as error:
        return FileProblem(_describe(error))
    except ValueError:  # a NUL byte in the name
        return FileProblem("impossible file name")
    if not stat.S_ISREG(info.st_mode):
        return FileProblem(f"not a regular file ({_kind(info.st_mode)}), so not read")
    if info.st_size > max_bytes and not head:
        return too_large(info.st_size, max_bytes)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        return FileProblem(_describe(error))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped after the stat
            return FileProblem("not a regular file, so not read")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew since the stat, or a file whose size lies (/proc)
        return data[:max_bytes] if head else too_large(len(data), max_bytes, at_least=True)
    return data


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 LE starts with the UTF-16 LE mark: first


def decode_text(data: bytes) -> str:
    """The text of a file: UTF-8, or UTF-16/32 when a byte-order mark says so (editors on
    Windows save templates that way). Raises UnicodeDecodeError for anything else."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return data.decode(encoding)
    return data.decode("utf-8")


def too_large(size: int, max_bytes: int, at_least: bool = False) -> FileProblem:
    shown = f"{'over ' if at_least else ''}{size / MB:.1f} MB"
    return FileProblem(f"file too large ({shown}; the limit is {max_bytes / MB:g} MB): not "
                       "read (raise it with --max-file-size MB)")


def display_name(path: str) -> str:
    """``path`` printable whatever bytes its name holds (``\\xff`` for a byte that is not
    UTF-8), for messages."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_printable_name(path: str) -> bool:
    """Whether the file name is valid UTF-8 (reports and SARIF URIs can name it)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _describe(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symlink loop: the file cannot be resolved, so not read"
    if error.errno == errno.ENOENT:
        return "no such file (a broken symlink?)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read file: {error.strerror or error}"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
