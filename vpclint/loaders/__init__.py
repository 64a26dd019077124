"""Loaders: source text (Terraform, CloudFormation) -> plain data with positions, or a ParseError."""
