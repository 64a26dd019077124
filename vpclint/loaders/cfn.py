"""CloudFormation loader: template text (YAML or JSON) -> plain data plus a path -> Span map.

PyYAML composes the text into nodes that carry marks (libyaml does it in C when available,
and keeps the marks); one pass over those nodes then builds the plain data and the spans
together. We do not use a PyYAML constructor: it would need a second walk to find positions,
and it would turn ``2010-09-09`` into a date and ``!Ref`` into a Python object.

How values are read, following what CloudFormation and cfn-lint do:

* Short tags become their long form: ``!Ref X`` -> ``{"Ref": "X"}``, ``!Condition C`` ->
  ``{"Condition": "C"}``, any other ``!Name v`` -> ``{"Fn::Name": v}``; ``!GetAtt A.B`` is
  split on its first dot into ``["A", "B"]``.
* Plain scalars resolve as YAML 1.1 does (``yes``/``no``/``on``/``off`` are booleans, as for
  CloudFormation and cfn-lint), except timestamps: CloudFormation has no date type, so
  ``AWSTemplateFormatVersion: 2010-09-09`` and ``Version: 2012-10-17`` stay strings.
* Mapping keys are always the strings written (``123456789012:`` is the key "123456789012").
* A duplicate key keeps the last value, as CloudFormation does, and is reported.
* Aliases are a parse error, as CloudFormation rejects them (this also rules out alias bombs
  and recursive documents).

JSON goes through the same YAML path (JSON is flow YAML), with JSON's number syntax. When
the YAML parser rejects valid JSON (surrogate-pair escapes, raw DEL or C1 characters, tabs
for the pure-Python parser), the template is parsed again with every string literal blanked
to the same length and tabs made spaces, so that the positions hold, and the strings are
taken from ``json``. Invalid JSON is reported with ``json``'s message and position, which
are clearer than libyaml's.
"""

from __future__ import annotations

import re
from vpclint.loaders.cfn_document import CfnDocument
from vpclint.source import ParseError

__all__ = ["CfnDocument", "looks_like_template", "load_cfn"]

_RESOURCES_KEY = re.compile(r"""^['"]?Resources['"]?[ \t]*:|"Resources"\s*:""", re.M)


def looks_like_template(text: str) -> bool:
    """Cheap pre-check for discovery, without parsing: is this YAML/JSON a CloudFormation template?

    True when it names ``AWSTemplateFormatVersion``, or has a top-level ``Resources`` key (any
    ``"Resources":`` in JSON) and an ``AWS::`` type. CI files, package.json, parameter files and
    Kubernetes manifests have neither; a Serverless Framework file's nested ``Resources`` is
    indented, so it does not count.
    """
    if "AWSTemplateFormatVersion" in text:
        return True
    return "AWS::" in text and _RESOURCES_KEY.search(text) is not None


def load_cfn(file: str, text: str | bytes) -> CfnDocument | ParseError:
    """Read a template; never raises: any input gives a CfnDocument or a ParseError.

    The reading itself (``cfn_yaml``) is imported at the first template read, so a scan whose
    templates all come from the cache never loads PyYAML."""
    from vpclint.loaders.cfn_yaml import read_template

    return read_template(file, text)
