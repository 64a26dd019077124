"""What the loaders and the evaluator hand to the model: resources with values and positions.

Positions live beside the data, never inside it: each ``Resource`` has a ``spans`` map from a
property path (a tuple of keys and list indexes, ``()`` for the resource itself) to a ``Span``.
The location resolver (``locate``) walks up a path until it finds a recorded span, the approach
cfn-lint takes with its path -> location mapping.
"""

from __future__ import annotations

from typing import Any, Literal

from msgspec import Struct, field
from msgspec.structs import force_setattr

Flavour = Literal["terraform", "cloudformation"]
Path = tuple  # of str | int


class Span(Struct, frozen=True, order=True):
    """A region of a source file; lines and columns are 1-based, end column exclusive."""

    file: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0

    def __post_init__(self) -> None:
        if self.line < 1:
            force_setattr(self, "line", 1)
        if self.column < 1:
            force_setattr(self, "column", 1)


class Origin(Struct, frozen=True, order=True):
    """A module-call argument a property's value came through: ``span`` is the argument (or the
    entry of an object or tuple written in it) and ``call`` the module instance it is passed to
    (``module.net``). A finding on that property is decided there as much as in the module."""

    span: Span
    call: str


class Suppression(Struct, frozen=True):
    """An inline ``vpclint:ignore`` written in the source, for one rule ID or slug."""

    rule: str
    reason: str
    span: Span


class Resource(Struct, eq=False):
    """One resource (instance) after evaluation, in either IaC flavour."""

    flavour: Flavour
    type: str  # "aws_vpc_endpoint" | "AWS::EC2::VPCEndpoint"
    address: str  # "module.net.aws_vpc_endpoint.s3" | "S3Endpoint"
    scope: str  # Terraform module directory or CloudFormation template path
    file: str
    values: dict[str, Any]
    spans: dict[Path, Span] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    region: Any = None  # the provider's / stack's region: a str, Unknown, or None if not given
    label: str | None = None  # how its author knows it, when not by address (a CDK construct path)
    # property path -> the module-call arguments its value came through (Terraform modules)
    origins: dict[Path, tuple[Origin, ...]] = field(default_factory=dict)
    # When whether it is created at all is UNKNOWN, what decides it, for messages: "count of
    # module.gwlb depends on var.gwlb_create" (Terraform), "Condition IsProduction" (CloudFormation)
    exists_if: str | None = None

    @property
    def may_be_absent(self) -> bool:
        """Whether it may not be created (an UNKNOWN count, for_each or Condition decides)."""
        return self.exists_if is not None

    @property
    def display_address(self) -> str:
        """The address as users see it: Terraform addresses as is, CFN as ``file#LogicalId``."""
        if self.flavour == "cloudformation":
            return f"{self.file}#{self.address}"
        return self.address

    @property
    def name(self) -> str:
        """How messages name the resource: its construct path for CDK, else its address."""
        return f"{self.label} ({self.address})" if self.label else self.address

    def locate(self, path: Path = ()) -> Span:
        """The span of ``path``, or of its nearest recorded ancestor (the resource at worst)."""
        span = _nearest(self.spans, path)
        return span if span is not None else self.spans.get((), Span(self.file, 1))

    def origins_at(self, path: Path = ()) -> tuple[Origin, ...]:
        """The module-call arguments that set ``path`` (or its nearest recorded ancestor
        property); none for the resource as a whole."""
        return _nearest(self.origins, path) or ()


def _nearest(recorded: dict, path: Path) -> Any:
    """What ``recorded`` holds for ``path`` or its nearest ancestor property, None if nothing
    (the resource itself, ``()``, is not an ancestor here)."""
    path = tuple(path)
    while path:
        found = recorded.get(path)
        if found is not None:
            return found
        path = path[:-1]
    return None


class ParseError(Struct, frozen=True):
    """A file that should be Terraform or CloudFormation but could not be read (VPC001)."""

    file: str
    message: str
    line: int = 1
    column: int = 1
    unread: bool = False  # not read at all (too large, not a regular file, outside the scan)
    # read all the same: a duplicate key keeps its last value, and the file is analysed with it
    recovered: bool = False


class Note(Struct, frozen=True):
    """Something the user should know that is not a finding (unknown key in metadata, skipped file)."""

    file: str
    message: str
    line: int = 1


class Failure(Struct, frozen=True):
    """vpclint itself failed on part of the scan (an internal error, a bug of vpclint's).

    The part it failed on (a file, a module, a rule) is named; its findings are missing, so
    the engine reports each failure as an error-level VPC000 finding: CI fails rather than
    passing on an incomplete report, and every other part is still checked and reported.
    """

    file: str
    message: str
    line: int = 1
