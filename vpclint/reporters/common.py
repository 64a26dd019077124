"""What every reporter answers the same way: which level a finding has, which path and
position it points at, in which order findings come, what it says beyond its message.

Every machine-read format names files relative to the repository root (``ScanResult.root``),
never to the scanned directory, because that is what code scanning, CI systems and scripts
expect wherever vpclint runs (``vpclint.paths.relative_uri``).
Text is read by a person in a terminal, who opens the file from where they stand: it names files
relative to the current directory (``vpclint.paths.display_path``), as ruff, tflint and cfn-lint
do.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Callable, Sequence

from vpclint.paths import relative_uri
from vpclint.rule import Finding, Level, level_of
from vpclint.source import Span

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.hop import Hop
    from vpclint.model.components import Component
    from vpclint.result import ScanResult


def source_path(file: str, root: str | PurePath) -> Path:
    """Where to read ``file`` from: as recorded, or under the root if that is where it exists."""
    path = Path(file)
    if not path.is_absolute() and not path.exists():
        under_root = Path(root) / path
        if under_root.exists():
            return under_root
    return path


def rule_id(finding: Finding) -> str:
    """The ID the engine stamped on ``finding`` (``"unknown"`` if it was never stamped)."""
    return finding.rule.id if finding.rule is not None else "unknown"


def display_address(component: "Component", root: str | PurePath) -> str:
    """The address users see, with a CloudFormation template path made relative to ``root``."""
    resource = component.resource
    if resource.flavour == "cloudformation":
        return f"{relative_uri(resource.file, root)}#{resource.address}"
    return resource.display_address


def sort_key(finding: Finding, root: str | PurePath) -> tuple:
    """File, line, column, rule: the order every reporter lists findings in (deterministic)."""
    span: Span = finding.location
    address = finding.component.resource.address if finding.component is not None else ""
    return (relative_uri(span.file, root), span.line, span.column, rule_id(finding), address,
            finding.field or "", finding.message)


def repo_location(span: Span, root: str | PurePath) -> str:
    """``file:line`` with the file relative to the repository root, as CI systems name it."""
    return f"{relative_uri(span.file, root)}:{span.line}"


def detail_lines(finding: Finding, where: Callable[[Span], str]) -> list[str]:
    """What a finding says beyond its message, one line each: the partners to look at, the
    module-call arguments that decided the value at fault, the instances it stands for, and a
    flow finding's path. ``where`` names a location the way the report names files."""
    lines = [f"partner: {related.message} at {where(related.component.span(related.field))}"
             for related in finding.related]
    lines += [f"set by: the argument of {origin.call} at {where(origin.span)}"
              for origin in finding.origins]
    if finding.instances:
        label = "instances" if len(finding.instances) > 1 else "instance"
        lines.append(f"{label}: {', '.join(finding.instances)}")
    if finding.flow is not None and finding.flow.path:
        lines.append(f"path: {finding.flow.path}")
    return lines


def path_hops(path: "Sequence[Hop]", root: str | PurePath) -> list[dict[str, Any]]:
    """A flow's path (its hops) as data, hop by hop; hops in no file (the public endpoint) have
    nulls."""
    hops = []
    for hop in path:
        component = hop.component
        at = component.span(hop.field) if component is not None else None
        hops.append({
            "label": hop.label,
            "file": relative_uri(at.file, root) if at is not None else None,
            "line": at.line if at is not None else None,
            "address": component.resource.address if component is not None else None,
        })
    return hops


def active_in_order(result: "ScanResult") -> list[Finding]:
    """The findings not suppressed inline, in the order every report lists them."""
    root = Path(result.root)
    return sorted(result.active, key=lambda f: sort_key(f, root))


def summary_line(result: "ScanResult") -> str:
    """``6 findings (5 errors, 1 warning) in 12 files; 2 suppressed; 1 hidden by baseline``."""
    shown = result.active
    levels = Counter(level_of(f) for f in shown)
    parts = [plural(levels[level], level.value) for level in (Level.ERROR, Level.WARNING, Level.NOTE)
             if levels[level]]
    head = plural(len(shown), "finding") if shown else "No findings"
    if parts:
        head += f" ({', '.join(parts)})"
    head += f" in {plural(result.files_scanned, 'file')}"
    suppressed = len(result.findings) - len(shown)
    tail = []
    if suppressed:
        tail.append(f"{suppressed} suppressed")
    if result.baseline_hidden:
        tail.append(f"{result.baseline_hidden} hidden by baseline")
    return "; ".join([head, *tail])


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
