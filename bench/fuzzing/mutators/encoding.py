"""The mutated text as bytes: UTF-8 mostly, sometimes another encoding or broken bytes.

The last step of every mutant, after the text mutators: vpclint reads bytes, so what no text
mutator can express (a BOM, UTF-16, invalid UTF-8) is made here.
"""

from __future__ import annotations

import random


def encode(rng: random.Random, text: str) -> tuple[bytes, str | None]:
    """The file's bytes: UTF-8 mostly; sometimes a BOM, UTF-16/32, Latin-1 or broken bytes."""
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() > 0.12:
        return raw, None
    choice = rng.randrange(9)
    if choice == 0:
        return b"\xef\xbb\xbf" + raw, "UTF-8 BOM"
    if choice == 1:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + raw, "two UTF-8 BOMs"
    if choice == 2:
        return text.encode("utf-16", "surrogatepass"), "UTF-16 with BOM"
    if choice == 3:
        return text.encode("utf-16-le", "surrogatepass"), "UTF-16-LE without BOM"
    if choice == 4:
        return text.encode("utf-32", "surrogatepass"), "UTF-32"
    if choice == 5:
        return text.encode("latin-1", "replace"), "Latin-1"
    data = bytearray(raw)
    bad = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x00", b"\xf4\x90\x80\x80", b"\x80"]
    done = []
    for _ in range(rng.choice([1, 3])):
        at = rng.randrange(len(data) + 1)
        chunk = rng.choice(bad)
        data[at:at] = chunk
        done.append(f"{chunk!r}@{at}")
    return bytes(data), "insert bytes " + " ".join(done)
