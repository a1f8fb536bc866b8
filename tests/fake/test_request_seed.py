"""A request's seed is a stable function of the simulator seed and the request's parts."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from simulator.fake import request_seed


def streamed(base_seed: int, *parts: bytes | str) -> int:
    """The definition: blake2b-64 over the seed and each part, a zero byte before each part."""
    h = hashlib.blake2b(str(base_seed).encode(), digest_size=8)
    for part in parts:
        h.update(b"\x00")
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
    return int.from_bytes(h.digest(), "big")


@given(st.integers(), st.lists(st.text() | st.binary(), max_size=6))
def test_the_seed_is_blake2b_over_the_seed_and_each_part(base_seed, parts):
    assert request_seed(base_seed, *parts) == streamed(base_seed, *parts)


def test_moving_a_byte_between_parts_changes_the_seed():
    assert request_seed(0, "ab", "c") != request_seed(0, "a", "bc")
