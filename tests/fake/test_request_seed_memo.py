"""request_seed: the same parts always give the same seed, kept or not."""

from __future__ import annotations

from simulator.fake.generator import _SEED_MEMO_MAX_BYTES, _request_seed, request_seed


def test_a_kept_seed_is_the_seed_worked_out_afresh_and_any_part_changes_it():
    parts = ("huawei-ocr", "POST", "/v2/p/ocr/quota-invoice", "", b'{"image": "aGk="}')
    assert request_seed(7, *parts) == request_seed(7, *parts) == _request_seed(7, parts)
    assert request_seed(8, *parts) != request_seed(7, *parts)
    assert request_seed(7, *parts[:-1], b'{"image": "aGl="}') != request_seed(7, *parts)


def test_a_large_body_is_seeded_without_being_kept():
    body = b"x" * (_SEED_MEMO_MAX_BYTES + 1)
    assert request_seed(7, "s", body) == _request_seed(7, ("s", body))
    assert request_seed(7) == _request_seed(7, ())
