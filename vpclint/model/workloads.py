"""Workloads and what they are allowed to call: the model side of flow analysis (DOMAIN.md §4).

A workload is anything that puts network interfaces in subnets and calls AWS services: a VPC
Lambda, an ECS service, an EC2 instance or auto-scaling group, an EKS cluster or node group.
Its IAM roles, task definition and environment are the evidence of which services it calls;
network ACLs decide, with security groups, whether the packets pass.
"""

from __future__ import annotations

from typing import Any, ClassVar

from msgspec import Struct, field

from vpclint.model.components import Component, Link, Links
from vpclint.values import Unknown


class IamPolicy(Component, eq=False):
    """A customer-managed policy (``aws_iam_policy``, ``AWS::IAM::ManagedPolicy``) or an inline
    policy resource (``aws_iam_role_policy``, ``AWS::IAM::Policy``, ``AWS::IAM::RolePolicy``)
    with the roles it is on."""

    kind: ClassVar[str] = "iam_policy"
    document: Any = None  # a dict, a JSON string, or Unknown
    roles: Links = field(default_factory=Links)


class PolicyAttachment(Component, eq=False):
    """``aws_iam_role_policy_attachment``: a managed policy (by ARN or in-scan) on a role."""

    kind: ClassVar[str] = "policy_attachment"
    role: Link = None
    policy: Any = None  # an IamPolicy, or the ARN of an AWS managed policy


class IamRole(Component, eq=False):
    kind: ClassVar[str] = "iam_role"
    inline_policies: list[Any] = field(default_factory=list)  # documents (dict / JSON / Unknown)
    managed_policies: list[Any] = field(default_factory=list)  # ARNs, IamPolicy components


class InstanceProfile(Component, eq=False):
    kind: ClassVar[str] = "instance_profile"
    roles: Links = field(default_factory=Links)


class PortMapping(Struct, frozen=True):
    """One port mapping of a container: its name (what a Lattice configuration registers by)
    and its container port, as written (a value, UNKNOWN or None)."""

    name: Any = None
    container_port: Any = None


class ContainerDefinition(Struct, frozen=True):
    """One container of a task definition, the same whether written as Terraform's JSON
    (``portMappings``) or CloudFormation's properties (``PortMappings``). Values as written: a
    value, UNKNOWN, a resolved component (a secret named by reference), or None."""

    name: Any = None
    image: Any = None
    log_driver: Any = None
    secret_sources: list[Any] = field(default_factory=list)  # each secret's valueFrom
    environment_values: list[Any] = field(default_factory=list)  # each variable's value
    port_mappings: list[PortMapping | Unknown] = field(default_factory=list)


class TaskDefinition(Component, eq=False):
    kind: ClassVar[str] = "task_definition"
    # a container vpclint cannot read is UNKNOWN
    containers: list[ContainerDefinition | Unknown] | Unknown = field(default_factory=list)
    task_role: Link = None
    execution_role: Link = None
    launch_types: list[Any] | Unknown = field(default_factory=list)


class LaunchTemplate(Component, eq=False):
    """A launch template, or a launch configuration (``aws_launch_configuration``,
    ``AWS::AutoScaling::LaunchConfiguration``): what an instance or auto-scaling group is
    launched with, here its instance profile, security groups and user data."""

    kind: ClassVar[str] = "launch_template"
    instance_profile: Link = None
    security_groups: Links = field(default_factory=Links)
    user_data: Any = None


class Workload(Component, eq=False):
    """A VPC-attached compute resource; ``workload_kind`` is lambda, ecs_service, instance,
    autoscaling_group, eks_cluster or eks_node_group (``specs.WORKLOAD_TYPES``)."""

    kind: ClassVar[str] = "workload"
    workload_kind: str = "lambda"
    subnets: Links = field(default_factory=Links)
    security_groups: Links = field(default_factory=Links)
    role: Link = None  # Lambda role, EKS cluster / node role
    instance_profile: Link = None
    launch_template: Link = None
    task_definition: Link = None
    environment: dict[str, Any] | Unknown = field(default_factory=dict)
    user_data: Any = None
    assign_public_ip: bool | Unknown | None = None
    package_type: str | Unknown | None = None  # Lambda: Zip or Image
    launch_type: str | Unknown | None = None  # ECS: FARGATE, EC2 (None: capacity providers)
    managed_policy_templates: list[Any] = field(default_factory=list)  # SAM policy templates
    # Lattice target groups the workload registers in (ECS vpc_lattice_configurations, ASG
    # traffic sources), and for ECS the container port names they use
    lattice_target_groups: Links = field(default_factory=Links)
    lattice_port_names: list[Any] = field(default_factory=list)
    # ELBv2 target groups the workload registers in (ECS load_balancer blocks, ASG
    # target_group_arns / TargetGroupARNs)
    target_groups: Links = field(default_factory=Links)

    @property
    def label(self) -> str:
        names = {"lambda": "Lambda", "ecs_service": "ECS service", "instance": "instance",
                 "autoscaling_group": "auto-scaling group", "eks_cluster": "EKS cluster",
                 "eks_node_group": "EKS node group"}
        return f"{names.get(self.workload_kind, self.workload_kind)} {self.display}"


class NetworkAcl(Component, eq=False):
    kind: ClassVar[str] = "network_acl"
    vpc: Link = None
    subnets: Links = field(default_factory=Links)
    is_default: bool = False
    entries: list["NetworkAclEntry"] = field(default_factory=list)
    entries_open: bool = False  # entries from a dynamic block: not all known


class NetworkAclEntry(Component, eq=False):
    kind: ClassVar[str] = "network_acl_entry"
    acl: Link = None
    egress: bool | Unknown = False
    rule_number: int | Unknown | None = None
    protocol: str | Unknown | None = None
    action: str | Unknown | None = None  # allow | deny
    cidr: str | Unknown | None = None
    from_port: int | Unknown | None = None
    to_port: int | Unknown | None = None


class NetworkAclAssociation(Component, eq=False):
    kind: ClassVar[str] = "network_acl_association"
    acl: Link = None
    subnet: Link = None


class Route53Zone(Component, eq=False):
    """A private hosted zone (or a record in one), which may front an endpoint with private DNS
    off: then SDK names resolve to the endpoint and no detour happens."""

    kind: ClassVar[str] = "dns_zone"
    name: str | Unknown | None = None
    vpcs: Links = field(default_factory=Links)
    private: bool | Unknown = False


class DnsRecord(Component, eq=False):
    kind: ClassVar[str] = "dns_record"
    zone: Link = None
    name: str | Unknown | None = None
    targets: list[Any] | Unknown = field(default_factory=list)
