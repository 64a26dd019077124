"""One defect, one finding: drop the findings that a rule declares it supersedes.

Two rules may see one defect from two sides: an endpoint service with no load balancer is one
EC2 refuses to create (VPC104), and one nobody is allowed to connect to (VPC115). The rule whose
finding names the fix declares the overlap in its metadata (``RuleMeta.supersedes``), and this
step drops the other rule's findings on the same defect, and only there, and only when the
superseding rule ran and fired: ignoring it (``--ignore``) brings the lesser finding back, so the
defect never vanishes from the report. Rules never import or name each other for this, like
ruff's table of conflicting rules and cfn-lint's child rules.

Which defect a finding is about is the one concept this step reads: the components it is on,
its own ``component`` and its ``subjects``. Most findings are on their component alone. A
finding reported at one component about a defect that is also another's names that one in
``subjects``: a target registered from another VPC is reported at its registration, and is a
subject of its target group (when the group is the one in the wrong VPC, VPC201 reports the
group and supersedes VPC209). Two findings are on one defect when their components overlap.
"""

from __future__ import annotations

from typing import Sequence

from vpclint.rule import Finding, RuleMeta


def drop_superseded(produced: Sequence[tuple[RuleMeta, list[Finding]]]
                    ) -> list[tuple[RuleMeta, list[Finding]]]:
    """``produced`` (each rule's findings) without the findings of a rule that another rule
    supersedes and that are on a component that rule's findings are on."""
    superseded: set[tuple[str, int]] = set()  # (rule ID, id(component))
    for meta, findings in produced:
        for finding in findings:
            superseded |= {(lesser, component) for lesser in meta.supersedes
                           for component in defect_components(finding)}
    return [(meta, [f for f in findings
                    if not any((meta.id, c) in superseded for c in defect_components(f))])
            for meta, findings in produced]


def defect_components(finding: Finding) -> set[int]:
    """The components (by ``id``) the finding's defect is on: its own and its subjects."""
    components = [finding.component, *finding.subjects]
    return {id(c) for c in components if c is not None}
