"""``vpclint flows``: how each workload's traffic reaches each AWS service it uses.

The view an engineer wants when asking "how does this Lambda reach SQS?": for every workload
(VPC Lambda, ECS service, instance, auto-scaling group, EKS cluster or node group), a table of
the services it calls, the verdict (private through a gateway or interface endpoint or VPC
Lattice, a detour through NAT and the internet gateway, no path, ...) and the path itself, hop
by hop. No rule runs: this is the flow analysis the VPC3xx rules judge, shown as it is.
"""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Optional

import typer

import vpclint
from vpclint import cli_options as options
from vpclint.errors import VpclintError
from vpclint.json_text import json_text
from vpclint.paths import display_path, relative_uri

if TYPE_CHECKING:  # pragma: no cover - the analysis is imported when a command runs
    from vpclint.analyze import Flow
    from vpclint.model.workloads import Workload

SCHEMA_VERSION = 1
FORMATS = ("text", "json")
_NO_USE = "(no AWS service use found: no IAM actions, environment references or containers)"
_INCOMPLETE = "(some of its policies could not be read: the list may be incomplete)"


def flows_command(
    paths: List[Path] = options.paths_argument("Files or directories to scan (recursively), "
                                               "as for 'vpclint check'."),
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                                      help="Output format: text or json."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the flows to FILE instead of stdout; "
        "missing parent directories are created."),
    workload: Optional[List[str]] = typer.Option(
        None, "--workload", "-w", metavar="TEXT", help="Only workloads whose address contains "
        "TEXT (case-insensitive, repeatable), e.g. 'orders' for aws_lambda_function.orders."),
    service: Optional[List[str]] = typer.Option(
        None, "--service", "-s", metavar="SERVICE", help="Only flows to this AWS service, by "
        "its endpoint name as in com.amazonaws.<region>.SERVICE (repeatable): sqs, s3, "
        "dynamodb, secretsmanager, ecr.api, ecr.dkr, logs, ssm ..."),
    evidence: bool = typer.Option(False, "--evidence", help="Also show why vpclint thinks the "
                                  "workload calls each service (IAM actions, environment "
                                  "references, container images, log drivers)."),
    allow_empty: bool = options.ALLOW_EMPTY,
    allow_read: Optional[List[Path]] = options.ALLOW_READ,
    max_file_size: Optional[float] = options.MAX_FILE_SIZE,
    exclude: Optional[List[str]] = options.EXCLUDE,
    config_file: Optional[Path] = options.CONFIG,
    var: Optional[List[str]] = options.VAR,
    var_file: Optional[List[Path]] = options.VAR_FILE,
    region: Optional[str] = options.REGION,
    cfn_param: Optional[List[str]] = options.CFN_PARAM,
    parameter_file: Optional[List[Path]] = options.PARAMETER_FILE,
) -> None:
    """Show how each workload reaches the AWS services it uses: service, verdict and path.

    How does this Lambda reach SQS? Through an interface endpoint, or out through the NAT
    gateway and the internet gateway? For every VPC workload (Lambda, ECS service, EC2
    instance, auto-scaling group, EKS) and every AWS service its IAM policies, environment and
    containers show it calls, one row per subnet: the verdict and the path the traffic takes,
    route table by route table. Nothing is judged here; 'vpclint check' reports the wrong ones.

    Verdicts: private via gateway endpoint | private via interface endpoint | private via VPC
    Lattice (a resource configuration named for the service, through the VPC's service network)
    | detour via NAT and internet gateway | internet gateway | leaves the VPC (transit gateway,
    peering, VPN) | no path | unknown (a value vpclint cannot know; the reason is shown).

    Examples:

    \b
      vpclint flows ./infra
      vpclint flows ./infra --workload orders --service sqs
      vpclint flows ./infra --evidence
      vpclint flows stacks/ --region eu-west-1 --format json -o flows.json
    """
    from vpclint.engine import analyze_stage, build, find_root

    if output_format not in FORMATS:
        raise VpclintError(f"unknown format {output_format!r}: choose text or json")
    if output is not None:
        options.check_output(output)
    config = options.settings(paths, config_file, exclude, var, var_file, region, cfn_param,
                              parameter_file, allow_read=allow_read, max_file_size=max_file_size)
    str_paths = [str(p) for p in paths]
    built = build(str_paths, config)
    options.require_files(built.files_scanned, paths, config, allow_empty)
    root = find_root(str_paths)
    here = Path.cwd()
    analyzed = analyze_stage(built.model, str_paths)  # the stage 'vpclint check' runs
    if analyzed.analysis is None:
        raise VpclintError(analyzed.failure.message)
    analysis = analyzed.analysis
    chosen = _workloads(built, workload, root)
    services = {s.strip().lower() for s in service or []}
    _check_services(services, {flow.service.lower() for flow in analysis.flows})
    by_workload: dict[int, list[Flow]] = {}
    for flow in analysis.flows:
        if not services or flow.service.lower() in services:
            by_workload.setdefault(id(flow.workload), []).append(flow)
    rows = [(w, sorted(by_workload.get(id(w), []), key=_flow_key)) for w in chosen]
    if services:  # asked about services: workloads that do not use them are noise
        rows = [(w, flows) for w, flows in rows if flows]
    text = json_text(_json(rows, analysis, root)) \
        if output_format == "json" else _text(rows, analysis, here, evidence, bool(services))
    if output is None:
        typer.echo(text, nl=False)
    else:
        options.write_output(output, text)
    unparsed = {e.file for e in built.diagnostics.parse_errors if not e.recovered}
    if unparsed:
        count = len(unparsed)
        typer.echo(f"vpclint: {count} file{'s' if count != 1 else ''} could not be parsed; "
                   "their workloads are missing ('vpclint check' shows where)", err=True)


def _known_services() -> frozenset[str]:
    """The AWS endpoint service names vpclint knows (the ``<svc>`` of
    ``com.amazonaws.<region>.<svc>``)."""
    from importlib import resources

    text = (resources.files("vpclint.model") / "data" / "aws_endpoint_services.txt").read_text(
        encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


def _check_services(wanted: set[str], in_use: set[str]) -> None:
    """A usage error for a ``--service`` that names no AWS service: a typo would otherwise
    print "No VPC workloads match." and exit 0."""
    known = _known_services() | in_use
    for name in sorted(wanted):
        if name in known or name.removesuffix("-fips") in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise VpclintError(f"--service {name!r}: not an AWS service name{hint}; use the SERVICE "
                           "of com.amazonaws.<region>.SERVICE, or run without --service to list "
                           "the services each workload uses")


def _workloads(built, wanted: Optional[List[str]], root: Path) -> list[Workload]:
    """VPC workloads (with subnets, or subnets vpclint cannot know), in file order."""
    from vpclint.model.workloads import Workload

    found = []
    needles = [w.lower() for w in wanted or []]
    for item in built.model.of(Workload):
        if item.subnets.known_empty:
            continue  # a Lambda outside any VPC: its traffic is not the VPC's business
        if built.focus is not None and str(Path(item.file).resolve()) not in built.focus:
            continue
        if needles and not any(n in item.address.lower() for n in needles):
            continue
        found.append(item)
    return sorted(found, key=lambda w: (relative_uri(w.file, root), w.span().line, w.address))


def _flow_key(flow: Flow) -> tuple:
    return (flow.service, flow.subnet.address)


def _where(component, here: Path, field: str | None = None) -> str:
    """Where ``component`` is, as text output names it: relative to the current directory."""
    span = component.span(field)
    return f"{display_path(span.file, here)}:{span.line}"


def _row_path(flow: Flow) -> str:
    """The path without the workload (the heading names it)."""
    from vpclint.analyze import Verdict
    from vpclint.analyze.flows import path_text

    text = path_text(flow.hops[1:])
    if flow.verdict is Verdict.UNKNOWN:
        text += f" -> ? ({flow.reason})" if flow.reason else " -> ?"
    return text


def _text(rows, analysis, here: Path, evidence: bool, filtered: bool) -> str:
    from vpclint.analyze import Verdict
    from vpclint.analyze.flows import describe, short_name

    if not rows:
        return ("No VPC workloads match.\n" if filtered else
                "No VPC workloads found (Lambda with vpc_config, ECS services, instances, "
                "auto-scaling groups, EKS).\n")
    blocks = []
    verdicts: Counter = Counter()
    for workload, flows in rows:
        named = describe(workload)
        if short_name(workload) != workload.address:
            named += f" ({workload.address})"
        lines = [f"{named}  {_where(workload, here)}"]
        usage = analysis.usage.get(id(workload))
        if not flows:
            lines.append(f"  {_NO_USE}" if not workload.subnets.open else
                         "  (its subnets are not known)")
        else:
            width_s = max(len("SERVICE"), *(len(f.service) for f in flows))
            width_v = max(len("VERDICT"), *(len(f.verdict.value) for f in flows))
            lines.append(f"  {'SERVICE':<{width_s}}  {'VERDICT':<{width_v}}  PATH")
            explained = set()
            for flow in flows:
                verdicts[flow.verdict] += 1
                lines.append(f"  {flow.service:<{width_s}}  {flow.verdict.value:<{width_v}}  "
                             f"{_row_path(flow)}")
                if evidence and flow.service not in explained:  # once per service
                    explained.add(flow.service)
                    for item in flow.evidence:
                        lines.append(f"  {'':<{width_s}}  {'':<{width_v}}  because: "
                                     f"{item.reason} ({_where(item.component, here)})")
        if usage is not None and usage.incomplete:
            lines.append(f"  {_INCOMPLETE}")
        blocks.append("\n".join(lines))
    total = sum(verdicts.values())
    summary = f"{len(rows)} workload{'s' if len(rows) != 1 else ''}, {total} " \
              f"flow{'s' if total != 1 else ''}"
    if verdicts:
        summary += ": " + ", ".join(f"{count} {verdict.value}" for verdict, count in
                                    sorted(verdicts.items(), key=lambda kv: list(Verdict).index(
                                        kv[0])))
    blocks.append(summary)
    return "\n\n".join(blocks) + "\n"


def _json(rows, analysis, root: Path) -> dict[str, Any]:
    from vpclint.reporters.common import path_hops

    workloads = []
    for workload, flows in rows:
        span = workload.span()
        usage = analysis.usage.get(id(workload))
        workloads.append({
            "address": workload.address,
            "kind": workload.workload_kind,
            "resource_type": workload.resource.type,
            "file": relative_uri(span.file, root),
            "line": span.line,
            "usage_incomplete": bool(usage is not None and usage.incomplete),
            "flows": [{
                "service": flow.service,
                "subnet": flow.subnet.address,
                "verdict": flow.verdict.name,
                "verdict_text": flow.verdict.value,
                "private": flow.verdict.private,
                "reason": flow.reason or None,
                "path_text": flow.path,
                "path": path_hops(flow.hops, root),
                "evidence": [{
                    "service": item.service,
                    "reason": item.reason,
                    "file": relative_uri(item.component.span().file, root),
                    "line": item.component.span().line,
                    "address": item.component.address,
                } for item in flow.evidence],
            } for flow in flows],
        })
    return {"schema_version": SCHEMA_VERSION,
            "tool": {"name": "vpclint", "version": vpclint.__version__},
            "root": Path(root).absolute().as_posix(),
            "workloads": workloads}


def register(app: typer.Typer) -> None:
    app.command("flows", cls=options.Command,
                short_help="Show how each workload reaches the AWS services it uses.")(
        flows_command)
