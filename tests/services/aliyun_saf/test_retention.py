"""Verifications are kept as long as a queryId is valid (30 minutes of simulator clock after init,
apisim's choice: the document gives no validity) and at most ``max_verifications_per_key`` an
AccessKeyId: many inits cannot grow the store without bound, and an expired one queries as Z8301.
What an init pays to keep that bound does not grow with the verifications held."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from simulator.contracts import load_contracts
from simulator.services.aliyun_saf import models
from simulator.store import ServiceStore
from tests.store.counting import CountingStore

from .conftest import DEMO, DETAILED

TTL = 30 * 60


@pytest.mark.parametrize("start, poll", [("init", "query"), ("initH5", "queryH5")])
def test_a_verification_is_answered_until_it_expires_then_is_z8301(saf, start, poll):
    data = saf.started(method=start, key=DETAILED)
    saf.clock.advance(TTL - 1)
    assert saf.query(data, method=poll, key=DETAILED).code == 200
    saf.clock.advance(1)
    expired = saf.query(data, method=poll, key=DETAILED)
    assert (expired.code, expired.message) == (500, "query接口调用失败，INVALID_PARAMETER：抱歉，系统出错了，请您稍后再试(Z8301)（Z8301）")
    assert saf.verification(data["bizId"]) is None


def test_expired_verifications_are_forgotten_a_whole_period_at_a_time_without_being_queried(saf):
    first = [saf.started() for _ in range(5)]
    saf.clock.advance(TTL)
    second = saf.started()
    assert saf.verifications_held() == 6  # the first period goes once nothing in it can be answered
    saf.clock.advance(TTL)
    newest = saf.started()  # the first init of a new period forgets the periods before the last
    assert saf.verifications_held() == 2
    assert [saf.verification(data["bizId"]) for data in first] == [None] * 5
    assert saf.verification(second["bizId"]) is not None and saf.verification(newest["bizId"]) is not None


@pytest.fixture
def capped(make_saf, clock):
    """A simulator whose contract keeps at most 20 verifications an AccessKeyId (its own copy)."""
    contracts = load_contracts(services=["aliyun-saf"])
    contracts["aliyun-saf"].raw["x-behaviour"]["max_verifications_per_key"] = 20
    return make_saf(clock, contracts)


def test_many_inits_on_a_fixed_clock_keep_each_keys_newest_verifications_only(capped):
    other = capped.started(key=DETAILED)
    started = []
    for _ in range(299):
        started.append(capped.started(key=DEMO))
        assert capped.verifications_held() <= 20 + 1  # never more than the cap (and the other key's one)
    assert capped.verifications_held() == 20 + 1
    assert capped.query(started[-1]).code == 300 and capped.query(other, key=DETAILED).code == 300
    assert capped.query(started[-20]).code == 300  # the oldest kept
    forgotten = capped.query(started[-21])  # the newest forgotten
    never_created = capped.query({"bizId": "ZSTP2026030100000000000000000000", "queryId": "0" * 32})
    assert forgotten.json["Code"] == 400  # Z8301 in unified mode
    assert (forgotten.code, forgotten.message) == (never_created.code, never_created.message)


START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


def store_calls_of_an_init(held: int, retention: models.Retention) -> CountingStore:
    """The store calls of an init after ``held`` others by the same key, half of them two periods
    before it (forgotten by it: it is the first of a new period) and half in the period before (kept)."""
    counting = CountingStore()
    store = ServiceStore(counting, "aliyun-saf")

    def init(number: int, now: datetime) -> None:
        models.create_verification(store, biz_id=f"ZSTP{number:028d}", query_id=f"{number:032x}", kind="app",
                                   name="张三", cert_number="110101199003078515", access_key_id="key", now=now,
                                   outcome=None, retention=retention)
    for number in range(held):
        init(number, START + timedelta(seconds=TTL if number >= held // 2 else 0))
    counting.calls.clear()
    init(held, START + timedelta(seconds=2 * TTL))
    return counting


@pytest.mark.parametrize("cap", [100_000, 15])
def test_an_inits_store_calls_do_not_depend_on_how_many_verifications_are_held(cap):
    retention = models.Retention(ttl_seconds=TTL, max_per_key=cap)
    few, many = store_calls_of_an_init(20, retention), store_calls_of_an_init(3_000, retention)
    assert few.operations() == many.operations()
    assert ("delete_map", "aliyun-saf:verifications@" + str(int(START.timestamp() // TTL))) in few.calls
    assert few.scans() == [("items", "aliyun-saf:verifications@periods")]  # the registry only, never the records


def test_names_tried_are_kept_for_the_current_risk_control_window_only(saf):
    window = load_contracts(services=["aliyun-saf"])["aliyun-saf"].raw["x-behaviour"]["risk_control"]["window_seconds"]
    for name in ("张三", "张叁", "章三"):
        saf.started(name=name)
    assert saf.init(name="张山").json["Code"] != 200  # B110: a fourth name within the window
    saf.clock.advance(window)
    assert saf.started(name="张山")  # a new window: the names tried in the last one are forgotten
    held = [ns for ns in saf.simulator.store.namespaces("aliyun-saf:names_tried@") if not ns.endswith("@periods")]
    assert len(held) == 1 and len(saf.store.items(held[0].removeprefix("aliyun-saf:"))) == 2  # 张山 and its count
