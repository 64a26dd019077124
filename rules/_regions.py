"""Which AWS Region a component is deployed in, for the rules that compare Regions (VPC205,
VPC208).

The resource's own ``region`` (AWS provider 6), the Terraform provider's ``region`` or the
CloudFormation ``--region`` says it when known (the deployment placeholder ``<region>`` is not a
known Region). Failing that, the Availability Zones of the subnets tell it: a VPC and all its
subnets are in one Region, and ``us-east-1a`` (or a Local Zone such as ``us-east-1-bos-1a``)
names its Region.
"""

from __future__ import annotations

import re

from vpclint.model.components import Subnet, Vpc, VpcEndpoint
from vpclint.values import DEPLOYMENT_REGION

_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
_AZ = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)(?:[a-z]|-[a-z0-9-]+)$")


def known_region(region) -> str | None:
    if isinstance(region, str) and region != DEPLOYMENT_REGION and _REGION.match(region):
        return region
    return None


class Regions:
    """Where an endpoint is deployed: its provider's or stack's Region, or failing that the one
    Region all known Availability Zones of its VPC's subnets (and its own subnets) are in."""

    def __init__(self, model):
        self.model = model
        self._by_vpc: dict[int, str | None] = {}

    def of(self, endpoint: VpcEndpoint) -> tuple[str, str] | None:
        region = known_region(endpoint.resource.region)
        if region is not None:
            return region, endpoint.region_source
        zones = set()
        for subnet in endpoint.subnets:
            if isinstance(subnet, Subnet):
                zones.add(_zone_region(subnet))
        if isinstance(endpoint.vpc, Vpc):
            zones.add(self._vpc_region(endpoint.vpc))
        zones.discard(None)
        if len(zones) == 1:
            return zones.pop(), "the Region of the Availability Zones of its VPC's subnets"
        return None

    def _vpc_region(self, vpc: Vpc) -> str | None:
        key = id(vpc)
        if key not in self._by_vpc:
            found = {_zone_region(s) for s in self.model.linked_from(vpc, Subnet, "vpc")}
            found.discard(None)
            self._by_vpc[key] = found.pop() if len(found) == 1 else None
        return self._by_vpc[key]


def _zone_region(subnet: Subnet) -> str | None:
    zone = subnet.availability_zone
    if not isinstance(zone, str):
        return None
    match = _AZ.match(zone.strip().lower())
    return match.group(1) if match else None
