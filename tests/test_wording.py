"""The one helper every rule lists names with."""

from __future__ import annotations

from vpclint.rules._wording import names


def test_names_reads_as_a_sentence_and_names_each_item_once():
    assert names([]) == ""
    assert names(["a"]) == "a"
    assert names(["a", "b", "a"]) == "a and b"
    assert names(["a", "b", "c"]) == "a, b and c"


def test_names_caps_examples_but_lists_a_fix_in_full():
    five = ["ssm", "ssmmessages", "ec2messages", "ecs", "logs"]
    assert names(five) == "ssm, ssmmessages, ec2messages and 2 more"
    assert names(five, limit=None) == "ssm, ssmmessages, ec2messages, ecs and logs"
