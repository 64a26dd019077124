"""Known vs UNKNOWN for the link properties issue 3 names, comparable across vpclint versions.

``known_values.py`` measures every link field of the current model; this script measures only
the properties that existed from the first version on (endpoint vpc / subnets / route tables /
security groups / service name / explicit type, subnet and route-table VPCs, routes' tables and
targets), through whichever pipeline API the checkout has, so an older commit checked out with
``git worktree add /tmp/old <commit>`` can be measured the same way:

    python bench/known_link_properties.py /tmp/old ../shared/corpus
    python bench/known_link_properties.py . ../shared/corpus
"""

from __future__ import annotations

import collections
import sys


def main(checkout: str, path: str) -> None:
    sys.path.insert(0, checkout)
    from vpclint import engine
    from vpclint.config import Config
    from vpclint.discover import discover
    from vpclint.loading import load_files
    from vpclint.model.build import build_model
    from vpclint.model.components import Links, Route, RouteTable, Subnet, VpcEndpoint
    from vpclint.values import Unknown

    sources = discover([path])
    files = [f for fs in sources.terraform.values() for f in fs] + sources.cloudformation
    loaded = load_files(files + list(getattr(sources, "plans", [])))
    if engine._evaluate.__code__.co_argcount == 3:
        evaluated = engine._evaluate(sources, loaded, Config())
    else:  # the first versions took no config
        evaluated = engine._evaluate(sources, loaded)
    resources = evaluated.resources if hasattr(evaluated, "resources") else evaluated[0]
    model = build_model(resources)
    fields = {VpcEndpoint: ("vpc", "subnets", "route_tables", "security_groups", "service_name",
                            "endpoint_type"),
              Subnet: ("vpc",), RouteTable: ("vpc",), Route: ("route_table", "target")}
    tally: collections.Counter = collections.Counter()
    for component in model.components:
        for name in fields.get(type(component), ()):
            value = getattr(component, name)
            if isinstance(value, Links):
                members = len(value.items) + len(value.external)
                tally[(component.flavour, "known")] += members
                tally[(component.flavour, "unknown")] += int(value.open)
            elif value is not None:
                if name == "endpoint_type" and not component.type_explicit:
                    continue  # the default, not a value anyone wrote
                outcome = "unknown" if isinstance(value, Unknown) else "known"
                tally[(component.flavour, outcome)] += 1
    for flavour in ("terraform", "cloudformation"):
        known, unknown = tally[(flavour, "known")], tally[(flavour, "unknown")]
        share = 100 * known / max(1, known + unknown)
        print(f"{flavour}: {known} known, {unknown} UNKNOWN of {known + unknown} ({share:.1f}%)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
