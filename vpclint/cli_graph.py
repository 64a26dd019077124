"""``vpclint graph``: the scanned network as a picture, flows coloured by verdict and findings
on their components (Mermaid, Graphviz DOT, JSON, or a self-contained HTML map)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from vpclint import cli_options as options
from vpclint.baseline import check_baseline_path
from vpclint.errors import VpclintError

# The format an --output file's name asks for when --format is not given.
_BY_SUFFIX = {".html": "html", ".htm": "html", ".mmd": "mermaid", ".mermaid": "mermaid",
              ".md": "mermaid", ".dot": "dot", ".gv": "dot", ".json": "json"}


def graph_command(
    paths: List[Path] = options.paths_argument("Files or directories to scan (recursively), "
                                               "as for 'vpclint check'."),
    output_format: Optional[str] = typer.Option(
        None, "--format", "-f", metavar="FORMAT", help="html, mermaid, dot or json. Default: "
        "from the --output file's suffix (.html, .mmd/.md, .dot/.gv, .json), else mermaid."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the picture to FILE instead of "
        "stdout; missing parent directories are created."),
    focus: Optional[List[str]] = typer.Option(
        None, "--focus", metavar="TEXT", help="Only the neighbourhood of a VPC or workload "
        "whose address or name contains TEXT, of the findings of a rule (VPC305), or of the "
        "finding at FILE:LINE (repeatable)."),
    problems: bool = typer.Option(
        False, "--problems", help="Only the flows that findings are about, and what they "
        "pass: the picture for a pull request comment or a CI job summary."),
    select: Optional[List[str]] = typer.Option(
        None, "--select", metavar="RULES", help="Mark only the findings of these rules (IDs, "
        "slugs or prefixes), as 'vpclint check --select'."),
    ignore: Optional[List[str]] = typer.Option(
        None, "--ignore", metavar="RULES", help="Do not mark the findings of these rules."),
    baseline: Optional[Path] = typer.Option(
        None, "--baseline", metavar="FILE", help="Do not mark the findings recorded in this "
        "baseline FILE."),
    exclude: Optional[List[str]] = options.EXCLUDE,
    config_file: Optional[Path] = options.CONFIG,
    allow_empty: bool = options.ALLOW_EMPTY,
    allow_read: Optional[List[Path]] = options.ALLOW_READ,
    max_file_size: Optional[float] = options.MAX_FILE_SIZE,
    var: Optional[List[str]] = options.VAR,
    var_file: Optional[List[Path]] = options.VAR_FILE,
    region: Optional[str] = options.REGION,
    cfn_param: Optional[List[str]] = options.CFN_PARAM,
    parameter_file: Optional[List[Path]] = options.PARAMETER_FILE,
) -> None:
    """Draw the network under PATH: VPCs, subnets, routes, endpoints, PrivateLink, Lattice and
    workloads, with each flow coloured by its verdict and each finding on its component.

    The same scan as 'vpclint check' (files, values, config, rule selection, suppressions,
    baseline); suppressed and baselined findings mark nothing. VPCs are boxes with their
    subnets grouped by Availability Zone, marked public, private or isolated by their
    effective default route; flows follow the hops of 'vpclint flows'.

    Formats: html (one self-contained file, no network needed: pan and zoom, search, each
    template or root module and each VPC a box that folds, a legend, filters by verdict and
    rule, and the findings in a side panel),
    mermaid (renders in GitHub and GitLab Markdown), dot (Graphviz) and json (nodes, edges,
    flows and findings; see docs/graph-schema.md). The output is the same, byte for byte,
    for the same input. The exit code is 0 whatever the findings ('vpclint check' judges).

    Examples:

    \b
      vpclint graph ./infra -o network.html
      vpclint graph ./infra --focus orders --format mermaid
      vpclint graph ./infra --problems > broken-flows.mmd
      vpclint graph ./infra --format dot | dot -Tsvg > network.svg
    """
    from vpclint.engine import scan
    from vpclint.graph import FORMATS, graph_of_result, problem_flows, render
    from vpclint.graph.focus import NoFocus
    from vpclint.graph.focus import focus as focus_on

    fmt = output_format or _BY_SUFFIX.get(output.suffix.lower() if output else "", "mermaid")
    if fmt not in FORMATS:
        raise VpclintError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    config = options.settings(paths, config_file, exclude, var, var_file, region, cfn_param,
                              parameter_file, select=select or None, ignore=ignore or None,
                              baseline=baseline, allow_read=allow_read,
                              max_file_size=max_file_size)
    if config.baseline is not None:
        check_baseline_path(Path(config.baseline))
    if output is not None:
        options.check_output(output)
    if sys.stderr.isatty():
        typer.echo("vpclint: scanning ...", err=True)
    result = scan([str(p) for p in paths], config, with_analysis=True)
    options.require_files(result.files_scanned, paths, config, allow_empty)
    graph = graph_of_result(result)
    if focus:
        try:
            graph = focus_on(graph, focus)
        except NoFocus as missing:
            raise VpclintError(f"--focus {missing}: no VPC or workload name contains it, and no "
                               "finding is of that rule or at that FILE:LINE") from None
    if problems:
        graph = problem_flows(graph)
    text = render(graph, fmt)
    if output is not None:
        options.write_output(output, text)
    else:
        typer.echo(text, nl=not text.endswith("\n"))


def register(app: typer.Typer) -> None:
    app.command("graph", cls=options.Command,
                short_help="Draw the network: flows by verdict, findings on their components.")(
        graph_command)
