"""Rule documentation generated from the rule modules' docstrings.

The docstring is the single source: ``docs/rules/<ID>.md`` (the SARIF ``helpUri``),
``vpclint explain`` and SARIF ``help.markdown`` all render it. ``python -m vpclint.docs``
regenerates the pages; a test fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from vpclint.registry import load_rules
from vpclint.rule import RuleModule

HEADINGS = ("What it does", "Why it matters", "Example", "Use instead", "References")
DOCS_DIR = Path(__file__).resolve().parents[1] / "docs" / "rules"
_CODE = re.compile(r"```(hcl|terraform|yaml|json)\n(.*?)```", re.DOTALL)


def sections(doc: str) -> dict[str, str]:
    """The ``## Heading`` sections of a rule docstring, by heading."""
    found: dict[str, str] = {}
    current = None
    lines: list[str] = []
    for line in doc.splitlines():
        if line.startswith("## "):
            if current is not None:
                found[current] = "\n".join(lines).strip()
            current, lines = line[3:].strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        found[current] = "\n".join(lines).strip()
    return found


def title(rule: RuleModule) -> str:
    return rule.doc.splitlines()[0].strip() if rule.doc else rule.meta.summary


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(flavour, code) of each fenced block: flavour is "terraform" or "cloudformation"."""
    return [("terraform" if lang in ("hcl", "terraform") else "cloudformation", code)
            for lang, code in _CODE.findall(text)]


def render(rule: RuleModule) -> str:
    meta = rule.meta
    parts = [f"# {title(rule)}", "",
             "| ID | Slug | Default level | Band |", "|---|---|---|---|",
             f"| {meta.id} | `{meta.slug}` | {meta.level.value} | {meta.band} |", ""]
    body = sections(rule.doc)
    for heading in HEADINGS:
        if heading in body:
            parts += [f"## {heading}", "", body[heading], ""]
    parts += ["---", f"Generated from the docstring of `{rule.module}`; edit it there and run "
              "`python -m vpclint.docs`.", ""]
    return "\n".join(parts)


def render_index(rules: dict[str, RuleModule]) -> str:
    lines = ["# vpclint rules", "",
             "Every built-in rule, by ID. Select or ignore them by ID, slug or ID prefix "
             "(`--select VPC3`); see the README for configuration and suppressions.", "",
             "| ID | Slug | Level | Band | Summary |", "|---|---|---|---|---|"]
    for rule_id, rule in rules.items():
        meta = rule.meta
        lines.append(f"| [{rule_id}]({rule_id}.md) | `{meta.slug}` | {meta.level.value} | "
                     f"{meta.band} | {meta.summary} |")
    return "\n".join(lines) + "\n"


def expected_files(rules: dict[str, RuleModule] | None = None) -> dict[str, str]:
    """File name -> content of every generated page."""
    rules = rules or load_rules()
    files = {f"{rule_id}.md": render(rule) for rule_id, rule in rules.items()
             if rule.module.startswith("rules.")}
    files["README.md"] = render_index({i: r for i, r in rules.items()
                                       if r.module.startswith("rules.")})
    return files


def write(directory: Path = DOCS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in expected_files().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    changed = write()
    print(f"{len(changed)} rule pages written" if changed else "rule pages up to date",
          file=sys.stderr)
