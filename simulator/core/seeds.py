"""Stable seeds: every derived value comes from hashing names and image digests, never the clock."""

from __future__ import annotations

import hashlib
import random


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from the parts, independent of Python's per-process hash randomisation."""
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return int.from_bytes(h.digest(), "big")


def stable_rng(*parts: object) -> random.Random:
    return random.Random(stable_seed(*parts))
