"""Rule selection: IDs, slugs, prefixes; the most specific entry wins."""

from __future__ import annotations

import pytest

from vpclint.errors import ConfigError
from vpclint.rule import Level, RuleMeta
from vpclint.selection import Selector, resolve_rule_ref

METAS = {
    m.id: m
    for m in (
        RuleMeta("VPC101", "gateway-endpoint-without-route-tables", Level.ERROR, "s"),
        RuleMeta("VPC102", "endpoint-without-subnets", Level.ERROR, "s"),
        RuleMeta("VPC301", "s3-via-nat", Level.WARNING, "s"),
        RuleMeta("VPC303", "interface-endpoint-private-dns-off", Level.WARNING, "s"),
        RuleMeta("VPC304", "ecr-endpoint-set-incomplete", Level.ERROR, "s"),
    )
}


def enabled(select=(), ignore=()) -> set[str]:
    selector = Selector(list(select), list(ignore), METAS)
    return {rule_id for rule_id, meta in METAS.items() if selector.enabled(meta)}


def test_everything_selected_by_default():
    assert enabled() == set(METAS)


def test_ignore_alone_removes_from_the_default():
    assert enabled(ignore=["VPC1"]) == {"VPC301", "VPC303", "VPC304"}


def test_select_narrows_to_matching_rules():
    assert enabled(select=["VPC1"]) == {"VPC101", "VPC102"}


def test_longer_ignore_beats_shorter_select():
    assert enabled(select=["VPC3"], ignore=["VPC303"]) == {"VPC301", "VPC304"}


def test_longer_select_beats_shorter_ignore():
    assert enabled(select=["VPC3", "VPC101"], ignore=["VPC3"]) == {"VPC101"}
    assert enabled(select=["VPC303"], ignore=["VPC3"]) == {"VPC303"}
    # without any select the default still covers the other bands
    selector = Selector(["VPC303"], ["VPC3"], METAS)
    assert selector.enabled_ids() == {"VPC303"}


def test_specific_ignore_beats_broad_select():
    assert enabled(select=["VPC"], ignore=["VPC1"]) == {"VPC301", "VPC303", "VPC304"}


def test_tie_goes_to_ignore():
    assert enabled(select=["VPC3"], ignore=["VPC3"]) == set()
    assert enabled(select=["VPC303"], ignore=["interface-endpoint-private-dns-off"]) == set()


def test_slug_is_as_specific_as_an_id():
    assert enabled(select=["VPC3"], ignore=["interface-endpoint-private-dns-off"]) == {
        "VPC301",
        "VPC304",
    }
    assert enabled(select=["gateway-endpoint-without-route-tables"]) == {"VPC101"}
    assert enabled(ignore=["VPC1"], select=["endpoint-without-subnets"]) == {"VPC102"}


def test_entries_are_case_insensitive():
    assert enabled(select=["vpc3"], ignore=["Interface-Endpoint-Private-DNS-Off"]) == {
        "VPC301",
        "VPC304",
    }


def test_comma_separated_entries_are_split():
    assert enabled(select=["VPC101, VPC303"]) == {"VPC101", "VPC303"}


@pytest.mark.parametrize("option", ["select", "ignore"])
@pytest.mark.parametrize("entry", ["VPC999", "VPC9", "no-such-rule", "gateway-endpoint"])
def test_unknown_entry_is_an_error_naming_it(option, entry):
    with pytest.raises(ConfigError) as info:
        Selector(**{"select": [], "ignore": [], option: [entry]}, metas=METAS)
    assert entry in str(info.value)


def test_resolve_rule_ref_by_id_or_slug():
    assert resolve_rule_ref("VPC303", METAS) is METAS["VPC303"]
    assert resolve_rule_ref("vpc303", METAS) is METAS["VPC303"]
    assert resolve_rule_ref("Interface-Endpoint-Private-DNS-Off", METAS) is METAS["VPC303"]
    assert resolve_rule_ref(" VPC101 ", list(METAS.values())) is METAS["VPC101"]


def test_resolve_rule_ref_refuses_prefixes_and_unknowns():
    assert resolve_rule_ref("VPC3", METAS) is None
    assert resolve_rule_ref("VPC999", METAS) is None
