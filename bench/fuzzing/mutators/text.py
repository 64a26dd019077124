"""Mutators for any text, whatever its syntax: lines, characters, lengths, line ends, nesting,
numbers, look-alike words, and pieces of another seed.

They go after what every parser and every piece of position bookkeeping must survive; the
syntax only decides how an inserted line or value is written (``flavour``).
"""

from __future__ import annotations

import re
from pathlib import Path

from .context import MutationContext, Skip, random_span, split_lines
from .nesting import DEPTHS, deep_text

# Characters and tokens that parsers and position bookkeeping care about. str.splitlines()
# breaks lines at \x0b \x0c \x1c-\x1e \x85 \u2028 \u2029 too, where parsers may not.
ODD_CHARS = ["\x00", "\ufeff", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r", "\t",
             "\\", '"', "'", "`", "{", "}", "[", "]", "(", ")", "#", "/", "*", ":", "-", "!",
             "&", "|", ">", "?", "%", "@", ",", "=", "$", ".", " ", "\n", "\u202e", "\u200b",
             "é", "\U0001d518", "\U0001f600", "\u0301", "\ud7ff", "\uffff", "\x7f", "\x1b",
             "٣", "１"]
ODD_TOKENS = ["${", "%{", "}}", "{{", "${var.x}", "<<EOF\n", "<<-EOT\n", "EOF\n", "/*", "*/",
              "//", "# vpclint:ignore", "---\n", "...\n", "- ", ": ", "? ", "!Ref ", "!!", "&a ",
              "*a", "<<: ", "0x", "1e999", "-0", ".inf", ".nan", "~", "null", "true", "NaN",
              "\\u0000", "\\ud800", "\\", "\\\"", "${aws_vpc.main.id}", "${AWS::Region}",
              "AWS::", "Fn::", "::", "[*]", ".*", "..", "=>", "...", "\r\n", "\n\n\n"]
ODD_NUMBERS = ["100000000", "1e999", "-1e999", "99999999999999999999999999999999", "-1", "-0",
               "0", "1.5", "0.0000001", "4294967296", "9223372036854775808", "65536", "70000",
               "1e308", "1e-400", "0x7fffffff", "1_000", "007", "NaN", "Infinity", ".inf",
               "1" * 5000]
ODD_CIDRS = ["0.0.0.0/0", "::/0", "10.0.0.0/33", "10.0.0.0/-1", "999.1.1.1/8", "10.0.0.0",
             "10.0.0.0/8/8", "10.0.0.1/8", "fe80::/129", "10.0.0.0/0x10", "", "/", "10.0.0.0/ 8",
             "10.0.0.0/08", "2001:db8::/32", "::ffff:10.0.0.0/104", "10.0.0.0/1" + "0" * 50]


def delete_lines(ctx: MutationContext, text: str) -> tuple[str, str]:
    lines = split_lines(text)
    start, end = random_span(ctx.rng, len(lines), ctx.rng.choice([1, 3, 30]))
    del lines[start:end]
    return "\n".join(lines), f"delete lines {start + 1}-{end}"


def duplicate_lines(ctx: MutationContext, text: str) -> tuple[str, str]:
    lines = split_lines(text)
    start, end = random_span(ctx.rng, len(lines), ctx.rng.choice([1, 5, 40]))
    at = ctx.rng.choice([end, ctx.rng.randrange(len(lines) + 1)])
    lines[at:at] = lines[start:end]
    return "\n".join(lines), f"copy lines {start + 1}-{end} to line {at + 1}"


def swap_lines(ctx: MutationContext, text: str) -> tuple[str, str]:
    lines = split_lines(text)
    a, b = ctx.rng.randrange(len(lines)), ctx.rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines), f"swap lines {a + 1} and {b + 1}"


def flip_chars(ctx: MutationContext, text: str) -> tuple[str, str]:
    if not text:
        raise Skip
    chars = list(text)
    done = []
    for _ in range(ctx.rng.choice([1, 1, 2, 5, 20])):
        at = ctx.rng.randrange(len(chars))
        chars[at] = ctx.rng.choice(ODD_CHARS)
        done.append(f"{at}:{chars[at]!r}")
    return "".join(chars), "flip chars " + " ".join(done[:5])


def insert_tokens(ctx: MutationContext, text: str) -> tuple[str, str]:
    done = []
    for _ in range(ctx.rng.choice([1, 1, 3, 8])):
        at = ctx.rng.randrange(len(text) + 1)
        token = ctx.rng.choice(ODD_TOKENS + ODD_CHARS)
        text = text[:at] + token + text[at:]
        done.append(f"{at}:{token!r}")
    return text, "insert " + " ".join(done[:5])


def truncate(ctx: MutationContext, text: str) -> tuple[str, str]:
    at = ctx.rng.randrange(len(text) + 1)
    return text[:at], f"truncate at char {at} of {len(text)}"


def line_endings(ctx: MutationContext, text: str) -> tuple[str, str]:
    choice = ctx.rng.randrange(6)
    if choice == 0:
        return text.replace("\n", "\r\n"), "CRLF line endings"
    if choice == 1:
        return text.replace("\n", "\r"), "CR line endings"
    if choice == 2:
        sep = ctx.rng.choice(["\u2028", "\x85", "\x0c", "\x0b", "\r\r\n"])
        return text.replace("\n", sep), f"line separator {sep!r}"
    if choice == 3:
        lines = split_lines(text)
        return "\n".join(line + ctx.rng.choice(["", "\r", " \t", "\t"]) for line in lines), \
            "mixed line ends and trailing whitespace"
    if choice == 4:
        return re.sub(r"(?m)^( +)", lambda m: "\t" * (len(m.group(1)) // 2), text), \
            "tabs for indentation"
    return text.rstrip("\n") if text.endswith("\n") else text + "\n\n\n", "final newline"


def long_line(ctx: MutationContext, text: str) -> tuple[str, str]:
    length = ctx.rng.choice([10_000, 100_000, 1_000_000])
    lines = split_lines(text)
    at = ctx.rng.randrange(len(lines) + 1)
    kind = ctx.rng.randrange(4)
    if kind == 0:
        filler = "a" * length
    elif kind == 1:
        filler = _assignment(ctx, "fz_long", '"' + "x" * length + '"')
    elif kind == 2:  # a long list on one line (python-hcl2 takes ~0.3 ms per string element,
        # so 2,000 of them, not a hundred thousand: the timeout is for hangs, not for speed)
        items = ", ".join(['"10.0.0.0/16"'] * (length // 500))
        filler = _assignment(ctx, "fz_long", "[" + items + "]")
    else:  # lengthen an existing line
        at = min(at, len(lines) - 1)
        lines[at] = lines[at] + " " * length + "#"
        return "\n".join(lines), f"line {at + 1} padded by {length} spaces"
    lines.insert(at, filler)
    return "\n".join(lines), f"insert a {length}-char line at line {at + 1}"


def _assignment(ctx: MutationContext, key: str, value: str) -> str:
    """``key = value`` as a line inside a block of the file's syntax."""
    if ctx.flavour == "hcl":
        return f"  {key} = {value}"
    if ctx.flavour == "json":
        return f'"{key}": {value},'
    return f"      {key}: {value}"


def deep_nesting(ctx: MutationContext, text: str) -> tuple[str, str]:
    depth = ctx.rng.choice(DEPTHS[ctx.flavour])
    value = deep_text(ctx.rng, ctx.flavour, depth)
    lines = split_lines(text)
    if ctx.flavour == "hcl":
        headers = [i for i, line in enumerate(lines) if re.match(r"\s*\w.*\{\s*$", line)]
        if headers and ctx.rng.random() < 0.7:
            at = ctx.rng.choice(headers) + 1
            lines.insert(at, f"  fz_deep = {value}")
        elif ctx.rng.random() < 0.5:
            lines.append(f"locals {{\n  fz_deep = {value}\n}}")
        else:  # nested blocks
            depth = min(depth, 3000)
            lines.append('resource "aws_security_group" "fz" {\n' + "  ingress {\n" * depth
                         + "  from_port = 1\n" + "  }\n" * depth + "}")
        return "\n".join(lines), f"nesting {depth} deep"
    if ctx.flavour == "json":
        slots = [i for i, line in enumerate(lines) if re.search(r'":\s*\S', line)]
        if not slots:
            raise Skip
        at = ctx.rng.choice(slots)
        lines[at] = re.sub(r'(":\s*)(.*?)(,?\s*)$', lambda m: m.group(1) + value + m.group(3),
                           lines[at], count=1)
        return "\n".join(lines), f"value on line {at + 1} nested {depth} deep"
    slots = [i for i, line in enumerate(lines) if re.match(r"\s*[\w\-]+:\s*\S", line)]
    if not slots:
        raise Skip
    at = ctx.rng.choice(slots)
    match = re.match(r"(\s*)([\w\-]+:)", lines[at])
    # YAML block style depends on the key's indentation: made again (the first value drew from
    # the generator too, and stays drawn, so the mutants stay what they were)
    value = deep_text(ctx.rng, ctx.flavour, depth, indent=len(match.group(1)))
    lines[at] = match.group(1) + match.group(2) + " " + value
    return "\n".join(lines), f"value on line {at + 1} nested {depth} deep"


def odd_numbers(ctx: MutationContext, text: str) -> tuple[str, str]:
    numbers = list(re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", text))
    cidrs = list(re.finditer(r"\d+\.\d+\.\d+\.\d+/\d+", text))
    if not numbers and not cidrs:
        raise Skip
    if cidrs and (not numbers or ctx.rng.random() < 0.4):
        match = ctx.rng.choice(cidrs)
        new = ctx.rng.choice(ODD_CIDRS)
    else:
        match = ctx.rng.choice(numbers)
        new = ctx.rng.choice(ODD_NUMBERS)
    return text[:match.start()] + new + text[match.end():], \
        f"replace {match.group()!r} at {match.start()} by {new[:40]!r}"


def unicode_text(ctx: MutationContext, text: str) -> tuple[str, str]:
    words = list(re.finditer(r"[A-Za-z_][\w\-]{2,}", text))
    if not words:
        raise Skip
    match = ctx.rng.choice(words)
    style = ctx.rng.randrange(4)
    word = match.group()
    if style == 0:
        new = word.upper() if word.islower() else word.lower()
    elif style == 1:  # full-width letters look the same to people
        new = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
    elif style == 2:
        new = word + ctx.rng.choice(["\u200b", "\u0301", "\u202e", "\ufeff", "\x00"])
    else:
        new = word[::-1]
    return text[:match.start()] + new + text[match.end():], f"{word!r} -> {new!r}"


def splice(ctx: MutationContext, text: str) -> tuple[str, str]:
    other_name, other = ctx.pick_other()
    mine, theirs = split_lines(text), split_lines(other)
    style = ctx.rng.randrange(3)
    a, b = ctx.rng.randrange(len(mine) + 1), ctx.rng.randrange(len(theirs) + 1)
    if style == 0:
        return "\n".join(mine[:a] + theirs[b:]), f"lines 1-{a} + {other_name} from line {b + 1}"
    if style == 1:
        start, end = random_span(ctx.rng, len(theirs), 60)
        mine[a:a] = theirs[start:end]
        return "\n".join(mine), f"insert {other_name} lines {start + 1}-{end} at line {a + 1}"
    name = "fz_spliced" + (".tf" if other_name.endswith(".tf") else Path(other_name).suffix)
    ctx.siblings[name] = other.encode("utf-8", "surrogatepass")
    return text, f"add {other_name} as {name}"
