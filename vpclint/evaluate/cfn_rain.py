"""Rain modules (``Type: !Rain::Module path``), included as ``rain pkg`` includes them.

``rain pkg`` replaces a resource whose type is ``!Rain::Module path`` with the resources of the
module template at ``path`` (relative to the including template), each renamed to the module's
logical ID followed by its own (module ``Network``, resource ``VPC`` -> ``NetworkVPC``): the
includer refers to them by those names. Inside the module:

* ``Ref`` (and ``${Name}``) of a module parameter is the value the includer sets in the module
  resource's ``Properties`` (any value, a list or a ``!Ref`` as well as a string), else the
  parameter's ``Default``;
* a name the module does not declare is left as written, so in the packaged template it names
  the includer's resource, parameter or condition; a resource's ``Condition`` that is a module
  parameter names the includer's condition it is set to;
* the includer's ``Overrides: {Resource: {Properties: ...}}`` are merged into the module's
  resources, and a resource whose ``Metadata.Rain.IfParam`` names a parameter the includer does
  not set (``IfNotParam``: one it sets) is left out;
* a resource exists when its own condition and the module resource's ``Condition`` hold;
* the includer reads the module's ``Outputs`` with ``!GetAtt Module.X`` (or ``Module.Outputs.X``)
  and ``${Module.X}`` in a ``Fn::Sub``; they are not outputs of the packaged template.

A module instance is a ``ModuleStack``: its resources live in the includer's scope under the
packaged template's logical IDs, and are located in the module's file, as the resources of a
called Terraform module are located in the module.
"""

from __future__ import annotations

from typing import Any

from vpclint.evaluate.cfn_foreach import Expansion
from vpclint.evaluate.cfn_intrinsics import NO_VALUE
from vpclint.evaluate.cfn_stack import Stack, merged
from vpclint.loaders.cfn import CfnDocument
from vpclint.values import Unknown

_MODULE_TYPES = ("Rain::Module", "Fn::Rain::Module")  # JSON, and YAML's !Rain::Module
_MERGED = ("Properties", "CreationPolicy", "Metadata", "UpdatePolicy")  # key by key
_REPLACED = ("Condition", "DeletionPolicy", "UpdateReplacePolicy")


def module_path(body: Any) -> str | None:
    """The path a resource includes as a Rain module, None when it is no module."""
    kind = body.get("Type") if isinstance(body, dict) else None
    if isinstance(kind, dict) and len(kind) == 1:
        (function, path), = kind.items()
        if function in _MODULE_TYPES and isinstance(path, str):
            return path
    return None


class ModuleStack(Stack):
    """One inclusion of a Rain module, evaluated inside the template that includes it."""

    def __init__(self, doc: CfnDocument, includer: Stack, name: str):
        body = includer.resources.get(name, {})
        self.includer, self.name = includer, name
        properties = body.get("Properties")
        self._set = properties if isinstance(properties, dict) else {}
        overrides = body.get("Overrides")
        self._overrides = overrides if isinstance(overrides, dict) else {}
        super().__init__(doc, includer.scope, includer.prefix + name,
                         lambda: includer.resolve(self._set), includer.pseudo,
                         includer.import_value)

    def expanded(self, name: str) -> Expansion:
        if name == "Resources" and name not in self._expanded:
            self._expanded[name] = self._included(super().expanded(name))
        return super().expanded(name)

    def resource_condition(self, logical_id: str) -> bool | Unknown:
        own = super().resource_condition(logical_id)
        outer = self.includer.resource_condition(self.name)
        if False in (own, outer):
            return False
        return outer if isinstance(outer, Unknown) else own

    def exports(self) -> list[tuple[Any, str]]:
        return []  # a module's outputs are read by its includer, never exported

    def handed_out(self) -> set[tuple[str, str]]:
        return set()

    def _parameter_values(self, declared: dict, given: dict) -> dict[str, Any]:
        values = {}
        for name, spec in declared.items():
            spec = spec if isinstance(spec, dict) else {}
            if name in given and given[name] is not NO_VALUE:
                values[name] = given[name]
            elif "Default" in spec:
                values[name] = spec["Default"]
            else:
                values[name] = Unknown(f"module parameter {name} has no default, and "
                                       f"{self.name} sets none", name)
        return values

    def _undeclared_ref(self, name: str) -> Any:
        return self.includer.ref(name)

    def _undeclared_getatt(self, name: str, attr: str) -> Any:
        return self.includer.getatt(name, attr)

    def _undeclared_condition(self, name: str) -> bool | Unknown:
        named = self.parameters.get(name)
        return self.includer.condition(named if isinstance(named, str) else name)

    def _included(self, expansion: Expansion) -> Expansion:
        """The module's resources as the includer gets them: overrides merged, the resources
        its ``IfParam`` / ``IfNotParam`` leave out left out."""
        entries = {}
        for logical_id, body in expansion.entries.items():
            if isinstance(body, dict) and not self._kept(body):
                continue
            override = self._overrides.get(logical_id)
            entries[logical_id] = _overridden(body, override) if isinstance(
                body, dict) and isinstance(override, dict) else body
        return Expansion(entries, expansion.origins, expansion.unexpanded)

    def _kept(self, body: dict) -> bool:
        metadata = body.get("Metadata")
        rain = metadata.get("Rain") if isinstance(metadata, dict) else None
        if not isinstance(rain, dict):
            return True
        if isinstance(rain.get("IfParam"), str) and rain["IfParam"] not in self._set:
            return False
        return not (isinstance(rain.get("IfNotParam"), str) and rain["IfNotParam"] in self._set)


def _overridden(body: dict, override: dict) -> dict:
    result = dict(body)
    for key, value in override.items():
        if key in _MERGED and isinstance(body.get(key), dict) and isinstance(value, dict):
            result[key] = merged(body[key], value)
        elif key in _MERGED or key in _REPLACED:
            result[key] = value
    return result
