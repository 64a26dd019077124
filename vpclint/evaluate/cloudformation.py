"""CloudFormation evaluation: the templates of a scan -> resources with the values CloudFormation
would compute, UNKNOWN where it could not know them either.

Two passes over every stack of the scan, because ``Fn::ImportValue`` joins templates:

1. stacks: each template of the scan is evaluated with the given parameters (``Stack``); a local
   nested stack (``AWS::CloudFormation::Stack`` whose ``TemplateURL`` is a path that exists
   beside its parent, or a CDK nested stack's synthesized template) becomes a child ``Stack``
   with the parameters the parent passes, and a Rain module a template includes becomes a
   ``ModuleStack`` in its scope (``cfn_rain``); each expands its ``Fn::ForEach`` loops
   (``cfn_foreach``). Then the
   export names of every stack are evaluated (``Exports``). Values computed on the way (before
   the exports were known) are forgotten after each step, so an import passed down to a nested
   stack is not frozen as UNKNOWN; only an import that decides which nested stacks exist or an
   export's name stays UNKNOWN;
2. resources: every stack's resources are evaluated; an ``Fn::ImportValue`` takes the exporting
   stack's output value, so a ``Ref`` exported by a network stack links the importing stack's
   endpoint to that VPC in the model.

A template that some template of the scan nests (or includes as a module) is evaluated only as
that parent's child, once per parent stack resource, with the parameters passed down (not its
defaults): a finding there is a finding of the deployed nested stack, and the template is not
reported a second time with its defaults. A template that no existing stack of the scan nests
(its parents are outside the scan, or their stack resources' conditions are false, or they nest
each other in a cycle) is evaluated on its own. A nested stack or module whose template is remote or unreadable, and a
``Fn::ForEach`` whose collection is not known, stay opaque: the scope may hold resources vpclint
cannot see.

Suppressions come from resource and template ``Metadata``.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from typing import Any

from msgspec import Struct, field

from vpclint.cloud_assembly import Environment
from vpclint.config import Config
from vpclint.files import Boundary, is_file
from vpclint.evaluate.cfn_parameters import given_parameters, pseudo_parameters
from vpclint.evaluate.cfn_rain import ModuleStack, module_path
from vpclint.evaluate.cfn_stack import NESTED_STACK, Stack, merged, section
from vpclint.loaders.cfn import CfnDocument
from vpclint.loading import load_files
from vpclint.errors import describe_crash
from vpclint.source import Failure, Note, ParseError, Resource, Span, Suppression
from vpclint.values import PLACEHOLDERS, Unknown

# Resource types that create resources vpclint does not load (unless a local nested stack).
_OPAQUE_TYPES = (NESTED_STACK, "AWS::Serverless::Application")
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # https://, s3://, file: ...
_MAX_STACKS = 1000  # nested instances of one scan: stacks nesting stacks twice grow fast


class Evaluation(Struct):
    """What the CloudFormation templates of a scan contribute to it."""

    resources: list[Resource] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    parse_errors: list[ParseError] = field(default_factory=list)  # nested templates read here
    suppressions: dict[str, list[Suppression]] = field(default_factory=dict)  # template-level
    opaque: set[str] = field(default_factory=set)  # scopes that may hold unseen resources
    # (scope, address) of the resources handed to nested stacks, SAM applications, Rain modules
    # or Fn::ForEach loops that vpclint cannot read: only they may get unseen partners
    opaque_inputs: set[tuple[str, str]] = field(default_factory=set)
    exported: set[tuple[str, str]] = field(default_factory=set)  # (scope, address) in outputs
    failures: list[Failure] = field(default_factory=list)  # templates vpclint failed on


def evaluate_templates(documents: list[CfnDocument], config: Config,
                       boundary: Boundary | None = None,
                       environments: dict[str, Environment] | None = None) -> Evaluation:
    """Evaluate every template of the scan, in two passes (see the module docstring). A nested
    template is read only inside ``boundary`` (None: anywhere). A template with an
    ``environments`` entry (a synthesized CDK stack) deploys to that account and region, the
    others to ``--region``."""
    evaluation = Evaluation()
    exports = Exports()
    given = given_parameters(config.parameter_files, config.cfn_params)
    pseudo = {file: _pseudo(environment, config.region)
              for file, environment in (environments or {}).items()}
    builder = _StackBuilder(documents, given, pseudo, pseudo_parameters(config.region),
                            exports, evaluation, boundary, config.max_bytes)
    stacks = builder.build()
    for stack in stacks:  # what was computed to find the stacks did not know the exports yet
        stack.forget()
    exports.collect(stacks, evaluation.failures)
    for stack in stacks:  # nor did what the export names needed
        stack.forget()
    for stack in stacks:
        before = len(evaluation.resources)
        try:
            _evaluate_resources(stack, evaluation)
            if not stack.prefix:  # a nested stack's outputs go to its parent, which is seen
                evaluation.exported |= _shallow(stack.handed_out, {  # too deep: say all are
                    (stack.scope, name) for name in stack.resources})
        except Exception as error:  # noqa: BLE001 - a bug here must not stop other templates
            del evaluation.resources[before:]  # half a stack would make false pairings
            evaluation.opaque.add(stack.scope)
            evaluation.failures.append(Failure(stack.doc.file, "vpclint failed to evaluate "
                                               f"this template ({describe_crash(error)})"))
        if stack.doc.file not in evaluation.suppressions:
            found = _suppressions(stack.doc, stack.doc.data.get("Metadata"), ("Metadata",))
            if found:
                evaluation.suppressions[stack.doc.file] = found
    evaluation.opaque |= builder.opaque | _module_fragments(documents)
    evaluation.notes = list(dict.fromkeys(evaluation.notes))  # one note per nested instance
    return evaluation


def _pseudo(environment: Environment, region: str | None) -> dict[str, Any]:
    """The pseudo parameters of a stack deployed to ``environment`` (its account and region,
    when the manifest names them; else ``--region``)."""
    values = pseudo_parameters(environment.region or region)
    if environment.account is not None:
        values["AWS::AccountId"] = environment.account
    return values


_SAM_GLOBALS = {"AWS::Serverless::Function": "Function", "AWS::Serverless::Api": "Api",
                "AWS::Serverless::HttpApi": "HttpApi", "AWS::Serverless::SimpleTable": "SimpleTable"}


def _with_sam_globals(data: dict, kind: str, properties: Any) -> Any:
    """A SAM resource's properties with the template's ``Globals`` section applied, as the SAM
    transform does: the resource's own values win, and maps (``Environment.Variables``) merge."""
    path = _sam_globals_path(data, kind)
    globals_ = data["Globals"][path[1]] if path is not None else None
    if not isinstance(globals_, dict) or not isinstance(properties, dict):
        return properties
    return merged(globals_, properties)


def _sam_globals_path(data: dict, kind: str) -> tuple | None:
    """Where the ``Globals`` section that applies to a SAM resource of ``kind`` is written
    (``("Globals", "Function")``), so that a finding on an inherited property points there."""
    section_name = _SAM_GLOBALS.get(kind)
    globals_ = data.get("Globals")
    if section_name is None or not isinstance(globals_, dict) or \
            not isinstance(globals_.get(section_name), dict):
        return None
    return ("Globals", section_name)


def _module_fragments(documents: list[CfnDocument]) -> set[str]:
    """Templates that other templates of the scan include as Rain modules, and their siblings
    in those modules directories: fragments whose includer adds resources and parameters to
    them, so pairings in them are not judged from the fragment on its own (as a Terraform module
    is judged through its callers). An included module is evaluated where it is included, in
    its includer's scope, which this leaves open to judgement."""
    fragments = set()
    for doc in documents:
        for body in section(doc.data, "Resources").values():
            path = module_path(body)
            if path is not None:
                fragments.add(os.path.normpath(os.path.join(os.path.dirname(doc.file), path)))
    module_dirs = {os.path.dirname(path) for path in fragments}
    return fragments | {doc.file for doc in documents if os.path.dirname(doc.file) in module_dirs}


class Exports:
    """Export name -> the stacks exporting it, across every template of the scan.

    An import resolves only to an export whose name evaluates to the same known string, and
    only when exactly one stack of the scan exports it: a name built on ``AWS::StackName`` is
    UNKNOWN (the stack name is chosen at deploy time), and two candidates (JSON and YAML twins
    of one template) leave the import UNKNOWN rather than guessed. Export names are unique per
    account and region only, and an import reads its own account's and region's: a stack known
    to deploy elsewhere (a CDK stage for another account, whose stacks share their names and so
    their export names) is no candidate.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, list[tuple[Stack, str]]] | None = None

    def collect(self, stacks: list[Stack], failures: list[Failure]) -> None:
        by_name: dict[str, list[tuple[Stack, str]]] = defaultdict(list)
        for stack in stacks:
            try:
                exported = _shallow(stack.exports, [])
            except Exception as error:  # noqa: BLE001 - a bug here spares the other stacks
                failures.append(Failure(stack.doc.file, "vpclint failed to evaluate the "
                                        f"exports of this template ({describe_crash(error)})"))
                continue
            for name, key in exported:
                if isinstance(name, str):
                    by_name[name].append((stack, key))
        self._by_name = by_name

    def lookup(self, name: str, importer: dict[str, Any]) -> Any:
        """The value exported as ``name`` to a stack whose pseudo parameters are ``importer``."""
        if self._by_name is None:
            return Unknown("Fn::ImportValue is not evaluated where it decides which nested "
                           "stacks exist or what an export is named", name)
        exporters = self._by_name.get(name, [])
        found = [(stack, key) for stack, key in exporters
                 if _may_share_environment(stack.pseudo, importer)]
        if len(found) == 1:
            stack, key = found[0]
            return stack.output(key)
        if not found:
            where = " deployed to this stack's account and region" if exporters else ""
            return Unknown(f"no template of the scan{where} exports {name!r}", name)
        return Unknown(f"{len(found)} templates of the scan export {name!r}", name)


def _may_share_environment(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """False when two stacks' account or region are both known and differ."""
    for name in ("AWS::AccountId", "AWS::Region"):
        mine, theirs = one.get(name), other.get(name)
        if mine != theirs and all(isinstance(v, str) and v not in PLACEHOLDERS
                                  for v in (mine, theirs)):
            return False
    return True


class _StackBuilder:
    """The stacks of a scan: its templates and, under them, their local nested stacks and the
    Rain modules they include."""

    def __init__(self, documents: list[CfnDocument], given: dict, pseudo: dict[str, dict],
                 default_pseudo: dict, exports: Exports, evaluation: Evaluation,
                 boundary: Boundary | None, max_bytes: int):
        self.documents = {doc.file: doc for doc in documents}
        self.boundary, self.max_bytes = boundary, max_bytes
        self.given, self.exports = given, exports
        self.pseudo, self.default_pseudo = pseudo, default_pseudo  # per template, the others
        self.evaluation = evaluation
        self.stacks: list[Stack] = []
        self.opaque: set[str] = set()  # scopes
        self._read: dict[str, CfnDocument | None] = {}  # nested templates outside the scan

    def build(self) -> list[Stack]:
        """Stacks for the templates that no other template of the scan nests or includes, and
        their nested stacks and modules; then, among the templates left (their parents' stack
        resources do not exist, or they nest each other in a cycle), the same again, until each
        is evaluated."""
        alone = {path: self._stack(doc, doc.file, "", lambda: self.given,
                                   self.pseudo.get(path, self.default_pseudo))
                 for path, doc in self.documents.items()}
        nests = {path: {child.path for child in self._local_children(stack, any_condition=True)
                        if child.path not in (None, path)} for path, stack in alone.items()}
        evaluated: set[str] = set()
        while len(evaluated) < len(alone):
            left = [path for path in alone if path not in evaluated]
            nested = set().union(*(nests[path] for path in left))
            for path in [p for p in left if p not in nested] or left[:1]:
                if path not in evaluated:
                    self._expand(alone[path], (path,), evaluated)
        return self.stacks

    def _stack(self, doc: CfnDocument, scope: str, prefix: str, given, pseudo: dict) -> Stack:
        return Stack(doc, scope, prefix, given, pseudo,
                     lambda name: self.exports.lookup(name, pseudo))

    def _expand(self, stack: Stack, chain: tuple[str, ...], evaluated: set[str]) -> None:
        self.stacks.append(stack)
        evaluated.add(stack.doc.file)
        for child in self._local_children(stack, any_condition=False):
            document = self._document(stack, child, chain)
            if document is None:
                continue  # not read: what it is handed is recorded with the resources
            if child.kind == _MODULE:
                instance: Stack = ModuleStack(document, stack, child.logical_id)
                stack.modules[child.logical_id] = instance
            else:
                instance = self._stack(
                    document, stack.scope, f"{stack.prefix}{child.logical_id}/",
                    lambda parent=stack, at=child.logical_id: parent.nested_parameters(at),
                    stack.pseudo)  # deployed where its parent is
                stack.children[child.logical_id] = instance
            instance.exists_if = _existence(stack, child.logical_id, f" of {child.kind} "
                                            f"{child.logical_id}")
            self._expand(instance, chain + (child.path,), evaluated)

    def _local_children(self, stack: Stack, any_condition: bool) -> list[_Child]:
        """The nested stacks and Rain modules of ``stack`` that exist (with ``any_condition``,
        also those whose condition is false); a stack vpclint fails to evaluate here is taken as
        having none that are local (their resources unseen)."""
        try:
            return list(self._children_of(stack, any_condition))
        except Exception as error:  # noqa: BLE001 - a bug here spares the other templates
            self.evaluation.failures.append(Failure(stack.doc.file, "vpclint failed to "
                                                    "evaluate the nested stacks of this template "
                                                    f"({describe_crash(error)})"))
            self.opaque.add(stack.scope)
            return []

    def _children_of(self, stack: Stack, any_condition: bool):
        for logical_id, body in stack.resources.items():
            module = module_path(body)
            if module is None and body.get("Type") != NESTED_STACK:
                continue
            if not any_condition and stack.resource_condition(logical_id) is False:
                continue
            if module is not None:
                yield _Child(logical_id, _MODULE, _local_path(stack.doc.file, module), module)
                continue
            properties = body.get("Properties")
            url = _shallow(lambda: stack.resolve(properties.get("TemplateURL")), None) \
                if isinstance(properties, dict) else None
            asset = _cdk_asset(body)
            path = _local_path(stack.doc.file, url)
            if path is None and asset is not None:  # CDK: the template synthesized beside it
                path = _local_path(stack.doc.file, asset)
            yield _Child(logical_id, _NESTED, path, _written_url(properties))

    def _document(self, stack: Stack, child: _Child, chain: tuple[str, ...]) -> CfnDocument | None:
        """The template ``child`` names, or None (with a note when it is local or a module)
        when it cannot be used."""
        path, where = child.path, f"{child.kind} {child.logical_id}"
        line = _line(stack.doc, ("Resources", child.logical_id))
        source = "TemplateURL" if child.kind == _NESTED else "module path"
        problem = None
        if path is None:
            if child.kind == _NESTED:
                return None  # remote: CloudFormation reads it from S3
            problem = f"is included from {child.written[:200]}, which vpclint does not read"
        elif path in chain:
            problem = f"{'includes' if child.kind == _MODULE else 'nests'} its own template " \
                "(a cycle)"
        elif len(self.stacks) >= _MAX_STACKS:
            problem = f"is past the limit of {_MAX_STACKS} stacks per scan"
        elif path not in self.documents and self.boundary is not None \
                and not self.boundary.contains(path):
            problem = (f"has a {source} outside the scanned paths ({child.written[:200]}), which "
                       "vpclint does not read (scan a directory that holds both, or add "
                       "--allow-read DIR)")
        elif path not in self.documents and path not in self._read:
            self._read[path] = self._load(path)
        document = self.documents.get(path) or self._read.get(path) if path else None
        if problem is None and document is None:
            problem = f"has a {source} that vpclint cannot read ({child.written[:200]})"
        if problem is not None:
            self.evaluation.notes.append(Note(stack.doc.file, f"{where} {problem}: its "
                                              "resources are not evaluated", line))
            return None
        return document

    def _load(self, path: str) -> CfnDocument | None:
        if not is_file(path):
            return None
        result = load_files([path], self.max_bytes)[path]
        if isinstance(result, ParseError):
            self.evaluation.parse_errors.append(result)
            return None
        if not isinstance(result, CfnDocument):  # a .tf.json, or a file vpclint failed on
            return None
        self.evaluation.parse_errors.extend(result.duplicates)
        return result


_NESTED, _MODULE = "nested stack", "Rain module"


class _Child(Struct, frozen=True):
    """A nested stack or an included Rain module: its template's path (None when remote or not
    known) and how the path is written, for messages (never the resolved path: it may name
    places outside the scan)."""

    logical_id: str
    kind: str
    path: str | None
    written: str


def _cdk_asset(body: dict) -> str | None:
    """The nested template a CDK app synthesized for a nested stack (``aws:asset:path``,
    beside the parent template in ``cdk.out``), whose ``TemplateURL`` is the S3 copy."""
    metadata = body.get("Metadata")
    asset = metadata.get("aws:asset:path") if isinstance(metadata, dict) else None
    return asset if isinstance(asset, str) and asset.endswith(".json") else None


def _local_path(parent: str, url: Any) -> str | None:
    """The file a ``TemplateURL`` names on disk, None when it is remote or not known."""
    if not isinstance(url, str) or _REMOTE.match(url):
        return None
    try:
        return os.path.realpath(os.path.join(os.path.dirname(parent), url))
    except (OSError, ValueError):  # an impossible path (NUL byte, too long): unreadable
        return None


def _written_url(properties: Any) -> str:
    """A nested stack's ``TemplateURL`` as written in its template."""
    url = properties.get("TemplateURL") if isinstance(properties, dict) else None
    return url if isinstance(url, str) else "an expression"


def _evaluate_resources(stack: Stack, evaluation: Evaluation) -> None:
    """The resources of one stack that exist (their condition is not false), with values."""
    doc = stack.doc
    if not isinstance(doc.data.get("Resources"), dict):
        evaluation.notes.append(Note(doc.file, "template has no Resources mapping"))
    expansion = stack.expanded("Resources")
    unseen = []
    for logical_id, body in expansion.entries.items():
        base = expansion.origins[logical_id]
        if module_path(body) is not None:  # a Rain module: its own stack, or unread
            if logical_id not in stack.modules:
                evaluation.opaque_inputs |= stack.named_in(body, _shallow(
                    lambda: stack.resolve(body.get("Properties")), None))
            continue
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            unseen.append((str(logical_id), base))
            continue
        condition = stack.resource_condition(logical_id)
        if condition is False:
            continue
        kind = body["Type"]
        trace: dict = {}
        properties = _with_sam_globals(doc.data, kind, body.get("Properties", {}))
        values = _shallow(lambda: stack.resolve(properties, trace),
                          Unknown("nested too deeply to evaluate"))
        if kind.startswith(_OPAQUE_TYPES) and logical_id not in stack.children:
            evaluation.opaque_inputs |= stack.named_in(body, values)
        if isinstance(values, Unknown):
            unseen.append((str(logical_id), base))  # which properties it has is not known
            continue
        resource = Resource("cloudformation", kind, stack.prefix + logical_id, stack.scope,
                            doc.file, values if isinstance(values, dict) else {},
                            region=stack.pseudo.get("AWS::Region"))
        resource.spans[()] = doc.spans.get(base, Span(doc.file, 1))
        properties = base + ("Properties",)
        inherited = _sam_globals_path(doc.data, kind)
        for path, origin in trace.items():
            span = doc.spans.get(properties + origin)
            if span is None and inherited is not None:  # written in the Globals section
                span = doc.spans.get(inherited + origin)
            if span is not None:
                resource.spans[path] = span
        resource.suppressions = _suppressions(doc, body.get("Metadata"), base + ("Metadata",))
        resource.label = _construct_path(body.get("Metadata"))
        resource.exists_if = _existence(stack, logical_id)
        evaluation.resources.append(resource)
    for loop, why, where in expansion.unexpanded:
        _hand(evaluation, stack, _written_at(doc.data, where))
        evaluation.notes.append(Note(doc.file, f"Fn::ForEach::{loop} is not expanded ({why}): "
                                     "pairings of the resources it names are not judged",
                                     _line(doc, where)))
    if unseen:
        for _, where in unseen:
            _hand(evaluation, stack, _written_at(doc.data, where))
        names = ", ".join(name for name, _ in unseen[:3]) + (" ..." if len(unseen) > 3 else "")
        evaluation.notes.append(Note(doc.file, f"{len(unseen)} resource entries are not "
                                     f"evaluated ({names}: malformed, or properties vpclint "
                                     "cannot evaluate); pairings of the resources they name "
                                     "are not judged", _line(doc, unseen[0][1])))


def _hand(evaluation: Evaluation, stack: Stack, written: Any) -> None:
    """Record what an entry vpclint cannot read names as handed to the unseen; when it is too
    deep to tell, its stack's scope may be linked to anywhere."""
    named = _shallow(lambda: stack.named_in(written), None)
    if named is None:
        evaluation.opaque.add(stack.scope)
    else:
        evaluation.opaque_inputs |= named


def _written_at(data: Any, path: tuple) -> Any:
    """The part of a template at ``path``, as written (None where the path leads nowhere)."""
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def _existence(stack: Stack, logical_id: str, what: str = "") -> str | None:
    """What decides whether resource ``logical_id`` (or the nested stack or module it is)
    exists, when that is UNKNOWN: its ``Condition``, after what decides its stack's."""
    if stack.resource_condition(logical_id) is True:
        return stack.exists_if
    condition = stack.resources[logical_id].get("Condition")
    own = f"Condition {condition}{what}" if isinstance(condition, str) else \
        f"its Condition{what} is not known"
    return f"{stack.exists_if}; {own}" if stack.exists_if else own


def _construct_path(metadata) -> str | None:
    """The CDK construct path (``MyStack/Vpc/S3Endpoint/Resource``) of a synthesized resource:
    what a CDK user knows it by, rather than its generated logical ID."""
    path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
    return path if isinstance(path, str) else None


def _shallow(compute, fallback):
    """``compute()``, or ``fallback`` for a template nested too deeply to evaluate (past
    Python's recursion limit): the loader reads somewhat deeper than functions evaluate."""
    try:
        return compute()
    except RecursionError:
        return fallback


def _line(doc: CfnDocument, path: tuple) -> int:
    span = doc.spans.get(path)
    return span.line if span else 1


def _suppressions(doc: CfnDocument, metadata: Any, path: tuple) -> list[Suppression]:
    """``Metadata: {vpclint: {ignore: [{id: VPC303, reason: ...}, "VPC101"]}}``."""
    if not isinstance(metadata, dict) or not isinstance(metadata.get("vpclint"), dict):
        return []
    entries = metadata["vpclint"].get("ignore", [])
    if not isinstance(entries, list):
        entries = [entries]
    found = []
    for index, entry in enumerate(entries):
        span = doc.spans.get(path + ("vpclint", "ignore", index), Span(doc.file, _line(doc, path)))
        if isinstance(entry, str):
            found.append(Suppression(entry, "", span))
        elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
            found.append(Suppression(entry["id"], str(entry.get("reason", "")), span))
    return found
