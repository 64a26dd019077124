"""A stable identity for a finding, shared by SARIF ``partialFingerprints`` and the baseline.

A finding is the same finding from one run to the next when the same rule fires on the same
resource at the same field, wherever the resource now sits in its file. So the fingerprint hashes
(rule ID, resource type, resource address, file relative to the repository root, field) and never
a line or column: adding a resource above another must not turn its old alerts into new ones
(code scanning would open duplicates and a baseline would stop matching).

Findings about a file rather than a resource (VPC001, a parse error) have no address; for them
the rule, the file and the message identify the problem.

A file outside the repository root is named by its absolute path, so only findings in files
under the root (the normal case) keep their fingerprint across checkouts in different places.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from vpclint.reporters import relative_uri
from vpclint.rule import Finding

#: Bumped whenever the inputs change, so SARIF consumers see a new key instead of a silent shift.
VERSION = 1


def fingerprint(finding: Finding, root: Path) -> str:
    """The first 32 hex digits of a SHA-256 over the finding's line-independent identity."""
    rule = finding.rule.id if finding.rule is not None else ""
    component = finding.component
    if component is not None:
        resource = component.resource
        parts = ["resource", rule, resource.type, resource.address,
                 relative_uri(resource.file, root), finding.field or ""]
    else:
        file = finding.span.file if finding.span is not None else ""
        parts = ["file", rule, relative_uri(file, root) if file else "", finding.message]
    # JSON keeps the parts unambiguous whatever characters an address or message holds.
    payload = json.dumps([VERSION, *parts], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
