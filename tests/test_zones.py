"""The one AZ comparison every rule uses: by ID when both subnets give one, else by name."""

from __future__ import annotations

from vpclint.model.components import Subnet
from vpclint.rules._zones import same_az
from vpclint.source import Resource, Span
from vpclint.values import Unknown


def subnet(name=None, zone_id=None) -> Subnet:
    resource = Resource("terraform", "aws_subnet", "aws_subnet.x", "net", "net/main.tf", {},
                        spans={(): Span("net/main.tf", 1)})
    return Subnet(resource=resource, availability_zone=name, availability_zone_id=zone_id)


def test_ids_decide_before_names():
    # names are mapped per account: us-east-1a of one account may be use1-az2 of another
    assert same_az(subnet("us-east-1a", "use1-az1"), subnet("us-east-1a", "use1-az2")) is False
    assert same_az(subnet("us-east-1a", "use1-az1"), subnet("us-east-1b", "use1-az1")) is True


def test_names_decide_when_ids_are_not_both_known():
    assert same_az(subnet("us-east-1a", "use1-az1"), subnet("us-east-1a")) is True
    assert same_az(subnet("us-east-1a"), subnet("us-east-1b", "use1-az1")) is False


def test_no_comparable_form_is_unknown():
    assert same_az(subnet("us-east-1a"), subnet(zone_id="use1-az1")) is None
    assert same_az(subnet(Unknown("a variable")), subnet("us-east-1a")) is None
