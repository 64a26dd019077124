"""The rule interface: one typed metadata record and a pure ``check(ctx)`` per rule module.

A rule module (built in under ``rules/`` or in a third-party pack registered on the
``vpclint.rules`` entry-point group) defines ``RULE = RuleMeta(...)`` and
``def check(ctx: Context) -> Iterable[Finding]``. Its docstring is its documentation. The
context holds the frozen model, the analysis (for rules that declare ``needs_analysis``), the
options and the scan's diagnostics. Rules point at model components and field names; the
engine stamps the rule and level, the reporters turn components and fields into file positions.
"""

from __future__ import annotations

import hashlib
import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from msgspec import Struct
from msgspec import field as struct_field  # "field" is a Finding field

from vpclint.paths import relative_uri
from vpclint.source import Origin, Span

if TYPE_CHECKING:  # pragma: no cover
    from vpclint.analyze import Analysis
    from vpclint.analyze.flows import Flow
    from vpclint.config import Config
    from vpclint.model import Model
    from vpclint.model.components import Component
    from vpclint.result import Diagnostics

#: Bumped whenever the fingerprint's inputs change, so SARIF consumers see a new key instead of
#: a silent shift.
FINGERPRINT_VERSION = 1


class Level(str, Enum):
    """Finding levels, named as SARIF names them; ordered note < warning < error."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"note": 1, "warning": 2, "error": 3}[self.value]


BANDS = {
    "0": "input",
    "1": "missing-pairing",
    "2": "misdirected-flow",
    "3": "public-internet-detour",
    "4": "exposure",
}


class RuleMeta(Struct, frozen=True):
    """Everything a reporter or the config needs to know about a rule, without running it."""

    id: str  # "VPC101"
    slug: str  # "gateway-endpoint-without-route-tables"
    level: Level
    summary: str  # one line, for `vpclint rules` and SARIF shortDescription
    security_severity: float | None = None  # set on exposure rules so code scanning ranks them
    precision: str = "high"
    # Rules whose findings on a component this rule's finding on it replaces: both would
    # report one defect (an endpoint service EC2 refuses to create has no principals either).
    # The engine drops them only when this rule is enabled and fired on that component (a
    # finding is on its component and its ``subjects``).
    supersedes: tuple[str, ...] = ()
    # Whether the rule reads ``ctx.analysis`` (routing, flows, security ...): the engine runs
    # the analysis only when an enabled rule needs it, and skips such rules when it failed.
    needs_analysis: bool = False

    @property
    def band(self) -> str:
        return BANDS.get(self.id[3:4], "custom")

    @property
    def help_uri(self) -> str:
        return f"https://github.com/vpclint/vpclint/blob/main/docs/rules/{self.id}.md"


class Related(Struct, frozen=True):
    """A partner component the user should look at alongside the finding."""

    component: "Component"
    message: str
    field: str | None = None


class Finding(Struct, eq=False):
    """One defect, produced by a rule and completed by the engine.

    ``field`` is the component field at fault (``"route_tables"``, ``"private_dns"``), mapped to
    a file position through the component; ``None`` points at the component's block header.

    The defect is on ``component``, and on ``subjects`` when it is also another component's:
    a target registered in a target group of another VPC is reported at the registration, but
    when the target group is the one in the wrong VPC the defect is the group's too. The engine
    reads them to drop superseded findings (``vpclint.supersede``); reporters ignore them.
    """

    component: "Component | None"
    message: str
    field: str | None = None
    span: Span | None = None  # for findings about a file rather than a component (VPC001)
    related: list[Related] = struct_field(default_factory=list)
    subjects: tuple["Component", ...] = ()  # other components the defect is on
    level: Level | None = None  # None: the rule's default level
    flow: "Flow | None" = None  # for detours and misdirected flows: its hops are the path
    # stamped by the engine
    rule: RuleMeta | None = None
    suppressed_by: str | None = None  # the justification when an inline ignore applies
    instances: list[str] = struct_field(default_factory=list)
    # the module-call arguments the values at fault came through (Terraform modules)
    origins: list[Origin] = struct_field(default_factory=list)

    @property
    def location(self) -> Span:
        """Where the finding points: its own span, or the component field's."""
        if self.span is not None or self.component is None:
            return self.span or Span("", 1)
        return self.component.span(self.field)

    def fingerprint(self, root: Path) -> str:
        """A stable identity, shared by SARIF ``partialFingerprints`` and the baseline: the first
        32 hex digits of a SHA-256 over the finding's line-independent identity.

        A finding is the same finding from one run to the next when the same rule fires on the
        same resource at the same field, wherever the resource now sits in its file. So it hashes
        (rule ID, resource type, resource address, file relative to the repository root, field)
        and never a line or column: adding a resource above another must not turn its old alerts
        into new ones (code scanning would open duplicates and a baseline would stop matching).

        Findings about a file rather than a resource (VPC001, a parse error) have no address; for
        them the rule, the file and the message identify the problem.

        A file outside the repository root is named by its absolute path, so only findings in
        files under the root (the normal case) keep their fingerprint across checkouts in
        different places.
        """
        rule = self.rule.id if self.rule is not None else ""
        if self.component is not None:
            resource = self.component.resource
            parts = ["resource", rule, resource.type, resource.address,
                     relative_uri(resource.file, root), self.field or ""]
        else:
            file = self.span.file if self.span is not None else ""
            parts = ["file", rule, relative_uri(file, root) if file else "", self.message]
        # JSON keeps the parts unambiguous whatever characters an address or message holds.
        payload = json.dumps([FINGERPRINT_VERSION, *parts], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class AnalysisNotDeclared(RuntimeError):
    """A rule read ``ctx.analysis`` without declaring ``needs_analysis`` in its metadata."""


class Context(Struct, frozen=True, eq=False):
    """What a rule's ``check`` receives: the frozen ``model``, the ``options`` of the scan, its
    ``diagnostics`` (parse errors, references to nothing), and ``analysis`` for rules that
    declare ``needs_analysis``."""

    model: "Model"
    options: "Config"
    diagnostics: "Diagnostics"
    analyzed: "Analysis | None" = None

    @property
    def analysis(self) -> "Analysis":
        if self.analyzed is None:
            raise AnalysisNotDeclared("this rule reads the analysis: declare "
                                      "needs_analysis=True in its RuleMeta")
        return self.analyzed


def level_of(finding: Finding) -> Level:
    """The level a finding is reported and judged at: its own if a rule overrode it, else its
    rule's default. The exit code and every reporter ask this one function, so a report never
    shows a level other than the one that decided the exit code. An unstamped finding (a bug
    upstream: the engine stamps every one) counts as an error, to fail rather than hide it."""
    if finding.level is not None:
        return Level(finding.level)
    if finding.rule is not None:
        return Level(finding.rule.level)
    return Level.ERROR


class RuleModule(Struct, frozen=True):
    """A loaded rule: its metadata, documentation and check function."""

    meta: RuleMeta
    doc: str
    check: Callable[[Context], Iterable[Finding]]
    module: str
