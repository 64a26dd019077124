"""Terraform's built-in functions as pure Python, with UNKNOWN propagating through them.

``call(name, args)`` evaluates one call on arguments the expression evaluator has already
evaluated, and never raises. Values are Terraform's as plain Python: ``str``; ``int``/``float``
(one Terraform number type: integral results come back as ``int``); ``bool``; ``None`` (null);
``list`` (lists, tuples and sets alike); ``dict`` (maps and objects). Anything else is *opaque*:
``Unknown``, a ``Ref`` (a resource attribute, known only after apply), a resource object.

The result is UNKNOWN when vpclint cannot know it:

* the function is not evaluated (not listed in ``FUNCTIONS``, a ``provider::`` function, or one
  whose result is never static: ``timestamp()``, ``uuid()``, ``file()``);
* an argument it needs is opaque or holds something opaque (the UNKNOWN is passed on as it is);
* the call fails the way Terraform's would (wrong type, index out of range, no regex match):
  then the reason starts with ``"error: "``.

Marking failures lets ``try`` and ``can`` tell a failed expression (Terraform would move on to
the next argument) from one that merely cannot be known statically (Terraform might not fail).

What is known of a partly unknown argument is kept where the result does not depend on the
rest: ``format`` and ``join`` keep their known text around unknown values (a ``PartialString``);
``lookup``, ``merge``, ``concat`` and ``flatten`` keep the entries that surely exist; ``coalesce``
takes an unknown argument that cannot be null or empty; ``element``, ``slice`` and the set
conversions index a ``DistinctList`` (the AZ names of ``data.aws_availability_zones``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import inspect
import ipaddress
import itertools
import json
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING, Any, Callable, Iterator

from vpclint.values import (DistinctList, ListElement, PartialCollection, PartialJson,
                            PartialString, Ref, Unknown, derived, join_parts, plain)

if TYPE_CHECKING:
    import re2

FUNCTIONS: dict[str, Callable[..., Any]] = {}
# Bounds on what one call may build, so a hostile configuration cannot exhaust memory or time:
# past them the result is UNKNOWN (Terraform itself would struggle).
MAX_ELEMENTS = 100_000  # items of a list a call builds
MAX_TEXT = 1_000_000  # characters of a string a call builds
MAX_DIGITS = 1_000  # digits of a whole number
_POLICIES: dict[str, str] = {}
# name -> (signature, fewest and most positional arguments), filled on first call (~0.2 ms)
_SIGNATURES: dict[str, tuple[inspect.Signature, int, float]] = {}
_PLAIN = (str, int, float, bool, list, dict)


class _Error(Exception):
    """A failure Terraform itself reports; becomes an UNKNOWN whose reason starts ``error: ``."""


class _Unknowable(Exception):
    """A case vpclint does not evaluate although Terraform might succeed; carries the UNKNOWN."""


def call(name: str, args: list) -> Any:
    """Evaluate Terraform's ``name(args...)``: the value, or an UNKNOWN saying why not."""
    name = name.removeprefix("core::")  # Terraform 1.8+ accepts core::upper(...) for upper(...)
    impl = FUNCTIONS.get(name)
    if impl is None:
        return Unknown("function not evaluated", name)
    try:
        return _call(name, impl, list(args))
    except _Error as error:
        return Unknown(f"error: {error}", name)
    except _Unknowable as unknowable:
        return unknowable.args[0]
    except Exception as error:  # e.g. RecursionError: a limit of vpclint's, not Terraform's
        return Unknown(f"function not evaluated ({type(error).__name__})", name)


def _call(name: str, impl: Callable[..., Any], args: list) -> Any:
    known = _SIGNATURES.get(name)
    if known is None:
        known = _SIGNATURES[name] = _arity(inspect.signature(impl))
    signature, fewest, most = known
    if not fewest <= len(args) <= most:  # Signature.bind, for a call's message only: it is slow
        try:
            signature.bind(*args)
        except TypeError as error:
            raise _Error(f"wrong number of arguments ({error})") from None
    policy = _POLICIES[name]
    if policy != "raw":
        failed = _first_error(args)
        if failed is not None:
            return failed
    if name in _OVER_DISTINCT and args and isinstance(args[0], DistinctList):
        return _OVER_DISTINCT[name](*args)
    if policy == "deep":
        blocker = next(_opaque_leaves(args), None)
    elif policy == "shallow":
        blocker = next((arg for arg in args if _opaque(arg)), None)
    else:
        blocker = None
    if blocker is not None:
        return _as_unknown(blocker)
    return impl(*args)


def _arity(signature: inspect.Signature) -> tuple[inspect.Signature, int, float]:
    """The signature, with the fewest and most positional arguments that bind to it (a call
    passes positional arguments only); with a required keyword-only parameter, none do."""
    parameters = signature.parameters.values()
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    fewest = sum(p.default is p.empty for p in positional)
    most = float("inf") if any(p.kind is p.VAR_POSITIONAL for p in parameters) \
        else len(positional)
    if any(p.kind is p.KEYWORD_ONLY and p.default is p.empty for p in parameters):
        most = -1
    return signature, fewest, most


def _function(*names: str, unknowns: str = "deep") -> Callable:
    """Register an implementation under ``names``; ``unknowns`` says what it sees.

    ``deep``: any opaque value inside any argument makes the result that UNKNOWN (the
    function needs all of its input). ``shallow``: only an opaque argument itself does; opaque
    elements are carried along (``concat``, ``element``, ``length``) or handled by the function.
    ``own``: the function handles opaque arguments itself (``coalesce``, ``lookup``). All three
    pass an error on unchanged, since Terraform would fail evaluating the argument; ``raw``
    (``try``, ``can``) sees errors too.
    """
    def register(impl: Callable) -> Callable:
        for name in names:
            FUNCTIONS[name] = impl
            _POLICIES[name] = unknowns
        return impl
    return register


# --- values -----------------------------------------------------------------------------------

def _opaque(value: Any) -> bool:
    return value is not None and type(value) not in _PLAIN


def _opaque_leaves(value: Any) -> Iterator[Any]:
    if type(value) is list:
        items: Any = value
    elif type(value) is dict:
        items = value.values()
    else:
        if _opaque(value):
            yield value
        return
    for item in items:
        yield from _opaque_leaves(item)


def _is_error(value: Any) -> bool:
    return isinstance(value, Unknown) and value.reason.startswith("error:")


def _first_error(value: Any) -> Unknown | None:
    return next((leaf for leaf in _opaque_leaves(value) if _is_error(leaf)), None)


def _first_unknown(value: Any) -> Unknown | None:
    return next((leaf for leaf in _opaque_leaves(value) if isinstance(leaf, Unknown)), None)


def _as_unknown(value: Any) -> Unknown:
    """An UNKNOWN for a result that ``value`` keeps from being known: what a partial value
    knows (its text, its entries) is not the result's, so only its reason is kept."""
    if isinstance(value, Unknown):
        return plain(value)
    if isinstance(value, Ref):
        return derived("resource attribute known only after apply",
                       f"{value.target}.{value.attr}" if value.attr else value.target, value)
    return derived("value not known statically", type(value).__name__, value)


def _is_id_ref(value: Any) -> bool:
    """A reference to a resource's own identity (``id``, ``arn``, CloudFormation ``Ref``): a
    non-empty scalar string, unlike other computed attributes, which may be "" or a list."""
    return isinstance(value, Ref) and value.attr in (None, "id", "arn")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is bool:
        return "bool"
    if type(value) in (int, float):
        return "number"
    return {str: "string", list: "list", dict: "map"}.get(type(value), "unknown")


def _canon(value: Any) -> Any:
    """A hashable form of a known value, equal exactly when Terraform's values are equal."""
    if type(value) is list:
        return "list", tuple(_canon(item) for item in value)
    if type(value) is dict:
        return "map", tuple(sorted((key, _canon(item)) for key, item in value.items()))
    return _kind(value), (_norm(value) if _kind(value) == "number" else value)


def _unify(values: list) -> list:
    """Terraform gives mixed elements one type: with a string among them, numbers and bools
    become strings (``tolist(["a", 3])`` is ``["a", "3"]``); numbers and bools alone, or a
    collection mixed with anything else, cannot be unified."""
    kinds = {_kind(value) for value in values} - {"null", "unknown"}
    if len(kinds) < 2:
        return values
    if "string" not in kinds or not kinds <= {"string", "number", "bool"}:
        raise _Error("all elements must have the same type")
    return [_str(value) if _kind(value) in ("number", "bool") else value for value in values]


def _as_set(values: list) -> list:
    """A Terraform set as a list: without duplicates, strings in lexical and numbers (and bools)
    in ascending order as Terraform iterates them; other elements keep their first-seen order
    (Terraform orders those by hash)."""
    unique: dict = {}
    for value in values:
        unique.setdefault(_canon(value), value)
    result = list(unique.values())
    if len({_kind(value) for value in result}) == 1 and _kind(result[0]) in (
            "string", "number", "bool"):
        result.sort()
    return result


# --- conversions ------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _norm(number: Any) -> Any:
    return int(number) if type(number) is float and number.is_integer() else number


def _number(value: Any) -> int | float:
    """Terraform converts a decimal string where a number is expected."""
    if type(value) in (int, float) and value == value:
        return _norm(value)
    if type(value) is str and _NUMBER.fullmatch(value):
        return _from_decimal(Decimal(value))
    raise _Error(f"a number is required, not {_kind(value)} {_short(value)}")


def _whole(value: Any, big: bool = False) -> int:
    number = _number(value)
    if type(number) is not int or (not big and not -2**63 <= number < 2**63):
        raise _Error(f"value must be a whole number, not {_short(value)}")
    return number


def _decimal(number: int | float) -> Decimal:
    """Exact arithmetic on what the configuration wrote: repr(0.1) reads back as Decimal 0.1, so
    sum([0.1, 0.2]) is 0.3 as in Terraform (whose numbers are 512-bit decimals from the text)."""
    return Decimal(number if type(number) is int else repr(number))


def _from_decimal(number: Decimal) -> int | float:
    if number.is_finite() and number == number.to_integral_value() and number.adjusted() < 400:
        return int(number)
    return float(number)


def _number_text(number: int | float) -> str:
    """Terraform's number-to-string conversion: all digits, never an exponent (1e20 is
    "100000000000000000000", 1e-7 is "0.0000001")."""
    number = _norm(number)
    if type(number) is int:
        return str(number)
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    return format(Decimal(repr(number)), "f")


def _str(value: Any) -> str:
    """Terraform converts numbers and bools where a string is expected."""
    if type(value) is str:
        return value
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) in (int, float):
        return _number_text(value)
    raise _Error(f"a string is required, not {_kind(value)}")


def _bool(value: Any) -> bool:
    """Terraform converts the strings "true"/"1" and "false"/"0" where a bool is expected."""
    if type(value) is bool:
        return value
    if type(value) is str and value in ("true", "1", "false", "0"):
        return value in ("true", "1")
    raise _Error(f"a bool is required, not {_kind(value)} {_short(value)}")


def _list(value: Any) -> list:
    if type(value) is not list:
        raise _Error(f"a list, set or tuple is required, not {_kind(value)}")
    return value


def _map(value: Any) -> dict:
    if type(value) is not dict:
        raise _Error(f"a map or object is required, not {_kind(value)}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _graphemes(text: str) -> list[str]:
    """Terraform measures, slices and pads strings by grapheme cluster, what a reader sees as
    one character: a base keeps its combining marks, emoji modifiers and ZWJ sequences; CRLF and
    a pair of regional indicators (a flag) are one. (An approximation of Unicode's rules.)"""
    clusters: list[str] = []
    for char in text:
        if clusters and _joins(clusters[-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _joins(cluster: str, char: str) -> bool:
    if cluster == "\r":
        return char == "\n"
    last = cluster[-1]
    if "Cc" in (unicodedata.category(last), unicodedata.category(char)):
        return False
    if "\U0001F1E6" <= char <= "\U0001F1FF":
        return len(cluster) == 1 and "\U0001F1E6" <= last <= "\U0001F1FF"
    return (last == "\u200d" or char == "\u200d" or "\U0001F3FB" <= char <= "\U0001F3FF"
            or unicodedata.category(char) in ("Mn", "Me", "Mc"))


# --- numbers ----------------------------------------------------------------------------------

@_function("abs")
def _abs(number: Any) -> Any:
    return abs(_number(number))


@_function("ceil")
def _ceil(number: Any) -> Any:
    number = _number(number)
    return number if type(number) is int or math.isinf(number) else math.ceil(number)


@_function("floor")
def _floor(number: Any) -> Any:
    number = _number(number)
    return number if type(number) is int or math.isinf(number) else math.floor(number)


@_function("max")
def _max(*numbers: Any) -> Any:
    if not numbers:
        raise _Error("must pass at least one number")
    return max(_number(number) for number in numbers)


@_function("min")
def _min(*numbers: Any) -> Any:
    if not numbers:
        raise _Error("must pass at least one number")
    return min(_number(number) for number in numbers)


@_function("pow")
def _pow(number: Any, power: Any) -> Any:
    """In floating point, as Terraform computes it: overflow is infinity."""
    try:
        return _norm(math.pow(_number(number), _number(power)))
    except OverflowError:
        return math.inf
    except ValueError:
        raise _Error("the result is not a number") from None


@_function("signum")
def _signum(number: Any) -> int:
    """Terraform's signum takes whole numbers only: signum(0.5) is an error."""
    number = _whole(number)
    return (number > 0) - (number < 0)


_DIGITS = {digit: value for value, digit in enumerate(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")}


@_function("parseint")
def _parseint(text: Any, base: Any) -> int:
    """Go's big.Int parsing: an optional sign, digits only (no 0x prefix, no underscores);
    letters are case-insensitive up to base 36, above it a-z are 10-35 and A-Z 36-61."""
    if type(text) is not str:
        raise _Error(f"first argument must be a string, not {_kind(text)}")
    base = _whole(base)
    if not 2 <= base <= 62:
        raise _Error("base must be a whole number between 2 and 62 inclusive")
    digits = text[1:] if text.startswith(("+", "-")) else text
    values = [_DIGITS.get(char.lower() if base <= 36 else char, base) for char in digits]
    if not values or max(values) >= base:
        raise _Error(f"cannot parse {text!r} as a base {base} integer")
    if len(values) > MAX_DIGITS:
        raise _Unknowable(Unknown(f"a number of more than {MAX_DIGITS} digits is not evaluated",
                                  "parseint"))
    value = functools.reduce(lambda total, digit: total * base + digit, values, 0)
    return -value if text.startswith("-") else value


@_function("range")
def _range(*params: Any) -> list:
    """At most 1024 values, as in Terraform; with one or two arguments the step is -1 when the
    end is below the start."""
    if not 1 <= len(params) <= 3:
        raise _Error("must have one, two, or three arguments")
    numbers = [_decimal(_number(param)) for param in params]
    if len(numbers) == 3:
        start, end, step = numbers
    else:
        start, end = (Decimal(0), numbers[0]) if len(numbers) == 1 else numbers
        step = Decimal(-1 if end < start else 1)
    if step == 0:
        raise _Error("step must not be zero")
    if step < 0 and end > start:
        raise _Error("end must be less than start when step is negative")
    if step > 0 and end < start:
        raise _Error("end must be greater than start when step is positive")
    values: list = []
    with localcontext() as context:
        context.prec = 100
        current = start
        while current > end if step < 0 else current < end:
            if len(values) >= 1024:
                raise _Error("more than 1024 values were generated")
            values.append(_from_decimal(current))
            current += step
    return values


@_function("sum")
def _sum(values: Any) -> Any:
    values = _list(values)
    if not values:
        raise _Error("cannot sum an empty list")
    with localcontext() as context:
        context.prec = 100
        total = Decimal(0)
        for value in values:
            try:
                total += _decimal(_number(value))
            except InvalidOperation:
                raise _Error("can't compute sum of opposing infinities") from None
    return _from_decimal(total)


# --- strings ----------------------------------------------------------------------------------

def _per_rune(text: str, mapping: Callable[[str], str]) -> str:
    """Go maps case rune by rune: a character whose mapping is longer ("ß" -> "SS") stays."""
    return "".join(mapped if len(mapped := mapping(char)) == 1 else char for char in text)


@_function("upper")
def _upper(text: Any) -> str:
    return _per_rune(_str(text), str.upper)


@_function("lower")
def _lower(text: Any) -> str:
    return _per_rune(_str(text), str.lower)


@_function("title")
def _title(text: Any) -> str:
    """Go's strings.Title: only the first letter of each word changes ("hELLO" -> "HELLO"), and
    any ASCII character but a letter, digit or "_" separates words ("it's" -> "It'S")."""
    result, word_starts = [], True
    for char in _str(text):
        result.append(_per_rune(char, str.title) if word_starts else char)
        if char < "\x80":
            word_starts = not (char.isalnum() or char == "_")
        else:
            word_starts = not (char.isalpha() or unicodedata.category(char) == "Nd") \
                and char.isspace()
    return "".join(result)


@_function("chomp")
def _chomp(text: Any) -> str:
    """Removes every trailing newline (\\n, \\r\\n or \\r), not just one."""
    return _str(text).rstrip("\r\n")


_GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
             "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


@_function("trimspace")
def _trimspace(text: Any) -> str:
    return _str(text).strip(_GO_SPACE)


@_function("trim")
def _trim(text: Any, cutset: Any) -> str:
    """Removes any of the characters of ``cutset`` (a set, not a prefix) from both ends."""
    return _str(text).strip(_str(cutset))


@_function("trimprefix")
def _trimprefix(text: Any, prefix: Any) -> str:
    return _str(text).removeprefix(_str(prefix))


@_function("trimsuffix")
def _trimsuffix(text: Any, suffix: Any) -> str:
    return _str(text).removesuffix(_str(suffix))


@_function("startswith")
def _startswith(text: Any, prefix: Any) -> bool:
    return _str(text).startswith(_str(prefix))


@_function("endswith")
def _endswith(text: Any, suffix: Any) -> bool:
    return _str(text).endswith(_str(suffix))


@_function("strcontains")
def _strcontains(text: Any, part: Any) -> bool:
    return _str(part) in _str(text)


@_function("strrev")
def _strrev(text: Any) -> str:
    return "".join(reversed(_graphemes(_str(text))))


@_function("indent")
def _indent(spaces: Any, text: Any) -> str:
    """Indents every line but the first."""
    spaces = _whole(spaces)
    if spaces < 0:
        raise _Error("the number of spaces must not be negative")
    text = _str(text)
    if spaces * text.count("\n") > MAX_TEXT:
        raise _Unknowable(Unknown(f"indent past {MAX_TEXT:,} characters", "indent"))
    return text.replace("\n", "\n" + " " * spaces)


@_function("substr")
def _substr(text: Any, offset: Any, length: Any) -> str:
    """Counts grapheme clusters; a negative offset counts from the end and a negative length
    takes the rest; an offset past the end is ""."""
    chars = _graphemes(_str(text))
    offset, length = _whole(offset), _whole(length)
    if offset < 0:
        offset = max(offset + len(chars), 0)
    return "".join(chars[offset:] if length < 0 else chars[offset:offset + length])


@_function("split")
def _split(separator: Any, text: Any) -> list:
    """Go's strings.Split: an empty separator splits into characters, and "" splits into [""]."""
    separator, text = _str(separator), _str(text)
    return list(text) if separator == "" else text.split(separator)


@_function("join", unknowns="shallow")
def _join(separator: Any, *lists: Any) -> Any:
    """An unknown element is a hole of the result, which keeps the rest of the text."""
    if not lists:
        raise _Error("at least one list is required")
    items = [item for each in lists for item in _list(each)]
    if None in items:
        raise _Error("cannot concatenate null values")
    pieces: list = []
    for position, item in enumerate(items):
        if position:
            pieces.append(_str(separator))
        pieces.append(_text_or_hole(item))
    return join_parts(pieces)


def _text_or_hole(value: Any) -> Any:
    """A string's text, or an unknown string as a hole of a ``PartialString``; an unknown that
    may not be a string makes the whole result unknown."""
    if _is_string_like(value):
        return value
    if _opaque(value):
        raise _Unknowable(_as_unknown(value))
    return _str(value)


def _is_string_like(value: Any) -> bool:
    """An unknown that is surely a string (or a resource's ID): it can be a hole of a text."""
    return isinstance(value, (Ref, PartialString, PartialJson, ListElement)) or (
        type(value) is Unknown)


@_function("sort")
def _sort(values: Any) -> list:
    """Sorts as strings: sort([10, 9]) is ["10", "9"]."""
    values = _list(values)
    if None in values:
        raise _Error("a null string cannot be sorted")
    return sorted(_str(value) for value in values)


@_function("replace")
def _replace(text: Any, search: Any, replacement: Any) -> str:
    """A search string in slashes is an RE2 regular expression, and the replacement may name its
    groups Go's way: ``$1``, ``${1}``, ``$name``, ``${name}``, ``$$`` for "$"."""
    text, search, replacement = _str(text), _str(search), _str(replacement)
    if len(search) > 1 and search[0] == search[-1] == "/":
        pattern, pieces, last = _regexp(search[1:-1]), [], 0
        for match in _go_matches(pattern, text):
            pieces += [text[last:match.start()], _go_expand(replacement, match)]
            last = match.end()
        return "".join(pieces) + text[last:]
    return text.replace(search, replacement)


_GO_TEMPLATE = re.compile(r"\$(?:(\$)|\{(\w+)\}|(\w+))")


def _go_expand(template: str, match: re.Match) -> str:
    """Go's Regexp.Expand: "$1x" names a group "1x" (none: ""), so write "${1}x"."""
    def group(reference: re.Match) -> str:
        if reference[1]:
            return "$"
        name = reference[2] or reference[3]
        if name.isascii() and name.isdigit() and (name == "0" or not name.startswith("0")):
            number = int(name)
            return (match[number] or "") if number <= len(match.groups()) else ""
        return (match[name] or "") if name in match.re.groupindex else ""
    return _GO_TEMPLATE.sub(group, template)


def _go_matches(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """Go's successive matches: after an empty match the search moves on one character, and an
    empty match right where the previous match ended is skipped (Python's finditer differs on
    both: regexall("a*?", "aa") is three empty matches in Go)."""
    position, previous_end = 0, -1
    while position <= len(text):
        match = pattern.search(text, position)
        if match is None:
            return
        accept = True
        if match.end() == position:
            accept = match.start() != previous_end
            position += 1
        else:
            position = match.end()
        previous_end = match.end()
        if accept:
            yield match


@functools.lru_cache(maxsize=256)
def _regexp(pattern: str) -> "re2._Regexp":
    """A pattern compiled by RE2, the engine behind Go's regexp and so Terraform's: the same
    syntax and matches, and time linear in the text (a backtracking engine can take
    exponential time on ``(a*)*b``). A pattern RE2 rejects is the error Terraform reports.
    RE2 is imported here, on the first regex function called: few configurations call one,
    and importing it costs every run about 3 ms."""
    import re2

    options = re2.Options()
    options.max_mem = 32 << 20  # a hostile pattern fails to compile instead of eating memory
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        raise _Error(f"invalid regexp pattern: {error}") from None


def _capturing(pattern: str) -> re.Pattern:
    compiled = _regexp(pattern)
    if compiled.groupindex and len(compiled.groupindex) != compiled.groups:
        raise _Error("invalid regexp pattern: cannot mix both named and unnamed capture groups")
    return compiled


def _match_value(pattern: re.Pattern, match: re.Match) -> Any:
    """No groups: the matched text; unnamed groups: their list; named groups: a map. A group
    that took no part in the match is null."""
    if not pattern.groups:
        return match[0]
    if pattern.groupindex:
        return {name: match[name] for name in pattern.groupindex}
    return list(match.groups())


@_function("regex")
def _regex(pattern: Any, text: Any) -> Any:
    compiled = _capturing(_str(pattern))
    match = next(_go_matches(compiled, _str(text)), None)
    if match is None:
        raise _Error("pattern did not match any part of the given string")
    return _match_value(compiled, match)


@_function("regexall")
def _regexall(pattern: Any, text: Any) -> list:
    compiled = _capturing(_str(pattern))
    return [_match_value(compiled, match) for match in _go_matches(compiled, _str(text))]


# --- format -----------------------------------------------------------------------------------

_VERB = re.compile(r"%(?P<flags>[-+# 0]*)(?:\[(?P<index>[1-9][0-9]*)\])?(?P<width>[1-9][0-9]*)?"
                   r"(?P<precision>\.[0-9]*)?(?P<verb>[A-Za-z])?")


@_function("format", unknowns="own")
def _format(template: Any, *args: Any) -> Any:
    """Terraform's printf: %v (strings plain, numbers like Go's %g, anything else as JSON), %#v
    (JSON), %t, %b %d %o %x %X (whole numbers only), %e %E %f %g %G, %s, %q (a JSON string),
    %%; flags ``-+# 0``, width, precision and ``[n]`` argument indexes. Every argument must
    be used."""
    if _opaque(template):
        return _as_unknown(template)
    template = _str(template)
    out: list = []
    position, next_arg, highest = 0, 1, 0
    while (percent := template.find("%", position)) >= 0:
        out.append(template[position:percent])
        if template.startswith("%%", percent):
            out.append("%")
            position = percent + 2
            continue
        spec = _VERB.match(template, percent)
        if spec["verb"] is None:
            raise _Error(f"invalid format string starting at offset {spec.end()}")
        number = int(spec["index"] or next_arg)
        if number > len(args):
            raise _Error(f"not enough arguments for {spec[0]!r} at {percent}: need index "
                         f"{number} but have {len(args)} total")
        out.append(_format_verb(spec, args[number - 1]))
        highest, next_arg, position = max(highest, number), number + 1, spec.end()
    if highest < len(args):
        raise _Error(f"too many arguments; only {highest} used by format string")
    return join_parts(out + [template[position:]])


def _format_verb(spec: re.Match, value: Any) -> Any:
    """The text of one verb; a plain ``%s`` / ``%v`` of an unknown string is a hole."""
    verb, flags = spec["verb"], spec["flags"]
    blocker = next(_opaque_leaves(value), None)
    if blocker is not None:
        if verb in "sv" and spec[0] in ("%s", "%v") and _is_string_like(value):
            return value
        raise _Unknowable(_as_unknown(blocker))
    width = int(spec["width"]) if spec["width"] else None
    precision = int(spec["precision"][1:] or 0) if spec["precision"] else None
    if max(width or 0, precision or 0) > MAX_TEXT:
        raise _Unknowable(Unknown(f"format width past {MAX_TEXT:,} characters", spec[0][:20]))
    if value is None and verb != "v":
        raise _Error(f"unsupported value for {spec[0]!r}: null value cannot be formatted")
    if verb == "v":
        if "#" not in flags and type(value) is str:
            return _pad_text(value, flags, width)
        if "#" not in flags and _kind(value) == "number":
            return _pad_text(_shortest_g(value), flags, width)
        return _pad_text(_json(value), flags, width)
    if verb == "t":
        return "true" if _bool(value) else "false"
    if verb in "sq":
        text = _str(value)
        if precision:
            text = "".join(_graphemes(text)[:precision])
        return _pad_text(_json(text) if verb == "q" else text, flags, width)
    if verb in "bdoxXeEfgG":
        return _format_number(verb, flags, width, precision, _number(value))
    raise _Error(f"unsupported format verb {verb!r} in {spec[0]!r}")


def _pad_text(text: str, flags: str, width: int | None) -> str:
    padding = (width or 0) - len(_graphemes(text))
    if padding <= 0:
        return text
    fill = ("0" if "0" in flags else " ") * padding
    return text + fill if "-" in flags else fill + text


def _format_number(verb: str, flags: str, width: int | None, precision: int | None,
                   number: int | float) -> str:
    """Go's formatting of big numbers: [sign][prefix][zero padding][digits], where a precision
    on an integer verb is a minimum number of digits that turns off the 0 flag (and "%.0d" of 0
    is "")."""
    prefix, zero_pad = "", True
    if verb in "bdoxX":
        zero_pad = precision is None
        if type(number) is not int:
            raise _Error(f"unsupported value for %{verb}: an integer is required")
        if precision == 0 and number == 0:
            return ""
        digits = format(abs(number), verb).zfill(precision or 0)
        prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(verb, "") if "#" in flags else ""
    elif type(number) is float and math.isinf(number):
        digits, zero_pad = "Inf", False
    elif verb in "gG" and precision is None:
        digits = _shortest_g(abs(number))
        digits = digits.upper() if verb == "G" else digits
    else:
        digits = format(abs(float(number)), f".{6 if precision is None else precision}{verb}")
    if number < 0:
        sign = "-"
    else:
        sign = "+" if "+" in flags or digits == "Inf" else " " if " " in flags else ""
    padding = max((width or 0) - len(sign + prefix + digits), 0)
    if "-" in flags:
        return sign + prefix + digits + " " * padding
    if "0" in flags and zero_pad:
        return sign + prefix + "0" * padding + digits
    return " " * padding + sign + prefix + digits


def _shortest_g(number: int | float) -> str:
    """Go's %g at the shortest precision, Terraform's %v for numbers: an exponent from 1e+06 up
    and below 1e-04, so format("%v", 1000000) is "1e+06"."""
    if type(number) is float and math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    sign = "-" if number < 0 else ""
    if type(number) is int:
        text = str(abs(number))
        digits, point = text.rstrip("0") or "0", len(text)
    else:
        _, parts, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
        digits = "".join(map(str, parts))
        point = len(digits) + int(exponent)
    if not -4 <= point - 1 < 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{point - 1:+03d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


@_function("formatlist", unknowns="shallow")
def _formatlist(template: Any, *args: Any) -> list:
    """Lists among the arguments are iterated together (same length), other arguments repeat; a
    row with an unknown value gives an UNKNOWN element."""
    lengths = {len(arg) for arg in args if type(arg) is list}
    if len(lengths) > 1:
        raise _Error("list arguments must all have the same length")
    rows = []
    for row in range(lengths.pop() if lengths else 1):
        values = [arg[row] if type(arg) is list else arg for arg in args]
        try:
            rows.append(_format(template, *values))
        except _Unknowable as unknowable:
            rows.append(unknowable.args[0])
    return rows


# --- encoding ---------------------------------------------------------------------------------

_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                            "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json(value: Any) -> str:
    """Terraform's (Go's) compact JSON: object keys sorted, numbers without exponent, and
    ``<>&`` and U+2028/U+2029 escaped as \\u003c... so the text is safe inside HTML."""
    if value is None or type(value) is bool:
        return {None: "null", True: "true", False: "false"}[value]
    if type(value) is str:
        return json.dumps(value, ensure_ascii=False).translate(_HTML_SAFE)
    if type(value) in (int, float):
        if type(value) is float and not math.isfinite(value):
            raise _Error("cannot serialize infinity as JSON")
        return _number_text(value)
    if type(value) is list:
        return "[" + ",".join(_json(item) for item in value) + "]"
    if type(value) is dict:
        return "{" + ",".join(f"{_json(key)}:{_json(value[key])}" for key in sorted(value)) + "}"
    raise _Unknowable(_as_unknown(value))


@_function("jsonencode", unknowns="own")
def _jsonencode(value: Any) -> Any:
    blocker = next(_opaque_leaves(value), None)
    if blocker is value:
        return _as_unknown(blocker)
    if blocker is not None:  # the text is UNKNOWN; what is known inside stays readable
        unknown = _as_unknown(blocker)
        return PartialJson(unknown.reason, unknown.expr, data=value)
    return _json(value)


def _reject_constant(name: str) -> None:
    raise _Error(f"invalid JSON: {name} is not a JSON value")


@_function("jsondecode")
def _jsondecode(text: Any) -> Any:
    try:
        return json.loads(_str(text), parse_float=lambda number: _from_decimal(Decimal(number)),
                          parse_constant=_reject_constant)
    except ValueError as error:
        raise _Error(f"invalid JSON: {error}") from None


@_function("base64encode")
def _base64encode(text: Any) -> str:
    return base64.b64encode(_str(text).encode()).decode("ascii")


@_function("base64decode")
def _base64decode(text: Any) -> str:
    """Padding is required; line breaks are ignored (Go's decoder); the bytes must be UTF-8."""
    try:
        data = base64.b64decode(_str(text).replace("\r", "").replace("\n", ""), validate=True)
    except ValueError:
        raise _Error("failed to decode base64 data") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Error("the result of decoding the provided string is not valid UTF-8") from None


def _digest(algorithm: str) -> Callable[[Any], str]:
    def digest(text: Any) -> str:
        return hashlib.new(algorithm, _str(text).encode()).hexdigest()
    return digest


for _algorithm in ("md5", "sha1", "sha256", "sha512"):
    _function(_algorithm)(_digest(_algorithm))


# --- type conversions -------------------------------------------------------------------------

@_function("tostring")
def _tostring(value: Any) -> Any:
    return None if value is None else _str(value)


@_function("tonumber")
def _tonumber(value: Any) -> Any:
    return None if value is None else _number(value)


@_function("tobool")
def _tobool(value: Any) -> Any:
    return None if value is None else _bool(value)


@_function("tolist", unknowns="shallow")
def _tolist(value: Any) -> Any:
    return None if value is None else _unify(_list(value))


@_function("toset")
def _toset(value: Any) -> Any:
    return None if value is None else _as_set(_unify(_list(value)))


@_function("tomap", unknowns="shallow")
def _tomap(value: Any) -> Any:
    if value is None:
        return None
    value = _map(value)
    return dict(zip(value, _unify(list(value.values()))))


@_function("sensitive", "nonsensitive", unknowns="own")
def _identity(value: Any) -> Any:
    """Sensitivity changes only how Terraform displays a value."""
    return value


# --- collections ------------------------------------------------------------------------------

@_function("length", unknowns="shallow")
def _length(value: Any) -> int:
    """Of a string, its grapheme clusters; of a collection, its elements, known or not."""
    if type(value) is str:
        return len(_graphemes(value))
    if type(value) in (list, dict):
        return len(value)
    raise _Error(f"argument must be a string, a collection type, or a structural type, "
                 f"not {_kind(value)}")


@_function("concat", unknowns="own")
def _concat(*lists: Any) -> Any:
    """A list some of whose elements may not exist makes those elements, and the positions of
    those after them, unknown: a ``PartialCollection``."""
    if not lists:
        raise _Error("at least one argument is required")
    items: list = []
    maybe: set = set()
    for each in lists:
        if isinstance(each, PartialCollection) and isinstance(each.items, list):
            maybe |= {len(items) + position for position in each.maybe}
            items += each.items
        elif _opaque(each):
            return _as_unknown(each)
        else:
            items += _list(each)
    return _partial(items, maybe)


def _partial(items: Any, maybe: set) -> Any:
    if not maybe:
        return items
    return PartialCollection("collection whose entries may not all exist", "",
                             items=items, maybe=frozenset(maybe))


@_function("flatten", unknowns="shallow")
def _flatten(values: Any) -> list:
    """Nested lists are flattened at any depth; an unknown element might be a list, so it makes
    the whole result unknown, unless it is surely a string (a resource's ID, a partly known
    string, an element of a list of strings)."""
    flat = []
    for item in _list(values):
        if type(item) is list:
            flat += _flatten(item)
        elif _opaque(item) and not (_is_id_ref(item) or isinstance(
                item, (PartialString, PartialJson, ListElement))):
            raise _Unknowable(_as_unknown(item))
        else:
            flat.append(item)
    return flat


@_function("element", unknowns="shallow")
def _element(values: Any, index: Any) -> Any:
    """The index wraps around: element(["a", "b"], 3) is "b"; a negative index is an error."""
    values, index = _list(values), _whole(index)
    if index < 0:
        raise _Error("cannot use element function with a negative index")
    if not values:
        raise _Error("cannot use element function with an empty list")
    return values[index % len(values)]


@_function("slice", unknowns="shallow")
def _slice(values: Any, start: Any, end: Any) -> list:
    values, start, end = _list(values), _whole(start), _whole(end)
    if not 0 <= start <= len(values) or not 0 <= end <= len(values):
        raise _Error(f"indexes must be between 0 and the list's length {len(values)}")
    if start > end:
        raise _Error("start index must not be greater than end index")
    return values[start:end]


@_function("reverse", unknowns="shallow")
def _reverse(values: Any) -> list:
    return _list(values)[::-1]


@_function("one", unknowns="shallow")
def _one(values: Any) -> Any:
    """null for an empty list, the element of a one-element list, an error otherwise."""
    values = _list(values)
    if len(values) > 1:
        raise _Error("must be a list, set, or tuple value with either zero or one elements")
    return values[0] if values else None


@_function("chunklist", unknowns="shallow")
def _chunklist(values: Any, size: Any) -> list:
    """A size of 0 gives the whole list as one chunk."""
    values, size = _list(values), _whole(size)
    if size < 0:
        raise _Error("the size argument must be positive")
    if not values:
        return []
    if size == 0:
        return [values]
    return [values[start:start + size] for start in range(0, len(values), size)]


@_function("keys", unknowns="shallow")
def _keys(mapping: Any) -> list:
    return sorted(_map(mapping))


@_function("values", unknowns="shallow")
def _values(mapping: Any) -> list:
    """In the lexical order of the keys, like keys()."""
    mapping = _map(mapping)
    return [mapping[key] for key in sorted(mapping)]


@_function("zipmap", unknowns="shallow")
def _zipmap(keys: Any, values: Any) -> Any:
    keys, values = _list(keys), _list(values)
    if len(keys) != len(values):
        raise _Error(f"number of keys ({len(keys)}) does not match number of values "
                     f"({len(values)})")
    blocker = next(_opaque_leaves(keys), None)
    if blocker is not None:
        return _as_unknown(blocker)
    if None in keys:
        raise _Error("keys list has a null value")
    return {_str(key): value for key, value in zip(keys, values)}


@_function("merge", unknowns="own")
def _merge(*maps: Any) -> Any:
    """Later maps win; null arguments are skipped, and merging only nulls gives null. A map
    some of whose entries may not exist keeps those entries unsure (a ``PartialCollection``);
    where such an entry would override a sure one, the key surely exists with an unknown
    value."""
    merged: dict = {}
    maybe: set = set()
    for mapping in maps:
        if isinstance(mapping, PartialCollection) and isinstance(mapping.items, dict):
            for key, value in mapping.items.items():
                if key not in mapping.maybe:
                    merged[key] = value
                    maybe.discard(key)
                elif key in merged and key not in maybe:
                    merged[key] = Unknown("value of an entry that may be overridden", key)
                else:
                    merged[key] = value
                    maybe.add(key)
        elif _opaque(mapping):
            return _as_unknown(mapping)
        elif mapping is not None:
            for key, value in _map(mapping).items():
                merged[key] = value
                maybe.discard(key)
    if maps and all(mapping is None for mapping in maps):
        return None
    return _partial(merged, maybe)


@_function("lookup", unknowns="own")
def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    """The default is needed (and may be unknown) only when the key is missing. In a map some
    of whose entries may not exist, an entry that surely exists is found, and a key no entry
    has gives the default; with an unknown key, the value every entry it could name agrees on."""
    if len(default) > 1:
        raise _Error("lookup() takes two or three arguments")
    unsure: frozenset = frozenset()
    if isinstance(mapping, PartialCollection) and isinstance(mapping.items, dict):
        mapping, unsure = mapping.items, mapping.maybe
    if _opaque(mapping):
        return _as_unknown(mapping)
    mapping = _map(mapping)
    if _opaque(key):
        candidates = list(mapping.values()) + list(default)
        agreed = bool(candidates) and all(
            _canon(c) == _canon(candidates[0]) and next(_opaque_leaves(c), None) is None
            for c in candidates)
        return candidates[0] if agreed else _as_unknown(key)
    key = _str(key)
    if key in unsure:
        return Unknown("lookup of an entry that may not exist", key)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise _Error(f"lookup failed to find key {key!r}")


@_function("contains", unknowns="shallow")
def _contains(values: Any, value: Any) -> Any:
    """Found among the known elements: true; else unknown if some element is unknown."""
    values = _list(values)
    if not values:
        return False
    blocker = next(_opaque_leaves(value), None)
    if blocker is not None:
        return _as_unknown(blocker)
    unknown = None
    for item in values:
        leaf = next(_opaque_leaves(item), None)
        if leaf is not None:
            unknown = unknown or _as_unknown(leaf)
        elif _canon(item) == _canon(value):
            return True
    return False if unknown is None else unknown


@_function("index", unknowns="shallow")
def _index(values: Any, value: Any) -> Any:
    """An unknown element before the match makes the result unknown."""
    values = _list(values)
    if not values:
        raise _Error("cannot search an empty list")
    blocker = next(_opaque_leaves(value), None)
    if blocker is not None:
        return _as_unknown(blocker)
    for position, item in enumerate(values):
        blocker = next(_opaque_leaves(item), None)
        if blocker is not None:
            return _as_unknown(blocker)
        if _canon(item) == _canon(value):
            return position
    raise _Error("item not found")


@_function("distinct")
def _distinct(values: Any) -> list:
    """Keeps the first of equal elements, in order."""
    unique: dict = {}
    for value in _list(values):
        unique.setdefault(_canon(value), value)
    return list(unique.values())


@_function("compact")
def _compact(values: Any) -> list:
    """Drops null and "" elements of a list of strings."""
    return [text for text in (_str(value) for value in _list(values) if value is not None)
            if text != ""]


@_function("alltrue", unknowns="shallow")
def _alltrue(values: Any) -> Any:
    """A known false (or null) element decides it, unknown elements notwithstanding."""
    unknown = None
    for value in _list(values):
        if _opaque(value):
            unknown = unknown or _as_unknown(value)
        elif value is None or not _bool(value):
            return False
    return True if unknown is None else unknown


@_function("anytrue", unknowns="shallow")
def _anytrue(values: Any) -> Any:
    """A known true element decides it; null elements count as false."""
    unknown = None
    for value in _list(values):
        if _opaque(value):
            unknown = unknown or _as_unknown(value)
        elif value is not None and _bool(value):
            return True
    return False if unknown is None else unknown


@_function("coalesce", unknowns="own")
def _coalesce(*values: Any) -> Any:
    """The first argument that is neither null nor "", converted to the arguments' common type
    (coalesce(1, "a") is "1"); an unknown argument before it makes the result unknown, unless
    it can be neither (a resource's ID, a string with known text, a list element that is an AZ
    name)."""
    for value in _unify(list(values)):
        if _opaque(value):
            return value if _never_empty(value) else _as_unknown(value)
        if value is not None and value != "":
            return value
    raise _Error("no non-null, non-empty-string arguments")


def _never_empty(value: Any) -> bool:
    if _is_id_ref(value) or isinstance(value, ListElement):
        return True
    return isinstance(value, PartialString) and any(
        isinstance(part, str) and part for part in value.parts)


@_function("coalescelist", unknowns="own")
def _coalescelist(*lists: Any) -> Any:
    """The first non-empty list; an unknown argument before it makes the result unknown."""
    if not lists:
        raise _Error("at least one argument is required")
    for each in lists:
        if not _opaque(each):
            _list(each)
    for each in lists:
        if _opaque(each):
            return _as_unknown(each)
        if each:
            return each
    raise _Error("no non-null arguments")


@_function("setproduct", unknowns="shallow")
def _setproduct(*sets: Any) -> list:
    if len(sets) < 2:
        raise _Error("at least two arguments are required")
    lists = list(map(_list, sets))
    if math.prod(map(len, lists)) > MAX_ELEMENTS:
        raise _Unknowable(Unknown(f"setproduct of more than {MAX_ELEMENTS:,} elements is not "
                                  "evaluated", "setproduct"))
    return [list(combination) for combination in itertools.product(*lists)]


@_function("setunion")
def _setunion(*sets: Any) -> list:
    if not sets:
        raise _Error("at least one argument is required")
    return _as_set(_unify([item for each in sets for item in _list(each)]))


@_function("setintersection")
def _setintersection(first: Any, *others: Any) -> list:
    keys = [{_canon(item) for item in _list(other)} for other in others]
    return _as_set([item for item in _list(first) if all(_canon(item) in each for each in keys)])


@_function("setsubtract")
def _setsubtract(values: Any, removed: Any) -> list:
    removed_keys = {_canon(item) for item in _list(removed)}
    return _as_set([item for item in _list(values) if _canon(item) not in removed_keys])


@_function("transpose")
def _transpose(mapping: Any) -> dict:
    """{"a" = ["1", "2"], "b" = ["2"]} becomes {"1" = ["a"], "2" = ["a", "b"]}."""
    result: dict = {}
    for key, values in _map(mapping).items():
        for value in _list(values):
            result.setdefault(_str(value), []).append(key)
    return {key: sorted(result[key]) for key in sorted(result)}


# --- networking -------------------------------------------------------------------------------

_CIDR = re.compile(r"([0-9A-Fa-f:.]+)/([0-9]+)")


def _cidr(text: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """Parsed as Terraform does: host bits are dropped ("10.1.2.3/16" is 10.1.0.0/16)."""
    text = _str(text)
    match = _CIDR.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return ipaddress.ip_network(f"{match[1]}/{int(match[2])}", strict=False)
    except ValueError:
        raise _Error(f"invalid CIDR expression: invalid CIDR address: {text}") from None


@_function("cidrsubnet")
def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    newbits, netnum, network = _whole(newbits), _whole(netnum, big=True), _cidr(prefix)
    length = network.prefixlen + newbits
    if newbits < 0 or length > network.max_prefixlen:
        raise _Error(f"insufficient address space to extend prefix of {network.prefixlen} by "
                     f"{newbits}")
    if not 0 <= netnum < 1 << newbits:
        raise _Error(f"prefix extension of {newbits} does not accommodate a subnet numbered "
                     f"{netnum}")
    address = int(network.network_address) | netnum << (network.max_prefixlen - length)
    return str(type(network)((address, length)))


@_function("cidrsubnets")
def _cidrsubnets(prefix: Any, *newbits: Any) -> list:
    """Consecutive subnets, each aligned to its own size, the way Terraform allocates them:
    cidrsubnets("10.1.0.0/16", 4, 4, 8, 4) skips 10.1.33.0-10.1.47.255 to align the last /20.
    Like Terraform, it fails for a prefix that starts at address 0 (0.0.0.0/0): the search for
    the first subnet starts just below the prefix and wraps around."""
    network, extensions = _cidr(prefix), [_whole(bits) for bits in newbits]
    bits, base = network.max_prefixlen, network.prefixlen
    first, last_address = int(network.network_address), int(network.broadcast_address)
    subnets: list = []
    current = None
    for extension in extensions:
        length = base + extension
        if not 1 <= extension <= 32:
            raise _Error("must extend prefix by at least one bit and at most 32 bits")
        if length > bits:
            raise _Error(f"would extend prefix to {length} bits, which is too long for an "
                         f"IPv{network.version} address")
        if current is None:
            current = (_align((first - 1) % (1 << bits), base + extensions[0], bits),
                       base + extensions[0])
        end_of_current = current[0] | _host_mask(current[1], bits)
        start = (_align(end_of_current, length, bits) | _host_mask(length, bits)) + 1
        if start == 1 << bits or not first <= start <= last_address:
            raise _Error(f"not enough remaining address space for a subnet with a prefix of "
                         f"{length} bits after {type(network)(current)}")
        current = (start, length)
        subnets.append(str(type(network)(current)))
    return subnets


def _host_mask(length: int, bits: int) -> int:
    return (1 << (bits - length)) - 1


def _align(address: int, length: int, bits: int) -> int:
    return address & ~_host_mask(length, bits)


@_function("cidrhost")
def _cidrhost(prefix: Any, hostnum: Any) -> str:
    """A negative host number counts from the end: -1 is the last address."""
    hostnum, network = _whole(hostnum, big=True), _cidr(prefix)
    number = hostnum + network.num_addresses if hostnum < 0 else hostnum
    if not 0 <= number < network.num_addresses:
        raise _Error(f"prefix of {network.prefixlen} does not accommodate a host numbered "
                     f"{hostnum}")
    return str(network.network_address + number)


@_function("cidrnetmask")
def _cidrnetmask(prefix: Any) -> str:
    network = _cidr(prefix)
    if network.version == 6:
        raise _Error(f"IPv6 addresses cannot have a netmask: {prefix}")
    return str(network.netmask)


# --- lists of distinct unknown elements -------------------------------------------------------

def _element_of_distinct(values: DistinctList, index: Any) -> Any:
    """element() wraps around the list's unknown length: only an index below the length every
    such list has names one element for sure."""
    if _opaque(index):
        return _as_unknown(index)
    index = _whole(index)
    if index < 0:
        raise _Error("cannot use element function with a negative index")
    if index < DistinctList.MIN_LENGTH:
        return values.element(index)
    return Unknown("element() of a list of unknown length wraps around", values.expr)


def _slice_of_distinct(values: DistinctList, start: Any, end: Any) -> Any:
    """Terraform fails when ``end`` is past the list: in a configuration that applies, the
    slice is that many distinct elements."""
    if _opaque(start) or _opaque(end):
        return _as_unknown(start if _opaque(start) else end)
    start, end = _whole(start), _whole(end)
    if start < 0 or start > end:
        raise _Error("invalid slice indexes")
    return [values.element(index) for index in range(start, end)]


_OVER_DISTINCT: dict[str, Callable[..., Any]] = {
    "element": _element_of_distinct,
    "slice": _slice_of_distinct,
    "tolist": lambda values: values,
    "distinct": lambda values: values,
    "toset": lambda values: values.derived("toset"),
    "sort": lambda values: values.derived("sort"),
}


# --- errors and things never known statically -------------------------------------------------

@_function("try", unknowns="raw")
def _try(*values: Any) -> Any:
    """The first argument that evaluated without error. An argument holding an UNKNOWN that is
    not an error makes the result UNKNOWN: Terraform would have returned it if it evaluates, or
    moved on if it fails, and vpclint cannot tell which."""
    if not values:
        raise _Error("at least one argument is required")
    for value in values:
        if _first_error(value) is None:
            unknown = _first_unknown(value)
            return value if unknown is None or unknown is value else _as_unknown(unknown)
    raise _Error("no expression succeeded")


@_function("can", unknowns="raw")
def _can(value: Any) -> Any:
    """false if the argument failed, true if it evaluated; unknown if vpclint cannot tell."""
    if _first_error(value) is not None:
        return False
    unknown = _first_unknown(value)
    return True if unknown is None else _as_unknown(unknown)


def _never_static(unknown: Unknown, *args: Any) -> Unknown:
    return unknown


_NEVER_STATIC = {
    **dict.fromkeys(["file", "fileexists", "fileset", "filebase64", "filemd5", "filesha1",
                     "filesha256", "filesha512", "filebase64sha256", "filebase64sha512",
                     "templatefile"], "reading files is not done"),
    **dict.fromkeys(["uuid", "bcrypt"], "different on every run"),
    **dict.fromkeys(["timestamp", "plantimestamp"], "known only when Terraform runs"),
}
for _name, _why in _NEVER_STATIC.items():
    _function(_name, unknowns="own")(functools.partial(_never_static, Unknown(_why, _name)))
