"""Terraform evaluation: module directories -> resource instances with values, as Terraform would.

Each root module (a scanned directory no other scanned directory calls) is evaluated as one
tree of module instances: variables from defaults, ``terraform.tfvars``, ``*.auto.tfvars``,
``--var-file`` and ``--var``; locals; ``count``/``for_each`` expanded into instances with their
real addresses (``module.net.aws_subnet.private["a"]``); local module calls with their inputs and
outputs, registry/git modules through ``.terraform/modules/modules.json``. A module directory
that others call is evaluated through each call, never on its own, so a finding in it is the
finding of an instance. What Terraform would only know at apply time is UNKNOWN.

Like Terraform's graph, evaluation is lazy and per value: a module's outputs are evaluated one
at a time, when read, and so are the arguments of a module call. A module that takes one output
of a module which takes another of its own is therefore no cycle, and a cycle is noted only where
Terraform would report one. While evaluating, the module-call arguments each resource property
came through are noted (``tf_origins``), so a finding inside a module can show the caller's line.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable

from msgspec import Struct, field

from vpclint.evaluate.references import free_traversals
from vpclint.evaluate.tf_data import data_source
from vpclint.evaluate.tf_origins import Origins, Written, innermost
from vpclint.files import (DEFAULT_MAX_MB, MB, Boundary, FileProblem, decode_text, is_dir,
                           is_file, read_bytes)
from vpclint.evaluate.tf_expressions import ResourceObject, SomeInstances, evaluate
from vpclint.loaders.hcl import HclFile, IgnoreComment
from vpclint.loaders.json_errors import json_parse_error
from vpclint.loading import load_tfvars_cached
from vpclint.loaders.hcl_ast import Block, Call, Literal, ObjectExpr, Pos, Traversal, TupleExpr
from vpclint.errors import describe_crash
from vpclint.source import Failure, Note, ParseError, Resource, Span, Suppression
from vpclint.values import DEPLOYMENT_REGION, PartialString, Ref, Unknown

_META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle"}
_SKIPPED_BLOCKS = {"lifecycle", "provisioner", "connection", "timeouts"}
_MAX_DEPTH = 12
MAX_INSTANCES = 10_000  # per count / for_each: a typo such as count = 100000000 must not hang

Loader = Callable[[str], list[HclFile]]  # module directory -> its parsed files


class TerraformOptions(Struct):
    var_files: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)  # --var name=value (strings)
    # What may be read on a file's say-so (module sources, terraform.tfvars): None = anything.
    boundary: Boundary | None = None
    max_bytes: int = DEFAULT_MAX_MB * MB


class TerraformResult(Struct):
    resources: list[Resource] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    parse_errors: list[ParseError] = field(default_factory=list)
    opaque: set[str] = field(default_factory=set)  # root modules vpclint failed to evaluate
    # (scope, address) of resources handed to module calls that could not be followed; an
    # address without an instance key stands for every instance
    opaque_inputs: set[tuple[str, str]] = field(default_factory=set)
    exported: set[tuple[str, str]] = field(default_factory=set)  # root outputs' resources
    failures: list[Failure] = field(default_factory=list)  # root modules vpclint failed on


def evaluate_terraform(modules: dict[str, list[HclFile]], load: Loader,
                       options: TerraformOptions | None = None,
                       skip: set[str] | None = None) -> TerraformResult:
    """Evaluate every root module found among ``modules`` (directory -> parsed files),
    except those in ``skip`` (judged from a plan instead)."""
    options = options or TerraformOptions()
    result = TerraformResult()
    roots = _roots(modules)
    for directory, files in modules.items():
        if directory not in roots or directory in (skip or set()):
            continue
        before = len(result.resources)
        try:
            root = _Instance(directory, files, "", None, directory, result, load, options,
                             depth=0)
            root.configure_providers(None, {})
            root.emit()
            outputs = root.outputs()
            result.exported.update(_refs_in(outputs))
            result.exported.update(_computed_in(outputs, result.resources[before:], directory))
        except RecursionError:
            del result.resources[before:]
            result.notes.append(Note(directory, "module too deeply nested to evaluate; its "
                                     "resources are not checked"))
            result.opaque.add(directory)
        except Exception as error:  # noqa: BLE001 - a bug here must not stop other modules
            del result.resources[before:]  # half a module would make false pairings
            result.opaque.add(directory)
            first = files[0].path if files else directory
            result.failures.append(Failure(first, "vpclint failed to evaluate the Terraform "
                                           f"module {os.path.basename(directory)} "
                                           f"({describe_crash(error)})"))
    return result


def _roots(modules: dict[str, list[HclFile]]) -> set[str]:
    """The module directories to evaluate as roots: those no other scanned module calls. In a
    ring of modules calling each other (invalid, but it must not hide them all), the first of
    the ring that no module outside it calls stands for the ring."""
    children = {directory: _local_children(directory, files) - {directory}
                for directory, files in modules.items()}
    reach: dict[str, set[str]] = {}

    def reachable(start: str) -> set[str]:
        if start not in reach:
            seen, todo = set(), [start]
            while todo:
                for child in children.get(todo.pop(), ()):
                    if child not in seen:
                        seen.add(child)
                        todo.append(child)
            reach[start] = seen
        return reach[start]

    roots = set()
    for directory in sorted(modules):
        callers = {d for d in modules if directory in children[d]}
        if not callers:
            roots.add(directory)
        elif directory in reachable(directory):  # on a ring
            ring = {d for d in reachable(directory) if directory in reachable(d)}
            outside = {d for d in modules if d not in ring and children[d] & ring}
            if not outside and directory == min(ring):
                roots.add(directory)
    return roots


def _local_children(directory: str, files: list[HclFile]) -> set[str]:
    children = set()
    for hcl_file in files:
        for block in hcl_file.blocks:
            source = block.attributes.get("source") if block.type == "module" else None
            if source is not None and isinstance(source.expr, Literal) and \
                    str(source.expr.value).startswith(("./", "../")):
                children.add(os.path.normpath(os.path.join(directory, source.expr.value)))
    return children


class _Instance:
    """One module instance: its variables, locals, resources, module calls and outputs."""

    def __init__(self, directory: str, files: list[HclFile], prefix: str, inputs: dict | None,
                 scope: str, result: TerraformResult, load: Loader, options: TerraformOptions,
                 depth: int, root_dir: str | None = None, module_key: str = "",
                 ancestors: tuple[str, ...] = (), origins: Origins | None = None):
        # inputs: a child module's arguments as its caller wrote them (None for a root module)
        self.directory, self.files, self.prefix, self.inputs = directory, files, prefix, inputs
        self.origins = origins or Origins()
        self.ancestors = ancestors  # directories of the module instances that lead here
        self.scope, self.result, self.load, self.options, self.depth = (scope, result, load,
                                                                         options, depth)
        self.root_dir = root_dir or directory
        self.module_key = module_key
        self.blocks: dict[str, dict[str, tuple[Block, HclFile]]] = {}
        for hcl_file in files:
            for block in hcl_file.blocks:
                name = ".".join(block.labels) if block.type != "locals" else None
                if block.type == "locals":
                    for attr_name, attribute in block.attributes.items():
                        self.blocks.setdefault("local", {})[attr_name] = (attribute, hcl_file)
                elif name:
                    self.blocks.setdefault(block.type, {})[name] = (block, hcl_file)
        self._cache: dict[tuple, tuple[Any, frozenset]] = {}  # value, origins it came through
        self._busy: set[tuple] = set()
        self._property_origins: dict[str, dict[tuple, set]] = {}  # resource instance -> notes
        self._tfvars: dict[str, Any] | None = None
        self.providers: dict[str, Any] = {}  # "aws" / "aws.alias" -> region (str or Unknown)
        self.exists_if: str | None = None  # what decides whether it exists, when UNKNOWN

    def configure_providers(self, inherited: dict[str, Any] | None, mapping: dict[str, str]) -> None:
        """Regions of the AWS provider configurations this instance sees.

        The root module reads its ``provider "aws"`` blocks; a called module inherits its
        caller's default provider, remapped by the module block's ``providers`` argument.
        """
        if inherited is None:
            for hcl_file in self.files:
                for block in hcl_file.blocks:
                    if block.type == "provider" and block.labels[:1] == ("aws",):
                        scope = self.scope_with({})
                        alias = block.attributes.get("alias")
                        key = "aws" if alias is None else f"aws.{evaluate(alias.expr, scope)}"
                        region = block.attributes.get("region")
                        self.providers[key] = (evaluate(region.expr, scope) if region else
                                               Unknown("provider region not set", key))
            self.providers.setdefault("aws", Unknown("no aws provider block", "provider"))
            return
        self.providers = dict(inherited)
        for inner, outer in mapping.items():
            self.providers[inner] = inherited.get(outer, Unknown("provider not known", outer))

    def region_of(self, block: Block) -> Any:
        provider = block.attributes.get("provider")
        key = "aws"
        if provider is not None and isinstance(provider.expr, Traversal):
            key = _render(provider.expr.root, provider.expr.steps)
        return self.providers.get(key, Unknown("provider configuration not known", key))

    def data_value(self, address: str) -> Any:
        block, _ = self.blocks["data"][address]
        kind = block.labels[0]
        expansion = self.expansion(block, {})
        provider = self.region_of(block)
        provider = provider if isinstance(provider, str) else DEPLOYMENT_REGION

        def one(names: dict) -> Any:
            args = _BodyEvaluator(self, names).body(block, ())
            return data_source(kind, args, _own_region(args, provider),
                               f"{self.scope}:{self.prefix}data.{address}")

        if expansion is None:
            return one({})
        if isinstance(expansion, Unknown):
            return SomeInstances(one(_some_names(block)))
        values = {key: one(names) for key, names in expansion}
        return list(values.values()) if "count" in block.attributes else values

    # --- names ----------------------------------------------------------------------------

    def lookup(self, root: str, steps: tuple, expr: Traversal, names: dict | None = None):
        if names and root in names:
            self._trace(names[root], steps, names)
            return names[root], steps
        name = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var" and name:
            # what the caller's argument came through is traced by the read, not the memo: a
            # read of one entry of an object argument came through that entry only
            value = self._memo(("var", name), lambda: self.variable(name), propagate=False)
            self._trace_variable(name, value, steps[1:], names)
            return value, steps[1:]
        if root == "local" and name:
            value = self._memo(("local", name), lambda: self.local(name))
            self._trace(value, steps[1:], names)
            return value, steps[1:]
        if root == "module" and name and name in self.blocks.get("module", {}):
            return self.module_reference(name, steps[1:], names)
        if root == "data" and name and len(steps) > 1 and steps[1][0] == "attr":
            address = f"{name}.{steps[1][1]}"
            if address in self.blocks.get("data", {}):
                return self._memo(("data", address), lambda: self.data_value(address)), steps[2:]
            return Unknown("undeclared data source", f"data.{address}"), ()
        if root == "path" and name:
            return {"module": self.directory, "root": self.root_dir, "cwd": os.getcwd()}.get(
                name, Unknown("path attribute", name)), steps[1:]
        if root == "terraform" and name == "workspace":
            return "default", steps[1:]
        if root in ("count", "each", "self"):
            return Unknown(f"{root} outside a counted block", root), steps[1:]
        if name and f"{root}.{name}" in self.blocks.get("resource", {}):
            address = f"{root}.{name}"
            # a resource is read for its identity: its own arguments' origins stay its own
            return self._memo(("resource", address), lambda: self.resource_value(address),
                              propagate=False), steps[1:]
        return Unknown("reference to something not declared in this module",
                       _render(root, steps)), ()

    def _memo(self, key: tuple, compute: Callable[[], Any], propagate: bool = True) -> Any:
        """``compute()`` once per key (a Terraform graph node: a variable, a local, one output,
        a resource ...); a key needed while it is being computed is a cycle. With
        ``propagate``, the module-call arguments the value came through are noted for the
        reader too."""
        if key in self._cache:
            value, origins = self._cache[key]
            if propagate:
                self.origins.add(origins)
            return value
        if key in self._busy:
            if not self.origins.quiet:
                file, line = self._where(key)
                self.result.notes.append(Note(file, f"cyclic reference: {'.'.join(key)} "
                                              "depends on itself; its value is UNKNOWN", line))
            return Unknown("cyclic reference", ".".join(key))
        self._busy.add(key)
        self.origins.push()
        try:
            value = compute()
        finally:
            self._busy.discard(key)
            origins = self.origins.pop()
        self._cache[key] = (value, origins)
        if propagate:
            self.origins.add(origins)
        return value

    def _trace(self, value: Any, steps: tuple, names: dict | None) -> None:
        """Note the module-call argument a read of ``value`` followed by ``steps`` reaches, if
        it reaches a value written in one (only a dict or a list can be one)."""
        if type(value) in (dict, list):
            self.origins.add(self.origins.reached(value, steps, self._key_of(names)))

    def _trace_variable(self, name: str, value: Any, steps: tuple, names: dict | None) -> None:
        """Note the caller's argument (or the entry of it) that a read of ``var.<name>``
        followed by ``steps`` reaches."""
        written = self.inputs.get(name) if self.inputs else None
        if written is not None and ("var", name) not in self._busy:
            self.origins.add(self.origins.reached(value, steps, self._key_of(names), written))

    def _key_of(self, names: dict | None) -> Callable[[tuple], Any]:
        def key(step: tuple) -> Any:
            if step[0] == "attr":
                return step[1]
            if step[0] == "index":
                value = evaluate(step[1], self.scope_with(names or {}))
                return value if isinstance(value, (str, int, float)) else None
            return None
        return key

    def _where(self, key: tuple) -> tuple[str, int]:
        """File and line of the declaration a memo key stands for, for notes."""
        kind = {"var": "variable", "module-instances": "module"}.get(key[0], key[0])
        found = self.blocks.get(kind, {}).get(key[1]) if len(key) > 1 else None
        if found is None:
            return self.directory, 1
        node, hcl_file = found
        return hcl_file.path, node.pos.line

    def scope_with(self, names: dict) -> "_Names":
        return _Names(self, names)

    # --- variables and locals -------------------------------------------------------------

    def variable(self, name: str) -> Any:
        declared = self.blocks.get("variable", {}).get(name)
        if declared is None:
            return Unknown("undeclared variable", f"var.{name}")
        block = declared[0]
        default = (evaluate(block.attributes["default"].expr, self.scope_with({}))
                   if "default" in block.attributes else Unknown("variable without a value",
                                                                 f"var.{name}"))
        nullable = True
        if "nullable" in block.attributes:
            nullable = evaluate(block.attributes["nullable"].expr, self.scope_with({})) is not False
        if self.inputs is not None:  # a child module: the caller's argument, else the default
            written = self.inputs.get(name)
            value = self._argument(written) if written is not None else default
        else:
            value = self.root_variable(name, default)
        if value is None and not nullable:
            value = default
        type_attr = block.attributes.get("type")
        if type_attr is None:
            return value
        conformed = conform(value, type_attr.expr, self.scope_with({}))
        self.origins.rebirth(value, conformed)
        return conformed

    def _argument(self, written: Written) -> Any:
        """A module-call argument's value, evaluated in the caller the first time the module
        reads it, with what was written literally in it registered for tracing."""
        value = evaluate(written.expr, written.scope)
        self.origins.register(value, written)
        return value

    def root_variable(self, name: str, default: Any) -> Any:
        if name in self.options.variables:
            return _parse_cli_value(self.options.variables[name])
        values = self.tfvars()
        return values.get(name, default)

    def tfvars(self) -> dict[str, Any]:
        if self._tfvars is not None:
            return self._tfvars
        values: dict[str, Any] = {}
        directory = Path(self.directory)
        found = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
        found += sorted(directory.glob("*.auto.tfvars")) + sorted(directory.glob("*.auto.tfvars.json"))
        for path in found:  # found beside the configuration: read only inside the boundary
            if os.path.lexists(path):
                text = self._read(str(path))
                if text is not None:
                    values.update(self._read_tfvars(path, text))
        for name in self.options.var_files:  # given by the user: read wherever they are
            data = read_bytes(name, self.options.max_bytes)
            if isinstance(data, FileProblem):
                self.result.parse_errors.append(ParseError(name, data.message, unread=True))
                continue
            try:
                values.update(self._read_tfvars(Path(name), decode_text(data)))
            except UnicodeDecodeError:
                self.result.parse_errors.append(ParseError(name, "file is not valid UTF-8"))
        self._tfvars = values
        return values

    def _read_tfvars(self, path: Path, text: str) -> dict[str, Any]:
        if path.suffix == ".json":
            try:
                data = json.loads(text)
                return data if isinstance(data, dict) else {}
            except json.JSONDecodeError as error:
                self.result.parse_errors.append(json_parse_error(str(path), error))
                return {}
        parsed = load_tfvars_cached(str(path), text)
        if isinstance(parsed, ParseError):
            self.result.parse_errors.append(parsed)
            return {}
        empty = self.scope_with({"var": {}, "local": {}})
        return {name: evaluate(expr, empty) for name, expr in parsed.items()}

    def local(self, name: str) -> Any:
        found = self.blocks.get("local", {}).get(name)
        if found is None:
            return Unknown("undeclared local value", f"local.{name}")
        return evaluate(found[0].expr, self.scope_with({}))

    # --- resources ------------------------------------------------------------------------

    def expansion(self, block: Block, names: dict) -> Any:
        """``None`` (a single instance), a list of keys, or Unknown (some number)."""
        scope = self.scope_with(names)
        if "count" in block.attributes:
            count = evaluate(block.attributes["count"].expr, scope)
            if isinstance(count, bool) or not isinstance(count, (int, float)) or count != count:
                return Unknown("count not known", "count")
            if count > MAX_INSTANCES:
                return self._too_many(block, "count", count)
            if count < 1:  # none, as a negative count makes none here (-1e999 too)
                return []
            return [(int(i), {"count": {"index": int(i)}}) for i in range(int(count))]
        if "for_each" in block.attributes:
            collection = evaluate(block.attributes["for_each"].expr, scope)
            if isinstance(collection, (dict, list)) and len(collection) > MAX_INSTANCES:
                return self._too_many(block, "for_each", len(collection))
            if isinstance(collection, dict):
                if any(isinstance(v, Unknown) for v in collection) or not all(
                        isinstance(k, str) for k in collection):
                    return Unknown("for_each keys not known", "for_each")
                return [(k, {"each": {"key": k, "value": v}}) for k, v in collection.items()]
            if isinstance(collection, list):
                if any(not isinstance(v, str) for v in collection):
                    return Unknown("for_each set with unknown members", "for_each")
                return [(v, {"each": {"key": v, "value": v}}) for v in dict.fromkeys(collection)]
            return Unknown("for_each not known", "for_each")
        return None

    def _too_many(self, block: Block, argument: str, number: float) -> Unknown:
        """Past ``MAX_INSTANCES``: the instances are not expanded but taken as some number."""
        self.result.notes.append(Note(self._file_of(block), f"{argument} makes {number:g} "
                                      f"instances, past the {MAX_INSTANCES:,} that vpclint "
                                      "expands: they are judged as an unknown number of "
                                      "instances", block.pos.line))
        return Unknown(f"{argument} past {MAX_INSTANCES:,} instances", argument)

    def resource_value(self, address: str) -> Any:
        block, _ = self.blocks["resource"][address]
        expansion = self.expansion(block, {})
        full = self.prefix + address
        if expansion is None:
            return self._resource_object(block, full, {})
        if isinstance(expansion, Unknown):
            return SomeInstances(self._resource_object(block, full + "[*]", _some_names(block)))
        objects = {key: self._resource_object(block, f"{full}[{_key(key)}]", names)
                   for key, names in expansion}
        return list(objects.values()) if "count" in block.attributes else objects

    def _resource_object(self, block: Block, address: str, names: dict) -> ResourceObject:
        recorded: dict[tuple, set] = {}
        values = _BodyEvaluator(self, names, recorded).body(block, ())
        self._property_origins[address] = recorded
        return ResourceObject(Ref(self.scope, address), values)

    # --- module calls ---------------------------------------------------------------------

    def module_reference(self, name: str, steps: tuple, names: dict | None) -> tuple[Any, tuple]:
        """``module.<name>`` followed by ``steps``. When the steps name one output of one
        instance (``module.tgw.id``, ``module.spoke["a"].attachment_id``) only that output is
        evaluated, as Terraform depends on that output alone; any other use (``module.x``,
        ``module.x[*].id``) takes every output of every instance."""
        block, _ = self.blocks["module"][name]
        instances = self.module_instances(name, block)
        child = None
        if isinstance(instances, _Instance):
            child, rest = instances, steps
        elif isinstance(instances, (SomeInstances, dict)) and steps and steps[0][0] == "index":
            child, rest = self._module_instance(instances, steps[0][1], names), steps[1:]
        if child is not None and rest and rest[0][0] == "attr":
            value = child.output(rest[0][1])
            self._trace(value, rest[1:], names)
            return value, rest[1:]
        return self._memo(("module", name), lambda: self.module_value(name)), steps

    def _module_instance(self, instances: Any, key_expr: Any, names: dict | None) -> Any:
        """The instance ``module.<name>[key]`` names, None when the key does not name one."""
        if isinstance(instances, SomeInstances):
            return instances.instance  # any index gives the representative instance
        key = evaluate(key_expr, self.scope_with(names or {}))
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        return instances.get(key) if isinstance(key, (str, int)) and not isinstance(
            key, bool) else None

    def module_value(self, name: str) -> Any:
        block, _ = self.blocks["module"][name]
        instances = self.module_instances(name, block)
        if instances is None:
            return Unknown("module outputs not known (module source not available)",
                           f"module.{name}")
        if isinstance(instances, Unknown):
            return instances
        if isinstance(instances, SomeInstances):
            return SomeInstances(instances.instance.outputs())
        if isinstance(instances, _Instance):
            return instances.outputs()
        values = {key: child.outputs() for key, child in instances.items()}
        return list(values.values()) if "count" in block.attributes else values

    def module_instances(self, name: str, block: Block) -> Any:
        return self._memo(("module-instances", name), lambda: self._make_modules(name, block),
                          propagate=False)

    def _make_modules(self, name: str, block: Block) -> Any:
        directory = self.module_directory(name, block)
        if directory is not None and directory in (*self.ancestors, self.directory):
            # Terraform refuses a module that calls itself; it creates nothing here, and the
            # module is judged through its other callers (or as a root).
            self.result.notes.append(Note(self._file_of(block), f"module \"{name}\" calls "
                                          "its own module (directly or through others), which "
                                          "Terraform rejects: the call is not followed",
                                          block.pos.line))
            return None
        if directory is None or self.depth >= _MAX_DEPTH:
            return None  # its inputs are recorded as handed to the unseen by ``emit``
        files = self.load(directory)
        expansion = self.expansion(block, {})
        base = f"{self.prefix}module.{name}"
        key = f"{self.module_key}.{name}" if self.module_key else name
        file = self._file_of(block)

        def make(address: str, names: dict) -> _Instance:
            scope = self.scope_with(names)
            inputs = {arg: Written(attribute.expr, _span(file, attribute.pos), scope, address)
                      for arg, attribute in block.attributes.items()
                      if arg not in _META_ARGUMENTS and arg not in ("source", "version")}
            child = _Instance(directory, files, address + ".", inputs, self.scope, self.result,
                              self.load, self.options, self.depth + 1, self.root_dir, key,
                              (*self.ancestors, self.directory), self.origins)
            child.configure_providers(self.providers, _provider_mapping(block))
            child.exists_if = self.exists_if
            return child

        if expansion is None:
            return make(base, {})
        if isinstance(expansion, Unknown):
            some = make(base + "[*]", _some_names(block))
            some.exists_if = _existence(self.exists_if, block, base)
            return SomeInstances(some)
        return {k: make(f"{base}[{_key(k)}]", names) for k, names in expansion}

    def handed_to(self, block: Block) -> set[tuple[str, str]]:
        """(scope, address) of the resources a module call vpclint cannot read is handed: those
        its arguments name as written (through locals too), and those their values hold
        (through variables and module outputs). It can give partners to these, not to others."""
        names = _some_names(block) if {"count", "for_each"} & set(block.attributes) else {}
        handed: set[tuple[str, str]] = set()
        for argument, attribute in block.attributes.items():
            if argument not in ("source", "version", "providers", "depends_on", "count"):
                handed |= _refs_in(evaluate(attribute.expr, self.scope_with(names)))
                handed |= {(self.scope, self.prefix + address)
                           for address in self._written_resources(attribute.expr, set())}
        return handed

    def provisioned(self, block: Block) -> set[tuple[str, str]]:
        """(scope, address) of the resources a resource's provisioners name, in their command
        text or connection, as written and as evaluated: the commands they run may act on them
        (``aws elbv2 register-targets --target-group-arn ${aws_lb_target_group.x.arn}``).
        vpclint does not run provisioners, so it evaluates nothing else of them."""
        handed: set[tuple[str, str]] = set()
        pending = [nested for nested in block.blocks if nested.type == "provisioner"]
        while pending:
            nested = pending.pop()
            pending.extend(nested.blocks)
            for attribute in nested.attributes.values():
                handed |= _refs_in(evaluate(attribute.expr, self.scope_with({})))
                handed |= {(self.scope, self.prefix + address)
                           for address in self._written_resources(attribute.expr, set())}
        return handed

    def _written_resources(self, expr: Any, seen: set[str]) -> set[str]:
        """Addresses (without instance keys) of the resources of this module that ``expr``
        names, directly or through the locals it names."""
        found = set()
        for traversal in free_traversals(expr):
            steps = traversal.steps
            name = steps[0][1] if steps and steps[0][0] == "attr" else None
            local = self.blocks.get("local", {}).get(name) if traversal.root == "local" else None
            if local is not None and name not in seen:
                seen.add(name)
                found |= self._written_resources(local[0].expr, seen)
            elif f"{traversal.root}.{name}" in self.blocks.get("resource", {}):
                found.add(f"{traversal.root}.{name}")
        return found

    def module_directory(self, name: str, block: Block) -> str | None:
        source_attr = block.attributes.get("source")
        source = source_attr.expr.value if source_attr and isinstance(source_attr.expr,
                                                                       Literal) else None
        if not isinstance(source, str):
            return None
        if source.startswith(("./", "../")):
            path = os.path.normpath(os.path.join(self.directory, source))
            return self._readable_module(name, block, source, path)
        manifest = Path(self.root_dir) / ".terraform" / "modules" / "modules.json"
        key = f"{self.module_key}.{name}" if self.module_key else name
        if is_file(str(manifest)):
            data = self._read(str(manifest))
            try:
                for entry in json.loads(data).get("Modules", []) if data is not None else ():
                    if entry.get("Key") == key:
                        path = os.path.normpath(os.path.join(self.root_dir, entry["Dir"]))
                        return self._readable_module(name, block, source, path)
            except (ValueError, KeyError, AttributeError, TypeError):
                return None
        self.result.notes.append(Note(self._file_of(block), f"module \"{name}\" comes from "
                                      f"{source}: run `terraform init` so vpclint can read it; "
                                      "its outputs are UNKNOWN meanwhile", block.pos.line))
        return None

    def _readable_module(self, name: str, block: Block, source: str, path: str) -> str | None:
        """``path`` if the module there may be read (it exists, inside the boundary)."""
        if not is_dir(path):
            return None
        boundary = self.options.boundary
        if boundary is not None and not boundary.contains(path):
            self.result.notes.append(Note(self._file_of(block), f"module \"{name}\" comes from "
                                          f"{source}, outside the scanned paths: not read (scan "
                                          "a directory that holds both, or add --allow-read "
                                          "DIR); its outputs are UNKNOWN", block.pos.line))
            return None
        return path

    def _read(self, path: str) -> str | None:
        """The text of a file read on a configuration's say-so, None if it may not be read."""
        boundary = self.options.boundary
        problem = boundary.check(path) if boundary is not None else None
        data = problem or read_bytes(path, self.options.max_bytes)
        if isinstance(data, FileProblem):
            self.result.parse_errors.append(ParseError(path, data.message, unread=True))
            return None
        try:
            return decode_text(data)
        except UnicodeDecodeError:
            self.result.parse_errors.append(ParseError(path, "file is not valid UTF-8"))
            return None

    def _file_of(self, block: Block) -> str:
        for hcl_file in self.files:
            if block in hcl_file.blocks:
                return hcl_file.path
        return self.directory

    def outputs(self) -> dict[str, Any]:
        """Every output, as ``module.<name>`` reads them."""
        return {name: self.output(name) for name, (block, _) in
                self.blocks.get("output", {}).items() if "value" in block.attributes}

    def output(self, name: str) -> Any:
        """One output, evaluated on its own the first time it is read."""
        declared = self.blocks.get("output", {}).get(name)
        if declared is None or "value" not in declared[0].attributes:
            return Unknown(f"error: no key {name!r}", name)  # as indexing the outputs would
        expr = declared[0].attributes["value"].expr
        return self._memo(("output", name), lambda: evaluate(expr, self.scope_with({})))

    # --- emitting resources ---------------------------------------------------------------

    def emit(self) -> None:
        """Add every resource instance of this module instance and its children to the result."""
        for hcl_file in self.files:
            file_resources = []
            for block in hcl_file.blocks:
                if block.type != "resource" or len(block.labels) != 2:
                    continue
                if self._duplicate(block):
                    continue
                for resource in self._instances_of(block, hcl_file):
                    file_resources.append((block, resource))
                self.result.opaque_inputs |= self.provisioned(block)
            self.result.resources.extend(resource for _, resource in file_resources)
            notes = _attach_ignores(hcl_file, file_resources)
            if self.depth == 0:  # a called module's comments are judged with its caller's
                self.result.notes.extend(notes)
        for name, (block, _) in self.blocks.get("module", {}).items():
            instances = self.module_instances(name, block)
            if instances is None:  # not followed: only what it is handed may get partners there
                self.result.opaque_inputs |= self.handed_to(block)
            elif isinstance(instances, _Instance):
                instances.emit()
            elif isinstance(instances, SomeInstances):
                instances.instance.emit()
            elif isinstance(instances, dict):
                for child in instances.values():
                    child.emit()

    def _duplicate(self, block: Block) -> bool:
        """A second block of one address (Terraform rejects the module): the address's
        instances come from the block it is indexed by, the last one, so this one emits none
        and says so, rather than emitting that block's instances a second time."""
        kept, _ = self.blocks["resource"][".".join(block.labels)]
        if kept is block:
            return False
        self.result.notes.append(Note(
            self._file_of(block), f"resource {'.'.join(block.labels)} is declared more than "
            f"once (Terraform rejects this); vpclint judges the last block, at line "
            f"{kept.pos.line} of {Path(self._file_of(kept)).name}", block.pos.line))
        return True

    def _instances_of(self, block: Block, hcl_file: HclFile) -> list[Resource]:
        value = self.lookup(block.labels[0], (("attr", block.labels[1]),), None)[0]
        objects = value.instance if isinstance(value, SomeInstances) else value
        exists_if = _existence(self.exists_if, block, self.prefix + ".".join(block.labels)) \
            if isinstance(value, SomeInstances) else self.exists_if
        if isinstance(objects, ResourceObject):
            objects = [objects]
        elif isinstance(objects, dict):
            objects = list(objects.values())
        resources = []
        for obj in objects if isinstance(objects, list) else []:
            resource = Resource("terraform", block.labels[0], obj.ref.target, self.scope,
                                hcl_file.path, dict(obj),
                                region=_own_region(obj, self.region_of(block)))
            resource.exists_if = exists_if
            resource.spans = _BodyEvaluator.spans_of(block, hcl_file.path)
            resource.origins = {path: innermost(found) for path, found in
                                self._property_origins.get(obj.ref.target, {}).items()}
            resources.append(resource)
        return resources  # empty for count = 0 or an empty for_each: no such resource


def conform(value: Any, type_expr: Any, scope: Any) -> Any:
    """Apply a variable's type constraint the way Terraform does for ``optional()`` attributes:
    an object attribute the caller left out becomes null, or the optional's default."""
    if not isinstance(type_expr, Call) or isinstance(value, Unknown) or value is None:
        return value
    name, args = type_expr.name, type_expr.args
    if name == "optional" and args:
        return conform(value, args[0], scope)
    if name in ("list", "set") and args and isinstance(value, list):
        return [conform(item, args[0], scope) for item in value]
    if name == "map" and args and isinstance(value, dict):
        return {key: conform(item, args[0], scope) for key, item in value.items()}
    if name == "object" and args and isinstance(args[0], ObjectExpr) and isinstance(value, dict):
        result = dict(value)
        for key_expr, attr_type in args[0].items:
            key = key_expr.value if isinstance(key_expr, Literal) else (
                key_expr.root if isinstance(key_expr, Traversal) else None)
            if not isinstance(key, str):
                continue
            if key in result:
                result[key] = conform(result[key], attr_type, scope)
            elif isinstance(attr_type, Call) and attr_type.name == "optional":
                default = evaluate(attr_type.args[1], scope) if len(attr_type.args) > 1 else None
                result[key] = conform(default, attr_type.args[0], scope)
        return result
    return value


def _refs_in(value: Any) -> set[tuple[str, str]]:
    """(scope, address) of every resource a value holds a reference to.

    Values share their parts (a resource object holds the objects it references, which hold
    theirs): each part is visited once, or a module's outputs would be walked once per path
    to every part of them."""
    found: set[tuple[str, str]] = set()
    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Ref):
            found.add((item.scope, item.target))
            continue
        if not isinstance(item, (dict, list, PartialString)) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ResourceObject):
            found.add((item.ref.scope, item.ref.target))
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:  # "${aws_lb_target_group.x.arn}" inside a command
            stack.extend(item.parts)
    return found


def _computed_in(value: Any, resources: list[Resource], scope: str) -> set[tuple[str, str]]:
    """(scope, address) of the root module's resources whose attributes known only after apply
    an output hands out (``aws_vpc_endpoint.ssm.dns_entry[0].dns_name`` is UNKNOWN, and its
    text names the resource): as much handed out as a reference."""
    stack, texts = [value], []
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown):
            texts.append(f"{item.reason} {item.expr}")
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    text = " ".join(texts)
    return {(r.scope, r.address) for r in resources if r.scope == scope and text
            and _names(text, r.address)}


_WORD = re.compile(r"\w")


def _names(text: str, address: str) -> bool:
    """Whether ``address`` occurs in ``text`` on its own, not inside a longer name or address:
    what ``(?<![\\w.])<address>(?![\\w-])`` matches, without compiling a pattern per address
    (hundreds per scan, more than the regular expression cache keeps)."""
    start = text.find(address)
    while start >= 0:
        end = start + len(address)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if (before != "." and not _WORD.match(before)) and (after != "-"
                                                          and not _WORD.match(after)):
            return True
        start = text.find(address, start + 1)
    return False


def _own_region(values: dict, provider: Any) -> Any:
    """A resource's or data source's region: its own ``region`` argument (AWS provider 6), else
    its provider's. An unknown ``region`` argument is an unknown region, not the provider's."""
    region = values.get("region")
    return region if isinstance(region, (str, Unknown)) else provider


def _provider_mapping(block: Block) -> dict[str, str]:
    """``providers = { aws = aws.west }`` of a module block, as {"aws": "aws.west"}."""
    providers = block.attributes.get("providers")
    mapping = {}
    if providers is not None and isinstance(providers.expr, ObjectExpr):
        for key, value in providers.expr.items:
            inner = key.value if isinstance(key, Literal) else (
                _render(key.root, key.steps) if isinstance(key, Traversal) else None)
            if isinstance(inner, str) and isinstance(value, Traversal):
                mapping[inner] = _render(value.root, value.steps)
    return mapping


def _existence(outer: str | None, block: Block, address: str) -> str:
    """What decides whether the instances of ``block`` (at ``address``) exist, when its count
    or for_each is UNKNOWN: the names that expression reads, after what decides ``outer``."""
    argument = "count" if "count" in block.attributes else "for_each"
    names = list(dict.fromkeys(_render(t.root, t.steps) for t in
                               free_traversals(block.attributes[argument].expr)
                               if isinstance(t.root, str) and t.root not in ("count", "each")))
    own = (f"{argument} of {address} depends on {', '.join(names[:3])}" if names
           else f"{argument} of {address} is not known")
    return f"{outer}; {own}" if outer else own


def _some_names(block: Block) -> dict:
    if "count" in block.attributes:
        return {"count": {"index": Unknown("count.index of an unknown count", "count.index")}}
    unknown = Unknown("each of an unknown for_each", "each")
    return {"each": {"key": unknown, "value": unknown}}


def _key(key: Any) -> str:
    return str(key) if isinstance(key, int) else json.dumps(key)


def _render(root: str, steps: tuple) -> str:
    return root + "".join(f".{s[1]}" for s in steps if s[0] == "attr")


def _parse_cli_value(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class _Names:
    """A lookup scope: the module instance plus extra names (count, each, for variables)."""

    def __init__(self, instance: _Instance, names: dict):
        self.instance, self.names = instance, names

    def lookup(self, root: str, steps: tuple, expr: Traversal):
        return self.instance.lookup(root, steps, expr, self.names)

    def with_names(self, names: dict) -> "_Names":
        return _Names(self.instance, {**self.names, **names})


class _BodyEvaluator:
    """Evaluates a resource block's arguments and nested blocks, ``dynamic`` blocks included,
    noting in ``recorded`` (property path -> origins) the module-call arguments each came
    through."""

    def __init__(self, instance: _Instance, names: dict, recorded: dict | None = None):
        self.instance, self.names = instance, names
        self.recorded = recorded if recorded is not None else {}

    def body(self, block: Block, path: tuple) -> dict[str, Any]:
        scope = self.instance.scope_with(self.names)
        values: dict[str, Any] = {}
        for name, attribute in block.attributes.items():
            if name not in _META_ARGUMENTS:
                values[name] = self._traced(path + (name,), attribute.expr, scope)
        for nested in block.blocks:
            if nested.type in _SKIPPED_BLOCKS:
                continue
            if nested.type == "dynamic" and nested.labels:
                self._dynamic(nested, values, scope, path)
                continue
            items = values.setdefault(nested.type, [])
            if isinstance(items, list):
                inner = _BodyEvaluator(self.instance, self.names, self.recorded)
                items.append(inner.body(nested, path + (nested.type, len(items))))
        return values

    def _traced(self, path: tuple, expr: Any, scope) -> Any:
        origins = self.instance.origins
        origins.push()
        try:
            value = evaluate(expr, scope)
        finally:
            found = origins.pop()
        if found:
            self.recorded.setdefault(path, set()).update(found)
            origins.add(found)
        return value

    def _dynamic(self, block: Block, values: dict, scope, path: tuple) -> None:
        label = block.labels[0]
        iterator = block.attributes.get("iterator")
        var = iterator.expr.root if iterator and isinstance(iterator.expr, Traversal) else label
        collection = self._traced(path + (label,), block.attributes["for_each"].expr, scope) \
            if "for_each" in block.attributes else Unknown("dynamic block without for_each")
        content = next((b for b in block.blocks if b.type == "content"), None)
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            values[label] = Unknown("dynamic block over an unknown collection", f'dynamic "{label}"')
            return
        items = values.setdefault(label, [])
        if not isinstance(items, list) or content is None:
            return
        for key, item in pairs:
            names = {**self.names, var: {"key": key, "value": item}}
            inner = _BodyEvaluator(self.instance, names, self.recorded)
            items.append(inner.body(content, path + (label, len(items))))

    @staticmethod
    def spans_of(block: Block, file: str) -> dict[tuple, Span]:
        """Property path -> span for a block, the same for every instance of it."""
        spans: dict[tuple, Span] = {(): _span(file, block.pos, header_only=True)}
        _BodyEvaluator._collect(block, (), file, spans)
        return spans

    @staticmethod
    def _collect(block: Block, path: tuple, file: str, spans: dict) -> None:
        for name, attribute in block.attributes.items():
            spans[path + (name,)] = _span(file, attribute.pos)
            if isinstance(attribute.expr, TupleExpr):
                for index, item in enumerate(attribute.expr.items):
                    spans[path + (name, index)] = _span(file, item.pos)
        counters: dict[str, int] = {}
        for nested in block.blocks:
            name = nested.labels[0] if nested.type == "dynamic" and nested.labels else nested.type
            index = counters.get(name, 0)
            counters[name] = index + 1
            spans.setdefault(path + (name,), _span(file, nested.pos, header_only=True))
            spans[path + (name, index)] = _span(file, nested.pos, header_only=True)
            inner = next((b for b in nested.blocks if b.type == "content"), nested) \
                if nested.type == "dynamic" else nested
            _BodyEvaluator._collect(inner, path + (name, index), file, spans)


spans_of_block = _BodyEvaluator.spans_of


def _span(file: str, pos: Pos, header_only: bool = False) -> Span:
    if header_only:  # point at the block's first line, not its whole body
        return Span(file, pos.line, pos.column, pos.line, pos.column)
    return Span(file, pos.line, pos.column, pos.end_line, pos.end_column)


def _attach_ignores(hcl_file: HclFile, resources: list[tuple[Block, Resource]]) -> list[Note]:
    """Give each ignore comment to the block it sits in or directly above."""
    notes = []
    for ignore in hcl_file.ignores:
        owners = _owners(ignore, resources, hcl_file)
        if not owners:
            notes.append(Note(hcl_file.path, "vpclint:ignore is not inside or directly above a "
                              "resource block, so it suppresses nothing", ignore.line))
            continue
        span = Span(hcl_file.path, ignore.line, ignore.column)
        for owner in owners:
            for rule in ignore.rules:
                owner.suppressions.append(Suppression(rule, ignore.reason, span))
    return notes


def _owners(ignore: IgnoreComment, resources, hcl_file: HclFile) -> list[Resource]:
    inside = [r for b, r in resources if b.pos.line <= ignore.line <= b.pos.end_line]
    if inside:
        return inside
    ignore_lines = {i.line for i in hcl_file.ignores}
    line = ignore.line + 1
    while line in ignore_lines:  # several ignore comments stacked above one block
        line += 1
    return [r for b, r in resources if b.pos.line == line]
