"""Records kept a namespace per period of time: the registry names each period once, and a period
goes whole, in one store call, however many records it holds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from simulator.store import ServiceStore
from simulator.store.buckets import TimeBuckets, count_in_period
from tests.store.counting import CountingStore

START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)  # the start of a 15-minute period


def test_an_instant_falls_in_the_period_of_its_whole_multiples():
    periods = TimeBuckets(ServiceStore(CountingStore(), "svc"), "things", 900)
    first = periods.period(START)
    assert periods.period(START + timedelta(seconds=899)) == first
    assert periods.period(START + timedelta(seconds=900)) == first + 1
    assert periods.period(START - timedelta(microseconds=1)) == first - 1
    assert periods.namespace(first) == f"things@{first}"


def test_a_period_is_named_in_the_registry_once(store):
    periods = TimeBuckets(ServiceStore(store, "svc"), "things", 900)
    assert periods.note(7) is True
    assert periods.note(7) is False
    assert periods.note(8) is True
    assert periods.periods() == [7, 8]


def test_forgetting_keeps_the_live_periods_and_drops_the_rest_whole(store):
    view = ServiceStore(store, "svc")
    periods = TimeBuckets(view, "things", 900)
    for period in (3, 4, 5, 9):
        for i in range(3):
            view.put(periods.namespace(period), f"r{i}", i)
        periods.note(period)
    assert periods.forget_all_but({4, 5}) == 2
    assert periods.periods() == [4, 5]
    assert [len(view.items(periods.namespace(p))) for p in (3, 4, 5, 9)] == [0, 3, 3, 0]
    assert periods.note(3) is True  # a period written again after it went is known again


@pytest.mark.parametrize("records", [10, 5_000])
def test_a_period_goes_in_the_same_few_store_calls_however_many_records_it_holds(records):
    counting = CountingStore()
    view = ServiceStore(counting, "svc")
    periods = TimeBuckets(view, "things", 900)
    for i in range(records):
        view.put(periods.namespace(1), f"r{i}", i)
    periods.note(1)
    periods.note(2)
    counting.calls.clear()
    assert periods.forget_all_but({2}) == 1
    assert sum(counting.calls.values()) == 3  # the registry read, its entry deleted, the namespace deleted
    assert counting.scans() == [("items", "svc:things@periods")]


def test_a_period_cannot_be_empty_of_time():
    with pytest.raises(ValueError):
        TimeBuckets(ServiceStore(CountingStore(), "svc"), "things", 0)


def test_a_count_restarts_each_period_and_a_gap_leaves_no_old_period_behind(store):
    view = ServiceStore(store, "svc")
    counts = [count_in_period(view, "flow", key, START + timedelta(seconds=second), 1)
              for second, key in ((0, "a"), (0, "a"), (0, "b"), (3, "a"), (3, "a"), (9, "b"))]
    assert counts == [1, 2, 1, 1, 2, 1]
    assert [ns for ns in store.namespaces("svc:flow@") if not ns.endswith("@periods")] == \
        [f"svc:flow@{int(START.timestamp()) + 9}"]  # seconds 0 and 3 went, though second 8 saw no call
