"""``vpclint rules`` and ``vpclint explain``: the rule catalogue, learnable from the terminal."""

from __future__ import annotations

import json
from typing import Optional

import typer

from vpclint.docs import render
from vpclint.errors import VpclintError
from vpclint.registry import load_rules
from vpclint.selection import resolve_rule_ref


def rules_command(
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    select: Optional[str] = typer.Option(None, "--select",
                                         help="Only rules matching this ID prefix, e.g. VPC3."),
) -> None:
    """List every rule: ID, slug, default level, band and summary.

    Use the ID or the slug in --select / --ignore, in .vpclint.toml and in suppressions;
    `vpclint explain ID` shows a rule's documentation.
    """
    rules = load_rules()
    chosen = [r for i, r in rules.items() if not select or i.upper().startswith(select.upper())]
    if output_format == "json":
        typer.echo(json.dumps([{"id": r.meta.id, "slug": r.meta.slug, "level": r.meta.level.value,
                                "band": r.meta.band, "summary": r.meta.summary,
                                "help_uri": r.meta.help_uri} for r in chosen], indent=2))
        return
    if output_format != "text":
        raise VpclintError(f"unknown format {output_format!r}: choose text or json")
    width = max((len(r.meta.slug) for r in chosen), default=4)
    typer.echo(f"{'ID':<7} {'SLUG':<{width}} {'LEVEL':<8} {'BAND':<23} SUMMARY")
    for rule in chosen:
        meta = rule.meta
        typer.echo(f"{meta.id:<7} {meta.slug:<{width}} {meta.level.value:<8} {meta.band:<23} "
                   f"{meta.summary}")


def explain_command(
    rule: str = typer.Argument(..., help="A rule ID (VPC101) or slug "
                               "(gateway-endpoint-without-route-tables)."),
) -> None:
    """Show a rule's documentation: what it finds, why it matters, examples, the fix."""
    rules = load_rules()
    meta = resolve_rule_ref(rule, {i: r.meta for i, r in rules.items()})
    if meta is None:
        raise VpclintError(f"no rule {rule!r}: `vpclint rules` lists them")
    module = rules[meta.id]
    typer.echo(render(module))
    if module.meta.help_uri:
        typer.echo(f"Online: {module.meta.help_uri}")


def register(app: typer.Typer) -> None:
    app.command("rules")(rules_command)
    app.command("explain")(explain_command)

