"""Which mutators a file gets, by its syntax, and how often: the names are those shown in a
mutant's list of mutations (``tf_snippet: insert ...``).

Structured mutations get the most weight for YAML and JSON, and Terraform's own mutators for
HCL: text mutators mostly break the parser, and a file that does not parse tests little beyond
it. The order of each table is part of what a seed and an index mean.
"""

from __future__ import annotations

from typing import Callable

from . import template_text, terraform, text
from .context import MutationContext
from .structured import structured
from .terraform_snippets import tf_snippet

Mutator = Callable[[MutationContext, str], tuple[str, str]]

MUTATORS: dict[str, Mutator] = {
    "delete_lines": text.delete_lines, "duplicate_lines": text.duplicate_lines,
    "swap_lines": text.swap_lines, "flip_chars": text.flip_chars,
    "insert_tokens": text.insert_tokens, "truncate": text.truncate,
    "line_endings": text.line_endings, "long_line": text.long_line,
    "deep_nesting": text.deep_nesting, "odd_numbers": text.odd_numbers,
    "unicode_text": text.unicode_text, "splice": text.splice,
    "tf_count": terraform.tf_count, "tf_type_swap": terraform.tf_type_swap,
    "tf_weird_expression": terraform.tf_weird_expression,
    "tf_self_reference": terraform.tf_self_reference, "tf_snippet": tf_snippet,
    "tf_child_module": terraform.tf_child_module, "structured": structured,
    "yaml_text_tags": template_text.yaml_text_tags, "format_flip": template_text.format_flip,
}

WEIGHTS = {
    "hcl": {"delete_lines": 3, "duplicate_lines": 3, "swap_lines": 2, "flip_chars": 3,
            "insert_tokens": 3, "truncate": 2, "line_endings": 1, "long_line": 1,
            "deep_nesting": 2, "odd_numbers": 3, "unicode_text": 1, "splice": 2, "tf_count": 4,
            "tf_type_swap": 2, "tf_weird_expression": 8, "tf_self_reference": 5, "tf_snippet": 8,
            "tf_child_module": 1},
    "yaml": {"delete_lines": 3, "duplicate_lines": 3, "swap_lines": 2, "flip_chars": 3,
             "insert_tokens": 3, "truncate": 2, "line_endings": 1, "long_line": 1,
             "deep_nesting": 2, "odd_numbers": 2, "unicode_text": 1, "splice": 2,
             "structured": 20, "yaml_text_tags": 3, "format_flip": 1},
    "json": {"delete_lines": 2, "duplicate_lines": 2, "swap_lines": 1, "flip_chars": 3,
             "insert_tokens": 3, "truncate": 2, "line_endings": 1, "long_line": 1,
             "deep_nesting": 2, "odd_numbers": 2, "unicode_text": 1, "splice": 2,
             "structured": 20, "format_flip": 1},
}
