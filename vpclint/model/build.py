"""Resources -> the common model: normalize each resource, resolve references, fold associations.

Three passes, each linear in the number of resources:
1. normalize: every modelled resource type becomes a component, its fields read through the
   tables in ``specs`` with AWS defaults applied by the component classes;
2. resolve: ``Ref`` values become components (by scope and address), literal identifiers
   ``External``, anything else UNKNOWN;
3. fold: separate association resources (endpoint route tables/subnets/SGs/policy, endpoint
   service permissions, gateway attachments, routes, security group rules) are added to their
   owners, so rules see one endpoint with all its route tables wherever they were declared.

Last, what SSM parameters hand over to other stacks (an endpoint's DNS name) is marked exported,
as a stack output is.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from msgspec.structs import asdict, replace

from vpclint.model import Model
from vpclint.model import components as c
from vpclint.model.mentions import Mentions
from vpclint.model.specs import ASSOCIATES, ROUTE_DESTINATIONS, ROUTE_TARGETS, SPECS
from vpclint.model import workloads as w
from vpclint.model.specs import WORKLOAD_TYPES
from vpclint.errors import describe_crash
from vpclint.source import Failure, Resource
from vpclint.values import (Choice, PartialCollection, PartialJson, PartialString, Ref, Unknown,
                            as_bool, choose, conditions_of, decide, known_not_null, with_kinds)

_MISSING = object()


def build_model(resources: list[Resource], *, opaque_scopes: Iterable[str] = (),
                opaque_inputs: Iterable[tuple[str, str]] = (),
                exported: Iterable[tuple[str, str]] = ()) -> Model:
    """The frozen model of ``resources``. A resource vpclint fails to model (a bug of
    vpclint's) is left out and recorded in ``model.failures``, with its scope marked opaque
    (what it would have linked to is not known); the rest is modelled.

    The other arguments are what evaluation learnt of the unseen (``Model.opaque_scopes``,
    ``Model.opaque_inputs``, ``Model.exported``): the model is complete when built, and no later
    stage changes it."""
    model = Model(opaque_scopes=set(opaque_scopes), opaque_inputs=set(opaque_inputs),
                  exported=set(exported))
    registry: dict[tuple[str, str], c.Component] = {}
    types = {(r.scope, r.address): r.type for r in resources}
    failed: set[int] = set()
    for resource in resources:
        try:
            produced = _normalize(resource)
        except Exception as error:  # noqa: BLE001 - one resource must not stop the model
            _failed(model, resource, error, failed)
            continue
        for component in produced:
            model.add(component)
            registry.setdefault((resource.scope, resource.address), component)
        _hand_to_unseen(model, resource, produced)
    resolver = _Resolver(registry, types)
    for component in model.components:
        try:
            resolver.resolve_fields(component)
        except Exception as error:  # noqa: BLE001 - as above
            _failed(model, component.resource, error, failed)
    if failed:
        model.components = [x for x in model.components if id(x.resource) not in failed]
        model.reindex()
    _fold(model)
    model.index_links()
    _hand_offs(model, resources)
    _rules_not_all_known(model)
    model.freeze()
    return model


def _rules_not_all_known(model: Model) -> None:
    """Mark the security groups and network ACLs that a rule or entry of UNKNOWN owner may
    belong to: their rules are not all known."""
    for group in model.of(c.SecurityGroup):
        if model.linked_from(group, c.SecurityGroupRule, "group").open:
            group.ingress_open = group.egress_open = True
    for acl in model.of(w.NetworkAcl):
        if model.linked_from(acl, w.NetworkAclEntry, "acl").open:
            acl.entries_open = True


# Resources that hand a value over to other stacks or accounts, like a stack output: what they
# hold is exported (another stack may, say, front an endpoint whose DNS name it reads there).
_HAND_OFFS = {"aws_ssm_parameter": ("value", "insecure_value"), "AWS::SSM::Parameter": ("Value",)}


def _hand_offs(model: Model, resources: list[Resource]) -> None:
    """Mark the components that an SSM parameter's value names as exported."""
    named = Mentions()
    for resource in resources:
        for key in _HAND_OFFS.get(resource.type, ()):
            named.add(resource.values.get(key))
    if named:
        model.exported.update((x.resource.scope, x.resource.address)
                              for x in model.components if x in named)


# Resource types that create or change resources vpclint cannot see, from what they are handed:
# Cloud Control resources it does not model, custom resources (a Lambda function does the work),
# stacks and products deployed from a template it does not read, commands Terraform runs
# (terraform_data, null_resource), Kubernetes objects whose controllers act on AWS (a
# TargetGroupBinding registers pods in a target group). Like a module vpclint cannot read, they
# may reach what they are handed and what its identifiers lead to (Model.opaque_inputs).
_UNSEEN_MAKERS = ("awscc_", "aws_cloudformation_stack", "aws_servicecatalog_provisioned_product",
                  "Custom::", "AWS::CloudFormation::CustomResource",
                  "AWS::ServiceCatalog::CloudFormationProvisionedProduct", "terraform_data",
                  "null_resource", "kubernetes_", "kubectl_", "helm_release")
# Resource types vpclint does not model that only watch or describe what they name, and never
# create its partners: alarms, access logs, invoke permissions, web ACLs, scaling policies.
_OBSERVERS = ("aws_cloudwatch_metric_alarm", "AWS::CloudWatch::Alarm",
              "aws_vpclattice_access_log_subscription", "AWS::VpcLattice::AccessLogSubscription",
              "aws_lambda_permission", "AWS::Lambda::Permission",
              "aws_wafv2_web_acl_association", "AWS::WAFv2::WebACLAssociation",
              "aws_appautoscaling_policy", "AWS::ApplicationAutoScaling::ScalingPolicy",
              "aws_autoscaling_policy", "AWS::AutoScaling::ScalingPolicy",
              "aws_shield_protection", "AWS::Shield::Protection")
# Modelled resources that run code: what their code is given (environment, inline code, user
# data) may be acted on by it, as a Lambda function that registers targets does.
_RUNS_CODE = ("aws_lambda_function", "AWS::Lambda::Function", "AWS::Serverless::Function",
              "aws_instance", "AWS::EC2::Instance", "aws_launch_template",
              "AWS::EC2::LaunchTemplate")
_CODE_INPUTS = ("environment", "Environment", "Code", "InlineCode", "user_data", "UserData",
                "LaunchTemplateData")


def _hand_to_unseen(model: Model, resource: Resource, produced: list) -> None:
    """Record what a resource hands to what vpclint cannot see. A maker's inputs reach as far
    as a module's; any other resource type vpclint does not model (bar observers) may act on
    what it names, and so may the code of a resource that runs code (Model.named_by_unseen)."""
    if not produced and resource.type.startswith(_UNSEEN_MAKERS):
        model.opaque_inputs |= {(ref.scope, ref.target) for ref in _refs(resource.values)}
    elif not produced and not resource.type.startswith(_OBSERVERS):
        model.named_by_unseen |= {(ref.scope, ref.target) for ref in _refs(resource.values)}
    elif resource.type in _RUNS_CODE:
        inputs = [resource.values.get(name) for name in _CODE_INPUTS]
        model.named_by_unseen |= {(ref.scope, ref.target) for ref in _refs(inputs)}


def _refs(value: Any):
    """Every reference in a value, also inside strings built around them (``!Sub``,
    ``"${...}"``), undecided conditionals, partly known JSON and collections."""
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, (dict, list)):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _refs(item)
    elif isinstance(value, PartialString):
        yield from _refs(list(value.parts))
    elif isinstance(value, Choice):
        yield from _refs([value.then, value.otherwise])
    elif isinstance(value, (PartialJson, PartialCollection)):
        yield from _refs(value.data if isinstance(value, PartialJson) else value.items)


def _failed(model: Model, resource: Resource, error: Exception, failed: set[int]) -> None:
    failed.add(id(resource))
    model.opaque_scopes.add(resource.scope)
    span = resource.locate(())
    model.failures.append(Failure(span.file, f"vpclint failed to model {resource.name} "
                                  f"({describe_crash(error)}); it is left out", span.line))


# --- pass 1: normalize --------------------------------------------------------------------------


def _normalize(resource: Resource) -> list[c.Component]:
    spec = SPECS[resource.flavour].get(resource.type)
    if spec is None:
        rule = separate_sg_rule(resource)
        return [rule] if rule is not None else []
    cls, fields = spec
    component = cls(resource=resource)
    for name, path_spec in fields.items():
        many = _is_many(cls, name) or "[]" in path_spec
        value, origin = _read(resource.values, path_spec, many)
        component.origin[name] = origin
        if value is not _MISSING:
            setattr(component, name, value)
            component.written_fields.add(name)
    extra = _SPECIAL.get(cls)
    produced = [component]
    if extra is not None:
        produced.extend(extra(component, resource))
    if isinstance(component, c.EndpointAssociation):
        component.attaches = ASSOCIATES[resource.type]
    elif isinstance(component, c.ServiceNetworkAssociation):
        component.associates = ASSOCIATES[resource.type]
    return produced


def _is_many(cls: type, name: str) -> bool:
    return c.field_types(cls).get(name, "").startswith("Links")


def _read(values: dict, path_spec: str, many: bool) -> tuple[Any, tuple]:
    """Value and concrete property path of ``path_spec`` (see specs' module docstring).

    A value picked by an undecided condition (a ``Choice``) is read in both worlds of that
    condition, every alternative attribute decided the same way, and the value is the
    ``Choice`` of the two readings, which is known when they agree (``service_identifier = c ?
    x : null`` with ``service_arn = c ? null : x`` names service x either way; references to
    one resource agree once resolved)."""
    value, origin = _read_in(values, path_spec, many, None)
    conditions = conditions_of(value if many and isinstance(value, list) else [value])
    if len(conditions) != 1:
        return value, origin
    (first, where), (second, _) = (_read_in(values, path_spec, many, (conditions[0], truth))
                                   for truth in (True, False))
    if first is _MISSING or second is _MISSING or many:
        agreed = first is not _MISSING and first == second
        return (first, where) if agreed else (value, origin)
    return choose(conditions[0], first, second, value), where


def _read_in(values: dict, path_spec: str, many: bool, world: tuple | None) -> tuple[Any, tuple]:
    """``_read`` where the choices on ``world``'s condition are decided as it says."""
    spec, _, conversion = path_spec.partition(":")
    first_origin: tuple = ()
    for alternative in spec.split("|"):
        steps = alternative.split(".")
        matches = list(_walk(values, steps, (), world))
        if not first_origin:
            first_origin = tuple(s.rstrip("[]") for s in steps)
        if not matches:
            continue
        if many:
            return [v for v, _ in matches], matches[0][1][:1] or first_origin
        value, origin = matches[0]
        return _convert(value, conversion), origin
    return _MISSING, first_origin


def _walk(value: Any, steps: list[str], path: tuple, world: tuple | None = None):
    if world is not None and isinstance(value, Choice):
        value = decide(value, *world)
    if isinstance(value, Unknown):
        yield value, path
        return
    if not steps:
        if value is not None:
            yield value, path
        return
    step, rest = steps[0], steps[1:]
    if isinstance(value, list):  # a Terraform block list: descend into each block
        for index, item in enumerate(value):
            yield from _walk(item, steps, path + (index,), world)
        return
    if not isinstance(value, dict):
        return
    key = step[:-2] if step.endswith("[]") else step
    if key not in value:
        return
    child = value[key]
    if step.endswith("[]") and isinstance(child, list):
        for index, item in enumerate(child):
            yield from _walk(item, rest, path + (key, index), world)
    else:
        yield from _walk(child, rest, path + (key,), world)


def _convert(value: Any, conversion: str) -> Any:
    if conversion == "bool":
        return as_bool(value)
    if conversion == "list":  # a single-valued attribute as the model's list (one block, one
        return value if isinstance(value, list) else [value]  # principal): an UNKNOWN one too
    if conversion == "enable":  # "enable" / "disable" switches (TGW attachment options)
        if isinstance(value, str) and value.lower() in ("enable", "disable"):
            return value.lower() == "enable"
        return value if isinstance(value, Unknown) else Unknown("not enable/disable", repr(value))
    if conversion == "settings":
        return _settings(value)
    return value


def _settings(block: Any) -> list[str]:
    """The names of the settings a block (a Terraform block list of one, or a mapping) writes
    with a known value; none when vpclint cannot tell which block it is."""
    while isinstance(block, list) and len(block) == 1:
        block = block[0]
    if not isinstance(block, dict):
        return []
    return [name for name, value in block.items()
            if value is not None and value != [] and not isinstance(value, Unknown)]


def _endpoint(endpoint: c.VpcEndpoint, resource: Resource) -> list[c.Component]:
    raw_type = endpoint.endpoint_type
    if isinstance(raw_type, str):
        canonical = {t.lower(): t for t in c.ENDPOINT_TYPES}
        endpoint.endpoint_type = canonical.get(raw_type.lower(), raw_type)
    return []


def _route_table(table: c.RouteTable, resource: Resource) -> list[c.Component]:
    # aws_default_route_table's default_route_table_id is aws_vpc.x.default_route_table_id:
    # it resolves to the VPC whose main table this is
    table.is_default = resource.type == "aws_default_route_table"
    inline = resource.values.get("route")
    routes: list[c.Component] = []
    if isinstance(inline, Unknown):
        table.routes_open = True
        return routes
    for index, body in enumerate(inline if isinstance(inline, list) else []):
        if isinstance(body, dict):
            route = _route_from(body, resource, ("route", index))
            route.route_table = table
            routes.append(route)
        elif isinstance(body, Unknown):  # a route vpclint cannot read (a conditional one)
            table.routes_open = True
    return routes


def _route(route: c.Route, resource: Resource) -> list[c.Component]:
    filled = _route_from(resource.values, resource, ())
    route.destination, route.target_kind, route.target = (
        filled.destination, filled.target_kind, filled.target)
    route.origin.update(filled.origin)
    return []


def _route_from(body: dict, resource: Resource, base: tuple) -> c.Route:
    route = c.Route(resource=resource)
    route.origin["route"] = base
    for key in ROUTE_DESTINATIONS[resource.flavour]:
        if body.get(key) not in (None, ""):
            route.destination = body[key]
            route.origin["destination"] = base + (key,)
            break
    key, route.target_kind, route.target = _route_target(body, resource.flavour)
    if key is not None:
        route.origin["target"] = base + (key,)
    return route


# What a route's target attribute can hold, as component kinds (``Component.kind``, or a kind
# vpclint has no component for): an UNKNOWN value keeps this, so it opens no other pairing.
# ``gateway_id`` takes internet and virtual private gateways, and AWS also accepts a NAT
# gateway's or an endpoint's ID there.
_TARGET_KINDS = {
    "gateway": ("internet_gateway", "vpn_gateway", "nat_gateway", "vpc_endpoint"),
    "nat_gateway": ("nat_gateway",), "vpc_endpoint": ("vpc_endpoint",),
    "transit_gateway": ("transit_gateway",), "egress_only_gateway": ("egress_only_gateway",),
    "network_interface": ("network_interface",), "peering": ("peering",),
    "core_network": ("core_network",), "local_gateway": ("local_gateway",),
    "carrier_gateway": ("carrier_gateway",), "instance": ("workload",),
}


def _route_target(body: dict, flavour: str) -> tuple[str | None, str | None, Any]:
    """(attribute, kind, value) of a route's target. A route has exactly one target, so the
    attribute that surely holds a value is it, whatever that value is (a parameter in
    ``TransitGatewayId`` is a transit gateway: ``_fold`` marks an UNKNOWN value with the kinds
    its attribute allows). Attributes that may each be null (conditional ones) are decided
    together, condition by condition; when that leaves the kind open, the kind is None and the
    value an UNKNOWN that may denote any of their kinds."""
    present = [(key, kind, body[key]) for key, kind in ROUTE_TARGETS[flavour].items()
               if body.get(key) not in (None, "")]
    if not present:
        return None, None, None
    sure = [entry for entry in present if _surely_set(entry[2], flavour)]
    if sure or len(present) == 1:
        key, kind, value = (sure or present)[0]
        return key, kind, _set_branch(value)
    conditions = conditions_of(value for _, _, value in present)
    if len(conditions) == 1:
        picked = [next(((k, kind, decide(v, conditions[0], truth)) for k, kind, v in present
                        if decide(v, conditions[0], truth) not in (None, "")), None)
                  for truth in (True, False)]
        if picked[0] is not None and picked[0] == picked[1]:
            return picked[0]
    kinds = {k for _, kind, _ in present for k in _TARGET_KINDS[kind]}
    return present[0][0], None, Unknown("route target of several possible kinds", "route",
                                        kinds=frozenset(kinds))


def _surely_set(value: Any, flavour: str) -> bool:
    """True when a target attribute holds a value in every world (a CloudFormation parameter is
    never null; a Terraform unknown may be)."""
    if isinstance(value, Choice):
        return _surely_set(value.then, flavour) and _surely_set(value.otherwise, flavour)
    return value is not None if flavour == "cloudformation" else known_not_null(value)


def _set_branch(value: Any) -> Any:
    """The only target attribute of a route is set: of ``c ? x : null``, it is x."""
    while isinstance(value, Choice) and (value.then is None) != (value.otherwise is None):
        value = value.otherwise if value.then is None else value.then
    return value


def _security_group(group: c.SecurityGroup, resource: Resource) -> list[c.Component]:
    rules: list[c.Component] = []
    keys = ({"ingress": "ingress", "egress": "egress"} if resource.flavour == "terraform"
            else {"ingress": "SecurityGroupIngress", "egress": "SecurityGroupEgress"})
    for direction, key in keys.items():
        entries = resource.values.get(key)
        if isinstance(entries, list):
            for index, body in enumerate(entries):
                if isinstance(body, dict):
                    rule = _sg_rule(body, resource, direction, (key, index))
                    rule.group = group
                    rules.append(rule)
                else:  # an UNKNOWN element (a conditional, a splat of unknowns)
                    setattr(group, f"{direction}_open", True)
        elif entries is not None:  # a dynamic block or list that could not be evaluated
            setattr(group, f"{direction}_open", True)
    group.is_default = resource.type == "aws_default_security_group"
    group.default_egress = (resource.flavour == "cloudformation"
                            and resource.values.get("SecurityGroupEgress") is None)
    return rules


def _lattice_target_group(group: c.LatticeTargetGroup, resource: Resource) -> list[c.Component]:
    """CloudFormation's inline ``Targets``; Terraform's attachments are folded in pass 3."""
    return _inline_targets(group, resource, c.LatticeTarget, {"port": "Port"})


def _lb_target_group(group: c.TargetGroup, resource: Resource) -> list[c.Component]:
    """CloudFormation's inline ``Targets``; Terraform's attachments are folded in pass 3."""
    if resource.flavour != "cloudformation":
        return []
    return _inline_targets(group, resource, c.LbTarget,
                           {"port": "Port", "availability_zone": "AvailabilityZone"})


def _inline_targets(group, resource: Resource, cls: type, fields: dict[str, str]) -> list:
    """Target components for a target group's inline ``Targets`` list (``Id`` plus ``fields``);
    a list vpclint cannot read leaves the group's targets open."""
    inline = resource.values.get("Targets")
    targets: list[c.Component] = []
    if inline is None:
        return targets
    if not isinstance(inline, list):
        group.targets_open = True
        return targets
    for index, body in enumerate(inline):
        if not isinstance(body, dict):
            group.targets_open = True
            continue
        target = cls(resource=resource, target_group=group, target=body.get("Id"),
                     **{name: body.get(key) for name, key in fields.items()})
        target.origin.update({"target": ("Targets", index, "Id"), "entry": ("Targets", index)})
        target.origin.update({name: ("Targets", index, key) for name, key in fields.items()})
        group.targets.append(target)
        targets.append(target)
    return targets


def _sg_rule(body: dict, resource: Resource, direction: str, base: tuple) -> c.SecurityGroupRule:
    rule = c.SecurityGroupRule(resource=resource, direction=direction)
    rule.origin["rule"] = base
    get = body.get
    rule.protocol = _first(get, "protocol", "ip_protocol", "IpProtocol")
    rule.from_port = _first(get, "from_port", "FromPort")
    rule.to_port = _first(get, "to_port", "ToPort")
    if isinstance(rule.protocol, (int, str)):
        rule.protocol = str(rule.protocol).lower()
    cidrs: list = []
    for key in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "CidrIp", "CidrIpv6"):
        cidrs.extend(_as_list(get(key)))
    prefixes: list = []
    for key in ("prefix_list_ids", "prefix_list_id", "SourcePrefixListId",
                "DestinationPrefixListId"):
        prefixes.extend(_as_list(get(key)))
    peers: list = []
    for key in ("security_groups", "source_security_group_id", "referenced_security_group_id",
                "SourceSecurityGroupId", "DestinationSecurityGroupId"):
        peers.extend(_as_list(get(key)))
    rule.cidrs = Unknown("rule CIDRs") if any(isinstance(x, Unknown) for x in cidrs) else cidrs
    rule.prefix_lists = prefixes
    rule.peer_groups = peers  # resolved to Links in pass 2
    rule.self_reference = as_bool(get("self")) or False
    return rule


def _first(get, *keys):
    for key in keys:
        value = get(key)
        if value is not None:
            return value
    return None


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _workload(workload: w.Workload, resource: Resource) -> list[c.Component]:
    workload.workload_kind = WORKLOAD_TYPES[resource.type]
    if not isinstance(workload.environment, (dict, Unknown)):
        workload.environment = {}
    if resource.type == "AWS::Serverless::Function":
        _sam_policies(workload, resource.values.get("Policies"))
    return []


def _sam_policies(workload: w.Workload, policies: Any) -> None:
    """SAM ``Policies``: managed policy names/ARNs, inline documents, or policy templates."""
    if policies is None:
        return
    for policy in policies if isinstance(policies, list) else [policies]:
        if isinstance(policy, dict) and "Statement" in policy:
            workload.managed_policy_templates.append({"document": policy})
        elif isinstance(policy, dict):
            workload.managed_policy_templates.extend(policy)  # template names
        else:
            workload.managed_policy_templates.append({"managed": policy})


def _task_definition(task: w.TaskDefinition, resource: Resource) -> list[c.Component]:
    if isinstance(task.containers, PartialJson) and isinstance(task.containers.data, list):
        task.containers = task.containers.data  # jsonencode() around a log group's name ...
    if isinstance(task.containers, str):
        try:
            task.containers = json.loads(task.containers)
        except ValueError:
            task.containers = Unknown("container definitions are not valid JSON")
    if not isinstance(task.containers, (list, Unknown)):
        task.containers = []
    return []


def _container(body: Any) -> w.ContainerDefinition | Unknown:
    """A container definition in either IaC's spelling (camelCase JSON, PascalCase YAML)."""
    if not isinstance(body, dict):
        return body if isinstance(body, Unknown) else Unknown("container definition", repr(body))

    def get(mapping: dict, name: str) -> Any:
        return mapping.get(name) or mapping.get(name[0].upper() + name[1:])

    logs = get(body, "logConfiguration")
    mappings = get(body, "portMappings")
    return w.ContainerDefinition(
        name=get(body, "name"), image=get(body, "image"),
        log_driver=get(logs, "logDriver") if isinstance(logs, dict) else None,
        secret_sources=[get(s, "valueFrom") if isinstance(s, dict) else None
                        for s in _list_of(get(body, "secrets"))],
        environment_values=[get(e, "value") for e in _list_of(get(body, "environment"))
                            if isinstance(e, dict)],
        port_mappings=[w.PortMapping(get(m, "name"), get(m, "containerPort"))
                       if isinstance(m, dict) else Unknown("port mapping", repr(m))
                       for m in _list_of(mappings)])


def _definition(written: Any) -> c.ResourceDefinition | None:
    """What a resource configuration defines, from any IaC's spelling of its definition; None
    when vpclint cannot tell (UNKNOWN, not written, a DNS resource it cannot read)."""
    definition = _unwrap(written)
    if not isinstance(definition, dict):
        return None
    for key, value in definition.items():
        kind = _DEFINITION_KINDS.get(key.replace("_", "").lower())
        body = _unwrap(value)
        block = isinstance(body, dict)
        if kind == "ip":
            return c.ResourceDefinition(kind, (body.get("ip_address") or body.get("IpAddress"))
                                        if block else body)
        if kind == "arn":
            return c.ResourceDefinition(kind, body.get("arn") if block else body)
        if kind == "cidr":
            return c.ResourceDefinition(kind, body)
        if kind == "dns":
            if not block:
                return None
            return c.ResourceDefinition(kind, body.get("domain_name") or body.get("DomainName"),
                                        body.get("ip_address_type") or body.get("IpAddressType"))
    return None


_DEFINITION_KINDS = {"ipresource": "ip", "dnsresource": "dns", "arnresource": "arn",
                     "cidrresource": "cidr"}


def _unwrap(value: Any) -> Any:
    """A one-element list (a Terraform block) as its element."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _list_of(value: Any) -> list:
    return value if isinstance(value, list) else []


def _network_acl(acl: w.NetworkAcl, resource: Resource) -> list[c.Component]:
    acl.is_default = resource.type == "aws_default_network_acl"
    entries: list[c.Component] = []
    for key in ("ingress", "egress"):
        blocks = resource.values.get(key)
        if isinstance(blocks, Unknown):
            acl.entries_open = True
            continue
        for index, body in enumerate(blocks if isinstance(blocks, list) else []):
            if isinstance(body, dict):
                entry = w.NetworkAclEntry(resource=resource, acl=acl, egress=key == "egress")
                entry.origin["entry"] = (key, index)
                entry.rule_number = body.get("rule_no")
                entry.protocol = body.get("protocol")
                entry.action = body.get("action")
                entry.cidr = body.get("cidr_block") or body.get("ipv6_cidr_block")
                entry.from_port, entry.to_port = body.get("from_port"), body.get("to_port")
                entries.append(entry)
    return entries


def _zone(zone: w.Route53Zone, resource: Resource) -> list[c.Component]:
    zone.private = bool(zone.vpcs) if isinstance(zone.vpcs, list) else Unknown("zone VPCs")
    return []


_SPECIAL = {
    c.VpcEndpoint: _endpoint,
    c.RouteTable: _route_table,
    c.Route: _route,
    c.SecurityGroup: _security_group,
    c.LatticeTargetGroup: _lattice_target_group,
    c.TargetGroup: _lb_target_group,
    w.Workload: _workload,
    w.TaskDefinition: _task_definition,
    w.NetworkAcl: _network_acl,
    w.Route53Zone: _zone,
}

_SEPARATE_SG_RULES = {
    "aws_security_group_rule": None,  # direction from `type`
    "aws_vpc_security_group_ingress_rule": "ingress",
    "aws_vpc_security_group_egress_rule": "egress",
    "AWS::EC2::SecurityGroupIngress": "ingress",
    "AWS::EC2::SecurityGroupEgress": "egress",
}


def separate_sg_rule(resource: Resource) -> c.SecurityGroupRule | None:
    """A security group rule declared as its own resource, or None for other types."""
    if resource.type not in _SEPARATE_SG_RULES:
        return None
    direction = _SEPARATE_SG_RULES[resource.type] or resource.values.get("type")
    if direction not in ("ingress", "egress"):
        direction = "ingress"
    rule = _sg_rule(resource.values, resource, direction, ())
    key = "security_group_id" if resource.flavour == "terraform" else "GroupId"
    rule.group = resource.values.get(key)
    rule.origin["group"] = (key,)
    return rule


# --- pass 2: resolve -----------------------------------------------------------------------------

# Value fields whose references are resolved at any depth: a container definition names the
# secrets, parameters and repositories it reads by reference.
_DEEP_REFERENCES = {(w.TaskDefinition, "containers")}


class _Resolver:
    def __init__(self, registry: dict[tuple[str, str], c.Component],
                 types: dict[tuple[str, str], str]):
        self.registry = registry
        self.types = types
        self._kinds: dict[type, list[tuple[str, bool]]] = {}

    def link_fields(self, cls: type) -> list[tuple[str, bool]]:
        if cls not in self._kinds:
            self._kinds[cls] = [(name, written.startswith("Links"))
                                for name, written in c.field_types(cls).items()
                                if written.startswith(("Link", "Links"))]
        return self._kinds[cls]

    def resolve_fields(self, component: c.Component) -> None:
        for name, many in self.link_fields(type(component)):
            raw = getattr(component, name)
            if many:
                links = raw if isinstance(raw, c.Links) else c.Links()
                if not isinstance(raw, c.Links):
                    for item in (raw if isinstance(raw, list) else [raw]):
                        if item is not None:
                            links.add(self.one(item))
                setattr(component, name, links)
            elif not isinstance(raw, c.Component):
                setattr(component, name, self.one(raw))
        for name, value in asdict(component).items():
            if name in c.Component.BOOKKEEPING:
                continue
            try:
                resolved = self._resolved(component, name, value)
            except RecursionError:  # nested past the recursion limit (the loader reads deeper)
                resolved = Unknown("nested too deeply to evaluate")
            if resolved is not value:
                setattr(component, name, resolved)

    def _resolved(self, component: c.Component, name: str, value: Any) -> Any:
        """One field's value with its references resolved, as the field's kind wants."""
        if (type(component), name) in _DEEP_REFERENCES:
            return self.deep(value, every_ref=True)
        if isinstance(value, (list, dict)):  # references as items, as written
            return _mapped(value, lambda item: self.value(item) if isinstance(
                item, Ref) else self.deep(item, every_ref=False))
        return self.deep(value, every_ref=True)  # a reference in a value field: its component

    def deep(self, value: Any, every_ref: bool) -> Any:
        """``value`` with the references that are parts of partly known strings resolved at any
        depth (what ``${DbSecret}:password::`` reads), and with ``every_ref`` every reference;
        the same object when nothing changed."""
        if isinstance(value, Ref):
            return self.value(value) if every_ref else value
        if isinstance(value, PartialString):
            if not any(isinstance(part, Ref) for part in value.parts):
                return value
            return replace(value, parts=tuple(
                self.value(part) if isinstance(part, Ref) else part for part in value.parts))
        return _mapped(value, lambda item: self.deep(item, every_ref))

    def value(self, ref: Ref) -> Any:
        """The component a reference names; an in-scan resource vpclint does not model is
        External with its type; a reference to nothing in scope is UNKNOWN."""
        seen: set[tuple] = set()
        while True:
            target = self.registry.get((ref.scope, ref.target))
            if target is None:
                break
            attribute = target.resource.values.get(ref.attr) if ref.attr else None
            if attribute is None or ref.attr in ("id", "arn"):
                return target
            # GetAtt of an attribute that is also a written property (Vpc.CidrBlock,
            # Subnet.VpcId): its value, followed when it is itself a reference
            if not isinstance(attribute, Ref):
                return attribute
            seen.add((ref.scope, ref.target, ref.attr))
            ref = attribute
            if (ref.scope, ref.target, ref.attr) in seen:  # S.VpcId is !GetAtt S.VpcId
                return Unknown("the attribute refers to itself", f"{ref.target}.{ref.attr}")
        kind = self.types.get((ref.scope, ref.target))
        if kind is not None:
            return c.External(ref.target, kind)
        return Unknown("reference to a resource outside the scan", ref.target)

    def one(self, raw: Any) -> Any:
        if isinstance(raw, Choice):  # known when both branches name the same thing
            return choose(raw.condition, self.one(raw.then), self.one(raw.otherwise), raw)
        if raw is None or isinstance(raw, (c.Component, Unknown, c.External)):
            return raw
        if isinstance(raw, Ref):
            return self.value(raw)
        if isinstance(raw, str) and raw:
            return c.External(raw)
        return Unknown("not a reference", repr(raw))


def _mapped(value: Any, function) -> Any:
    """A list's or mapping's items through ``function``: the same object when none changed."""
    if isinstance(value, list):
        items = [function(item) for item in value]
        return value if all(a is b for a, b in zip(items, value)) else items
    if isinstance(value, dict):
        entries = {key: function(item) for key, item in value.items()}
        return value if all(entries[key] is value[key] for key in value) else entries
    return value


# --- pass 3: fold ----------------------------------------------------------------------------


_NAT_TYPES = ("aws_nat_gateway", "AWS::EC2::NatGateway")


def _fold(model: Model) -> None:
    for route in model.of(c.Route):
        table = route.route_table
        if isinstance(table, c.RouteTable) and route not in table.routes:
            table.routes.append(route)
        if route.target_kind == "gateway" and _is_nat(route.target):
            route.target_kind = "nat_gateway"  # AWS stores a NAT in GatewayId as a NAT route
        if route.target_kind is not None:
            route.target = with_kinds(route.target, _TARGET_KINDS[route.target_kind])
    for rule in model.of(c.SecurityGroupRule):
        if isinstance(rule.group, c.SecurityGroup):
            rule.group.rules.append(rule)
            if rule.direction == "egress":
                rule.group.default_egress = False
    for association in model.of(c.EndpointAssociation):
        endpoint = association.endpoint
        if not isinstance(endpoint, c.VpcEndpoint):
            continue
        if association.attaches == "policy":
            endpoint.policy = association.policy
        elif association.attaches == "private_dns":  # aws_vpc_endpoint_private_dns
            if association.enabled is not None:
                endpoint.private_dns = association.enabled
                endpoint.written_fields.add("private_dns")
        else:
            getattr(endpoint, association.attaches).add(association.member)
    for permission in model.of(c.EndpointServicePermission):
        service = permission.service
        if isinstance(service, c.EndpointService):
            if isinstance(permission.principals, list) and isinstance(service.allowed_principals,
                                                                      list):
                service.allowed_principals = service.allowed_principals + permission.principals
            else:
                service.allowed_principals = Unknown("allowed principals", "")
    for attachment in model.of(c.GatewayAttachment):
        if isinstance(attachment.gateway, c.InternetGateway):
            attachment.gateway.vpc = attachment.vpc
    for propagation in model.of(c.RoutePropagation):
        for table in propagation.route_tables:
            if isinstance(table, c.RouteTable):
                table.propagating.add(propagation.gateway or Unknown("VPN gateway", ""))
    for block in model.of(c.VpcCidrBlock):
        if isinstance(block.vpc, c.Vpc) and isinstance(block.vpc.cidr_blocks, list):
            # an UNKNOWN block (an IPAM allocation) leaves the VPC's addresses not all known
            block.vpc.cidr_blocks = block.vpc.cidr_blocks + [
                block.cidr_block if block.cidr_block is not None else Unknown("IPAM", "")]
    for target in model.of(c.LatticeTarget):
        group = target.target_group
        if isinstance(group, c.LatticeTargetGroup) and target not in group.targets:
            group.targets.append(target)
    for lb_target in model.of(c.LbTarget):
        group = lb_target.target_group
        if isinstance(group, c.TargetGroup) and lb_target not in group.targets:
            group.targets.append(lb_target)
    for configuration in model.of(c.ResourceConfiguration):  # typed once references resolve
        configuration.definition = _definition(configuration.definition)
    _fold_workloads(model)


def _is_nat(target: Any) -> bool:
    if isinstance(target, c.NatGateway):
        return True
    return isinstance(target, c.External) and (
        target.type in _NAT_TYPES or (target.type is None and target.value.startswith("nat-")))


def _fold_workloads(model: Model) -> None:
    """IAM policies onto their roles, ACL entries and associations onto their ACLs."""
    _link_by_name(model)
    for policy in model.of(w.IamPolicy):
        for role in policy.roles:
            if isinstance(role, w.IamRole):
                role.inline_policies.append(policy.document)
    for attachment in model.of(w.PolicyAttachment):
        if isinstance(attachment.role, w.IamRole):
            attachment.role.managed_policies.append(attachment.policy)
    for task in model.of(w.TaskDefinition):
        if isinstance(task.containers, list):  # typed once its references are resolved
            task.containers = [_container(body) for body in task.containers]
    for entry in model.of(w.NetworkAclEntry):
        if isinstance(entry.acl, w.NetworkAcl) and entry not in entry.acl.entries:
            entry.acl.entries.append(entry)
    for association in model.of(w.NetworkAclAssociation):
        if isinstance(association.acl, w.NetworkAcl):
            association.acl.subnets.add(association.subnet)


# IAM roles, instance profiles, launch templates and launch configurations are linked by name
# (`role = aws_iam_role.app.name`, `iam_instance_profile = aws_iam_instance_profile.app.name`,
# `launch_configuration = aws_launch_configuration.app.name`, CloudFormation's `RoleName` of an
# AWS::IAM::RolePolicy): a configured name evaluates to the literal, so the link arrives as
# External("app-role").
_NAMES = {w.IamRole: ("name", "RoleName"), w.InstanceProfile: ("name", "InstanceProfileName"),
          w.LaunchTemplate: ("name", "LaunchTemplateName", "LaunchConfigurationName")}
_NAME_LINKS = ((w.InstanceProfile, "roles", w.IamRole), (w.IamPolicy, "roles", w.IamRole),
               (w.PolicyAttachment, "role", w.IamRole),
               (w.Workload, "instance_profile", w.InstanceProfile),
               (w.LaunchTemplate, "instance_profile", w.InstanceProfile),
               (w.Workload, "launch_template", w.LaunchTemplate))


def _link_by_name(model: Model) -> None:
    """Turn a literal IAM role / instance profile / launch template name into the in-scan
    component of that name: the one in the same scope, else the only one in the scan (these
    names are unique in an account and Region)."""
    scoped: dict[tuple[type, str, str], c.Component | None] = {}
    anywhere: dict[tuple[type, str], c.Component | None] = {}
    for cls, keys in _NAMES.items():
        for component in model.of(cls):
            name = next((component.resource.values.get(k) for k in keys
                         if isinstance(component.resource.values.get(k), str)), None)
            if name:
                key = (cls, component.resource.scope, name)
                scoped[key] = None if key in scoped else component  # None: ambiguous
                anywhere[(cls, name)] = None if (cls, name) in anywhere else component

    def named(cls: type, scope: str, value: Any) -> Any:
        if not isinstance(value, c.External) or value.type is not None:
            return value
        found = scoped.get((cls, scope, value.value)) or anywhere.get((cls, value.value))
        return found or value

    if not scoped:
        return
    for owner_cls, name, cls in _NAME_LINKS:
        for owner in model.of(owner_cls):
            value = getattr(owner, name)
            scope = owner.resource.scope
            if isinstance(value, c.Links):
                for external in list(value.external):
                    found = named(cls, scope, external)
                    if found is not external:
                        value.external.remove(external)
                        value.add(found)
            else:
                setattr(owner, name, named(cls, scope, value))
