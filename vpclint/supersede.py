"""One defect, one finding: drop the findings that a rule declares it supersedes.

Two rules may see one defect from two sides: an endpoint service with no load balancer is one
EC2 refuses to create (VPC104), and one nobody is allowed to connect to (VPC115). The rule whose
finding names the fix declares the overlap in its metadata (``RuleMeta.supersedes``), and this
step drops the other rule's findings on the same component, and only there, and only when the
superseding rule ran and fired: ignoring it (``--ignore``) brings the lesser finding back, so the
defect never vanishes from the report. Rules never import or name each other for this, like
ruff's table of conflicting rules and cfn-lint's child rules.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from vpclint.rule import Finding, RuleMeta


def drop_superseded(produced: Sequence[tuple[RuleMeta, list[Finding]]]
                    ) -> list[tuple[RuleMeta, list[Finding]]]:
    """``produced`` (each rule's findings) without the findings a rule that fired on the same
    component supersedes."""
    superseded: set[tuple[str, int]] = set()  # (rule ID, id(component))
    for meta, findings in produced:
        for component in _components(findings):
            superseded |= {(lesser, component) for lesser in meta.supersedes}
    return [(meta, [f for f in findings
                    if f.component is None or (meta.id, id(f.component)) not in superseded])
            for meta, findings in produced]


def _components(findings: Iterable[Finding]) -> set[int]:
    return {id(f.component) for f in findings if f.component is not None}
