"""The ``structured`` mutator: load a YAML or JSON template, change it as data, write it back.

Changing the data rather than the text keeps the template loadable, so the mutation reaches the
evaluator and the rules instead of stopping at the parser.
"""

from __future__ import annotations

from typing import Any

from . import cloudformation, values
from .context import MutationContext, Skip
from .document import Document

# Drawn from with equal odds (the doubled ones twice as often). The order matters: it is part
# of what a seed and an index mean.
OPERATIONS = [values.replace_value, values.replace_value, values.delete_value,
              values.retype_value, cloudformation.self_reference,
              cloudformation.mutual_reference, cloudformation.type_swap,
              cloudformation.conditions_cycle, cloudformation.nested_stack_of_itself,
              values.nonstring_key, cloudformation.odd_suppression, cloudformation.for_each_loop,
              cloudformation.odd_parameter]
YAML_OPERATIONS = [values.tag_value, values.tag_value, values.alias_value, values.contain_itself,
                   values.alias_bomb]


def structured(ctx: MutationContext, text: str) -> tuple[str, str]:
    """Load the document, change it as data, write it back."""
    doc = Document(ctx)
    data = doc.load(text)
    if data is None:
        raise Skip
    did = _mutate(doc, data)
    return doc.dump(data), did


def _mutate(doc: Document, data: Any) -> str:
    """One operation that applies (up to ten tries), and what it did."""
    operations = OPERATIONS + (YAML_OPERATIONS if doc.flavour == "yaml" else [])
    for _ in range(10):
        operation = doc.rng.choice(operations)
        try:
            return operation(doc, data)
        except Skip:
            continue
    raise Skip
