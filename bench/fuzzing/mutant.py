"""A mutant: the small project one fuzzing step scans, as data that survives pickling and JSON.

It travels from the process that makes it to the worker that scans it, back to the parent when
it fails, and into ``mutant.json`` when it is saved, so it holds bytes and paths only.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Mutant:
    """A small project to scan: real files (mutated) and links to unchanged files beside them."""

    seed: int
    index: int
    origin: str  # the seed file, as shown to people
    mutations: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # project-relative path -> content
    links: dict[str, str] = field(default_factory=dict)  # project-relative path -> target
    target: str = "."  # what to scan: a project-relative file or directory
    config: dict[str, Any] = field(default_factory=dict)  # Config(**config)
    allow_read: list[str] = field(default_factory=list)  # where the links point

    def to_json(self) -> dict:
        data = asdict(self)
        data["files"] = {k: base64.b64encode(v).decode() for k, v in self.files.items()}
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Mutant":
        data = dict(data)
        data["files"] = {k: base64.b64decode(v) for k, v in data["files"].items()}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
