"""Signature nonces are kept by the period of the skew window they were signed in: a nonce is refused
again while any timestamp a server accepts now could share its period, the periods no clock accepts
are forgotten whole, and what that costs a request does not depend on how many nonces are live."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from simulator.auth import AuthEnv
from simulator.store import MemoryStore, ServiceStore
from tests.store.counting import CountingStore

WINDOW = timedelta(minutes=15)
PERIOD_START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)  # 08:00 begins a 15-minute period


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def auth_env(store: Any, clock: Clock, wall_clock: Clock | None = None) -> AuthEnv:
    return AuthEnv(credentials=[], clock=clock, store=ServiceStore(store, "svc"), wall_clock=wall_clock)


def remember(env: AuthEnv, nonce: str, signed_at: datetime) -> bool:
    return env.remember_nonce(nonce, signed_at=signed_at, window=WINDOW)


def nonce_namespaces(store: Any) -> list[str]:
    inner = getattr(store, "inner", store)
    return [ns for ns in inner.namespaces("svc:auth:nonce@") if not ns.endswith("@periods")]


def test_a_replayed_nonce_is_refused_within_its_window():
    env = auth_env(MemoryStore(), Clock(PERIOD_START + timedelta(minutes=5)))
    assert remember(env, "n1", PERIOD_START + timedelta(minutes=4)) is True
    assert remember(env, "n1", PERIOD_START + timedelta(minutes=4)) is False
    assert remember(env, "n2", PERIOD_START + timedelta(minutes=4)) is True


def test_a_nonce_signed_again_in_a_neighbouring_period_is_refused():
    clock = Clock(PERIOD_START)
    env = auth_env(MemoryStore(), clock)
    assert remember(env, "earlier", PERIOD_START - timedelta(seconds=1)) is True  # the period before
    assert remember(env, "earlier", PERIOD_START + timedelta(seconds=1)) is False
    assert remember(env, "later", PERIOD_START + timedelta(minutes=14)) is True  # this period
    assert remember(env, "later", PERIOD_START - timedelta(minutes=14)) is False
    assert remember(env, "ahead", PERIOD_START + timedelta(minutes=15)) is True  # the period after (clock skew)
    assert remember(env, "ahead", PERIOD_START) is False


def test_nonces_older_than_the_window_are_forgotten_in_one_sweep():
    store, clock = MemoryStore(), Clock(PERIOD_START)
    env = auth_env(store, clock)
    for i in range(50):
        assert remember(env, f"old-{i}", PERIOD_START)
    clock.now = PERIOD_START + 2 * WINDOW  # no timestamp of the first period is acceptable now
    assert remember(env, "new", clock.now) is True  # the first nonce of a new period sweeps
    assert nonce_namespaces(store) == [f"svc:auth:nonce@{int(clock.now.timestamp() // 900)}"]
    assert remember(env, "old-0", clock.now) is True  # forgotten (its old timestamp itself would be refused)


def test_nonces_stay_remembered_while_either_clock_accepts_their_timestamps():
    simulator_clock, wall = Clock(PERIOD_START), Clock(PERIOD_START + timedelta(days=300))
    env = auth_env(MemoryStore(), simulator_clock, wall_clock=wall)
    assert remember(env, "by-the-wall-clock", wall.now) is True
    simulator_clock.now += 2 * WINDOW
    assert remember(env, "by-the-simulator-clock", simulator_clock.now) is True  # a new period: a sweep
    assert remember(env, "by-the-wall-clock", wall.now) is False


def test_the_forget_call_drops_only_the_periods_no_clock_accepts():
    clock = Clock(PERIOD_START)
    env = auth_env(MemoryStore(), clock)
    for minutes in (-15, 0, 15):
        remember(env, f"at-{minutes}", PERIOD_START + timedelta(minutes=minutes))
    assert env.forget_expired_nonces("nonce", WINDOW) == 0  # the sweep at each new period already ran
    clock.now += WINDOW
    assert env.forget_expired_nonces("nonce", WINDOW) == 1  # the period that began at 07:45
    assert remember(env, "at-0", PERIOD_START) is False


def store_calls_of_the_request_that_sweeps(live: int) -> Counter[tuple[str, str]]:
    """The store calls of the first request of a new period, with ``live`` nonces in the period
    before it (still live) and as many in the one before that (forgotten by that request)."""
    store, clock = CountingStore(), Clock(PERIOD_START)
    env = auth_env(store, clock)
    for i in range(live):
        remember(env, f"expiring-{i}", PERIOD_START)
    clock.now += WINDOW
    for i in range(live):
        remember(env, f"live-{i}", clock.now)
    clock.now += WINDOW
    store.calls.clear()
    assert remember(env, "first-of-a-new-period", clock.now)
    assert len(nonce_namespaces(store)) == 2  # the expiring period went, the live one stays
    return store.calls


def test_a_sweeps_store_calls_do_not_depend_on_how_many_nonces_are_live():
    few, many = store_calls_of_the_request_that_sweeps(10), store_calls_of_the_request_that_sweeps(2_000)
    assert few == many
    assert sum(few.values()) <= 12
    assert not [call for call in few if call[0] == "items" and not call[1].endswith("@periods")]  # no scan


def test_a_request_in_a_known_period_makes_a_fixed_number_of_store_calls():
    store, clock = CountingStore(), Clock(PERIOD_START)
    env = auth_env(store, clock)
    for signed_at in (clock.now - WINDOW, clock.now, clock.now + WINDOW):  # all three acceptable periods in use
        remember(env, f"opens-{signed_at}", signed_at)
    counts = []
    for i in range(300):
        store.calls.clear()
        remember(env, f"n{i}", clock.now)
        counts.append(store.operations())
    assert counts == [{"add_if_absent": 1, "items": 1, "get": 2}] * 300  # claim, registry, the two neighbours


def test_threads_given_one_nonce_accept_it_exactly_once():
    env = auth_env(MemoryStore(), Clock(PERIOD_START))
    accepted: list[bool] = []
    start = threading.Barrier(8)

    def claim() -> None:
        start.wait()
        accepted.append(remember(env, "contested", PERIOD_START))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(accepted) == [False] * 7 + [True]
