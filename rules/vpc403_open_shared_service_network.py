"""VPC403 open-shared-service-network: a service network shared with other accounts, auth NONE.

## What it does
Finds VPC Lattice service networks (`aws_vpclattice_service_network`,
`AWS::VpcLattice::ServiceNetwork`) whose auth type is `NONE` (written, or unset: `NONE` is the
default) and that are shared with other accounts: named in an AWS RAM share
(`aws_ram_resource_association`, `AWS::RAM::ResourceShare` `ResourceArns`), or enabled for
sharing (CloudFormation `SharingConfig.enabled: true`).

Another account can only associate its VPCs with a service network, or create ServiceNetwork
endpoints to it, once the owner shares it through RAM, so a cross-account association or
endpoint always implies such a share. When the share is in the scan, the rule sees it; when it is
managed elsewhere (another repository, the owner account's pipeline) the network is not known to
be shared and the rule stays silent. So does an auth type vpclint cannot evaluate, and a share
that may not be created (its `count`, `for_each` or `Condition` is not known).

## Why it matters
With auth type `NONE` the service network admits every request from every VPC associated with
it. Once it is shared, those VPCs belong to other accounts (a whole organization, or an external
account): any workload there reaches every service in the network, and the service owners'
only remaining control is their own service-level auth policy, which services created with the
default `NONE` do not have.

## Example
Terraform:
```hcl
resource "aws_vpclattice_service_network" "shared" {
  name = "shared-services"
}

resource "aws_ram_resource_share" "shared" {
  name                      = "shared-services"
  allow_external_principals = false
}

resource "aws_ram_resource_association" "shared" {
  resource_arn       = aws_vpclattice_service_network.shared.arn
  resource_share_arn = aws_ram_resource_share.shared.arn
}
```
CloudFormation:
```yaml
SharedServiceNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: shared-services
    AuthType: NONE
SharedServicesShare:
  Type: AWS::RAM::ResourceShare
  Properties:
    Name: shared-services
    AllowExternalPrincipals: false
    Principals: ["arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5"]
    ResourceArns: [!GetAtt SharedServiceNetwork.Arn]
```

## Use instead
Terraform:
```hcl
resource "aws_vpclattice_service_network" "shared" {
  name      = "shared-services"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_auth_policy" "shared" {
  resource_identifier = aws_vpclattice_service_network.shared.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "vpc-lattice-svcs:Invoke"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    }]
  })
}

resource "aws_ram_resource_share" "shared" {
  name                      = "shared-services"
  allow_external_principals = false
}

resource "aws_ram_resource_association" "shared" {
  resource_arn       = aws_vpclattice_service_network.shared.arn
  resource_share_arn = aws_ram_resource_share.shared.arn
}
```
CloudFormation:
```yaml
SharedServiceNetwork:
  Type: AWS::VpcLattice::ServiceNetwork
  Properties:
    Name: shared-services
    AuthType: AWS_IAM
SharedServiceNetworkPolicy:
  Type: AWS::VpcLattice::AuthPolicy
  Properties:
    ResourceIdentifier: !Ref SharedServiceNetwork
    Policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: vpc-lattice-svcs:Invoke
          Resource: "*"
          Condition:
            StringEquals:
              aws:PrincipalOrgID: o-a1b2c3d4e5
SharedServicesShare:
  Type: AWS::RAM::ResourceShare
  Properties:
    Name: shared-services
    AllowExternalPrincipals: false
    Principals: ["arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5"]
    ResourceArns: [!GetAtt SharedServiceNetwork.Arn]
```

## References
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/sharing.html
- https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html
- https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_SharingConfig.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-vpclattice-servicenetwork.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpclattice_service_network
"""

from __future__ import annotations

from ._lattice import upper, written
from vpclint.model.components import RamShare, ServiceNetwork
from vpclint.rule import Context, Finding, Level, Related, RuleMeta

RULE = RuleMeta("VPC403", "open-shared-service-network", Level.ERROR,
                "A service network shared with other accounts has auth type NONE",
                security_severity=8.0)


def check(ctx: Context):
    model = ctx.model
    for network in model.of(ServiceNetwork):
        if upper(network.auth_type) != "NONE":
            continue  # AWS_IAM, or not known
        enabled = network.sharing_enabled is True
        shares = [] if enabled else list(model.linked_from(network, RamShare, "resources"))
        if not shares and not enabled:
            continue
        how = "is NONE" if written(network, "auth_type") else "is unset, so NONE"
        if shares:
            where = "is shared with other accounts through " + ", ".join(
                s.display for s in shares)
        else:
            where = "is enabled for sharing with other accounts (SharingConfig)"
        related = [Related(s, f"{s.display} shares {network.display} through AWS RAM",
                           field="resources") for s in shares]
        yield Finding(network, f"service network {network.display} {where}, but its auth type "
                      f"{how}: every VPC the other accounts associate with it, and every "
                      "ServiceNetwork endpoint they create, reaches its services with no "
                      "network-level authentication, and the services with auth type NONE with "
                      "none at all (set auth type AWS_IAM with an auth policy naming the "
                      "accounts or organization allowed)", field="auth_type", related=related)
