"""A mutant as a small project: which files and links surround the mutated file, and how the
project is written to disk for a scan.

The mutated file keeps its place in a copy of its tree, so a Terraform module stays whole, and
relative module sources and nested-stack template paths still resolve: the files of its
directory are copied, everything else is a link into the seed tree, which the scan is allowed
to read (``Config.allow_read``).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from .mutant import Mutant
from .seeds import Seed

ODD_NAMES = ["ma in", "mäin", "a\nb", "-rf", "*", "[x]", "#", "%s%n", "", " ", "..", "a" * 200,
             "\u202egnp", "\udcff", "main.tf", "CON", "x\ty"]
MAX_SIBLING_BYTES = 300_000
MAX_COPIED_BYTES = 4_000_000  # files of the directory beyond this are left out, not linked


def lay_out(rng: random.Random, mutant: Mutant, source: Seed, rel: Path, data: bytes,
            siblings: dict[str, bytes]) -> None:
    """The mutated file at its place in a copy of its tree: its directory's other files copied,
    real directories down to it, and links to everything else (other modules, templates), which
    the scan is allowed to read (``Config.allow_read``)."""
    root = Path(source.root)
    top = Path(root.name)
    directory = rel.parent
    name = rel.name
    if rng.random() < 0.04:  # an odd file name, same suffix
        suffix = next(s for s in (".tf.json", ".tf", ".tfvars", ".yaml", ".yml", ".json",
                                  ".template", "") if name.endswith(s))
        if not name.endswith(".tfvars"):
            name = rng.choice(ODD_NAMES) + suffix
            mutant.mutations.append(f"file name {name!r}")
    mutant.files[(top / directory / name).as_posix()] = data
    for extra, content in siblings.items():
        mutant.files[(top / directory / extra).as_posix()] = content
    terraform = rel.name.endswith((".tf", ".tf.json", ".tfvars"))
    keep_siblings = terraform or rng.random() < 0.5
    original = Path(source.rel)
    copied = 0
    parts = [Path()] + [Path(*directory.parts[:i + 1]) for i in range(len(directory.parts))]
    for level in parts:
        real = root / level
        if not real.is_dir():
            break
        on_path = directory.parts[len(level.parts)] if len(level.parts) < len(directory.parts) \
            else None
        for entry in sorted(real.iterdir()):
            if entry.name == on_path:
                continue
            here = (top / level / entry.name).as_posix()
            if level == directory:
                if entry.name in (original.name, rel.name) or here in mutant.files:
                    continue
                if entry.is_file() and not entry.is_symlink():
                    size = entry.stat().st_size
                    if keep_siblings and size <= MAX_SIBLING_BYTES and copied < MAX_COPIED_BYTES:
                        mutant.files[here] = entry.read_bytes()
                        copied += size
                    continue
            mutant.links[here] = str(entry)
    mutant.allow_read = [str(root)] if mutant.links else []
    if rng.random() < 0.15:
        mutant.target = (top / directory / name).as_posix()  # named alone, as pre-commit does
    else:
        mutant.target = (top / directory).as_posix()


def materialize(mutant: Mutant, project: Path) -> Path:
    """Write the mutant's files and links under ``project`` (a ``.git`` marks it as the
    repository root, as a checkout would); the path to scan."""
    for rel, content in mutant.files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for rel, target in mutant.links.items():
        path = project / rel
        if os.path.lexists(path) or not os.path.exists(target):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    (project / ".git").mkdir(exist_ok=True)
    return project / mutant.target
