"""Rule documentation generated from the rule modules' docstrings.

The docstring is the single source: ``docs/rules/<ID>.md`` (the SARIF ``helpUri``),
``vpclint explain`` and SARIF ``help.markdown`` all render it. ``python -m vpclint.docs``
regenerates the pages, the README's rule table and the rule pack's catalogue (from each rule's
metadata, see ``vpclint.registry``); a test fails when any is stale. The pages end with a note for
maintainers; ``render_terminal`` (what ``vpclint explain`` prints) is for users and leaves it
out, turning the Markdown into terminal text: headings emphasised, paragraphs wrapped to the
terminal, code blocks indented, links spelt out.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from vpclint.internal_error import INTERNAL_ERROR, INTERNAL_ERROR_RULE
from vpclint.registry import CATALOGUE, catalogue_source, load_rules
from vpclint.rule import RuleModule

HEADINGS = ("What it does", "Why it matters", "Example", "Use instead", "References")
DOCS_DIR = Path(__file__).resolve().parents[1] / "docs" / "rules"
README = Path(__file__).resolve().parents[1] / "README.md"
# the built-in pack's catalogue, in a checkout (installed, the pack is vpclint/rules/)
CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "rules" / f"{CATALOGUE}.py"
_TABLE = re.compile(r"(<!-- BEGIN rules table[^\n]*-->\n).*?(<!-- END rules table -->)", re.DOTALL)
_COUNT = re.compile(r"All \d+ rules of the catalogue")
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


# --- the terminal -----------------------------------------------------------------------------

_BOLD, _UNDERLINE, _CODE_STYLE, _RESET = "\x1b[1m", "\x1b[4m", "\x1b[36m", "\x1b[0m"
_FENCE = re.compile(r"^\s*```")
_ITEM = re.compile(r"^(\s{0,3})([-*+]|\d+[.)])\s+")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_STRONG = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
INDENT = "  "


def render_terminal(rule: RuleModule, *, color: bool = False, width: int = 100) -> str:
    """The rule's documentation as terminal text (no Markdown syntax, no maintainer notes).

    ``color`` adds bold headings and highlighted code (the caller decides: a TTY without
    ``NO_COLOR``); ``width`` is the column paragraphs are wrapped at.
    """
    meta = rule.meta
    style = _Style(color)
    head = title(rule)
    if not head.startswith(meta.id):
        head = f"{meta.id} {meta.slug}: {head}"
    out = [*(style.heading(line) for line in textwrap.wrap(head, width=max(40, width),
                                                         break_long_words=False)),
           f"{INDENT}Default level: {meta.level.value}   Band: {meta.band}",
           ""]
    body = sections(rule.doc)
    for heading in [h for h in HEADINGS if h in body] + [h for h in body if h not in HEADINGS]:
        out.append(style.heading(heading))
        out.extend(_blocks(body[heading], style, width))
        out.append("")
    if not body and rule.doc:  # a rule pack's docstring without the usual headings
        out.extend(_blocks("\n".join(rule.doc.splitlines()[1:]), style, width))
    return "\n".join(out).rstrip("\n") + "\n"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def heading(self, text: str) -> str:
        return f"{_BOLD}{_UNDERLINE}{text}{_RESET}" if self.color else text

    def code_line(self, text: str) -> str:
        return f"{_CODE_STYLE}{text}{_RESET}" if self.color and text.strip() else text

    def inline(self, text: str) -> str:
        """Inline Markdown, after wrapping: code and strong text styled (or left readable)."""
        if not self.color:
            return text  # `code` keeps its backticks: plain text shows where code is
        return _outside_code(
            text, lambda part: _STRONG.sub(lambda m: f"{_BOLD}{m.group(1)}{_RESET}", part),
            lambda code: f"{_CODE_STYLE}{code.strip('`').strip()}{_RESET}")


def _outside_code(text: str, change, code=lambda span: span) -> str:
    """``text`` with ``change`` applied to what is not inline code (``code`` to what is)."""
    out, last = [], 0
    for match in _INLINE_CODE.finditer(text):
        out += [change(text[last:match.start()]), code(match.group(0))]
        last = match.end()
    out.append(change(text[last:]))
    return "".join(out)


def _plain_inline(text: str) -> str:
    """Inline Markdown a reader should not see, before wrapping: links spelt out as
    ``text (url)``, autolinks unwrapped, and (without colour) ``**strong**`` marks dropped."""
    def link(match: re.Match) -> str:
        label, url = match.group(1), match.group(2)
        if re.match(r"https?://", url) and url != label:
            return f"{label} ({url})"
        return label  # a page of these docs: its name says it (`vpclint explain` shows it)

    return _outside_code(text, lambda part: _AUTOLINK.sub(r"\1", _LINK.sub(link, part)))


def _blocks(markdown: str, style: _Style, width: int) -> list[str]:
    """A section's Markdown as indented terminal lines."""
    out: list[str] = []
    lines = markdown.splitlines()
    i = 0
    wrap_width = max(40, width - len(INDENT))

    def paragraph(text: str, first: str, rest: str) -> None:
        text = _plain_inline(" ".join(text.split()))
        if not style.color:  # **strong** marks are noise in plain text
            text = _outside_code(text, lambda part: _STRONG.sub(lambda m: m.group(1), part))
        wrapped = textwrap.fill(text, width=wrap_width, initial_indent=first,
                                subsequent_indent=rest, break_long_words=False,
                                break_on_hyphens=False)
        out.extend(style.inline(wrapped).splitlines())

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            i += 1
        elif _FENCE.match(line):
            i += 1
            while i < len(lines) and not _FENCE.match(lines[i]):
                out.append(style.code_line(INDENT * 3 + lines[i]) if lines[i].strip() else "")
                i += 1
            i += 1  # the closing fence
            out.append("")
        elif line.lstrip().startswith("|"):  # a table: shown as it is, without its rule line
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                if not re.fullmatch(r"\s*\|[\s:|-]*\|?\s*", lines[i]):
                    out.append(INDENT + lines[i].strip())
                i += 1
        elif _ITEM.match(line):
            marker = _ITEM.match(line)
            bullet = "-" if marker.group(2) in "-*+" else marker.group(2)
            text = [line[marker.end():]]
            i += 1
            while (i < len(lines) and lines[i].strip() and not _ITEM.match(lines[i])
                   and not _FENCE.match(lines[i])):
                text.append(lines[i])
                i += 1
            paragraph(" ".join(text), f"{INDENT}{bullet} ", INDENT + " " * (len(bullet) + 1))
        else:
            text = []
            while (i < len(lines) and lines[i].strip() and not _ITEM.match(lines[i])
                   and not _FENCE.match(lines[i]) and not lines[i].lstrip().startswith("|")):
                text.append(lines[i])
                i += 1
            paragraph(" ".join(text), INDENT, INDENT)
    while out and out[-1] == "":
        out.pop()
    return out


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


def built_in_rules(rules: dict[str, RuleModule] | None = None) -> dict[str, RuleModule]:
    """The rules of vpclint's own pack, by ID (rule packs installed beside it left out)."""
    rules = rules or load_rules()
    return {i: r for i, r in rules.items() if r.module.startswith("vpclint.rules.")}


def expected_files(rules: dict[str, RuleModule] | None = None) -> dict[str, str]:
    """File name -> content of every generated page."""
    built_in = {INTERNAL_ERROR.id: INTERNAL_ERROR_RULE,  # the engine's own, first
                **built_in_rules(rules)}
    files = {f"{rule_id}.md": render(rule) for rule_id, rule in built_in.items()}
    files["README.md"] = render_index(built_in)
    return files


def readme_table(rules: dict[str, RuleModule]) -> str:
    """The README's rule table: one row per rule, from its metadata."""
    rows = ["| ID | slug | level | summary |", "|---|---|---|---|"]
    rows += [f"| {rule_id} | `{rule.meta.slug}` | {rule.meta.level.value} | {rule.meta.summary} |"
             for rule_id, rule in rules.items()]
    return "\n".join(rows) + "\n"


def expected_readme(current: str, rules: dict[str, RuleModule] | None = None) -> str:
    """The README ``current`` with its rule table and rule count taken from the registry."""
    built_in = built_in_rules(rules)
    if not _TABLE.search(current):
        raise ValueError("the README has no '<!-- BEGIN rules table' ... "
                         "'<!-- END rules table -->' block")
    table = readme_table(built_in)
    text = _TABLE.sub(lambda m: m.group(1) + table + m.group(2), current)
    return _COUNT.sub(f"All {len(built_in)} rules of the catalogue", text)


def expected_catalogue(rules: dict[str, RuleModule] | None = None) -> str:
    """The built-in pack's ``_catalogue`` module."""
    return catalogue_source(built_in_rules(rules))


def write(directory: Path = DOCS_DIR, readme: Path = README,
          catalogue: Path = CATALOGUE_FILE) -> list[Path]:
    """Regenerate the rule pages, the README's rule table and the catalogue; the paths that
    changed."""
    directory.mkdir(parents=True, exist_ok=True)
    expected = {directory / name: content for name, content in expected_files().items()}
    if readme.is_file():
        expected[readme] = expected_readme(readme.read_text(encoding="utf-8"))
    if catalogue.parent.is_dir():
        expected[catalogue] = expected_catalogue()
    written = []
    for path, content in expected.items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    changed = write()
    print(f"written: {', '.join(str(p) for p in changed)}" if changed
          else "rule pages, README rule table and catalogue up to date", file=sys.stderr)
