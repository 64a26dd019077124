"""How long the rule modules' code is, docstrings and comments aside: the median and the longest.

    python tools/rule_sizes.py            # median and longest, then every module, longest first
    python tools/rule_sizes.py --summary  # the median and the longest only

A rule's docstring is its documentation (examples in both IaCs included) and says nothing about
how much code a reader must follow, so only code lines count: lines that hold a token other than
a comment, a docstring or a line break. Helpers (``rules/_*.py``) are listed apart: a rule's code
shrinks when it moves into one, and the total shows whether it shrank or only moved.
"""

from __future__ import annotations

import argparse
import ast
import io
import statistics
import sys
import tokenize
from pathlib import Path

RULES = Path(__file__).resolve().parents[1] / "rules"
_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENDMARKER, tokenize.ENCODING}


def _docstring_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            doc = node.body[0]
            lines.update(range(doc.lineno, doc.end_lineno + 1))
    return lines


def code_lines(path: Path) -> int:
    """Lines of ``path`` that hold code: not blank, not only a comment, not in a docstring."""
    source = path.read_text(encoding="utf-8")
    docstrings = _docstring_lines(ast.parse(source))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in _LAYOUT:
            continue
        for line in range(token.start[0], token.end[0] + 1):
            if line not in docstrings:
                lines.add(line)
    return len(lines)


GENERATED = "_catalogue.py"  # data written by ``python -m vpclint.docs``, not code to read


def sizes(folder: Path = RULES) -> tuple[dict[str, int], dict[str, int]]:
    """(rule module -> code lines, helper module -> code lines)."""
    rules = {p.name: code_lines(p) for p in sorted(folder.glob("vpc*.py"))}
    helpers = {p.name: code_lines(p) for p in sorted(folder.glob("_*.py"))
               if p.name not in ("__init__.py", GENERATED)}
    return rules, helpers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="the median and longest only")
    parser.add_argument("--rules", type=Path, default=RULES, help="the rules/ folder to measure")
    args = parser.parse_args(argv)
    rules, helpers = sizes(args.rules)
    if not rules:
        print(f"no rule modules in {args.rules}", file=sys.stderr)
        return 2
    longest = max(rules, key=rules.get)
    print(f"{len(rules)} rule modules: median {statistics.median(rules.values()):g} code lines, "
          f"longest {rules[longest]} ({longest}); total {sum(rules.values())}, "
          f"helpers {sum(helpers.values())} in {len(helpers)} modules")
    if not args.summary:
        for name, count in sorted({**rules, **helpers}.items(), key=lambda i: (-i[1], i[0])):
            print(f"{count:6d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
