"""How much of the network the model knows: link values known vs UNKNOWN, per IaC flavour.

Evaluation exists to turn expressions into values; this script measures how far it gets on a
real estate (``../shared/corpus``), so an evaluator change can be judged by numbers rather than
by impressions. It runs discovery, loading, evaluation and model building (no rules) and counts,
for every link field of every component (``VpcEndpoint.vpc``, ``Subnet.vpc``, ``Listener.service``
... every field typed ``Link`` / ``Links``) plus the value fields rules pair on
(``VpcEndpoint.service_name`` / ``endpoint_type``, ``Route.target``):

* a single value (Link or value field) that is set: known (a Component, an External identifier,
  a literal) or UNKNOWN;
* a ``Links`` set that holds anything or is open: each member is a known value; an open set
  counts one UNKNOWN (members vpclint could not see), and the set is counted open or closed.

A field that is absent (None, an empty closed set) is not a value and is not counted.

Usage: ``python bench/known_values.py PATH... [--by-field] [--region us-east-1]``
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vpclint.config import Config  # noqa: E402
from vpclint.engine import build  # noqa: E402
from vpclint.model.components import Links, Route, VpcEndpoint, field_types  # noqa: E402
from vpclint.values import Unknown  # noqa: E402

# Value fields (not typed Link) that rules pair on, counted beside the link fields.
VALUE_FIELDS = {VpcEndpoint: ("service_name", "endpoint_type"), Route: ("target",)}


def counted_fields(cls: type) -> list[str]:
    """The link fields of a component class, then its listed value fields."""
    links = [name for name, written in field_types(cls).items()
             if written.startswith(("Link", "Links"))]
    return links + [name for name in VALUE_FIELDS.get(cls, ()) if name not in links]


def measure(model) -> dict[str, Counter]:
    """flavour -> Counter of (field, outcome) with outcome known | unknown | open | closed."""
    counts: dict[str, Counter] = {}
    for component in model.components:
        tally = counts.setdefault(component.flavour, Counter())
        for name in counted_fields(type(component)):
            field = f"{type(component).__name__}.{name}"
            value = getattr(component, name)
            if isinstance(value, Links):
                members = len(value.items) + len(value.external)
                if not members and not value.open:
                    continue
                tally[(field, "known")] += members
                tally[(field, "unknown")] += value.open
                tally[(field, "open" if value.open else "closed")] += 1
            elif value is not None:
                tally[(field, "unknown" if isinstance(value, Unknown) else "known")] += 1
    return counts


def report(counts: dict[str, Counter], by_field: bool) -> str:
    lines = []
    for flavour in sorted(counts):
        tally = counts[flavour]
        total = Counter()
        for (_, outcome), n in tally.items():
            total[outcome] += n
        lines.append(_line(flavour, total))
        if by_field:
            for field in sorted({f for f, _ in tally}):
                lines.append(_line("  " + field, Counter({o: n for (f, o), n in tally.items()
                                                           if f == field})))
    return "\n".join(lines)


def _line(label: str, c: Counter) -> str:
    values = c["known"] + c["unknown"]
    share = f"{100 * c['known'] / values:5.1f}%" if values else "    -"
    return (f"{label:<48} values {values:6d}  known {c['known']:6d} ({share})  "
            f"unknown {c['unknown']:6d}  link sets open {c['open']:5d} closed {c['closed']:5d}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--by-field", action="store_true", help="one line per field as well")
    parser.add_argument("--region", help="AWS region, as vpclint check --region")
    args = parser.parse_args(argv)
    model = build(args.paths, Config(region=args.region)).model
    print(report(measure(model), args.by_field))


if __name__ == "__main__":
    main()
