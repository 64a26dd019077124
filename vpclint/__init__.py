"""vpclint: static analysis of AWS VPC networking in Terraform and CloudFormation."""

__version__ = "0.1.0"
