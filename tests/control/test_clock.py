"""Moving the simulator clock through the admin API: every worker sharing the store sees it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .conftest import START


def test_the_clock_reads_the_configured_clock_until_it_is_moved(sim):
    answer = sim.admin("GET", "/clock").get_json()
    assert answer == {"now": START.isoformat(), "offset_seconds": 0.0}


def test_advancing_the_clock_expires_a_token_without_waiting(sim):
    token = sim.iam_token()
    ok = sim.ocr({"url": "https://apisim.fixtures/images/quota_invoice.png"}, headers={"X-Auth-Token": token})
    assert ok.status_code == 200
    moved = sim.admin("POST", "/clock", json={"advance_seconds": 25 * 3600}).get_json()
    assert moved["now"] == (START + timedelta(hours=25)).isoformat()
    expired = sim.ocr({"url": "https://apisim.fixtures/images/quota_invoice.png"}, headers={"X-Auth-Token": token})
    assert expired.status_code == 401
    assert sim.simulator.journal.entries()[-1]["time"] == (START + timedelta(hours=25)).isoformat()


def test_the_clock_can_be_set_to_an_instant_and_put_back(sim):
    sim.admin("POST", "/clock", json={"now": "2030-01-02T03:04:05Z"})
    assert sim.simulator.now() == datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert sim.admin("DELETE", "/clock").get_json()["now"] == START.isoformat()


def test_a_full_reset_puts_the_clock_back(sim):
    sim.simulator.advance_clock(60)
    sim.admin("POST", "/reset", json={})
    assert sim.simulator.now() == START


def test_a_clock_request_that_says_nothing_usable_is_refused_with_what_to_send(sim):
    for body in ({}, {"advance_seconds": "ten"}, {"advance_seconds": True}, {"now": "tomorrow"},
                 {"now": "2030-01-02T03:04:05"}):
        answer = sim.admin("POST", "/clock", json=body)
        assert answer.status_code == 400, body
    assert sim.simulator.now() == START


def test_a_clock_moved_on_one_worker_is_moved_on_every_worker(make_sim, tmp_path):
    url = f"sqlite:///{tmp_path}/state.db"
    first, second = (make_sim("huawei-ocr", store_url=url) for _ in range(2))
    first.admin("POST", "/clock", json={"advance_seconds": 90})
    assert second.simulator.now() == START + timedelta(seconds=90)


def test_two_workers_moving_the_clock_at_once_both_count(make_sim, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    url = f"sqlite:///{tmp_path}/state.db"
    first, second = (make_sim("huawei-ocr", store_url=url) for _ in range(2))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: (first, second)[i % 2].simulator.advance_clock(1.5), range(40)))
    assert first.simulator.now() == START + timedelta(seconds=60)
