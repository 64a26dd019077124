"""CloudFormation template evaluation: a loaded template -> resources with values.

``Ref`` and ``Fn::GetAtt`` of a resource in the same template, and an ``Fn::Sub`` that is exactly
``${LogicalId}`` or ``${LogicalId.Attr}``, become ``Ref`` values for the model to resolve. Other
intrinsic functions, parameters and pseudo parameters are UNKNOWN (with the function named),
so rules stay silent on them. Suppressions come from resource and template ``Metadata``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from vpclint.loaders.cfn import CfnDocument
from vpclint.source import Note, Resource, Span, Suppression
from vpclint.values import Ref, Unknown

_SUB_REFERENCE = re.compile(r"^\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}$")


# Resource types that create further resources vpclint does not load.
_OPAQUE_TYPES = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")


@dataclass
class Template:
    """What one template contributes to the scan."""

    resources: list[Resource] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)  # template-level
    notes: list[Note] = field(default_factory=list)
    opaque: bool = False  # holds resources vpclint cannot see (Fn::ForEach, modules, stacks)


def evaluate_template(doc: CfnDocument) -> Template:
    """Resources of one template, its template-level suppressions, and notes about it."""
    template = Template()
    resources_node = doc.data.get("Resources")
    if not isinstance(resources_node, dict):
        template.notes.append(Note(doc.file, "template has no Resources mapping"))
        return template
    logical_ids = set(resources_node)
    unseen = []
    for logical_id, body in resources_node.items():
        base = ("Resources", logical_id)
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            unseen.append((str(logical_id), _line(doc, base)))
            continue
        if body["Type"].startswith(_OPAQUE_TYPES):
            template.opaque = True
        resource = Resource("cloudformation", body["Type"], str(logical_id), doc.file, doc.file, {})
        props = body.get("Properties")
        prop_base = base + ("Properties",)
        resource.spans[()] = doc.spans.get(base, Span(doc.file, 1))
        for path, span in _spans_under(doc, prop_base):
            resource.spans[path] = span
        resource.values = _evaluate(props, doc.file, logical_ids) if isinstance(props, dict) else {}
        resource.suppressions = _suppressions(doc, body.get("Metadata"), base + ("Metadata",))
        template.resources.append(resource)
    if unseen:
        template.opaque = True
        names = ", ".join(name for name, _ in unseen[:3]) + (" ..." if len(unseen) > 3 else "")
        template.notes.append(Note(doc.file, f"{len(unseen)} resource entries are not evaluated "
                                   f"({names}: Fn::ForEach or a module); pairings with them are "
                                   "not judged", unseen[0][1]))
    template.suppressions = _suppressions(doc, doc.data.get("Metadata"), ("Metadata",))
    return template


def _line(doc: CfnDocument, path: tuple) -> int:
    span = doc.spans.get(path)
    return span.line if span else 1


def _spans_under(doc: CfnDocument, prefix: tuple):
    size = len(prefix)
    for path, span in doc.spans.items():
        if len(path) > size and path[:size] == prefix:
            yield path[size:], span


def _evaluate(value: Any, scope: str, logical_ids: set) -> Any:
    if isinstance(value, list):
        return [_evaluate(v, scope, logical_ids) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            if isinstance(arg, str) and arg in logical_ids:
                return Ref(scope, arg, None)
            return Unknown("parameter or pseudo parameter (not evaluated)", f"!Ref {arg}")
        if key == "Fn::GetAtt":
            target = _getatt(arg)
            if target and target[0] in logical_ids:
                return Ref(scope, target[0], target[1])
            return Unknown("GetAtt of an unknown resource", f"!GetAtt {arg}")
        if key == "Fn::Sub" and isinstance(arg, str):
            match = _SUB_REFERENCE.match(arg)
            if match and match.group(1) in logical_ids:
                return Ref(scope, match.group(1), match.group(2))
            return Unknown("Fn::Sub (not evaluated)", f"!Sub {arg}")
        if key.startswith("Fn::") or key == "Condition":
            return Unknown(f"{key} (not evaluated)", key)
    return {k: _evaluate(v, scope, logical_ids) for k, v in value.items()}


def _getatt(arg: Any) -> tuple[str, str] | None:
    if isinstance(arg, str) and "." in arg:
        name, attr = arg.split(".", 1)
        return name, attr
    if isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
        return arg[0], arg[1]
    return None


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
