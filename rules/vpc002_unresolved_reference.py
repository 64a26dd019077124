"""VPC002 unresolved-reference: a reference to something declared nowhere in its scope.

## What it does
Reports a Terraform reference to a variable, local value, module, data source or resource
that its module does not declare, and a CloudFormation `Ref`, `Fn::GetAtt`, `Fn::Sub`
variable, condition or mapping that its template does not declare (in a SAM template, in its
`Globals` too; names the SAM transform generates, such as `MyFunctionRole` or
`ServerlessRestApi`, are declared by it). Names in a template that another transform or a Rain
module may generate are not judged.

## Why it matters
A typo or a deleted resource makes the value unknowable: vpclint treats it as UNKNOWN and every
rule stays silent on the component, so the broken pairing it hides goes unreported. Terraform
and CloudFormation reject the file at plan or deploy time; this finds it at commit time.

## Example
Terraform:
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.mian.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}
```
CloudFormation:
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vcp
    ServiceName: com.amazonaws.us-east-1.s3
    RouteTableIds: [!Ref PrivateRouteTable]
```

## Use instead
Reference what is declared: `aws_vpc.main.id`, `!Ref Vpc`.

## References
- https://developer.hashicorp.com/terraform/language/expressions/references
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html
"""

from __future__ import annotations

from vpclint.rule import Context, Finding, Level, RuleMeta

RULE = RuleMeta("VPC002", "unresolved-reference", Level.WARNING,
                "A reference names a resource, variable, parameter, local, module or condition "
                "declared nowhere in its scope")


def check(ctx: Context):
    for unresolved in ctx.diagnostics.unresolved:
        yield Finding(None, f"{unresolved.reference} is not declared: no such "
                      f"{unresolved.what} in this {_scope(unresolved.span.file)}",
                      span=unresolved.span)


def _scope(file: str) -> str:
    return "module" if file.endswith((".tf", ".tf.json")) else "template"
