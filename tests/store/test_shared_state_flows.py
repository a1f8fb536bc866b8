"""Stateful flows through simulators that share one store, as worker processes do under `apisim serve`.

Two :class:`Simulator` objects over the same SQLite or Redis store stand for two workers; requests
alternate between them and run from many threads at once.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from simulator.auth import aliyun_rpc
from simulator.config import SimulatorConfig
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator import Simulator
from simulator.pipeline.journal import JOURNAL_NS

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
CONCURRENT = 24


def _workers(url: str, *services: str, count: int = 2) -> list[Simulator]:
    config = dict(services=list(services), store_url=url, clock=lambda: NOW)
    return [Simulator(SimulatorConfig(**config)) for _ in range(count)]


def _post(sim: Simulator, host: str, path: str, body: dict | None = None, headers: dict | None = None,
          query: str = "") -> tuple[int, dict, dict]:
    data = json.dumps(body).encode() if body is not None else b""
    from urllib.parse import parse_qsl

    request = SimRequest(method="POST", path=path, query=parse_qsl(query, keep_blank_values=True),
                         headers=Headers({"Content-Type": "application/json", "Host": host, **(headers or {})}),
                         body=data, host=host, raw_query=query)
    response = sim.handle(request)
    return response.status, json.loads(response.body), {k.lower(): v for k, v in response.headers}


def _huawei_token(sim: Simulator) -> str:
    status, _, headers = _post(sim, "iam.cn-north-4.myhuaweicloud.com", "/v3/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}})
    assert status == 201
    return headers["x-subject-token"]


def test_a_token_issued_by_one_worker_is_accepted_by_another(shared_store_url):
    first, second = _workers(shared_store_url, "huawei-ocr")
    token = _huawei_token(first)
    status, body, _ = _post(second, "ocr.cn-north-4.myhuaweicloud.com",
                            "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice",
                            {"url": "https://apisim.fixtures/images/quota_invoice.png"}, {"X-Auth-Token": token})
    assert status == 200, body
    assert "result" in body
    first.store.clear()


def _cdc_publish(sim: Simulator, token: str, content: str) -> dict:
    contract = sim.contracts["cdc-python"]
    op = contract.operations["community_publish"]
    body = {"id": 1, "type": "community", "subtype": "publish", "data": {"content": content}}
    status, answer, _ = _post(sim, "guosai.zustmanong.cn", op.path, body, query=f"token={token}")
    assert status == 200 and answer["status"] == 0, answer
    return answer["data"]


def test_concurrent_posts_through_two_workers_give_exactly_n_posts_with_distinct_ids(shared_store_url):
    workers = _workers(shared_store_url, "cdc-python")
    token = workers[0].contracts["cdc-python"].credentials[0]["token"]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: _cdc_publish(workers[i % 2], token, f"第{i}条"), range(CONCURRENT)))
    assert sorted(a["community_id"] for a in answers) == list(range(1, CONCURRENT + 1))
    posts = workers[1].service_store("cdc-python").items("posts")
    assert sorted(p["content"] for _, p in posts) == sorted(f"第{i}条" for i in range(CONCURRENT))
    workers[0].store.clear()


def test_a_nonce_replayed_concurrently_through_two_workers_is_accepted_exactly_once(shared_store_url):
    workers = _workers(shared_store_url, "aliyun-saf")
    params = {"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
              "ServiceParameters": json.dumps({"method": "init", "name": "张三", "certNumber": "110101199003078515",
                                               "metainfo": json.dumps({"deviceType": "android"})})}
    signed = aliyun_rpc.sign_request(params, "YourAccessKeyID", "YourAccessKeySecret", method="POST",
                                     timestamp=NOW, nonce="one-nonce-many-senders", fmt="JSON")
    query = aliyun_rpc.encode_params(signed)

    def send(i: int) -> tuple[int, dict]:
        status, body, _ = _post(workers[i % 2], "saf.cn-shanghai.aliyuncs.com", "/", None, query=query)
        return status, body

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(send, range(CONCURRENT)))
    accepted = [body for status, body in answers if status == 200]
    assert len(accepted) == 1, answers[:3]
    assert all(aliyun_rpc.MSG_NONCE in json.dumps(body, ensure_ascii=False) for status, body in answers if status != 200)
    workers[0].store.clear()


def test_demo_state_is_seeded_once_however_many_workers_open_the_store(shared_store_url, monkeypatch):
    import dataclasses

    from simulator import simulator as simulator_module
    from simulator.services import discover_services

    def seed_by_appending(store, sim) -> None:  # like a seeder that appends history: not idempotent
        store.append("seeded-history", {"seed": sim.config.seed})

    services = discover_services()
    services["cdc-python"] = dataclasses.replace(services["cdc-python"], seed_state=seed_by_appending)
    monkeypatch.setattr(simulator_module, "discover_services", lambda: services)
    workers = _workers(shared_store_url, "cdc-python", count=3)
    assert workers[2].service_store("cdc-python").values("seeded-history") == [{"seed": 0}]
    workers[0].reset("cdc-python")  # a reset seeds again, once
    assert workers[1].service_store("cdc-python").values("seeded-history") == [{"seed": 0}]
    workers[0].store.clear()


def test_the_journal_of_every_worker_lands_in_one_capped_list(shared_store_url):
    workers = [Simulator(SimulatorConfig(services=["huawei-ocr"], store_url=shared_store_url, clock=lambda: NOW,
                                         journal_limit=5)) for _ in range(2)]
    for i in range(8):
        _post(workers[i % 2], "ocr.cn-north-4.myhuaweicloud.com", "/v2/x/ocr/quota-invoice", {})
    entries = workers[0].journal.entries()
    assert [e["seq"] for e in entries] == [4, 5, 6, 7, 8]
    assert len(workers[1].store.values(JOURNAL_NS)) == 5
    workers[0].store.clear()


@pytest.mark.parametrize("kind", ["memory"])
def test_the_memory_store_is_private_to_its_simulator(kind):
    first, second = _workers("memory://", "huawei-ocr")
    _huawei_token(first)
    assert first.journal.entries() and not second.journal.entries()


def test_workers_journaling_to_their_own_partitions_read_as_one_capped_journal(shared_store_url):
    workers = [Simulator(SimulatorConfig(services=["huawei-ocr"], store_url=shared_store_url, clock=lambda: NOW,
                                         journal_limit=5)) for _ in range(2)]
    for index, worker in enumerate(workers):
        worker.journal.partition = f"worker-{index + 1}"
    for i in range(8):
        _post(workers[i % 2], "ocr.cn-north-4.myhuaweicloud.com", "/v2/x/ocr/quota-invoice", {})
    reader = Simulator(SimulatorConfig(services=["huawei-ocr"], store_url=shared_store_url, journal_limit=5))
    for journal in (workers[0].journal, reader.journal):
        assert [e["seq"] for e in journal.entries()] == [4, 5, 6, 7, 8]
    workers[1].journal.clear()
    assert reader.journal.entries() == []
    workers[0].store.clear()
