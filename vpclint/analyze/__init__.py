"""The analyze stage: the model -> routing and flows, computed once per scan and shared by rules."""

from __future__ import annotations

from vpclint.analyze.flows import Analysis, Flow, Hop, Verdict, analyze
from vpclint.model import Model

__all__ = ["Analysis", "Flow", "Hop", "Verdict", "analysis_of"]


def analysis_of(model: Model) -> Analysis:
    """The model's flow analysis, computed on first use (rules that need none never pay)."""
    if model.analysis is None:
        model.analysis = analyze(model)
    return model.analysis
