"""The pipeline, end to end: discover -> load -> evaluate -> model -> analyze -> rules -> filter.

Each stage is its own module; this one only wires them together and keeps the promise that one
bad file, a failing analysis or one failing rule never stops the scan of the rest.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from msgspec import Struct, field

from vpclint.analyze import Analysis, analyze
from vpclint.config import Config
from vpclint.discover import discover
from vpclint.errors import VpclintError, describe_crash
from vpclint.evaluate.references import Unresolved, unresolved_cloudformation
from vpclint.evaluate.references import unresolved_terraform
from vpclint.evaluate.terraform import TerraformOptions, TerraformResult, evaluate_terraform
from vpclint.existence import judge
from vpclint.files import real_path
from vpclint.loading import load_files
from vpclint.model import Model
from vpclint.model.build import build_model
from vpclint.filtering import filter_findings, select_rules
from vpclint.registry import load_rules
from vpclint.result import Diagnostics, ScanResult
from vpclint.internal_error import INTERNAL_ERROR, INTERNAL_ERROR_RULE, internal_error_findings
from vpclint.model.components import Component
from vpclint.rule import Context, Finding, RuleMeta, RuleModule
from vpclint.source import Failure, Note, Origin, ParseError, Resource, Span, Suppression
from vpclint.supersede import drop_superseded


class Built(Struct, frozen=True, eq=False):
    """The model of the infrastructure under some paths, before any rule runs.

    ``notes`` are what evaluation had to say; ``files_scanned`` counts the files read;
    ``diagnostics`` are what was wrong with the files themselves (VPC001, VPC002). The rest
    is what ``scan`` needs to filter findings afterwards.
    """

    model: Model
    notes: tuple[Note, ...]
    files_scanned: int
    focus: set[str] | None = None  # files named alone: only findings in them are reported
    suppressions: dict[str, list[Suppression]] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)
    failures: tuple[Failure, ...] = ()  # where vpclint itself failed
    files_read: frozenset[str] = frozenset()  # real paths of the files whose text was parsed
    diagnostics: Diagnostics = Diagnostics()


def build(paths: list[str], config: Config) -> Built:
    """discover -> load -> evaluate -> model: what ``scan`` runs rules on, and ``flows`` shows."""
    sources = discover(paths, config.exclude, [str(p) for p in config.allow_read],
                       config.max_bytes)
    if sources.missing:
        raise VpclintError(f"no such file or directory: {', '.join(sources.missing)}")
    loaded = load_files([f for files in sources.terraform.values() for f in files]
                        + sources.cloudformation + sources.plans, config.max_bytes)
    failures = [doc for doc in loaded.values() if isinstance(doc, Failure)]
    evaluated = _evaluate(sources, loaded, config)
    evaluated.parse_errors.extend(sources.unreadable)
    evaluated.notes.extend(sources.notes)
    evaluated.opaque |= sources.incomplete  # a file of the module was not read
    failures.extend(evaluated.failures)
    resources = evaluated.resources
    model = build_model(resources, opaque_scopes=evaluated.opaque,
                        opaque_inputs=evaluated.opaque_inputs, exported=evaluated.exported)
    failures.extend(model.failures)
    diagnostics = Diagnostics(tuple(evaluated.parse_errors),
                              tuple(_unresolved(sources, loaded, failures)))
    read = [path for path, doc in loaded.items()
            if _usable(doc) or isinstance(doc, ParseError) and not doc.unread] \
        + [r.file for r in resources] + [e.file for e in evaluated.parse_errors if not e.unread]
    return Built(model, tuple(evaluated.notes), sources.file_count, sources.focus,
                 evaluated.suppressions, resources, tuple(failures),
                 frozenset(real_path(path) for path in set(read)), diagnostics)


class Analyzed(Struct, frozen=True):
    """The analyze stage's outcome: the analysis, or the failure that prevented it."""

    analysis: Analysis | None
    failure: Failure | None = None


def analyze_stage(model: Model, paths: list[str]) -> Analyzed:
    """``analyze(model)``, guarded: if vpclint crashes in it, one failure (a VPC000 finding,
    placed at the first scanned path) instead of the analysis."""
    try:
        return Analyzed(analyze(model))
    except Exception as error:  # noqa: BLE001 - the rules that need no analysis still run
        return Analyzed(None, Failure(paths[0] if paths else "", "vpclint failed to analyze the "
                                      f"network ({describe_crash(error)}); the findings of the "
                                      "rules that need the analysis are missing"))


def scan(paths: list[str], config: Config, root: Path | None = None, *,
         with_analysis: bool = False) -> ScanResult:
    """Run every enabled rule over the infrastructure under ``paths``: build the model, analyze
    it (when an enabled rule needs the analysis, or ``with_analysis`` asks for it), run the
    rules, filter their findings."""
    rules = load_rules()
    enabled = select_rules(rules, config)
    built = build(paths, config)
    failures = list(built.failures)
    notes = list(built.notes)
    analysis = None
    if with_analysis or any(rule.meta.needs_analysis for rule in enabled.values()):
        analyzed = analyze_stage(built.model, paths)
        analysis = analyzed.analysis
        if analyzed.failure is not None:
            failures.append(analyzed.failure)
            notes.extend(_skipped(enabled, paths))
    runnable = {rule_id: rule for rule_id, rule in enabled.items()
                if analysis is not None or not rule.meta.needs_analysis}
    root = root or find_root(paths)
    context = Context(built.model, config, built.diagnostics, analysis)
    findings = _run_rules(runnable, context, failures, root)
    findings.extend(internal_error_findings(failures, paths))
    filtered = filter_findings(findings, built, rules, enabled, config.baseline, root)
    notes.extend(filtered.notes)
    if failures:
        rules = {INTERNAL_ERROR.id: INTERNAL_ERROR_RULE, **rules}
    return ScanResult(findings=filtered.findings, rules=rules, root=root,
                      notes=tuple(dict.fromkeys(notes)),  # a called module's notes repeat
                      files_scanned=built.files_scanned, baseline_hidden=filtered.baseline_hidden,
                      failures=tuple(failures), files_read=built.files_read, built=built,
                      analysis=analysis, rules_run=frozenset(runnable))


def _skipped(enabled: dict[str, RuleModule], paths: list[str]) -> list[Note]:
    """A note for each enabled rule that needs the analysis, which failed: it did not run."""
    return [Note(paths[0] if paths else "", f"{rule_id} did not run: it needs the network "
                 "analysis, which failed (see the VPC000 finding)")
            for rule_id, rule in enabled.items() if rule.meta.needs_analysis]


def _unresolved(sources, loaded, failures: list[Failure]) -> list[Unresolved]:
    """VPC002's references to nothing, file by file (a failure in one file spares the rest)."""
    found: list[Unresolved] = []
    for files in sources.terraform.values():
        documents = [loaded[f] for f in files if _usable(loaded[f])]
        found.extend(_contained(failures, files[0] if files else "", "check the references of",
                                lambda: unresolved_terraform(documents), []))
    for path in sources.cloudformation:
        doc = loaded[path]
        if _usable(doc):
            found.extend(_contained(failures, path, "check the references of",
                                    lambda: unresolved_cloudformation(doc.file, doc.data,
                                                                      doc.spans), []))
    return found


def _usable(document) -> bool:
    """Whether a loaded file is a document (not a parse error, not a loader failure)."""
    return not isinstance(document, (ParseError, Failure))


def _contained(failures: list[Failure], file: str, doing: str, compute, fallback):
    """``compute()``; if vpclint crashes in it, a ``Failure`` for ``file`` and ``fallback``."""
    try:
        return compute()
    except Exception as error:  # noqa: BLE001 - one failing file must not stop the scan
        failures.append(Failure(file, f"vpclint failed to {doing} this file "
                                f"({describe_crash(error)})"))
        return fallback


def _evaluate_terraform(sources, loaded, config: Config) -> TerraformResult:
    """Terraform modules of the scan; called modules outside it are loaded on demand."""
    parse_errors: list[ParseError] = []
    modules: dict[str, list] = {}
    for directory, files in sources.terraform.items():
        modules[directory] = _parsed(files, loaded, parse_errors)
    planned: list[Resource] = []
    replaced: set[str] = set()
    failed: list[Failure] = []  # plans vpclint failed on; the other plans and modules go on
    if sources.plans:
        from vpclint.evaluate.tf_plan import evaluate_plan  # here: plans are rare
    for path in sources.plans:
        if not _usable(loaded[path]):
            if isinstance(loaded[path], ParseError):
                parse_errors.append(loaded[path])
            continue
        plan = _contained(failed, path, "evaluate", lambda: evaluate_plan(loaded[path], modules),
                          None)
        if plan is None:
            continue
        planned.extend(plan.resources)
        if plan.source_dir:
            replaced.add(plan.source_dir)  # judged from the plan, positions from its .tf

    def load(directory: str) -> list:
        """A called module's files; the evaluator has checked that it lies in the boundary."""
        if directory not in modules:
            files = sorted(str(p) for p in Path(directory).iterdir()
                           if p.name.endswith((".tf", ".tf.json")) and not p.is_dir()
                           and sources.boundary.contains(str(p)))
            modules[directory] = _parsed(files, load_files(files, config.max_bytes), [])
        return modules[directory]

    options = TerraformOptions([str(f) for f in config.var_files], dict(config.vars),
                               sources.boundary, config.max_bytes)
    result = evaluate_terraform(dict(modules), load, options, skip=replaced)
    result.resources.extend(planned)
    result.parse_errors.extend(parse_errors)
    result.failures.extend(failed)
    return result


def _parsed(files: list[str], loaded: dict, parse_errors: list[ParseError]) -> list:
    documents = []
    for path in files:
        if isinstance(loaded[path], ParseError):
            parse_errors.append(loaded[path])
        elif _usable(loaded[path]):
            documents.append(loaded[path])
    return documents


class _Evaluated(Struct):
    """Everything the evaluate stage hands on: resources, and what to know about them."""

    resources: list[Resource] = field(default_factory=list)
    parse_errors: list[ParseError] = field(default_factory=list)
    suppressions: dict[str, list[Suppression]] = field(default_factory=dict)  # per file
    notes: list[Note] = field(default_factory=list)
    opaque: set[str] = field(default_factory=set)
    opaque_inputs: set[tuple[str, str]] = field(default_factory=set)
    exported: set[tuple[str, str]] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)


def _evaluate(sources, loaded, config: Config) -> _Evaluated:
    terraform = _evaluate_terraform(sources, loaded, config)
    result = _Evaluated(list(terraform.resources), list(terraform.parse_errors),
                        {}, list(terraform.notes), set(terraform.opaque),
                        set(terraform.opaque_inputs), set(terraform.exported),
                        list(terraform.failures))
    templates = []
    for path in sources.cloudformation:
        doc = loaded[path]
        if not _usable(doc):
            if isinstance(doc, ParseError):
                result.parse_errors.append(doc)
            continue
        result.parse_errors.extend(doc.duplicates)
        templates.append(doc)
    if not templates:
        return result  # and the CloudFormation evaluator is never imported (a Terraform commit)
    from vpclint.evaluate.cloudformation import evaluate_templates

    # all at once: imports join them
    cloudformation = evaluate_templates(templates, config, sources.boundary,
                                        sources.environments)
    result.resources.extend(cloudformation.resources)
    result.parse_errors.extend(cloudformation.parse_errors)
    result.notes.extend(cloudformation.notes)
    result.suppressions.update(cloudformation.suppressions)
    result.opaque |= cloudformation.opaque
    result.opaque_inputs |= cloudformation.opaque_inputs
    result.exported |= cloudformation.exported
    result.failures.extend(cloudformation.failures)
    return result


def _run_rules(rules: dict[str, RuleModule], context: Context, failures: list[Failure],
               root: Path | None = None) -> list[Finding]:
    """Every rule's findings, stamped with the rule and merged per location: the instances of
    one block (``count``/``for_each``, module instances) are one finding listing them, with
    the module-call arguments that decided any of them (``_origins``)."""
    produced: list[tuple[RuleMeta, list[Finding]]] = []  # each rule's standing findings
    for rule in rules.values():
        found: list[Finding] = []
        try:
            for finding in rule.check(context):  # what a rule found before it failed is kept
                found.append(finding)
        except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
            failures.append(_rule_failure(rule, error))
        produced.append((rule.meta, list(filter(judge, found))))
    findings: list[Finding] = []
    first_at: dict[tuple, Finding] = {}
    name = _InstanceNames(context.model, root)
    for meta, found in drop_superseded(produced):
        # a finding about a resource sure to exist speaks for its location before one "if created"
        for finding in sorted(found, key=_conditional):
            finding.rule = meta
            finding.level = finding.level or meta.level
            location = finding.location
            key = (meta.id, location.file, location.line, location.column)
            instance = name(finding.component) if finding.component is not None else None
            origins = _origins(finding)
            first = first_at.get(key)
            if first is None:  # module and count/for_each instances: one finding per location
                first_at[key] = finding
                finding.instances = [instance] if instance else []
                finding.origins = list(origins)
                findings.append(finding)
                continue
            if instance and instance not in first.instances:
                first.instances.append(instance)
            first.origins.extend(o for o in origins if o not in first.origins)
    for finding in findings:
        if len(finding.instances) < 2 and not (finding.component is not None and
                                               name.ambiguous(finding.component)):
            finding.instances = []
    return findings


def _origins(finding: Finding) -> list[Origin]:
    """The module-call arguments that set the fields a finding is about: its own field, and
    the field of each partner it names. A finding inside a called module is decided by them as
    much as by the module's line it points at."""
    found: list[Origin] = []
    pointed = [(finding.component, finding.field)] if finding.component is not None else []
    for component, field_name in pointed + [(r.component, r.field) for r in finding.related]:
        if field_name is None:
            continue
        for origin in component.resource.origins_at(component.path_of(field_name)):
            if origin not in found:
                found.append(origin)
    return found


class _InstanceNames:
    """How the engine names the instances a merged finding stands for: by address, and with
    its root module (``module.nat.aws_nat_gateway.this in examples/complete``) when the file
    is evaluated under several Terraform root modules, whose instances share every address."""

    def __init__(self, model: Model, root: Path | None) -> None:
        self.root = root
        self._roots: dict[str, set[str]] = defaultdict(set)  # file -> root modules
        for component in model:
            if component.flavour == "terraform":
                self._roots[component.file].add(component.resource.scope)

    def ambiguous(self, component: Component) -> bool:
        return len(self._roots.get(component.file, ())) > 1

    def __call__(self, component: Component) -> str:
        if not self.ambiguous(component):
            return component.address
        base = self.root if self.root is not None else Path.cwd()
        scope = Path(os.path.relpath(os.path.abspath(component.resource.scope), base))
        return f"{component.address} in {scope.as_posix()}"


def _conditional(finding: Finding) -> bool:
    return finding.component is not None and finding.component.resource.may_be_absent


def _rule_failure(rule: RuleModule, error: Exception) -> Failure:
    """A rule that crashed, located at the component it was checking when vpclint can tell
    (the innermost component in the failing frames), else nowhere in particular."""
    component = None
    trace = error.__traceback__
    while trace is not None:
        for value in trace.tb_frame.f_locals.values():
            if isinstance(value, Component):
                component = value
        trace = trace.tb_next
    span = component.span(None) if component is not None else Span("", 1)
    checking = f" while checking {component.resource.name}" if component is not None else ""
    return Failure(span.file, f"rule {rule.meta.id} failed{checking} "
                   f"({describe_crash(error)}); its findings are missing", span.line)


def find_root(paths: list[str]) -> Path:
    """The repository root: the nearest ancestor of the first path that holds ``.git``."""
    start = Path(paths[0] if paths else ".").resolve()
    if start.is_file():
        start = start.parent
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return Path.cwd().resolve()
