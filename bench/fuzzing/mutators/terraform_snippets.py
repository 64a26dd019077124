"""Whole Terraform snippets that are hard to evaluate: dynamic blocks over odd collections,
resources and locals that refer to each other or to themselves, a module that calls itself, huge
counts, malformed or duplicate blocks, and odd suppression comments.
"""

from __future__ import annotations

from .context import MutationContext


def tf_snippet(ctx: MutationContext, text: str) -> tuple[str, str]:
    """Insert one of the snippets below (or add it as ``fz_extra.tf``), with ``expr`` where a
    collection, a policy or a list of ids is expected."""
    expr = ctx.rng.choice(["var.fz", "data.aws_subnets.fz.ids", "local.fz_a", "[]", "{}",
                           "null", "1", '"x"', "[1, null, {}]", "{a = var.fz}",
                           "toset(data.aws_subnets.fz.ids)", "[var.fz]",
                           "[{actions = var.fz, principals = var.fz}]",
                           "range(100000000)", "aws_subnet.fz_a[*]", "var.fz[*]",
                           '{for k in var.fz : k => {actions = ["*"]}}',
                           "[[[[[]]]]]", "data.aws_iam_policy_document.fz.statement"])
    snippets = {
        "policy document with dynamic blocks": f'''
data "aws_iam_policy_document" "fz" {{
  dynamic "statement" {{
    for_each = {expr}
    content {{
      actions   = statement.value.actions
      resources = ["*"]
      dynamic "principals" {{
        for_each = {expr}
        content {{
          type        = "AWS"
          identifiers = principals.value
        }}
      }}
      dynamic "condition" {{
        for_each = {expr}
        iterator = c
        content {{
          test     = c.key
          variable = c.value
          values   = [c]
        }}
      }}
    }}
  }}
  statement {{
    principals = {expr}
    condition = {expr}
  }}
}}
resource "aws_vpc_endpoint" "fz" {{
  vpc_id       = aws_vpc_endpoint.fz.vpc_id
  service_name = "com.amazonaws.us-east-1.s3"
  policy       = data.aws_iam_policy_document.fz.json
  route_table_ids = {expr}
}}''',
        "security group with dynamic rules": f'''
resource "aws_security_group" "fz" {{
  vpc_id = aws_security_group.fz.vpc_id
  dynamic "ingress" {{
    for_each = {expr}
    content {{
      from_port       = ingress.value
      to_port         = ingress.key
      protocol        = ingress.value.protocol
      cidr_blocks     = [ingress.value]
      security_groups = [aws_security_group.fz.id]
    }}
  }}
  dynamic "egress" {{
    for_each = {expr}
    content {{
      dynamic "nested" {{
        for_each = egress.value
        content {{ x = nested.value }}
      }}
    }}
  }}
}}''',
        "subnets pointing at each other": f'''
resource "aws_subnet" "fz_a" {{
  vpc_id     = aws_subnet.fz_b.vpc_id
  cidr_block = aws_subnet.fz_b.cidr_block
}}
resource "aws_subnet" "fz_b" {{
  vpc_id     = aws_subnet.fz_a.vpc_id
  cidr_block = cidrsubnet(aws_subnet.fz_a.cidr_block, 1, 0)
}}
resource "aws_route_table" "fz" {{
  vpc_id = aws_route_table.fz.vpc_id
  route {{
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = aws_vpc_endpoint.fz.id
    nat_gateway_id  = aws_route_table.fz.id
  }}
}}
resource "aws_route_table_association" "fz" {{
  subnet_id      = aws_subnet.fz_a.id
  route_table_id = aws_route_table.fz.id
}}
resource "aws_vpc_endpoint" "fz" {{
  vpc_id            = aws_subnet.fz_a.vpc_id
  service_name      = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.fz_a.id, aws_subnet.fz_b.id, aws_vpc_endpoint.fz.id]
  route_table_ids   = [aws_route_table.fz.id]
  security_group_ids = {expr}
}}''',
        "locals cycle": f'''
locals {{
  fz_a = local.fz_b
  fz_b = [local.fz_a, {expr}]
  fz   = {{ for k, v in local.fz : k => v }}
}}
variable "fz" {{
  default = var.fz
  type    = list(object({{ a = number }}))
}}
output "fz" {{
  value = output.fz
}}
resource "aws_vpc" "fz" {{
  cidr_block = local.fz_a
  enable_dns_hostnames = local.fz
}}''',
        "module calling itself": f'''
module "fz_self" {{
  source = "{ctx.rng.choice(["./", ".", "./.", "././", "../" + ctx.directory_name])}"
  fz     = module.fz_self.out
  count  = {ctx.rng.choice(["1", "2", "100000000", "length(module.fz_self)"])}
}}
output "out" {{
  value = module.fz_self
}}''',
        "huge count": f'''
resource "aws_subnet" "fz" {{
  count      = {ctx.rng.choice(["100000000", "1e9", "10000", "1e308", "var.fz"])}
  vpc_id     = aws_vpc.fz.id
  cidr_block = cidrsubnet("10.0.0.0/8", 24, count.index)
}}
resource "aws_vpc_endpoint" "fz" {{
  for_each     = toset(aws_subnet.fz[*].id)
  vpc_id       = aws_vpc.fz.id
  service_name = "com.amazonaws.us-east-1.s3"
  route_table_ids = [for s in aws_subnet.fz : s.id]
}}''',
        "odd blocks": '''
resource "aws_vpc" {
}
resource "aws_vpc" "a" "b" {
}
resource "" "" {}
resource "aws_vpc" "a.b[0]" {}
resource "aws_vpc" "fz" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc" "fz" { cidr_block = "10.1.0.0/16" }
locals {}
locals { fz = 1 }
locals { fz = 2 }
terraform {
  required_providers { aws = { source = "hashicorp/aws" } }
}
provider "aws" {
  region = var.fz
  alias  = "fz"
}
moved {
  from = aws_vpc.fz
  to   = aws_vpc.fz
}
import {
  to = aws_vpc.fz
  id = "vpc-1"
}
check "fz" {
  assert {
    condition     = true
    error_message = "x"
  }
}
removed { from = aws_vpc.fz }
data "aws_region" "fz" { name = 1 }
data "aws_partition" "fz" { provider = aws.nonexistent }
data "aws_vpc_endpoint_service" "fz" { service = ["s3"] }
data "aws_prefix_list" "fz" { name = {} }
data "aws_ec2_managed_prefix_list" "fz" { name = [1] }''',
        "suppression comments": '''
# vpclint:ignore VPC101,,VPC999,nonsense-rule ,
# vpclint:ignore
/* vpclint:ignore VPC1 */
// vpclint:ignore ''' + "VPC101," * 1000 + '''
resource "aws_vpc_endpoint" "fz" { # vpclint:ignore VPC101 -- reason
  vpc_id       = "vpc-1" # vpclint:ignore VPC
  service_name = "com.amazonaws.us-east-1.s3" # vpclint:ignore VPC101 /*
}''',
    }
    label = ctx.rng.choice(sorted(snippets))
    snippet = snippets[label]
    if ctx.rng.random() < 0.3:
        ctx.siblings["fz_extra.tf"] = snippet.encode()
        return text, f"add fz_extra.tf: {label} ({expr})"
    at = ctx.rng.choice([len(text), 0, ctx.rng.randrange(len(text) + 1)])
    return text[:at] + snippet + "\n" + text[at:], f"insert {label} ({expr}) at char {at}"
