"""``python -m vpclint.scaffold VPC219 slug-name``: start a new built-in rule.

Writes the rule module ``rules/vpc219_slug_name.py`` (its docstring skeleton with the fixed
headings the docs are generated from, its ``RULE`` metadata and an empty ``check(ctx)``) and its
fixtures ``fixtures/rules/VPC219/``: a bad and a good case in each IaC (``tf_bad/main.tf``,
``tf_good/main.tf``, ``cfn_bad.yaml``, ``cfn_good.yaml``), the bad ones marked with
``# expect: VPC219``. The new rule is discovered at once, and its tests fail until ``check``,
the fixtures and the docstring say the same thing: CONTRIBUTING.md walks through it.

It refuses an ID or a slug that a rule already has (registered, or with a module or fixtures
on disk), an ID that is not ``VPC`` and three digits, and the IDs that are not the built-in
pack's to take (``VPC000``, the engine's internal error, and ``VPC9xx``, kept for users' own
rule packs), so it never overwrites anything.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from vpclint.errors import VpclintError
from vpclint.registry import load_rules
from vpclint.rule import Level

CHECKOUT = Path(__file__).resolve().parents[1]
_ID = re.compile(r"VPC\d{3}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_TERRAFORM_BAD = """\
# The smallest configuration that shows the defect. Mark the line each finding points at (the
# block, or the attribute at fault) with an expect comment naming the rule, as below.
resource "aws_vpc" "main" {{  # expect: {id}
  cidr_block         = "10.0.0.0/16"
  enable_dns_support = false
}}
"""
_TERRAFORM_GOOD = """\
# The same configuration done right: no rule may fire on it.
resource "aws_vpc" "main" {{
  cidr_block         = "10.0.0.0/16"
  enable_dns_support = true
}}
"""
_CLOUDFORMATION_BAD = """\
# The smallest template that shows the defect. Mark the line each finding points at (the
# resource, or the property at fault) with an expect comment naming the rule, as below.
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:  # expect: {id}
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: false
"""
_CLOUDFORMATION_GOOD = """\
# The same template done right: no rule may fire on it.
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: true
"""

_MODULE = '''\
"""{id} {slug}: <the defect, in one line>.

## What it does
<Which components it reads and when it reports one. Say what keeps it silent: a value vpclint
cannot know (UNKNOWN), a partner outside the scan.>

## Why it matters
<What breaks or leaks in AWS, and when the user would find out without vpclint.>

## Example
Terraform:
```hcl
{terraform_bad}```
CloudFormation:
```yaml
{cloudformation_bad}```

## Use instead
Terraform:
```hcl
{terraform_good}```
CloudFormation:
```yaml
{cloudformation_good}```

## References
- <the AWS documentation that states the constraint>
"""

from __future__ import annotations

from vpclint.rule import Context, Level, RuleMeta

RULE = RuleMeta("{id}", "{slug}", Level.{level},
                "<one line, for `vpclint rules` and the SARIF short description>")


def check(ctx: Context):
    """Yield a ``Finding(component, message, field=...)`` for each component with the defect.

    Read ``ctx.model`` (``of(Kind)``, links, ``linked_from``) and, with ``needs_analysis=True``
    in ``RULE``, ``ctx.analysis``; never another rule. Stay silent on what cannot be known."""
    return ()
'''


def _body(template: str, rule_id: str) -> str:
    """A fixture's code without its instruction comments, for the docstring's examples."""
    code = template.format(id=rule_id)
    return "".join(line.split("  # expect:")[0].rstrip() + "\n"
                   for line in code.splitlines() if not line.startswith("#"))


def module_name(rule_id: str, slug: str) -> str:
    return f"{rule_id.lower()}_{slug.replace('-', '_')}"


def refuse_taken(rule_id: str, slug: str, root: Path) -> None:
    """Raise ``VpclintError`` naming the problem when ``rule_id`` or ``slug`` cannot be taken."""
    if not _ID.fullmatch(rule_id):
        raise VpclintError(f"invalid rule ID {rule_id!r}: write VPC and three digits, e.g. VPC219")
    if rule_id == "VPC000" or rule_id.startswith("VPC9"):
        raise VpclintError(f"{rule_id} is not the built-in pack's to take: VPC000 is the engine's "
                           "internal error and VPC9xx is kept for users' own rule packs")
    if not _SLUG.fullmatch(slug):
        raise VpclintError(f"invalid slug {slug!r}: lower-case words joined by hyphens, e.g. "
                           "endpoint-without-subnets")
    for registered in load_rules().values():
        if registered.meta.id == rule_id:
            raise VpclintError(f"rule {rule_id} exists already ({registered.module}): pick "
                               "another ID")
        if registered.meta.slug == slug:
            raise VpclintError(f"slug {slug!r} is taken by {registered.meta.id} "
                               f"({registered.module}): pick another slug")
    on_disk = sorted((root / "rules").glob(f"{rule_id.lower()}_*.py"))
    if on_disk:
        raise VpclintError(f"rule {rule_id} exists already ({on_disk[0]}): pick another ID")
    fixtures = root / "fixtures" / "rules" / rule_id
    if fixtures.exists():
        raise VpclintError(f"fixtures for {rule_id} exist already ({fixtures}): pick another ID")


def scaffold(rule_id: str, slug: str, root: Path = CHECKOUT,
             level: Level = Level.ERROR) -> list[Path]:
    """Write the new rule's module and fixtures under ``root``; the files written."""
    refuse_taken(rule_id, slug, root)
    if not (root / "rules").is_dir():
        raise VpclintError(f"no rules/ folder in {root}: run the scaffold from a source checkout")
    fixtures = root / "fixtures" / "rules" / rule_id
    files = {
        root / "rules" / f"{module_name(rule_id, slug)}.py": _MODULE.format(
            id=rule_id, slug=slug, level=level.name,
            terraform_bad=_body(_TERRAFORM_BAD, rule_id),
            terraform_good=_body(_TERRAFORM_GOOD, rule_id),
            cloudformation_bad=_body(_CLOUDFORMATION_BAD, rule_id),
            cloudformation_good=_body(_CLOUDFORMATION_GOOD, rule_id)),
        fixtures / "tf_bad" / "main.tf": _TERRAFORM_BAD.format(id=rule_id),
        fixtures / "tf_good" / "main.tf": _TERRAFORM_GOOD.format(id=rule_id),
        fixtures / "cfn_bad.yaml": _CLOUDFORMATION_BAD.format(id=rule_id),
        fixtures / "cfn_good.yaml": _CLOUDFORMATION_GOOD.format(id=rule_id),
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return list(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vpclint.scaffold",
        description="Start a new built-in rule: its module (docstring skeleton, metadata, an "
        "empty check) and a bad and a good fixture in Terraform and in CloudFormation.")
    parser.add_argument("rule_id", metavar="ID", help="the new rule's ID, e.g. VPC219")
    parser.add_argument("slug", help="its slug, e.g. endpoint-without-subnets")
    parser.add_argument("--level", choices=[level.value for level in Level],
                        default=Level.ERROR.value, help="its default level (default: error)")
    parser.add_argument("--root", type=Path, default=CHECKOUT,
                        help="the checkout to write into (default: the one vpclint runs from)")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.rule_id, args.slug, args.root, Level(args.level))
    except VpclintError as error:
        print(f"vpclint.scaffold: error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(f"next: write check() and the docstring, make the fixtures show the defect, then\n"
          f"  python -m vpclint.docs\n"
          f"  python -m pytest -q tests/test_rule_fixtures.py tests/test_docs.py -k {args.rule_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
