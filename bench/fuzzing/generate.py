"""Mutant number ``index`` of round ``seed``: a seed file, one to three mutators, an encoding, a
project around it and sometimes odd settings, all drawn from one generator seeded by the pair.

Nothing else goes in (not the time, not the worker, not the order of the round), so a failing
mutant is made again from its two numbers, on any machine with the same seed files.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from .layout import lay_out
from .mutant import Mutant
from .mutators.context import MutationContext, Skip
from .mutators.encoding import encode
from .mutators.terraform import tf_to_json
from .mutators.weights import MUTATORS, WEIGHTS
from .seeds import SeedBank


def make_mutant(bank: SeedBank, seed: int, index: int) -> Mutant:
    """Mutant number ``index`` of round ``seed``: depends on nothing else."""
    rng = random.Random(f"vpclint-fuzz:{seed}:{index}")
    source = rng.choice(bank.seeds)
    text = bank.text(source)
    rel = Path(source.rel)
    name = rel.name
    mutant = Mutant(seed, index, source.display)
    siblings: dict[str, bytes] = {}

    def pick_other() -> tuple[str, str]:
        other = rng.choice(bank.seeds)
        return other.display, bank.text(other)

    ctx = MutationContext(rng, name, siblings, pick_other, rel.parent.name or "root")
    if name.endswith(".tf") and rng.random() < 0.05:
        try:
            text, did = tf_to_json(text)
            name = ctx.name = name + ".json"
            mutant.mutations.append(did)
        except Skip:
            pass
    weights = WEIGHTS[ctx.flavour]
    names, odds = list(weights), list(weights.values())
    wanted = rng.choice([1, 1, 1, 2, 2, 3])
    attempts = 0
    while len(mutant.mutations) < wanted and attempts < 20:
        attempts += 1
        which = rng.choices(names, odds)[0]
        try:
            text, did = MUTATORS[which](ctx, text)
        except (Skip, ValueError, IndexError):  # does not apply (an empty file has no line)
            continue
        mutant.mutations.append(f"{which}: {did}")
    data, encoding = encode(rng, text)
    if encoding:
        mutant.mutations.append(f"encoding: {encoding}")
    if not mutant.mutations:
        mutant.mutations.append("none (unchanged seed)")
    lay_out(rng, mutant, source, rel.parent / name, data, siblings)
    mutant.config = _random_config(rng, text)
    return mutant


def _random_config(rng: random.Random, text: str) -> dict[str, Any]:
    """Mostly none; sometimes the settings a config file gives (``vars``, ``cfn_params``,
    ``region``), with odd values for the file's own variables and parameters."""
    if rng.random() > 0.15:
        return {}
    odd = [None, True, 0, -1, 1e308, "", "x", [], {}, [None], {"a": None}, "10.0.0.0/33",
           "us-east-1", ["a", "b"], {"a": [1, {"b": None}]}, "a" * 10000]
    config: dict[str, Any] = {}
    variables = re.findall(r'variable\s+"([^"]+)"', text)
    if variables:
        config["vars"] = {v: rng.choice(odd) for v in rng.sample(variables,
                                                                 min(3, len(variables)))}
    parameters = re.findall(r"(?m)^  (\w+):\s*\n\s+Type:\s*(?:String|Number|List|Comma|AWS)", text)
    if parameters:
        config["cfn_params"] = {p: rng.choice(["", "x", 1, -1, 1.5, True, ["a", 1], "a,b",
                                                "10.0.0.0/16"])
                                for p in rng.sample(parameters, min(3, len(parameters)))}
    if rng.random() < 0.5:
        config["region"] = rng.choice(["us-east-1", "cn-north-1", "us-gov-west-1", "eu-west-1",
                                       "xx-fake-9"])
    return config
