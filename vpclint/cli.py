"""The ``vpclint`` command line.

Exit codes: 0 when no finding is at or above the failing level, 1 when some is, 2 on a usage
error, an unreadable config, or an internal error outside any one file or rule. (vpclint
failing on one file or rule is contained: a VPC000 error finding, and the rest is reported.)
Tracebacks are shown only with ``VPCLINT_DEBUG=1``: users get a message naming the problem.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from msgspec.structs import asdict, replace

from vpclint import __version__
from vpclint.baseline import check_baseline_path, write_baseline
from vpclint.cli_flows import register as register_flow_commands
from vpclint.cli_graph import register as register_graph_command
from vpclint.cli_rules import register as register_rule_commands
from vpclint import cli_options as options
from vpclint.errors import VpclintError
from vpclint.exit_codes import exit_code
from vpclint.files import recording
from vpclint.reporters import FORMATS, render
from vpclint.result_cache import Output, Replay, Request

app = typer.Typer(
    name="vpclint",
    help="Lint AWS VPC networking in Terraform and CloudFormation: missing pairings "
    "(endpoints, PrivateLink, VPC Lattice, resource gateways), misdirected flows and "
    "public-internet detours.\n\nStart with: vpclint check ./infra",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vpclint {__version__}")
        raise typer.Exit()


@app.callback(epilog="Run 'vpclint COMMAND --help' for the options of a command.")
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """vpclint: static analysis of AWS VPC networking."""


@app.command(cls=options.Command, short_help="Report network defects in Terraform and "
             "CloudFormation.")
def check(
    ctx: typer.Context,
    paths: List[Path] = options.paths_argument(
        "Files or directories to scan (recursively). Files named alone, as pre-commit passes "
        "them, are judged with their whole Terraform module; only findings in them are "
        "reported."),
    output_format: Optional[str] = typer.Option(
        None, "--format", "-f", metavar="FORMAT",
        help="Output format: text (the default, for people), json (for scripts), sarif (GitHub "
        "code scanning), github (annotations on a GitHub Actions run), gitlab (GitLab Code "
        "Quality), junit (JUnit XML test results) or markdown (job summaries, pull-request "
        "comments)."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the report to FILE instead of "
        "stdout; missing parent directories are created."),
    report: Optional[List[str]] = options.REPORT,
    select: Optional[List[str]] = typer.Option(
        None, "--select", metavar="RULES", help="Run only these rules: IDs (VPC101), slugs or "
        "ID prefixes (VPC3). Repeatable or comma-separated."),
    ignore: Optional[List[str]] = typer.Option(
        None, "--ignore", metavar="RULES", help="Skip these rules (IDs, slugs or prefixes); the "
        "longest matching entry of --select/--ignore wins."),
    exclude: Optional[List[str]] = options.EXCLUDE,
    fail_level: Optional[str] = typer.Option(
        None, "--fail-level", metavar="LEVEL", help="Lowest level that makes the exit code 1: "
        "error (default), warning, note, or none."),
    config_file: Optional[Path] = options.CONFIG,
    baseline: Optional[Path] = typer.Option(
        None, "--baseline", metavar="FILE", help="Hide the findings recorded in this baseline "
        "FILE."),
    write_baseline_flag: bool = typer.Option(
        False, "--write-baseline", help="Record the current findings into --baseline FILE and "
        "exit 0: adopt vpclint on a large estate and fail only on new findings."),
    category: Optional[str] = typer.Option(
        None, "--category", metavar="NAME", help="SARIF automationDetails.id, one per analysis "
        "uploaded to code scanning (e.g. 'vpclint/prod')."),
    allow_empty: bool = options.ALLOW_EMPTY,
    allow_read: Optional[List[Path]] = options.ALLOW_READ,
    max_file_size: Optional[float] = options.MAX_FILE_SIZE,
    var: Optional[List[str]] = options.VAR,
    var_file: Optional[List[Path]] = options.VAR_FILE,
    region: Optional[str] = options.REGION,
    cfn_param: Optional[List[str]] = options.CFN_PARAM,
    parameter_file: Optional[List[Path]] = options.PARAMETER_FILE,
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the text output "
                                  "(NO_COLOR does the same)."),
) -> None:
    """Scan the Terraform and CloudFormation under PATH and report network defects.

    Exit codes: 0 no finding at or above --fail-level, 1 findings, 2 usage or internal error.

    Parsed files and reports are cached: run again on files that did not change, the same
    command prints the stored report at once (VPCLINT_NO_CACHE=1 turns the caches off).

    Examples:

    \b
      vpclint check ./infra
      vpclint check . --format sarif --output vpclint.sarif
      vpclint check . --report sarif:vpclint.sarif --report junit:vpclint.xml
      vpclint check . --select VPC1 --ignore VPC111
      vpclint check stacks/ --region eu-west-1 --parameter-file params/prod.json
      vpclint check . --baseline .vpclint-baseline.json --write-baseline
    """
    str_paths = [str(p) for p in paths]
    config = options.settings(paths, config_file, exclude, var, var_file, region, cfn_param,
                              parameter_file, select=_split(select), ignore=_split(ignore),
                              fail_level=fail_level, format=output_format, baseline=baseline,
                              allow_read=allow_read, max_file_size=max_file_size)
    fmt = config.format or "text"
    if fmt not in FORMATS:
        raise VpclintError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if write_baseline_flag and config.baseline is None:
        raise VpclintError("--write-baseline needs --baseline FILE")
    if config.baseline is not None:
        check_baseline_path(Path(config.baseline), writing=write_baseline_flag)
    if output is not None:
        options.check_output(output)
    reports = options.parse_reports(report, output)
    color = output is None and options.use_color(sys.stdout, no_color)
    request = _replayable(ctx, str_paths, config, fmt, output, reports, category, color,
                          allow_empty) if not write_baseline_flag else None
    replay = request.fetch() if request is not None else None
    if replay is None:
        from vpclint.engine import scan  # here: a replayed run never loads the engine

        if sys.stderr.isatty():
            typer.echo("vpclint: scanning ...", err=True)
        with recording() as recorded:
            # recording a baseline records every active finding: none is hidden by the old one
            result = scan(str_paths,
                          replace(config, baseline=None) if write_baseline_flag else config)
        options.require_files(result.files_scanned, paths, config, allow_empty)
        if write_baseline_flag:
            count = write_baseline(Path(config.baseline), result.active, result.root)
            typer.echo(f"vpclint: recorded {count} findings in {config.baseline}", err=True)
            raise typer.Exit(0)
        replay = Replay(_reports(result, fmt, output, reports, category, color),
                        exit_code(result.findings, config.fail_level))
        if request is not None:
            request.store(recorded, replay)
    for out in replay.outputs:
        if out.destination is not None:
            options.write_output(Path(out.destination), out.text, out.option)
        else:
            typer.echo(out.text, nl=not out.text.endswith("\n"))
    raise typer.Exit(replay.exit_code)


def _reports(result, fmt: str, output: Optional[Path], reports: list[tuple[str, Path]],
             category: Optional[str], color: bool) -> tuple[Output, ...]:
    """Every report the command writes: the ``--report`` files, then the main one."""
    rendered: dict[str, str] = {}  # each format rendered once, however many files want it
    outputs = []
    for extra_format, path in reports:
        if extra_format not in rendered:
            rendered[extra_format] = render(result, extra_format, category=category,
                                            cwd=Path.cwd())
        outputs.append(Output(str(path), "--report", rendered[extra_format]))
    main_report = rendered[fmt] if fmt in rendered and not color else \
        render(result, fmt, color=color, category=category, cwd=Path.cwd())
    outputs.append(Output(None if output is None else str(output), "--output", main_report))
    return tuple(outputs)


def _replayable(ctx: typer.Context, paths: list[str], config, fmt: str,
                output: Optional[Path], reports: list[tuple[str, Path]],
                category: Optional[str], color: bool, allow_empty: bool) -> Optional[Request]:
    """The report-cache request for this run, when the console command runs it (see
    ``vpclint.result_cache``: only a fresh process's code is known to be the files')."""
    if not (ctx.obj or {}).get("replay"):
        return None
    # what discovery walks; what the scan reads elsewhere (--allow-read) is recorded as read
    roots = [p for p in paths if os.path.isdir(p)]
    shallow = [os.path.dirname(os.path.abspath(p)) for p in paths if not os.path.isdir(p)]
    files = [*config.parameter_files, *config.var_files,
             *([config.baseline] if config.baseline is not None else [])]
    destinations = [str(path) for _, path in reports] + [None if output is None else str(output)]
    settings = {"paths": paths, "config": asdict(config), "format": fmt, "output": output,
                "reports": reports, "category": category, "color": color,
                "allow_empty": allow_empty}
    return Request(settings, roots, shallow, files, destinations)


def _split(values: Optional[List[str]]) -> Optional[List[str]]:
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


register_flow_commands(app)
register_graph_command(app)
register_rule_commands(app)


# typer bundles its own click (typer._click) in recent releases, plain click in older ones;
# the usage-error base class is whichever its BadParameter derives from.
_CLICK_ERRORS = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def main() -> None:
    """Console-script entry point: runs the command (``run``), then ends the process at once.

    Once the reports are written and the streams flushed, nothing is left to do but free the
    scan's heap, which interpreter shutdown does object by object: about half a second of a
    cold corpus scan. ``os._exit`` skips it. Everything vpclint writes is closed by then (reports,
    cache entries: atomic renames), the parse workers are joined, and no exit handler of ours
    is pending. Programs that run the command in-process call ``run`` and keep their process.
    """
    code = run()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more to say there
            pass
    os._exit(code)


def run(argv: Optional[List[str]] = None) -> int:
    """Run the command line ``argv`` (default: the process's arguments) as the console command
    does, replaying stored reports when they apply (``vpclint.result_cache``); every error is a
    message and exit code 2. Returns the exit code.

    The cyclic garbage collector is off while a command runs: a scan builds a heap of
    long-lived objects (documents, values, the model) and exits, and the collector's passes
    over that heap cost about a third of a warm scan's time while freeing little (about 7% more
    peak memory on the corpus without it). Reference counting still frees what is not a cycle.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        code = app(args=argv, prog_name="vpclint", standalone_mode=False, obj={"replay": True})
        return code if isinstance(code, int) else 0
    except typer.Exit as done:
        return done.exit_code
    except VpclintError as error:
        typer.echo(f"vpclint: error: {error}", err=True)
        return 2
    except _CLICK_ERRORS as error:  # usage errors: unknown option, missing argument ...
        error.show()
        return 2
    except typer.Abort:
        typer.echo("vpclint: aborted", err=True)
        return 2
    except Exception as error:  # noqa: BLE001 - a message, not a traceback, for users
        if os.environ.get("VPCLINT_DEBUG"):
            raise
        typer.echo(f"vpclint: internal error: {error!r} (set VPCLINT_DEBUG=1 for the traceback; "
                   "please report it)", err=True)
        return 2
    finally:
        if collecting:
            gc.enable()


if __name__ == "__main__":
    main()
