"""Inline suppressions: mark findings ``suppressed_by`` and report ignores that do nothing.

Suppressions come from the source: a Terraform ``# vpclint:ignore VPC303 reason`` comment or a
CloudFormation resource's ``Metadata: vpclint: ignore:`` (both on ``Resource.suppressions``),
and a CloudFormation template-level ``Metadata: vpclint: ignore:`` (``file_suppressions``, which
covers every finding in that file, component-less ones included). Each names one rule by ID or
slug, in any case.

Suppressed findings are kept, not dropped: SARIF reports them as ``suppressions`` so code
scanning shows them as dismissed in source, and the exit code skips them. An ignore that
suppresses nothing is reported as a note, because stale ignores otherwise pile up and silently
swallow the next real finding; but only for rules that ran, since an ignore for a rule turned
off by ``--select`` may well be needed on a full run.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from vpclint.rule import Finding, RuleMeta, RuleModule
from vpclint.source import Note, Resource, Suppression

DEFAULT_REASON = "suppressed inline"


def apply_suppressions(
    findings: Iterable[Finding],
    rules: Mapping[str, RuleModule],
    file_suppressions: Mapping[str, list[Suppression]] | None = None,
    enabled_ids: set[str] | None = None,
    resources: Iterable[Resource] = (),
) -> list[Note]:
    """Set ``suppressed_by`` on suppressed findings; return notes for useless suppressions.

    ``rules`` must hold every known rule, not only the selected ones, so that an ignore for a
    deselected rule is not taken for an unknown rule; ``enabled_ids`` are the rules that ran
    (default: all of ``rules``). ``resources`` are all the scanned resources: without them only
    the suppressions on resources that have findings can be checked for being unused.
    """
    file_suppressions = file_suppressions or {}
    by_name = _index(rules)
    enabled = set(rules) if enabled_ids is None else set(enabled_ids)
    used: set[Suppression] = set()
    # every suppression once (count / for_each instances share their block's comments),
    # with the file to report it in
    seen: dict[Suppression, str] = {}
    for resource in resources:
        for supp in resource.suppressions:
            seen.setdefault(supp, supp.span.file or resource.file)

    for finding in findings:
        resource = finding.component.resource if finding.component is not None else None
        candidates: list[Suppression] = []
        if resource is not None:
            candidates.extend(resource.suppressions)
            for supp in resource.suppressions:
                seen.setdefault(supp, supp.span.file or resource.file)
        file = _file_of(finding)
        if file is not None:
            candidates.extend(file_suppressions.get(file, ()))
        if finding.rule is None:
            continue
        for supp in candidates:  # resource-level first: its reason is the more specific one
            meta = by_name.get(supp.rule.strip().lower())
            if meta is not None and meta.id == finding.rule.id:
                used.add(supp)
                if finding.suppressed_by is None:
                    finding.suppressed_by = supp.reason or DEFAULT_REASON

    for file, supps in file_suppressions.items():
        for supp in supps:
            seen.setdefault(supp, supp.span.file or file)

    notes: list[Note] = []
    for supp, file in seen.items():
        meta = by_name.get(supp.rule.strip().lower())
        if meta is None:
            message = f"vpclint:ignore names unknown rule {supp.rule!r}"
        elif supp not in used and meta.id in enabled:
            message = f"vpclint:ignore {supp.rule} suppresses nothing here"
        else:
            continue
        notes.append(Note(file, message, supp.span.line))
    notes.sort(key=lambda n: (n.file, n.line, n.message))
    return notes


def _index(rules: Mapping[str, RuleModule]) -> dict[str, RuleMeta]:
    """Rules by lower-cased ID and slug, the two names a suppression may use."""
    index: dict[str, RuleMeta] = {}
    for module in rules.values():
        index[module.meta.id.lower()] = module.meta
        index[module.meta.slug.lower()] = module.meta
    return index


def _file_of(finding: Finding) -> str | None:
    """The file a finding is in, as loaders name files (the keys of ``file_suppressions``)."""
    if finding.component is not None:
        return finding.component.resource.file
    return finding.span.file if finding.span is not None else None
