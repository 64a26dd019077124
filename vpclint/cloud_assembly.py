"""What a synthesized CDK app (a cloud assembly, ``cdk.out``) deploys, from its ``manifest.json``.

``cdk synth`` writes one template per stack beside a manifest whose ``artifacts`` name them:
an ``aws:cloudformation:stack`` artifact has its template file (``properties.templateFile``)
and its environment (``aws://ACCOUNT/REGION``, ``unknown-account`` / ``unknown-region`` for an
environment-agnostic stack); a ``cdk:cloud-assembly`` artifact is a nested assembly (a CDK
``Stage``) in a subdirectory with a manifest of its own. Everything else in the directory
(asset folders of Lambda code and Docker contexts, asset manifests, the construct tree) is no
stack. CDK nested stacks are assets of their parent's template, evaluated from it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Callable

from msgspec import Struct

MANIFEST = "manifest.json"
_STACK, _NESTED_ASSEMBLY = "aws:cloudformation:stack", "cdk:cloud-assembly"
_ENVIRONMENT = re.compile(r"aws://([^/]+)/([^/]+)")
_MAX_DEPTH = 10  # nested stages nest assemblies; a manifest naming itself must not loop


class Environment(Struct, frozen=True):
    """Where a stack deploys; None for what the manifest leaves to deploy time."""

    account: str | None = None
    region: str | None = None


class SynthesizedStack(Struct, frozen=True):
    name: str
    template: Path
    environment: Environment


def read_assembly(directory: Path, read: Callable[[Path], bytes | None]
                  ) -> list[SynthesizedStack] | None:
    """The stacks the cloud assembly in ``directory`` lists, those of its nested assemblies
    included; None when ``directory`` holds no cloud assembly manifest. ``read`` gives a file's
    bytes, or None when it may not or cannot be read."""
    return _stacks(directory, read, 0, set())


def _stacks(directory: Path, read, depth: int, seen: set[Path]) -> list[SynthesizedStack] | None:
    artifacts = _artifacts(read(directory / MANIFEST))
    if artifacts is None:
        return None
    seen.add(directory.resolve())
    found = []
    for key, artifact in artifacts.items():
        properties = artifact.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        if artifact.get("type") == _STACK and isinstance(properties.get("templateFile"), str):
            name = artifact.get("displayName") if isinstance(artifact.get("displayName"),
                                                             str) else key
            template = Path(os.path.normpath(directory / properties["templateFile"]))
            found.append(SynthesizedStack(name, template,
                                          _environment(artifact.get("environment"))))
        elif artifact.get("type") == _NESTED_ASSEMBLY and depth < _MAX_DEPTH and \
                isinstance(properties.get("directoryName"), str):
            nested = directory / properties["directoryName"]
            if nested.resolve() not in seen:
                found.extend(_stacks(nested, read, depth + 1, seen) or [])
    return found


def _artifacts(data: bytes | None) -> dict[str, dict] | None:
    """The manifest's artifacts; None when it is no cloud assembly manifest (a
    ``manifest.json`` of another tool, or one that cannot be read)."""
    if data is None:
        return None
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict) or "version" not in manifest:
        return None
    return {str(key): value for key, value in artifacts.items() if isinstance(value, dict)}


def _environment(written: object) -> Environment:
    match = _ENVIRONMENT.fullmatch(written) if isinstance(written, str) else None
    if match is None:
        return Environment()
    account, region = match.groups()
    return Environment(None if account == "unknown-account" else account,
                       None if region == "unknown-region" else region)
