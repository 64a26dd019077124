"""What a round found, and its report: failures grouped into classes by signature, the most
frequent first, each with one mutant to look at and how to run or find it again."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Summary:
    """A round's counts and failures (each failure dict with the mutant's index, seed file and
    mutations added, and where it was saved)."""

    seed: int
    count: int
    run: int = 0
    failed: int = 0  # mutants with at least one failure
    unparsable: int = 0  # mutants with a VPC001 finding (a file did not parse)
    with_findings: int = 0  # mutants with findings of rules (the model was built and checked)
    seconds: float = 0.0
    failures: list[dict] = field(default_factory=list)  # failure dicts + index, origin, mutations
    slowest: list[tuple[float, int]] = field(default_factory=list)
    seed_flags: str = ""  # the fuzz.py options that select the same seed files

    def classes(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for failure in self.failures:
            grouped.setdefault(failure["signature"], []).append(failure)
        return grouped

    def report(self) -> str:
        kinds = Counter(f["kind"] for f in self.failures)
        lines = [f"{self.run} mutants run (seed {self.seed}) in {self.seconds:.0f} s: "
                 f"{self.failed} failed"
                 + (f" ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) "
                    f"in {len(self.classes())} classes" if kinds else ""),
                 f"  {self.unparsable} had a file that did not parse (VPC001), "
                 f"{self.with_findings} had findings of other rules"]
        for signature, group in sorted(self.classes().items(), key=lambda kv: -len(kv[1])):
            first = group[0]
            lines.append(f"  {len(group):5d} x {signature}")
            lines.append(f"          e.g. mutant {first['index']}: {first['origin']} "
                         f"[{'; '.join(first['mutations'])[:200]}]")
            message = (first["message"] or "").splitlines()
            if message:
                lines.append(f"          {message[0][:200]}")
            if first.get("saved"):
                lines.append(f"          saved: {first['saved']}")
            else:
                lines.append(f"          rerun: python bench/fuzz.py --seed {self.seed} --start "
                             f"{first['index']} --count 1{self.seed_flags} --save DIR")
        return "\n".join(lines)
