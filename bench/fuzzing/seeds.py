"""The seed files a round mutates, and the syntax each one is written in.

Seeds are the Terraform and CloudFormation files of the real-world corpus (``../shared/corpus``
beside the repository, when it is present) and of the project's own ``fixtures/``. Their order
is fixed (sorted walk), so a mutant index picks the same seed on every machine with the same
trees.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = REPO / "fixtures"

HCL_SUFFIXES = (".tf", ".tfvars")
JSON_SUFFIXES = (".json",)
SEED_SUFFIXES = (".tf.json", ".tf", ".yaml", ".yml", ".json", ".template")
MAX_SEED_BYTES = 1_000_000


@dataclass(frozen=True)
class Seed:
    """A file to mutate; ``root`` is the tree it came from (the corpus, or ``fixtures/``)."""

    root: str
    rel: str  # path under root, posix

    @property
    def path(self) -> Path:
        return Path(self.root) / self.rel

    @property
    def display(self) -> str:
        base = "corpus" if Path(self.root).name == "corpus" else Path(self.root).name
        return f"{base}/{self.rel}"


def seed_roots(corpus: Path | None = CORPUS, fixtures: bool = True) -> list[Path]:
    """The trees to take seeds from: the corpus (when given and present), then ``fixtures/``."""
    roots = []
    if corpus is not None and corpus.is_dir():
        roots.append(corpus.resolve())
    if fixtures and FIXTURES.is_dir():
        roots.append(FIXTURES.resolve())
    return roots


def find_seeds(roots: list[Path]) -> list[Seed]:
    """Terraform files, auto-loaded tfvars, and the YAML/JSON that vpclint reads (templates,
    plans, ``.tf.json``); other YAML and JSON (CI workflows, package.json) is passed over."""
    from vpclint.discover import SKIP_DIRS
    from vpclint.loaders.cfn import looks_like_template

    seeds = []
    for root in roots:
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                path = Path(directory) / name
                if path.is_symlink() or not path.is_file():
                    continue
                if path.stat().st_size > MAX_SEED_BYTES:
                    continue
                keep = name.endswith((".tf", ".tf.json")) or name == "terraform.tfvars" \
                    or name.endswith(".auto.tfvars")
                if not keep and name.endswith(SEED_SUFFIXES):
                    head = path.read_text(encoding="utf-8", errors="replace")
                    keep = looks_like_template(head) or '"planned_values"' in head
                if keep:
                    seeds.append(Seed(str(root), path.relative_to(root).as_posix()))
    return seeds


def file_format(name: str) -> str:
    """``hcl``, ``json`` or ``yaml``: the syntax a file of this name is mutated as."""
    if name.endswith(HCL_SUFFIXES):
        return "hcl"
    if name.endswith(JSON_SUFFIXES):
        return "json"
    return "yaml"


class SeedBank:
    """Seed files, read once each."""

    def __init__(self, seeds: list[Seed]) -> None:
        self.seeds = seeds
        self._text: dict[Seed, str] = {}

    def text(self, seed: Seed) -> str:
        if seed not in self._text:
            self._text[seed] = seed.path.read_bytes().decode("utf-8", "surrogateescape")
        return self._text[seed]
