"""What every mutator is handed besides the text, and how it says that it does not apply.

A mutator is a function ``(context, text) -> (new text, what it did)``. Every random choice it
makes comes from ``context.rng``, the mutant's own generator, in a fixed order: that is what
makes a mutant a pure function of the round's seed and its index.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from ..seeds import file_format


class Skip(Exception):
    """A mutator that does not apply to this input; another one is tried."""


@dataclass
class MutationContext:
    """The file being mutated, and what a mutator may add beside it."""

    rng: random.Random
    name: str  # the mutated file's name
    siblings: dict[str, bytes]  # extra files added beside the mutant: name -> bytes
    pick_other: Callable[[], tuple[str, str]]  # another seed: (name, text)
    directory_name: str  # the name of the mutated file's directory

    @property
    def flavour(self) -> str:
        """The syntax the file is mutated as: ``hcl``, ``json`` or ``yaml``."""
        return file_format(self.name)


def split_lines(text: str) -> list[str]:
    """Lines split at ``\\n`` only (``str.splitlines`` also splits at characters that parsers
    may not treat as line breaks, which some mutators insert on purpose)."""
    return text.split("\n")


def random_span(rng: random.Random, count: int, longest: int = 20) -> tuple[int, int]:
    """``(start, end)`` of a run of 1 to ``longest`` items among ``count``."""
    start = rng.randrange(count)
    return start, min(count, start + rng.randint(1, longest))
