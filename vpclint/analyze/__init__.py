"""The analyze stage: the frozen model -> one ``Analysis`` (routing, Lattice, security, usage,
flows and the indexes rules look things up in), run once per scan by the engine."""

from __future__ import annotations

from vpclint.analyze.analysis import Analysis, analyze
from vpclint.analyze.flows import Flow, Hop, Verdict

__all__ = ["Analysis", "Flow", "Hop", "Verdict", "analyze"]
