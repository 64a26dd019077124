"""Which Terraform and CloudFormation properties make up each component field (DOMAIN.md §1).

One table per flavour maps a resource type to its component class and, per field, the property
path it is read from. Path syntax: ``a.b`` descends mappings (and every element of a Terraform
block list); ``a[]`` takes each element of a list; alternatives are separated by ``|`` and the
first one present wins. Fields of type ``Links`` collect every match; other fields take the first.
Conversions (booleans, lists, the settings a block writes) are named after the path with ``:``.
"""

from __future__ import annotations

from vpclint.model import components as c

_ROUTE_TARGETS_TF = {
    "gateway_id": "gateway", "nat_gateway_id": "nat_gateway", "vpc_endpoint_id": "vpc_endpoint",
    "transit_gateway_id": "transit_gateway", "egress_only_gateway_id": "egress_only_gateway",
    "network_interface_id": "network_interface", "vpc_peering_connection_id": "peering",
    "core_network_arn": "core_network", "local_gateway_id": "local_gateway",
    "carrier_gateway_id": "carrier_gateway", "instance_id": "instance",
}
_ROUTE_TARGETS_CFN = {
    "GatewayId": "gateway", "NatGatewayId": "nat_gateway", "VpcEndpointId": "vpc_endpoint",
    "TransitGatewayId": "transit_gateway", "EgressOnlyInternetGatewayId": "egress_only_gateway",
    "NetworkInterfaceId": "network_interface", "VpcPeeringConnectionId": "peering",
    "CoreNetworkArn": "core_network", "LocalGatewayId": "local_gateway",
    "CarrierGatewayId": "carrier_gateway", "InstanceId": "instance",
}
ROUTE_TARGETS = {"terraform": _ROUTE_TARGETS_TF, "cloudformation": _ROUTE_TARGETS_CFN}
ROUTE_DESTINATIONS = {
    "terraform": ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id",
                  "destination_cidr_block", "destination_ipv6_cidr_block"),
    "cloudformation": ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"),
}

# Which custom domain names of the resource configurations a VPC reaches through VPC Lattice get
# a private hosted zone there (a service-network VPC association, a Resource or ServiceNetwork
# endpoint); the AWS provider's block and the awscc provider's object read alike.
_LATTICE_DNS_TF = {"dns_preference": "dns_options.private_dns_preference",
                   "dns_domains": "dns_options.private_dns_specified_domains"}
_LATTICE_DNS_CFN = {"dns_preference": "DnsOptions.PrivateDnsPreference",
                    "dns_domains": "DnsOptions.PrivateDnsSpecifiedDomains"}

TERRAFORM: dict[str, tuple[type, dict[str, str]]] = {
    "aws_vpc": (c.Vpc, {"cidr_blocks": "cidr_block:list", "dns_support": "enable_dns_support:bool",
                        "dns_hostnames": "enable_dns_hostnames:bool"}),
    "aws_subnet": (c.Subnet, {"vpc": "vpc_id", "availability_zone": "availability_zone",
                              "availability_zone_id": "availability_zone_id",
                              "cidr_block": "cidr_block"}),
    "aws_route_table": (c.RouteTable, {"vpc": "vpc_id", "propagating": "propagating_vgws[]"}),
    "aws_default_route_table": (c.RouteTable, {"vpc": "default_route_table_id",
                                               "propagating": "propagating_vgws[]"}),
    "aws_vpn_gateway_route_propagation": (c.RoutePropagation, {
        "route_tables": "route_table_id", "gateway": "vpn_gateway_id"}),
    "aws_vpc_ipv4_cidr_block_association": (c.VpcCidrBlock, {
        "vpc": "vpc_id", "cidr_block": "cidr_block"}),
    "aws_route": (c.Route, {"route_table": "route_table_id"}),
    "aws_route_table_association": (c.RouteTableAssociation, {
        "route_table": "route_table_id", "subnet": "subnet_id", "gateway": "gateway_id"}),
    "aws_main_route_table_association": (c.RouteTableAssociation, {
        "route_table": "route_table_id", "main_of": "vpc_id"}),
    "aws_internet_gateway": (c.InternetGateway, {"vpc": "vpc_id"}),
    "aws_internet_gateway_attachment": (c.GatewayAttachment, {
        "gateway": "internet_gateway_id", "vpc": "vpc_id"}),
    "aws_nat_gateway": (c.NatGateway, {"subnet": "subnet_id", "connectivity": "connectivity_type"}),
    "aws_ec2_transit_gateway_vpc_attachment": (c.TransitGatewayAttachment, {
        "vpc": "vpc_id", "subnets": "subnet_ids[]", "transit_gateway": "transit_gateway_id",
        "appliance_mode": "appliance_mode_support:enable"}),
    "aws_security_group": (c.SecurityGroup, {"vpc": "vpc_id"}),
    "aws_default_security_group": (c.SecurityGroup, {"vpc": "vpc_id"}),
    "aws_vpc_endpoint": (c.VpcEndpoint, {
        "vpc": "vpc_id", "service_name": "service_name", "endpoint_type": "vpc_endpoint_type",
        "route_tables": "route_table_ids[]",
        "subnets": "subnet_ids[]|subnet_configuration.subnet_id",
        "security_groups": "security_group_ids[]", "private_dns": "private_dns_enabled:bool",
        "policy": "policy", "resource_configuration": "resource_configuration_arn",
        "service_network": "service_network_arn", "auto_accept": "auto_accept:bool",
        "service_region": "service_region", **_LATTICE_DNS_TF}),
    "aws_vpc_endpoint_route_table_association": (c.EndpointAssociation, {
        "endpoint": "vpc_endpoint_id", "member": "route_table_id"}),
    "aws_vpc_endpoint_subnet_association": (c.EndpointAssociation, {
        "endpoint": "vpc_endpoint_id", "member": "subnet_id"}),
    "aws_vpc_endpoint_security_group_association": (c.EndpointAssociation, {
        "endpoint": "vpc_endpoint_id", "member": "security_group_id"}),
    "aws_vpc_endpoint_policy": (c.EndpointAssociation, {
        "endpoint": "vpc_endpoint_id", "policy": "policy"}),
    "aws_vpc_endpoint_private_dns": (c.EndpointAssociation, {
        "endpoint": "vpc_endpoint_id", "enabled": "private_dns_enabled:bool"}),
    "aws_vpc_endpoint_service": (c.EndpointService, {
        "network_load_balancers": "network_load_balancer_arns[]",
        "gateway_load_balancers": "gateway_load_balancer_arns[]",
        "acceptance_required": "acceptance_required:bool",
        "allowed_principals": "allowed_principals"}),
    "aws_vpc_endpoint_service_allowed_principal": (c.EndpointServicePermission, {
        "service": "vpc_endpoint_service_id", "principals": "principal_arn:list"}),
    **{kind: (c.Database, {"security_groups": "vpc_security_group_ids[]"}) for kind in (
        "aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster",
        "aws_redshift_cluster")},
    **{kind: (c.Database, {"security_groups": "security_group_ids[]"}) for kind in (
        "aws_elasticache_cluster", "aws_elasticache_replication_group")},
    "aws_lb": (c.LoadBalancer, {"lb_type": "load_balancer_type",
                                "subnets": "subnets[]|subnet_mapping.subnet_id",
                                "security_groups": "security_groups[]"}),
    "aws_lb_target_group": (c.TargetGroup, {"vpc": "vpc_id", "target_type": "target_type",
                                            "protocol": "protocol", "port": "port",
                                            "name": "name"}),
    "aws_lb_target_group_attachment": (c.LbTarget, {
        "target_group": "target_group_arn", "target": "target_id", "port": "port",
        "availability_zone": "availability_zone"}),
    "aws_lb_listener": (c.LbListener, {
        "load_balancer": "load_balancer_arn", "protocol": "protocol", "port": "port",
        "forwards_to": "default_action.target_group_arn|default_action.forward.target_group.arn"}),
    "aws_lb_listener_rule": (c.LbListenerRule, {
        "listener": "listener_arn",
        "forwards_to": "action.target_group_arn|action.forward.target_group.arn"}),
    "aws_autoscaling_attachment": (c.TargetRegistrar, {
        "target_groups": "lb_target_group_arn", "source": "autoscaling_group_name"}),
    "aws_autoscaling_traffic_source_attachment": (c.TargetRegistrar, {
        "target_groups": "traffic_source.identifier", "source": "autoscaling_group_name"}),
    "aws_ecs_task_set": (c.TargetRegistrar, {
        "target_groups": "load_balancer.target_group_arn", "source": "service"}),
    "aws_codedeploy_deployment_group": (c.TargetRegistrar, {
        "target_groups": "load_balancer_info.target_group_pair_info.target_group.name|"
                         "load_balancer_info.target_group_info.name"}),
    "aws_vpc_endpoint_connection_accepter": (c.EndpointConnectionAccepter, {
        "service": "vpc_endpoint_service_id", "endpoint": "vpc_endpoint_id"}),
    "aws_vpclattice_service_network": (c.ServiceNetwork, {"auth_type": "auth_type"}),
    "aws_vpclattice_service": (c.LatticeService, {"auth_type": "auth_type"}),
    "aws_vpclattice_listener": (c.Listener, {
        "service": "service_identifier|service_arn", "protocol": "protocol", "port": "port",
        "forwards_to": "default_action.forward.target_groups.target_group_identifier"}),
    "aws_vpclattice_listener_rule": (c.ListenerRule, {
        "service": "service_identifier", "listener": "listener_identifier",
        "forwards_to": "action.forward.target_groups.target_group_identifier"}),
    "aws_vpclattice_target_group": (c.LatticeTargetGroup, {
        "target_type": "type", "vpc": "config.vpc_identifier", "port": "config.port",
        "protocol": "config.protocol", "health_check_port": "config.health_check.port",
        "lambda_event_version": "config.lambda_event_structure_version",
        "config": "config:settings"}),
    "aws_vpclattice_target_group_attachment": (c.LatticeTarget, {
        "target_group": "target_group_identifier", "target": "target.id", "port": "target.port"}),
    "aws_vpclattice_service_network_vpc_association": (c.ServiceNetworkAssociation, {
        "service_network": "service_network_identifier", "member": "vpc_identifier",
        "security_groups": "security_group_ids[]", "private_dns": "private_dns_enabled:bool",
        **_LATTICE_DNS_TF}),
    "aws_vpclattice_service_network_service_association": (c.ServiceNetworkAssociation, {
        "service_network": "service_network_identifier", "member": "service_identifier"}),
    "aws_vpclattice_service_network_resource_association": (c.ServiceNetworkAssociation, {
        "service_network": "service_network_identifier",
        "member": "resource_configuration_identifier",
        "private_dns": "private_dns_enabled:bool"}),
    "aws_vpclattice_auth_policy": (c.AuthPolicy, {"target": "resource_identifier",
                                                  "policy": "policy"}),
    "aws_vpclattice_resource_gateway": (c.ResourceGateway, {
        "vpc": "vpc_id", "subnets": "subnet_ids[]", "security_groups": "security_group_ids[]",
        "ip_address_type": "ip_address_type",
        "dns_resolution": "resource_config_dns_resolution"}),
    "aws_vpclattice_resource_configuration": (c.ResourceConfiguration, {
        "config_type": "type", "gateway": "resource_gateway_identifier",
        "group": "resource_configuration_group_id", "port_ranges": "port_ranges",
        "definition": "resource_configuration_definition",
        "allow_shareable": "allow_association_to_shareable_service_network:bool",
        "custom_domain": "custom_domain_name",
        "denotes": "resource_configuration_definition.dns_resource.domain_name|"
                   "resource_configuration_definition.arn_resource.arn"}),
    # the Cloud Control (awscc) provider's spelling, used by AWS's own Lattice blueprints
    "awscc_vpclattice_resource_configuration": (c.ResourceConfiguration, {
        "config_type": "resource_configuration_type", "gateway": "resource_gateway_id",
        "group": "resource_configuration_group_id", "port_ranges": "port_ranges",
        "definition": "resource_configuration_definition",
        "allow_shareable": "allow_association_to_sharable_service_network:bool",
        "custom_domain": "custom_domain_name",
        "denotes": "resource_configuration_definition.dns_resource.domain_name|"
                   "resource_configuration_definition.arn_resource"}),
    "awscc_vpclattice_service_network_resource_association": (c.ServiceNetworkAssociation, {
        "service_network": "service_network_id", "member": "resource_configuration_id",
        "private_dns": "private_dns_enabled:bool"}),
    "awscc_vpclattice_service_network_vpc_association": (c.ServiceNetworkAssociation, {
        "service_network": "service_network_identifier", "member": "vpc_identifier",
        "security_groups": "security_group_ids[]", "private_dns": "private_dns_enabled:bool",
        **_LATTICE_DNS_TF}),
    "aws_ram_resource_association": (c.RamShare, {"resources": "resource_arn"}),
}
TERRAFORM["aws_alb"] = TERRAFORM["aws_lb"]
TERRAFORM["aws_alb_target_group"] = TERRAFORM["aws_lb_target_group"]
TERRAFORM["aws_alb_target_group_attachment"] = TERRAFORM["aws_lb_target_group_attachment"]
TERRAFORM["aws_alb_listener"] = TERRAFORM["aws_lb_listener"]
TERRAFORM["aws_alb_listener_rule"] = TERRAFORM["aws_lb_listener_rule"]

CLOUDFORMATION: dict[str, tuple[type, dict[str, str]]] = {
    "AWS::EC2::VPC": (c.Vpc, {"cidr_blocks": "CidrBlock:list", "dns_support": "EnableDnsSupport:bool",
                              "dns_hostnames": "EnableDnsHostnames:bool"}),
    "AWS::EC2::Subnet": (c.Subnet, {"vpc": "VpcId", "availability_zone": "AvailabilityZone",
                                    "availability_zone_id": "AvailabilityZoneId",
                                    "cidr_block": "CidrBlock"}),
    "AWS::EC2::RouteTable": (c.RouteTable, {"vpc": "VpcId"}),
    "AWS::EC2::VPNGatewayRoutePropagation": (c.RoutePropagation, {
        "route_tables": "RouteTableIds[]", "gateway": "VpnGatewayId"}),
    "AWS::EC2::VPCCidrBlock": (c.VpcCidrBlock, {"vpc": "VpcId", "cidr_block": "CidrBlock"}),
    "AWS::EC2::Route": (c.Route, {"route_table": "RouteTableId"}),
    "AWS::EC2::SubnetRouteTableAssociation": (c.RouteTableAssociation, {
        "route_table": "RouteTableId", "subnet": "SubnetId"}),
    "AWS::EC2::GatewayRouteTableAssociation": (c.RouteTableAssociation, {
        "route_table": "RouteTableId", "gateway": "GatewayId"}),
    "AWS::EC2::InternetGateway": (c.InternetGateway, {}),
    "AWS::EC2::VPCGatewayAttachment": (c.GatewayAttachment, {
        "gateway": "InternetGatewayId", "vpc": "VpcId"}),
    "AWS::EC2::NatGateway": (c.NatGateway, {"subnet": "SubnetId",
                                            "connectivity": "ConnectivityType"}),
    "AWS::EC2::TransitGatewayVpcAttachment": (c.TransitGatewayAttachment, {
        "vpc": "VpcId", "subnets": "SubnetIds[]", "transit_gateway": "TransitGatewayId",
        "appliance_mode": "Options.ApplianceModeSupport:enable"}),
    "AWS::EC2::SecurityGroup": (c.SecurityGroup, {"vpc": "VpcId"}),
    "AWS::EC2::VPCEndpoint": (c.VpcEndpoint, {
        "vpc": "VpcId", "service_name": "ServiceName", "endpoint_type": "VpcEndpointType",
        "route_tables": "RouteTableIds[]", "subnets": "SubnetIds[]",
        "security_groups": "SecurityGroupIds[]", "private_dns": "PrivateDnsEnabled:bool",
        "policy": "PolicyDocument", "resource_configuration": "ResourceConfigurationArn",
        "service_network": "ServiceNetworkArn", "service_region": "ServiceRegion",
        **_LATTICE_DNS_CFN}),
    "AWS::EC2::VPCEndpointService": (c.EndpointService, {
        "network_load_balancers": "NetworkLoadBalancerArns[]",
        "gateway_load_balancers": "GatewayLoadBalancerArns[]",
        "acceptance_required": "AcceptanceRequired:bool"}),
    "AWS::EC2::VPCEndpointServicePermissions": (c.EndpointServicePermission, {
        "service": "ServiceId", "principals": "AllowedPrincipals"}),
    "AWS::RDS::DBInstance": (c.Database, {"security_groups": "VPCSecurityGroups[]"}),
    **{kind: (c.Database, {"security_groups": "VpcSecurityGroupIds[]"}) for kind in (
        "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster",
        "AWS::Redshift::Cluster")},
    **{kind: (c.Database, {"security_groups": "SecurityGroupIds[]"}) for kind in (
        "AWS::ElastiCache::ReplicationGroup",)},
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (c.LoadBalancer, {
        "lb_type": "Type", "subnets": "Subnets[]|SubnetMappings[].SubnetId",
        "security_groups": "SecurityGroups[]"}),
    "AWS::ElasticLoadBalancingV2::TargetGroup": (c.TargetGroup, {
        "vpc": "VpcId", "target_type": "TargetType", "protocol": "Protocol", "port": "Port",
        "name": "Name"}),
    "AWS::ElasticLoadBalancingV2::Listener": (c.LbListener, {
        "load_balancer": "LoadBalancerArn", "protocol": "Protocol", "port": "Port",
        "forwards_to": "DefaultActions[].TargetGroupArn|"
                       "DefaultActions[].ForwardConfig.TargetGroups[].TargetGroupArn"}),
    "AWS::ElasticLoadBalancingV2::ListenerRule": (c.LbListenerRule, {
        "listener": "ListenerArn",
        "forwards_to": "Actions[].TargetGroupArn|"
                       "Actions[].ForwardConfig.TargetGroups[].TargetGroupArn"}),
    "AWS::ECS::TaskSet": (c.TargetRegistrar, {
        "target_groups": "LoadBalancers[].TargetGroupArn", "source": "Service"}),
    "AWS::CodeDeploy::DeploymentGroup": (c.TargetRegistrar, {
        "target_groups": "LoadBalancerInfo.TargetGroupPairInfoList[].TargetGroups[].Name|"
                         "LoadBalancerInfo.TargetGroupInfoList[].Name"}),
    "AWS::VpcLattice::ServiceNetwork": (c.ServiceNetwork, {
        "auth_type": "AuthType", "sharing_enabled": "SharingConfig.enabled:bool"}),
    "AWS::VpcLattice::Service": (c.LatticeService, {"auth_type": "AuthType"}),
    "AWS::VpcLattice::Listener": (c.Listener, {
        "service": "ServiceIdentifier", "protocol": "Protocol", "port": "Port",
        "forwards_to": "DefaultAction.Forward.TargetGroups[].TargetGroupIdentifier"}),
    "AWS::VpcLattice::Rule": (c.ListenerRule, {
        "service": "ServiceIdentifier", "listener": "ListenerIdentifier",
        "forwards_to": "Action.Forward.TargetGroups[].TargetGroupIdentifier"}),
    "AWS::VpcLattice::TargetGroup": (c.LatticeTargetGroup, {
        "target_type": "Type", "vpc": "Config.VpcIdentifier", "port": "Config.Port",
        "protocol": "Config.Protocol", "health_check_port": "Config.HealthCheck.Port",
        "lambda_event_version": "Config.LambdaEventStructureVersion",
        "config": "Config:settings"}),
    "AWS::VpcLattice::ServiceNetworkVpcAssociation": (c.ServiceNetworkAssociation, {
        "service_network": "ServiceNetworkIdentifier", "member": "VpcIdentifier",
        "security_groups": "SecurityGroupIds[]", "private_dns": "PrivateDnsEnabled:bool",
        **_LATTICE_DNS_CFN}),
    "AWS::VpcLattice::ServiceNetworkServiceAssociation": (c.ServiceNetworkAssociation, {
        "service_network": "ServiceNetworkIdentifier", "member": "ServiceIdentifier"}),
    "AWS::VpcLattice::ServiceNetworkResourceAssociation": (c.ServiceNetworkAssociation, {
        "service_network": "ServiceNetworkId", "member": "ResourceConfigurationId",
        "private_dns": "PrivateDnsEnabled:bool"}),
    "AWS::VpcLattice::AuthPolicy": (c.AuthPolicy, {"target": "ResourceIdentifier",
                                                   "policy": "Policy"}),
    "AWS::VpcLattice::ResourceGateway": (c.ResourceGateway, {
        "vpc": "VpcIdentifier", "subnets": "SubnetIds[]", "security_groups": "SecurityGroupIds[]",
        "ip_address_type": "IpAddressType", "dns_resolution": "ResourceConfigDnsResolution"}),
    "AWS::VpcLattice::ResourceConfiguration": (c.ResourceConfiguration, {
        "config_type": "ResourceConfigurationType", "gateway": "ResourceGatewayId",
        "group": "ResourceConfigurationGroupId", "port_ranges": "PortRanges",
        "definition": "ResourceConfigurationDefinition",
        "allow_shareable": "AllowAssociationToSharableServiceNetwork:bool",
        "custom_domain": "CustomDomainName",
        "denotes": "ResourceConfigurationDefinition.DnsResource.DomainName|"
                   "ResourceConfigurationDefinition.ArnResource"}),
    "AWS::RAM::ResourceShare": (c.RamShare, {"resources": "ResourceArns[]"}),
}

CLOUDFORMATION["AWS::EC2::TransitGatewayAttachment"] = \
    CLOUDFORMATION["AWS::EC2::TransitGatewayVpcAttachment"]

# What a separate association resource attaches (fixed per type, not read from properties).
ASSOCIATES = {
    "aws_vpc_endpoint_route_table_association": "route_tables",
    "aws_vpc_endpoint_subnet_association": "subnets",
    "aws_vpc_endpoint_security_group_association": "security_groups",
    "aws_vpc_endpoint_policy": "policy",
    "aws_vpc_endpoint_private_dns": "private_dns",
    "aws_vpclattice_service_network_vpc_association": "vpc",
    "aws_vpclattice_service_network_service_association": "service",
    "aws_vpclattice_service_network_resource_association": "resource_configuration",
    "awscc_vpclattice_service_network_resource_association": "resource_configuration",
    "awscc_vpclattice_service_network_vpc_association": "vpc",
    "AWS::VpcLattice::ServiceNetworkVpcAssociation": "vpc",
    "AWS::VpcLattice::ServiceNetworkServiceAssociation": "service",
    "AWS::VpcLattice::ServiceNetworkResourceAssociation": "resource_configuration",
}

# --- workloads, IAM, network ACLs, DNS (flow analysis) ----------------------------------------

from vpclint.model import workloads as w  # noqa: E402 - kept beside the tables that use it

WORKLOAD_TYPES = {
    "aws_lambda_function": "lambda", "aws_ecs_service": "ecs_service", "aws_instance": "instance",
    "aws_autoscaling_group": "autoscaling_group", "aws_eks_cluster": "eks_cluster",
    "aws_eks_node_group": "eks_node_group", "AWS::Lambda::Function": "lambda",
    "AWS::Serverless::Function": "lambda", "AWS::ECS::Service": "ecs_service",
    "AWS::EC2::Instance": "instance", "AWS::AutoScaling::AutoScalingGroup": "autoscaling_group",
    "AWS::EKS::Cluster": "eks_cluster", "AWS::EKS::Nodegroup": "eks_node_group",
}

TERRAFORM.update({
    "aws_iam_role": (w.IamRole, {"inline_policies": "inline_policy[].policy",
                                 "managed_policies": "managed_policy_arns[]"}),
    "aws_iam_role_policy": (w.IamPolicy, {"document": "policy", "roles": "role"}),
    "aws_iam_policy": (w.IamPolicy, {"document": "policy"}),
    "aws_iam_role_policy_attachment": (w.PolicyAttachment, {"role": "role",
                                                            "policy": "policy_arn"}),
    "aws_iam_instance_profile": (w.InstanceProfile, {"roles": "role"}),
    "aws_ecs_task_definition": (w.TaskDefinition, {
        "containers": "container_definitions", "task_role": "task_role_arn",
        "execution_role": "execution_role_arn", "launch_types": "requires_compatibilities"}),
    "aws_launch_template": (w.LaunchTemplate, {
        "instance_profile": "iam_instance_profile.name|iam_instance_profile.arn",
        "security_groups": "vpc_security_group_ids[]|network_interfaces.security_groups[]",
        "user_data": "user_data"}),
    "aws_launch_configuration": (w.LaunchTemplate, {
        "instance_profile": "iam_instance_profile", "security_groups": "security_groups[]",
        "user_data": "user_data"}),
    "aws_lambda_function": (w.Workload, {
        "subnets": "vpc_config.subnet_ids[]", "security_groups": "vpc_config.security_group_ids[]",
        "role": "role", "environment": "environment.variables", "package_type": "package_type"}),
    "aws_ecs_service": (w.Workload, {
        "subnets": "network_configuration.subnets[]",
        "security_groups": "network_configuration.security_groups[]",
        "assign_public_ip": "network_configuration.assign_public_ip:bool",
        "task_definition": "task_definition", "launch_type": "launch_type",
        "lattice_target_groups": "vpc_lattice_configurations.target_group_arn",
        "lattice_port_names": "vpc_lattice_configurations[].port_name",
        "target_groups": "load_balancer.target_group_arn"}),
    "aws_instance": (w.Workload, {
        "subnets": "subnet_id", "security_groups": "vpc_security_group_ids[]|security_groups[]",
        "instance_profile": "iam_instance_profile", "user_data": "user_data",
        "assign_public_ip": "associate_public_ip_address:bool",
        "launch_template": "launch_template.id|launch_template.name"}),
    "aws_autoscaling_group": (w.Workload, {
        "subnets": "vpc_zone_identifier[]", "lattice_target_groups": "traffic_source.identifier",
        "target_groups": "target_group_arns[]",
        "launch_template": "launch_template.id|launch_template.name|"
                           "mixed_instances_policy.launch_template.launch_template_specification."
                           "launch_template_id|launch_configuration"}),
    "aws_eks_cluster": (w.Workload, {
        "subnets": "vpc_config.subnet_ids[]", "security_groups": "vpc_config.security_group_ids[]",
        "role": "role_arn"}),
    "aws_eks_node_group": (w.Workload, {
        "subnets": "subnet_ids[]", "role": "node_role_arn",
        "launch_template": "launch_template.id|launch_template.name"}),
    "aws_network_acl": (w.NetworkAcl, {"vpc": "vpc_id", "subnets": "subnet_ids[]"}),
    "aws_default_network_acl": (w.NetworkAcl, {"vpc": "default_network_acl_id",
                                               "subnets": "subnet_ids[]"}),
    "aws_network_acl_association": (w.NetworkAclAssociation, {"acl": "network_acl_id",
                                                              "subnet": "subnet_id"}),
    "aws_network_acl_rule": (w.NetworkAclEntry, {
        "acl": "network_acl_id", "egress": "egress:bool", "rule_number": "rule_number",
        "protocol": "protocol", "action": "rule_action", "cidr": "cidr_block|ipv6_cidr_block",
        "from_port": "from_port", "to_port": "to_port"}),
    "aws_route53_zone": (w.Route53Zone, {"name": "name", "vpcs": "vpc.vpc_id"}),
    "aws_route53_record": (w.DnsRecord, {"zone": "zone_id", "name": "name",
                                         "targets": "alias.name|records"}),
})

CLOUDFORMATION.update({
    "AWS::IAM::Role": (w.IamRole, {"inline_policies": "Policies[].PolicyDocument",
                                   "managed_policies": "ManagedPolicyArns[]"}),
    "AWS::IAM::Policy": (w.IamPolicy, {"document": "PolicyDocument", "roles": "Roles[]"}),
    "AWS::IAM::RolePolicy": (w.IamPolicy, {"document": "PolicyDocument", "roles": "RoleName"}),
    "AWS::IAM::ManagedPolicy": (w.IamPolicy, {"document": "PolicyDocument", "roles": "Roles[]"}),
    "AWS::IAM::InstanceProfile": (w.InstanceProfile, {"roles": "Roles[]"}),
    "AWS::ECS::TaskDefinition": (w.TaskDefinition, {
        "containers": "ContainerDefinitions", "task_role": "TaskRoleArn",
        "execution_role": "ExecutionRoleArn", "launch_types": "RequiresCompatibilities"}),
    "AWS::EC2::LaunchTemplate": (w.LaunchTemplate, {
        "instance_profile": "LaunchTemplateData.IamInstanceProfile.Arn|"
                            "LaunchTemplateData.IamInstanceProfile.Name",
        "security_groups": "LaunchTemplateData.SecurityGroupIds[]|"
                           "LaunchTemplateData.NetworkInterfaces[].Groups[]",
        "user_data": "LaunchTemplateData.UserData"}),
    "AWS::AutoScaling::LaunchConfiguration": (w.LaunchTemplate, {
        "instance_profile": "IamInstanceProfile", "security_groups": "SecurityGroups[]",
        "user_data": "UserData"}),
    "AWS::Lambda::Function": (w.Workload, {
        "subnets": "VpcConfig.SubnetIds[]", "security_groups": "VpcConfig.SecurityGroupIds[]",
        "role": "Role", "environment": "Environment.Variables", "package_type": "PackageType"}),
    "AWS::Serverless::Function": (w.Workload, {
        "subnets": "VpcConfig.SubnetIds[]", "security_groups": "VpcConfig.SecurityGroupIds[]",
        "role": "Role", "environment": "Environment.Variables", "package_type": "PackageType"}),
    "AWS::ECS::Service": (w.Workload, {
        "subnets": "NetworkConfiguration.AwsvpcConfiguration.Subnets[]",
        "security_groups": "NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[]",
        "task_definition": "TaskDefinition", "launch_type": "LaunchType",
        "lattice_target_groups": "VpcLatticeConfigurations[].TargetGroupArn",
        "lattice_port_names": "VpcLatticeConfigurations[].PortName",
        "target_groups": "LoadBalancers[].TargetGroupArn"}),
    "AWS::EC2::Instance": (w.Workload, {
        "subnets": "SubnetId|NetworkInterfaces[].SubnetId",
        "security_groups": "SecurityGroupIds[]|SecurityGroups[]|NetworkInterfaces[].GroupSet[]",
        "instance_profile": "IamInstanceProfile", "user_data": "UserData",
        "launch_template": "LaunchTemplate.LaunchTemplateId"}),
    "AWS::AutoScaling::AutoScalingGroup": (w.Workload, {
        "subnets": "VPCZoneIdentifier[]", "lattice_target_groups": "TrafficSources[].Identifier",
        "target_groups": "TargetGroupARNs[]",
        "launch_template": "LaunchTemplate.LaunchTemplateId|"
                           "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification."
                           "LaunchTemplateId|LaunchConfigurationName"}),
    "AWS::EKS::Cluster": (w.Workload, {
        "subnets": "ResourcesVpcConfig.SubnetIds[]",
        "security_groups": "ResourcesVpcConfig.SecurityGroupIds[]", "role": "RoleArn"}),
    "AWS::EKS::Nodegroup": (w.Workload, {"subnets": "Subnets[]", "role": "NodeRole",
                                         "launch_template": "LaunchTemplate.Id"}),
    "AWS::EC2::NetworkAcl": (w.NetworkAcl, {"vpc": "VpcId"}),
    "AWS::EC2::SubnetNetworkAclAssociation": (w.NetworkAclAssociation, {
        "acl": "NetworkAclId", "subnet": "SubnetId"}),
    "AWS::EC2::NetworkAclEntry": (w.NetworkAclEntry, {
        "acl": "NetworkAclId", "egress": "Egress:bool", "rule_number": "RuleNumber",
        "protocol": "Protocol", "action": "RuleAction", "cidr": "CidrBlock|Ipv6CidrBlock",
        "from_port": "PortRange.From", "to_port": "PortRange.To"}),
    "AWS::Route53::HostedZone": (w.Route53Zone, {"name": "Name", "vpcs": "VPCs[].VPCId"}),
    "AWS::Route53::RecordSet": (w.DnsRecord, {"zone": "HostedZoneId", "name": "Name",
                                              "targets": "AliasTarget.DNSName|ResourceRecords"}),
})

SPECS = {"terraform": TERRAFORM, "cloudformation": CLOUDFORMATION}


def route_attribute(component: c.Component, target_kind: str) -> str:
    """The attribute a route of ``component``'s IaC names a target of ``target_kind`` in
    (``vpc_endpoint_id``, ``VpcEndpointId``)."""
    return next(name for name, kind in ROUTE_TARGETS[component.flavour].items()
                if kind == target_kind)


def resource_types(component: c.Component, cls: type, attaches: str | None = None) -> list[str]:
    """The resource types of ``component``'s IaC that make ``cls`` components (for association
    resources, those that add to the field ``attaches``): what a message may tell the user to
    add, and whether the IaC has a separate resource for it at all (CloudFormation has no
    endpoint policy resource, no endpoint connection accepter)."""
    return [kind for kind, (made, _) in SPECS[component.flavour].items()
            if made is cls and (attaches is None or ASSOCIATES.get(kind) == attaches)]
