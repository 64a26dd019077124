"""Findings about resources that may or may not be created: one policy, for every rule.

A resource whose ``count``, ``for_each`` or ``Condition`` is UNKNOWN may or may not be created
(``Resource.exists_if`` says what decides). The model keeps it, so:

* a finding whose subject may not be created is reported as a conditional one, and says so
  ("if created (count of module.gwlb depends on var.gwlb_create)"): if it is never created
  there is nothing to fix, and if it is, the defect is real;
* a finding that rests on partners that may not be created although its subject is (the other
  endpoint of a duplicate, the share that makes a network shared, the listener that forwards to
  a target group) is not reported: that rests on an UNKNOWN;
* a partner that may be created counts as present: pairing rules ask ``Model.linked_from``,
  which lists it, so "X has no partner" never rests on a partner's unknown absence.

Rules therefore need no check of their own: what a finding is about and rests on is its
``component`` and its ``related`` partners.
"""

from __future__ import annotations

from msgspec.structs import asdict

from vpclint.model.components import Component, Links
from vpclint.rule import Finding


def judge(finding: Finding) -> bool:
    """Whether ``finding`` stands; a finding about a resource that may not be created is
    qualified in its message."""
    subject = finding.component
    if subject is None:
        return True
    if not all(_exists_with(related.component, subject) for related in finding.related):
        return False
    if subject.resource.exists_if is not None:
        finding.message = f"if created ({subject.resource.exists_if}): {finding.message}"
    return True


def _exists_with(partner: Component, subject: Component) -> bool:
    """Whether ``partner`` exists whenever ``subject`` does: its existence is not in doubt, the
    same thing decides both (one module instance, one Condition), or ``subject`` names it
    (Terraform and CloudFormation reject a reference to what is not created)."""
    theirs, mine = partner.resource, subject.resource
    if theirs.exists_if is None or (theirs.scope, theirs.exists_if) == (mine.scope, mine.exists_if):
        return True
    return any(value is partner or (isinstance(value, Links) and partner in value.items)
               for value in asdict(subject).values())
