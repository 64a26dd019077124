"""Text mutators for YAML and JSON templates that need the syntax but not the data: tags and
anchors edited in place, and the whole template flipped between JSON and YAML.
"""

from __future__ import annotations

import re

from .context import MutationContext, Skip, split_lines
from .yaml_tags import ODD_TAGS


def yaml_text_tags(ctx: MutationContext, text: str) -> tuple[str, str]:
    tags = list(re.finditer(r"!\w+", text))
    style = ctx.rng.randrange(3)
    if tags and style == 0:
        match = ctx.rng.choice(tags)
        tag = ctx.rng.choice(ODD_TAGS).replace("tag:yaml.org,2002:", "!!")
        return text[:match.start()] + tag + text[match.end():], f"{match.group()} -> {tag}"
    if style == 1:
        return "FzAnchor: &fzanchor\n  VpcId: !Ref FzAnchor\n" + re.sub(
            r"(?m)^(\s+)Properties:\s*$", r"\1Properties:\n\1  <<: *fzanchor", text, count=1), \
            "merge key <<: *fzanchor"
    lines = split_lines(text)
    slots = [i for i, line in enumerate(lines) if re.match(r"\s*[\w\-]+:\s*\S", line)]
    if len(slots) < 2:
        raise Skip
    a, b = ctx.rng.sample(slots, 2)
    lines[a] = re.sub(r":\s*", ": &fza ", lines[a], count=1)
    lines[b] = re.sub(r":\s*.*$", ": *fza", lines[b], count=1)
    return "\n".join(lines), f"anchor on line {a + 1}, alias on line {b + 1}"


def format_flip(ctx: MutationContext, text: str) -> tuple[str, str]:
    """A JSON template as YAML or the other way round (cfn-flip), under the same name."""
    from cfn_flip import to_json, to_yaml

    if re.search(r"[&*][\w-]", text):  # cfn-flip would expand an alias bomb: the fuzzer hangs
        raise Skip
    try:
        if ctx.flavour == "json":
            return to_yaml(text), "converted to YAML (cfn-flip)"
        return to_json(text), "converted to JSON (cfn-flip)"
    except Exception:  # noqa: BLE001 - not a template cfn-flip can read
        raise Skip from None
