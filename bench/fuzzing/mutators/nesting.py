"""Values nested thousands deep, in each syntax: what recursive parsers and walkers choke on."""

from __future__ import annotations

import random

# How deep to nest. HCL stops at 10,000 levels: python-hcl2 lexes and parses about 20,000
# tokens a second, so deeper (longer) input would time out on speed alone, which is not what the
# timeout is there to catch; YAML and JSON go through libyaml, which is fast enough for more.
DEPTHS = {"hcl": [64, 250, 1000, 3000, 10000],
          "yaml": [64, 250, 1000, 3000, 10000, 30000, 100000],
          "json": [64, 250, 1000, 3000, 10000, 30000, 100000]}


def deep_text(rng: random.Random, flavour: str, depth: int, indent: int = 4,
              flow: bool = False) -> str:
    """A value nested ``depth`` deep, in the syntax of ``flavour`` (YAML: block style under a
    key indented ``indent``, unless ``flow``)."""
    if flavour == "hcl":
        shape = rng.randrange(10)
        if shape == 0:
            return "[" * depth + "1" + "]" * depth
        if shape == 1:
            return "{a = " * depth + "1" + "}" * depth
        if shape == 2:
            return "(" * depth + "1" + ")" * depth
        if shape == 3:
            return " + ".join(["1"] * depth)
        if shape == 4:
            return "!" * depth + "true"
        if shape == 5:
            return "-" * depth + "1"
        if shape == 6:
            return "tolist(" * depth + "[1]" + ")" * depth
        if shape == 7:
            return "var.fz" + ".a" * depth
        if shape == 8:
            return '"' + "${\"" * min(depth, 2000) + "x" + "\"}" * min(depth, 2000) + '"'
        return "true ? " * depth + "1" + " : 2" * depth
    if flavour == "json":
        if rng.random() < 0.5:
            return "[" * depth + "1" + "]" * depth
        return '{"a": ' * depth + "1" + "}" * depth
    shape = rng.randrange(2 if flow else 4)
    if shape == 0:
        return "[" * depth + "1" + "]" * depth
    if shape == 1:
        return "{a: " * depth + "1" + "}" * depth
    depth = min(depth, 5000)  # block style, one more space of indentation each level
    if shape == 2:
        return "\n" + "\n".join(" " * (indent + 1 + i) + "a:" for i in range(depth)) + " 1"
    return "\n" + "\n".join(" " * (indent + 1 + i) + "-" for i in range(depth)) + " 1"
