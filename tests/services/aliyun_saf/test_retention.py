"""Verifications are kept as long as a queryId is valid (30 minutes of simulator clock after init,
apisim's choice: the document gives no validity) and at most ``max_verifications_per_key`` an
AccessKeyId: many inits cannot grow the store without bound, and an expired one queries as Z8301."""

from __future__ import annotations

import pytest

from simulator.contracts import load_contracts
from simulator.services.aliyun_saf import models

from .conftest import DEMO, DETAILED

TTL = 30 * 60


def _held(saf) -> int:
    return len(saf.store.items("verifications"))


@pytest.mark.parametrize("start, poll", [("init", "query"), ("initH5", "queryH5")])
def test_a_verification_is_answered_until_it_expires_then_is_z8301(saf, start, poll):
    data = saf.started(method=start, key=DETAILED)
    saf.clock.advance(TTL - 1)
    assert saf.query(data, method=poll, key=DETAILED).code == 200
    saf.clock.advance(1)
    expired = saf.query(data, method=poll, key=DETAILED)
    assert (expired.code, expired.message) == (500, "query接口调用失败，INVALID_PARAMETER：抱歉，系统出错了，请您稍后再试(Z8301)（Z8301）")
    assert saf.store.get("verifications", data["bizId"]) is None


def test_expired_verifications_are_forgotten_without_being_queried(saf):
    for _ in range(models.SWEEP_EVERY - 1):
        saf.started()
    assert _held(saf) == models.SWEEP_EVERY - 1
    saf.clock.advance(TTL)
    newest = saf.started()  # the sweep comes with every SWEEP_EVERY-th init
    assert saf.store.items("verifications") == [(newest["bizId"], saf.store.get("verifications", newest["bizId"]))]


@pytest.fixture
def capped(make_saf, clock):
    """A simulator whose contract keeps at most 20 verifications an AccessKeyId (its own copy)."""
    contracts = load_contracts(services=["aliyun-saf"])
    contracts["aliyun-saf"].raw["x-behaviour"]["max_verifications_per_key"] = 20
    return make_saf(clock, contracts)


def test_many_inits_on_a_fixed_clock_keep_each_keys_newest_verifications_only(capped):
    other = capped.started(key=DETAILED)  # the first verification; the last below is the 300th, a sweep
    started = []
    for _ in range(3 * models.SWEEP_EVERY - 1):
        started.append(capped.started(key=DEMO))
        assert _held(capped) <= 20 + models.SWEEP_EVERY + 1  # never more than the cap and one sweep's worth
    assert _held(capped) == 20 + 1  # right after a sweep: DEMO's newest 20, and the other key's one
    assert capped.query(started[-1]).code == 300 and capped.query(other, key=DETAILED).code == 300
    forgotten = capped.query(started[0])
    never_created = capped.query({"bizId": "ZSTP2026030100000000000000000000", "queryId": "0" * 32})
    assert forgotten.json["Code"] == 400  # Z8301 in unified mode
    assert (forgotten.code, forgotten.message) == (never_created.code, never_created.message)
