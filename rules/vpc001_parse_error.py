"""VPC001 parse-error: a Terraform or CloudFormation file that cannot be parsed.

## What it does
Reports a file that should be Terraform (`.tf`, `.tf.json`) or CloudFormation (a YAML or JSON
file holding a template) but cannot be parsed, at the line and column of the syntax error. A
CloudFormation mapping with the same key twice is reported too: CloudFormation silently keeps
the last value, and vpclint analyses the template with it. So is a file vpclint does not read at all: one past the size limit
(`--max-file-size`), one that is not a regular file (a FIFO, a device, a symlink loop), a
symlink out of the scanned paths, or a file name that is not UTF-8. Scanning of every other
file goes on.

## Why it matters
A file vpclint cannot read is a file none of its rules can check: its endpoints, routes and
associations are missing from the model, so pairings that involve it cannot be judged.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id
}
```
CloudFormation:
```yaml
Resources:
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      VpcId: !Ref OtherVpc
```

## Use instead
Fix the syntax (`terraform validate`, `cfn-lint`), and keep each key once.

## References
- https://developer.hashicorp.com/terraform/language/syntax/configuration
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
"""

from __future__ import annotations

from vpclint.rule import Context, Finding, Level, RuleMeta
from vpclint.source import Span

RULE = RuleMeta("VPC001", "parse-error", Level.ERROR,
                "A Terraform or CloudFormation file could not be parsed")


def check(ctx: Context):
    for error in ctx.diagnostics.parse_errors:
        name = error.file.rsplit('/', 1)[-1]
        if error.recovered:
            yield Finding(None, f"{error.message} in {name}: the last value is the one "
                          "CloudFormation keeps, and the one vpclint analyses (keep each key "
                          "once)", span=Span(error.file, error.line, error.column))
            continue
        verb = "cannot read" if error.unread else "cannot parse"
        yield Finding(None, f"{verb} {name}: {error.message}",
                      span=Span(error.file, error.line, error.column))
