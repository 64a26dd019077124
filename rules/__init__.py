"""vpclint's built-in rule pack: one module per rule, named after its ID and slug.

Registered on the ``vpclint.rules`` entry-point group like any third-party pack.
"""
