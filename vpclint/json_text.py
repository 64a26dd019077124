"""The text of vpclint's JSON outputs (the JSON, SARIF and GitLab reports, ``graph`` and
``flows`` in JSON): indented JSON, written in C.

``json.dumps`` with ``indent`` falls back to the standard library's Python encoder, which on a
large report costs more than building it: the SARIF of the 1x bench estate (702 findings, 8 MB)
took 335 ms to write, against 35 ms with msgspec. msgspec writes the same text: the same
layout, the same escapes (``ensure_ascii=False``), keys in the same order. It writes a float
otherwise (``1e16`` for ``1e+16``, ``null`` for a NaN, which ``json`` writes as invalid JSON);
the outputs hold none (a test compares each with ``json.dumps``'s text).
"""

from __future__ import annotations

import json
from typing import Any

import msgspec


def json_text(document: Any) -> str:
    """``document`` as ``json.dumps(document, indent=2, ensure_ascii=False)`` writes it, ending
    with a newline. What msgspec cannot write (a lone surrogate, from a file name that is not
    UTF-8; a dict key that is not text or a number) goes through ``json.dumps``, as before."""
    try:
        text = msgspec.json.format(msgspec.json.encode(document), indent=2).decode()
    except (TypeError, ValueError, OverflowError):  # UnicodeEncodeError is a ValueError
        text = json.dumps(document, indent=2, ensure_ascii=False)
    return text + "\n"
