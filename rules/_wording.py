"""How findings list names: ``a``, ``a and b``, ``a, b and c``.

One helper for every rule, so the lists read alike in every message.
"""

from __future__ import annotations

from typing import Iterable


def names(items: Iterable[str], limit: int | None = 3) -> str:
    """``a``, ``a and b``, ``a, b and c``, ``a, b, c and 2 more``: each name once, in order.

    ``limit`` caps lists given as examples (the workloads a detour affects); ``None`` names
    every item, for lists that are the fix itself (the endpoints to add)."""
    items = list(dict.fromkeys(items))
    if limit is not None and len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
