"""One evaluation of a CloudFormation template: what its ``Ref``s, conditions and outputs are worth.

A ``Stack`` is a template of the scan evaluated on its own, or one instance of a nested stack
(the same child template under two parents, or twice under one, is two ``Stack``s with their
own parameters). It is the ``Context`` the intrinsic functions read: parameters, pseudo
parameters, conditions, mappings, resources, the outputs of its nested stacks, and the scan's
exports. Conditions, parameters and outputs are computed on first use and kept; a cycle among
them (invalid in CloudFormation) is UNKNOWN rather than a loop.

Addresses: a nested instance's resources live in the scope of the top-level template (as
CloudFormation shows nested stacks as part of the root stack) with addresses prefixed by the
path of stack resources that lead to them (``NetworkStack/Vpc``), so two instances of one child
never collide and a ``Ref`` passed down from a parent still names the parent's resource. A Rain
module's resources (``cfn_rain``) are named as ``rain pkg`` names them in the packaged template,
the module's logical ID then their own (``NetworkVPC``), which is how the includer refers to
them. Sections are read as the ``AWS::LanguageExtensions`` transform leaves them: with their
``Fn::ForEach`` loops expanded (``cfn_foreach``).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from vpclint.evaluate.cfn_foreach import Collections, Expansion, expand_section, has_loops
from vpclint.evaluate.cfn_intrinsics import NO_VALUE, Trace, condition_value, resolve
from vpclint.evaluate.cfn_parameters import parameter_values
from vpclint.loaders.cfn import CfnDocument
from vpclint.values import Ref, Unknown

NESTED_STACK = "AWS::CloudFormation::Stack"


def section(data: dict, name: str) -> dict:
    """A top-level template section (``Resources``, ``Outputs`` ...), empty when malformed."""
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def merged(base: dict, own: dict) -> dict:
    """``own`` over ``base``, maps merged key by key and other values replaced: how SAM applies
    ``Globals`` and Rain a module's ``Overrides``."""
    result = dict(base)
    for key, value in own.items():
        result[key] = merged(base[key], value) if isinstance(base.get(key), dict) and \
            isinstance(value, dict) else value
    return result


class Stack:
    """A template evaluated with one set of parameter values."""

    def __init__(self, doc: CfnDocument, scope: str, prefix: str, given: Callable[[], Any],
                 pseudo: dict[str, Any], imports: Callable[[str], Any]):
        self.doc = doc
        self.scope = scope
        self.prefix = prefix  # "" for a template of the scan, "Parent/" for a nested instance
        self.mappings = section(doc.data, "Mappings")
        self.children: dict[str, Stack] = {}  # nested stack logical ID -> its instance
        self.modules: dict[str, Stack] = {}  # Rain module logical ID -> its instance
        self.exists_if: str | None = None  # what decides whether it exists, when UNKNOWN
        self._given = given  # the parameter values given: by the user, or by the parent stack
        self._pseudo = pseudo
        self._imports = imports
        self._parameters: dict[str, Any] | None = None
        self._memo: dict[tuple[str, str], Any] = {}  # (kind, name) -> condition / output value
        self._expanded: dict[str, Expansion] = {}  # section -> its Fn::ForEach loops expanded
        self._resources: dict[str, dict] | None = None

    # --- Context ---------------------------------------------------------------------------

    def ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        if name in self._pseudo:
            return self._pseudo[name]
        if name in self.modules:
            return Unknown(f"Ref to Rain module {name}, which is no resource", name)
        if name in self.resources:
            return self._resource_ref(name, None)
        member = self._module_member(name)
        if member is not None:
            return member[0].ref(member[1])
        return self._undeclared_ref(name)

    def getatt(self, name: str, attr: str) -> Any:
        if name in self.modules:
            return self.modules[name].module_output(attr)
        if name not in self.resources:
            member = self._module_member(name)
            if member is not None:
                return member[0].getatt(member[1], attr)
            return self._undeclared_getatt(name, attr)
        if self.resources[name].get("Type") == NESTED_STACK and attr.startswith("Outputs."):
            child = self.children.get(name)
            if child is None:
                return Unknown(f"output of nested stack {name}, whose template vpclint cannot "
                               "read", f"{name}.{attr}")
            return child.output(attr.removeprefix("Outputs."))
        return self._resource_ref(name, attr)

    def condition(self, name: str) -> bool | Unknown:
        spec = self.expanded("Conditions").entries.get(name)
        if spec is None:
            return self._undeclared_condition(name)
        return self._once(("condition", name), lambda: condition_value(spec, self))

    def import_value(self, name: str) -> Any:
        return self._imports(name)

    # --- what the rest of the evaluation asks ----------------------------------------------

    @property
    def pseudo(self) -> dict[str, Any]:
        """The pseudo parameters of the stack's deployment (``AWS::Region`` ...)."""
        return self._pseudo

    def expanded(self, name: str) -> Expansion:
        """Template section ``name`` as the ``AWS::LanguageExtensions`` transform hands it to
        CloudFormation: its ``Fn::ForEach`` loops expanded with this stack's parameters."""
        if name not in self._expanded:
            written = section(self.doc.data, name)
            as_written = Expansion(dict(written), {key: (name, key) for key in written})
            try:
                if has_loops(written):
                    collections = Collections(self.parameters, self._pseudo, self.mappings)
                    as_written = expand_section(name, written, collections)
            except RecursionError:  # nested too deeply: a loop left there is an unseen entry
                pass
            self._expanded[name] = as_written
        return self._expanded[name]

    @property
    def resources(self) -> dict[str, dict]:
        """Logical ID -> body of every resource entry that is a mapping."""
        if self._resources is None:
            self._resources = {key: body for key, body in self.expanded("Resources")
                               .entries.items() if isinstance(body, dict)}
        return self._resources

    @property
    def parameters(self) -> dict[str, Any]:
        """Parameter values; while they are being computed (a cycle through nested stack
        outputs), every parameter is UNKNOWN."""
        if self._parameters is None:
            declared = section(self.doc.data, "Parameters")
            self._parameters = {name: Unknown("cyclic nested stack parameters", name)
                                for name in declared}
            given = self._given()
            if isinstance(given, Unknown):
                self._parameters = {name: given for name in declared}
            else:
                self._parameters = self._parameter_values(declared, given)
        return self._parameters

    def declares(self, name: str) -> bool:
        """Whether ``name`` is a resource of this stack, as its includer names it when the stack
        is a Rain module (so also a resource of a module included here)."""
        return (name in self.resources and name not in self.modules) or \
            self._module_member(name) is not None

    def forget(self) -> None:
        """Drop computed parameters, conditions and outputs, to compute them again once the
        scan's exports are known."""
        self._parameters = None
        self._memo.clear()
        self._expanded.clear()
        self._resources = None

    def resolve(self, value: Any, trace: Trace | None = None) -> Any:
        return resolve(value, self, trace)

    def resource_condition(self, logical_id: str) -> bool | Unknown:
        """Whether the resource exists: its ``Condition``, True when it has none."""
        name = self.resources[logical_id].get("Condition")
        if name is None:
            return True
        return self.condition(name) if isinstance(name, str) else Unknown("bad Condition")

    def output(self, key: str) -> Any:
        """The value of output ``key`` (UNKNOWN when it does not exist)."""
        spec = self.expanded("Outputs").entries.get(key)
        if not isinstance(spec, dict) or "Value" not in spec:
            return Unknown(f"output {key} is declared nowhere in the template", key)

        def value() -> Any:
            exists = self._output_condition(spec)
            if exists is not True:
                return exists if isinstance(exists, Unknown) else Unknown(
                    f"output {key} does not exist: its condition is false", key)
            found = self.resolve(spec["Value"])
            return Unknown(f"output {key} is AWS::NoValue", key) if found is NO_VALUE else found

        return self._once(("output", key), value)

    def module_output(self, attr: str) -> Any:
        """``Fn::GetAtt Module.X`` (or ``Module.Outputs.X``, or ``${Module.X}`` in a ``Fn::Sub``)
        in the template that includes this stack as a Rain module: its output ``X``."""
        key = attr.removeprefix("Outputs.")
        if key not in self.expanded("Outputs").entries:
            return Unknown(f"{attr} is no output of this Rain module", attr)
        return self.output(key)

    def exports(self) -> list[tuple[Any, str]]:
        """(export name, output key) of every output that may be exported."""
        found = []
        for key, spec in self.expanded("Outputs").entries.items():
            export = spec.get("Export") if isinstance(spec, dict) else None
            if isinstance(export, dict) and "Name" in export \
                    and self._output_condition(spec) is not False:
                found.append((self.resolve(export["Name"]), key))
        return found

    def handed_out(self) -> set[tuple[str, str]]:
        """(scope, address) of the resources this stack's outputs name, whatever their
        condition: another stack, or a person, may use them. Written references count as well
        as evaluated ones, since ``!Join [",", [!Ref A, !Ref B]]`` evaluates to UNKNOWN."""
        found: set[tuple[str, str]] = set()
        for key, spec in self.expanded("Outputs").entries.items():
            if isinstance(spec, dict):
                found |= {(self.scope, self.prefix + name) for name in _written(spec.get("Value"))
                          if name in self.resources}
                found |= _references(self.output(key))
        return found

    def named_in(self, written: Any, evaluated: Any = None) -> set[tuple[str, str]]:
        """(scope, address) of the resources of this stack that a part of the template names,
        as ``written`` (``Ref``, ``Fn::GetAtt``, ``Fn::Sub``) or as ``evaluated``: what a nested
        stack, a SAM application, a Rain module or an ``Fn::ForEach`` vpclint cannot read is
        handed."""
        found = {(self.scope, self.prefix + name) for name in _written(written)
                 if self.declares(name)}
        return found | _references(evaluated)

    def nested_parameters(self, logical_id: str) -> Any:
        """The ``Parameters`` this stack passes to its nested stack ``logical_id``."""
        properties = self.resolve(self.resources[logical_id].get("Properties"))
        if isinstance(properties, Unknown):
            return properties
        passed = properties.get("Parameters", {}) if isinstance(properties, dict) else {}
        return passed if isinstance(passed, (dict, Unknown)) else {}

    # --- internals -------------------------------------------------------------------------

    def _parameter_values(self, declared: dict, given: dict) -> dict[str, Any]:
        return parameter_values(declared, given)

    def _undeclared_ref(self, name: str) -> Any:
        return Unknown(f"Ref to {name}, declared nowhere in the template", name)

    def _undeclared_getatt(self, name: str, attr: str) -> Any:
        return Unknown(f"Fn::GetAtt of {name}, declared nowhere in the template",
                       f"{name}.{attr}")

    def _undeclared_condition(self, name: str) -> bool | Unknown:
        return Unknown(f"condition {name} is declared nowhere in the template", name)

    def _module_member(self, name: str) -> tuple[Stack, str] | None:
        """(module, its own name for it) when ``name`` is how a Rain module included here names
        one of its resources in this template: the module's logical ID, then the resource's."""
        for module_name, module in self.modules.items():
            inner = name[len(module_name):]
            if inner and name.startswith(module_name) and module.declares(inner):
                return module, inner
        return None

    def _resource_ref(self, name: str, attr: str | None) -> Ref | Unknown:
        if self.resource_condition(name) is False:
            return Unknown(f"{name} does not exist: its condition is false", name)
        return Ref(self.scope, self.prefix + name, attr)

    def _output_condition(self, spec: dict) -> bool | Unknown:
        name = spec.get("Condition")
        if name is None:
            return True
        return self.condition(name) if isinstance(name, str) else Unknown("bad Condition")

    def _once(self, key: tuple[str, str], compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = Unknown(f"{key[0]} {key[1]} depends on itself", key[1])
            self._memo[key] = compute()
        return self._memo[key]


_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)")


def _written(value: Any) -> Iterator[str]:
    """Names that ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub`` in ``value`` refer to, as written."""
    if isinstance(value, list):
        for item in value:
            yield from _written(item)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                yield arg
            elif key == "Fn::GetAtt" and isinstance(arg, (str, list)) and arg:
                first = arg.split(".", 1)[0] if isinstance(arg, str) else arg[0]
                if isinstance(first, str):
                    yield first
            elif key == "Fn::Sub":
                template = arg[0] if isinstance(arg, list) and arg else arg
                yield from _SUB_NAME.findall(template if isinstance(template, str) else "")
            yield from _written(arg)


def _references(value: Any) -> set[tuple[str, str]]:
    """(scope, address) of every ``Ref`` in an evaluated value."""
    if isinstance(value, Ref):
        return {(value.scope, value.target)}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return set().union(*(_references(item) for item in items))
