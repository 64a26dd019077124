"""The pipeline, end to end: discover -> load -> evaluate -> model -> rules -> filter.

Each stage is its own module; this one only wires them together and keeps the promise that one
bad file or one failing rule never stops the scan of the rest.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from vpclint.config import Config
from vpclint.discover import discover
from vpclint.errors import VpclintError
from vpclint.evaluate.cloudformation import evaluate_templates
from vpclint.evaluate.references import Unresolved, unresolved_cloudformation
from vpclint.evaluate.references import unresolved_terraform
from vpclint.evaluate.tf_plan import evaluate_plan
from vpclint.evaluate.terraform import TerraformOptions, TerraformResult, evaluate_terraform
from vpclint.loading import load_files
from vpclint.model import Model
from vpclint.model.build import build_model
from vpclint.registry import load_rules
from vpclint.result import ScanResult
from vpclint.rule import Finding, RuleModule
from vpclint.selection import Selector
from vpclint.source import Note, ParseError, Resource, Suppression
from vpclint.suppress import apply_suppressions


@dataclass
class Built:
    """The model of the infrastructure under some paths, before any rule runs.

    ``notes`` are what evaluation had to say; ``files_scanned`` counts the files read. The rest
    is what ``scan`` needs to filter findings afterwards.
    """

    model: Model
    notes: list[Note]
    files_scanned: int
    focus: set[str] | None = None  # files named alone: only findings in them are reported
    suppressions: dict[str, list[Suppression]] = field(default_factory=dict)
    resources: list[Resource] = field(default_factory=list)


def build(paths: list[str], config: Config) -> Built:
    """discover -> load -> evaluate -> model: what ``scan`` runs rules on, and ``flows`` shows."""
    sources = discover(paths, config.exclude)
    if sources.missing:
        raise VpclintError(f"no such file or directory: {', '.join(sources.missing)}")
    loaded = load_files([f for files in sources.terraform.values() for f in files]
                        + sources.cloudformation + sources.plans)
    evaluated = _evaluate(sources, loaded, config)
    resources = evaluated.resources
    model = build_model(resources)
    model.parse_errors = evaluated.parse_errors
    model.opaque_scopes = evaluated.opaque
    model.unresolved = _unresolved(sources, loaded)
    model.exported = evaluated.exported
    return Built(model, list(evaluated.notes), sources.file_count, sources.focus,
                 evaluated.suppressions, resources)


def scan(paths: list[str], config: Config, root: Path | None = None) -> ScanResult:
    """Run every enabled rule over the infrastructure under ``paths``."""
    rules = load_rules()
    selector = Selector(config.select, config.ignore, {i: r.meta for i, r in rules.items()})
    built = build(paths, config)
    model, notes = built.model, built.notes
    enabled = {rule_id: rule for rule_id, rule in rules.items() if selector.enabled(rule.meta)}
    findings = _run_rules(enabled, model, notes)
    if built.focus is not None:
        findings = [f for f in findings if str(Path(f.location.file).resolve()) in built.focus]
    notes.extend(apply_suppressions(findings, rules, built.suppressions, set(enabled),
                                    built.resources))
    notes = list(dict.fromkeys(notes))  # a called module's notes repeat once per instance
    return ScanResult(findings=findings, rules=rules, root=root or find_root(paths), notes=notes,
                      files_scanned=built.files_scanned, internal_errors=model.internal_errors)


def _unresolved(sources, loaded) -> list[Unresolved]:
    found: list[Unresolved] = []
    for files in sources.terraform.values():
        found.extend(unresolved_terraform(
            [loaded[f] for f in files if not isinstance(loaded[f], ParseError)]))
    for path in sources.cloudformation:
        doc = loaded[path]
        if not isinstance(doc, ParseError):
            found.extend(unresolved_cloudformation(doc.file, doc.data, doc.spans))
    return found


def _evaluate_terraform(sources, loaded, config: Config) -> TerraformResult:
    """Terraform modules of the scan; called modules outside it are loaded on demand."""
    parse_errors: list[ParseError] = []
    modules: dict[str, list] = {}
    for directory, files in sources.terraform.items():
        modules[directory] = _parsed(files, loaded, parse_errors)
    planned: list[Resource] = []
    replaced: set[str] = set()
    for path in sources.plans:
        if isinstance(loaded[path], ParseError):
            parse_errors.append(loaded[path])
            continue
        plan = evaluate_plan(loaded[path], modules)
        planned.extend(plan.resources)
        if plan.source_dir:
            replaced.add(plan.source_dir)  # judged from the plan, positions from its .tf

    def load(directory: str) -> list:
        if directory not in modules:
            files = sorted(str(p) for p in Path(directory).iterdir()
                           if p.is_file() and p.name.endswith((".tf", ".tf.json")))
            modules[directory] = _parsed(files, load_files(files), [])
        return modules[directory]

    options = TerraformOptions([str(f) for f in config.var_files], dict(config.vars))
    result = evaluate_terraform(dict(modules), load, options, skip=replaced)
    result.resources.extend(planned)
    result.parse_errors.extend(parse_errors)
    return result


def _parsed(files: list[str], loaded: dict, parse_errors: list[ParseError]) -> list:
    documents = []
    for path in files:
        if isinstance(loaded[path], ParseError):
            parse_errors.append(loaded[path])
        else:
            documents.append(loaded[path])
    return documents


@dataclass
class _Evaluated:
    """Everything the evaluate stage hands on: resources, and what to know about them."""

    resources: list[Resource] = field(default_factory=list)
    parse_errors: list[ParseError] = field(default_factory=list)
    suppressions: dict[str, list[Suppression]] = field(default_factory=dict)  # per file
    notes: list[Note] = field(default_factory=list)
    opaque: set[str] = field(default_factory=set)
    exported: set[tuple[str, str]] = field(default_factory=set)


def _evaluate(sources, loaded, config: Config) -> _Evaluated:
    terraform = _evaluate_terraform(sources, loaded, config)
    result = _Evaluated(list(terraform.resources), list(terraform.parse_errors),
                        {}, list(terraform.notes), set(terraform.opaque), set(terraform.exported))
    templates = []
    for path in sources.cloudformation:
        doc = loaded[path]
        if isinstance(doc, ParseError):
            result.parse_errors.append(doc)
            continue
        result.parse_errors.extend(doc.duplicates)
        templates.append(doc)
    cloudformation = evaluate_templates(templates, config)  # all at once: imports join them
    result.resources.extend(cloudformation.resources)
    result.parse_errors.extend(cloudformation.parse_errors)
    result.notes.extend(cloudformation.notes)
    result.suppressions.update(cloudformation.suppressions)
    result.opaque |= cloudformation.opaque
    result.exported |= cloudformation.exported
    return result


def _run_rules(rules: dict[str, RuleModule], model: Model, notes: list[Note]) -> list[Finding]:
    findings: list[Finding] = []
    first_at: dict[tuple, Finding] = {}
    for rule in rules.values():
        try:
            produced = list(rule.run(model))
        except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
            where = traceback.extract_tb(error.__traceback__)[-1]
            model.internal_errors += 1
            notes.append(Note("", f"internal error: rule {rule.meta.id} failed ({error!r} at "
                              f"{Path(where.filename).name}:{where.lineno}); its findings are "
                              "missing from this report"))
            continue
        for finding in produced:
            finding.rule = rule.meta
            finding.level = finding.level or rule.meta.level
            location = finding.location
            key = (rule.meta.id, location.file, location.line, location.column)
            instance = finding.component.address if finding.component is not None else None
            first = first_at.get(key)
            if first is None:  # module and count/for_each instances: one finding per location
                first_at[key] = finding
                finding.instances = [instance] if instance else []
                findings.append(finding)
            elif instance and instance not in first.instances:
                first.instances.append(instance)
    for finding in findings:
        if len(finding.instances) < 2:
            finding.instances = []
    return findings


def find_root(paths: list[str]) -> Path:
    """The repository root: the nearest ancestor of the first path that holds ``.git``."""
    start = Path(paths[0] if paths else ".").resolve()
    if start.is_file():
        start = start.parent
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return Path.cwd().resolve()
