"""A request sees every write completed before it began, wherever it was made, though the Redis store
keeps what a request reads for the next one while no write happens anywhere (two round trips a request).

Two store objects (or two :class:`Simulator` objects) over one store stand for two hosts.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any, Callable

import pytest

from simulator import Simulator
from simulator.config import SimulatorConfig
from simulator.core import SimRequest
from simulator.store import open_store

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
INVOICE_URL = "https://ocr.cn-north-4.myhuaweicloud.com/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"
INVOICE_BODY = b'{"url": "https://apisim.fixtures/images/quota_invoice.png"}'
TOKEN_BODY = (b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "apisim-demo", '
              b'"password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}}, '
              b'"scope": {"project": {"name": "cn-north-4"}}}}')


def _hosts(url: str) -> tuple[Simulator, Simulator]:
    first, second = (Simulator(SimulatorConfig(services=["huawei-ocr"], store_url=url, clock=lambda: NOW))
                     for _ in range(2))
    return first, second


def _token(sim: Simulator) -> str:
    response = sim.handle(SimRequest.from_url("POST", "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens",
                                              headers={"Content-Type": "application/json"}, body=TOKEN_BODY))
    assert response.status == 201
    return dict(response.headers)["X-Subject-Token"]


def _invoice(sim: Simulator, token: str) -> int:
    return sim.handle(SimRequest.from_url("POST", INVOICE_URL, body=INVOICE_BODY,
                                          headers={"Content-Type": "application/json", "X-Auth-Token": token})).status


def test_faults_the_clock_and_a_reset_made_on_one_host_act_on_the_next_request_of_another(shared_store_url):
    first, second = _hosts(shared_store_url)
    token = _token(first)
    assert [_invoice(second, token) for _ in range(2)] == [200, 200]  # the second request reads what the first kept

    first.control.faults.inject("huawei-ocr:*:status=503,body=busy")
    assert _invoice(second, token) == 503
    first.control.faults.clear()
    assert _invoice(second, token) == 200

    first.advance_clock(3600)
    second.exchange(SimRequest.from_url("POST", INVOICE_URL, body=INVOICE_BODY,
                                        headers={"Content-Type": "application/json", "X-Auth-Token": token}))
    assert second.journal.entries()[-1]["time"].startswith("2026-03-01T09:00:00")

    first.reset()  # a new token epoch: the tokens issued before are forgotten
    assert _invoice(second, token) == 401
    first.store.clear()


def _request(store: Any, read: Callable[[Any], Any]) -> Any:
    store.begin_request()
    try:
        return read(store)
    finally:
        store.end_request()


WRITES = {
    "put": lambda s: s.put("svc:m", "k", 2),
    "delete": lambda s: s.delete("svc:m", "k"),
    "add_if_absent": lambda s: s.add_if_absent("svc:m", "other", 3),
    "incr": lambda s: s.incr("svc:m", "k", 5),
    "delete_map": lambda s: s.delete_map("svc:m"),
    "clear a prefix": lambda s: s.clear("svc:"),
    "clear": lambda s: s.clear(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_map_write_on_one_redis_store_is_read_by_the_next_request_on_another(redis_store_url, write):
    reader, writer = open_store(redis_store_url), open_store(redis_store_url)
    writer.put("svc:m", "k", 1)

    def read(store: Any) -> tuple[Any, Any]:
        return store.get("svc:m", "k"), store.items("svc:m")

    assert _request(reader, read) == _request(reader, read) == (1, [("k", 1)])
    write(writer)
    expected = read(writer)  # outside a request: straight from Redis
    assert _request(reader, read) == expected != (1, [("k", 1)])
    writer.clear()


def test_a_request_reads_its_own_writes(redis_store_url):
    store = open_store(redis_store_url)
    store.put("svc:m", "k", 1)

    def write_then_read(s: Any) -> list[Any]:
        seen = [s.get("svc:m", "k"), s.items("svc:m")]
        s.incr("svc:m", "k")
        s.put("svc:m", "j", 7)
        return [*seen, s.get("svc:m", "k"), s.items("svc:m")]

    assert _request(store, write_then_read) == [1, [("k", 1)], 2, [("k", 2), ("j", 7)]]
    store.clear()


def test_reads_outside_a_request_always_go_to_redis(redis_store_url):
    reader, writer = open_store(redis_store_url), open_store(redis_store_url)
    _request(reader, lambda s: s.get("svc:m", "k"))
    writer.put("svc:m", "k", 1)
    assert reader.get("svc:m", "k") == 1 and reader.items("svc:m") == [("k", 1)]
    writer.clear()


def test_a_huawei_invoice_request_makes_two_redis_round_trips(redis_store_url, monkeypatch):
    first, _ = _hosts(redis_store_url)
    token = _token(first)
    client = first.store._redis
    sent: Counter[str] = Counter()
    execute = client.execute_command

    def counted(*args: Any, **options: Any) -> Any:
        sent[str(args[0]).upper()] += 1
        return execute(*args, **options)

    monkeypatch.setattr(client, "execute_command", counted)
    assert [_invoice(first, token) for _ in range(3)] == [200, 200, 200]
    sent.clear()
    assert [_invoice(first, token) for _ in range(10)] == [200] * 10
    # per request: the sequence number with the write generation, then the journal entry
    assert sent == Counter({"EVALSHA": 20})
    first.store.clear()
