"""``vpclint rules`` and ``vpclint explain``: the rule catalogue, learnable from the terminal."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import typer

from vpclint import cli_options as options
from vpclint.errors import ConfigError, VpclintError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
MAX_WIDTH = 100  # explain wraps its paragraphs at this column, or the terminal's if narrower


def rules_command(
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                                      help="Output format: text or json."),
    select: Optional[List[str]] = typer.Option(
        None, "--select", metavar="RULES", help="Only these rules: IDs (VPC101), slugs or ID "
        "prefixes (VPC3), as for 'vpclint check --select'. Repeatable or comma-separated."),
) -> None:
    """List every rule: ID, slug, default level, band and summary.

    Use the ID or the slug in --select / --ignore, in .vpclint.toml and in suppressions;
    'vpclint explain RULE' shows a rule's documentation.
    """
    if output_format not in ("text", "json"):
        raise VpclintError(f"unknown format {output_format!r}: choose text or json")
    from vpclint.registry import load_catalogue
    from vpclint.selection import Selector

    entries = [part.strip() for value in select or [] for part in value.split(",")
               if part.strip()]
    metas = {rule_id: meta for rule_id, (meta, _) in load_catalogue().items()}
    for entry in entries:  # an entry that names nothing is a typo, as in check
        try:
            Selector([entry], None, metas)
        except ConfigError:
            raise VpclintError(f"--select {entry!r} matches no rule ID, slug or ID prefix "
                               "('vpclint rules' without --select lists them all)") from None
    selector = Selector(entries, None, metas) if entries else None
    chosen = [m for m in metas.values() if selector is None or selector.enabled(m)]
    if output_format == "json":
        typer.echo(json.dumps([{"id": m.id, "slug": m.slug, "level": m.level.value,
                                "band": m.band, "summary": m.summary,
                                "help_uri": m.help_uri} for m in chosen], indent=2))
        return
    rows = [("ID", "SLUG", "LEVEL", "BAND", "SUMMARY")]
    rows += [(m.id, m.slug, m.level.value, m.band, m.summary) for m in chosen]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths))
                   + "  " + row[4])


def explain_command(
    rule: str = typer.Argument(..., metavar="RULE", show_default=False,
                               help="A rule ID (VPC101) or slug "
                               "(gateway-endpoint-without-route-tables)."),
) -> None:
    """Show a rule's documentation: what it finds, why it matters, examples, the fix.

    On a terminal the text is coloured and, when longer than the screen, shown through a pager
    (PAGER, else less); piped, it is plain text.
    """
    from vpclint.docs import render_terminal
    from vpclint.internal_error import INTERNAL_ERROR, INTERNAL_ERROR_RULE
    from vpclint.registry import load_catalogue, load_rule
    from vpclint.selection import resolve_rule_ref

    catalogue = load_catalogue()
    metas = {INTERNAL_ERROR.id: INTERNAL_ERROR, **{i: m for i, (m, _) in catalogue.items()}}
    meta = resolve_rule_ref(rule, metas)
    if meta is None:
        raise VpclintError(f"no rule {rule!r}: 'vpclint rules' lists them")
    # only the rule shown is imported, for its documentation
    module = INTERNAL_ERROR_RULE if meta.id == INTERNAL_ERROR.id else \
        load_rule(catalogue[meta.id][1])
    terminal = sys.stdout.isatty()
    color = options.use_color(sys.stdout)
    size = shutil.get_terminal_size((MAX_WIDTH, 24))
    width = min(size.columns, MAX_WIDTH) if terminal else MAX_WIDTH
    text = render_terminal(module, color=color, width=width)
    if module.meta.help_uri:
        text += f"\nOnline: {module.meta.help_uri}\n"
    if terminal and text.count("\n") >= size.lines - 1:
        page(text, color)
    else:
        typer.echo(text, nl=False)


def _pager() -> list[str] | None:
    """The pager command: ``PAGER`` (empty: none), else ``less``, else ``more``."""
    configured = os.environ.get("PAGER")
    if configured is not None:
        try:
            return shlex.split(configured) or None
        except ValueError:
            return None
    for name in ("less", "more"):
        if shutil.which(name):
            return [name]
    return None


def page(text: str, color: bool) -> None:
    """Show ``text`` through a pager, or print it when there is none or it cannot start."""
    command = _pager()
    if command is None:
        typer.echo(text, nl=False)
        return
    env = dict(os.environ)
    if Path(command[0]).name in ("less", "less.exe"):
        # F: quit at once when the text fits; R: show the colours; X: leave it on the screen
        env.setdefault("LESS", "FRX")
        if not any(flag in env["LESS"] for flag in "rR"):
            text = _ANSI.sub("", text)
    elif color:
        text = _ANSI.sub("", text)  # other pagers show escape codes as text
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        typer.echo(text, nl=False)
        return
    try:
        assert process.stdin is not None
        process.stdin.write(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
        process.stdin.close()
    except OSError:  # the reader quit the pager before the end: not an error
        pass
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C is the pager's to handle
            continue


def register(app: typer.Typer) -> None:
    app.command("rules", cls=options.Command, short_help="List the rules: ID, slug, level and "
                "summary.")(rules_command)
    app.command("explain", cls=options.Command, short_help="Show a rule's documentation.")(
        explain_command)
