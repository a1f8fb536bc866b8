"""Connection faults on a real socket (loopback, free ports): what requests and http.client see.

Every call has a client timeout, and every hang a server-side bound, so nothing here can wait
for long or leave a thread behind.
"""

from __future__ import annotations

import http.client
import socket
import time

import pytest
import requests

from simulator.config import SimulatorConfig
from simulator.server import SimulatorServer, free_port_base

PATH = "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"


@pytest.fixture(scope="module")
def server():
    server = SimulatorServer(SimulatorConfig(services=["huawei-ocr"], port_base=free_port_base())).start()
    server.wait_until_accepting()
    yield server
    server.stop()


@pytest.fixture
def base(server):
    url = server.base_url("huawei-ocr")
    requests.post(url + "/__apisim/reset", timeout=5).raise_for_status()
    return url


def fault(base: str, spec: str) -> dict:
    answer = requests.post(base + "/__apisim/faults", json={"spec": spec}, timeout=5)
    assert answer.status_code == 201, answer.text
    return answer.json()


def call(base: str, timeout: float = 5) -> requests.Response:
    return requests.post(base + PATH, json={"url": "x"}, timeout=timeout)


def test_requests_sees_a_connection_reset(base):
    fault(base, "huawei-ocr:*:reset,times=1")
    with pytest.raises(requests.ConnectionError) as caught:
        call(base)
    assert "ConnectionResetError" in repr(caught.value) or "Connection reset by peer" in str(caught.value)
    assert call(base).status_code == 401  # budget spent: the next call is answered


def test_a_client_with_a_timeout_sees_the_timeout_on_a_hang(base):
    fault(base, "huawei-ocr:*:hang=20s,times=1")
    started = time.perf_counter()
    with pytest.raises(requests.ReadTimeout):
        call(base, timeout=0.5)
    assert 0.45 <= time.perf_counter() - started < 5
    assert call(base).status_code == 401


def test_a_hang_ends_at_its_bound_when_the_client_waits_longer(base):
    fault(base, "huawei-ocr:*:hang=300ms,times=1")
    started = time.perf_counter()
    with pytest.raises(requests.ConnectionError):
        call(base, timeout=5)
    assert 0.25 <= time.perf_counter() - started < 4


def test_a_client_with_a_timeout_sees_the_timeout_on_a_long_delay(base):
    fault(base, "huawei-ocr:*:delay=1500ms,times=1")
    with pytest.raises(requests.ReadTimeout):
        call(base, timeout=0.3)


def test_a_disconnect_closes_without_a_byte(base, server):
    fault(base, "huawei-ocr:*:disconnect,times=1")
    port = server.simulator.port_of(server.simulator.contracts["huawei-ocr"].deployment())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("POST", PATH, body=b'{"url": "x"}', headers={"Content-Type": "application/json"})
    with pytest.raises(http.client.RemoteDisconnected):
        connection.getresponse()
    connection.close()


def test_a_cut_body_leaves_the_client_short_of_bytes(base):
    fault(base, "huawei-ocr:*:truncate=50%,cut,times=1")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        call(base).content


def test_a_malformed_body_arrives_whole_but_does_not_parse(base):
    fault(base, "huawei-ocr:*:malformed,times=1")
    answer = call(base)
    assert answer.status_code == 401
    with pytest.raises(ValueError):
        answer.json()


def test_a_processed_reset_does_the_work_then_loses_the_answer(base):
    fault(base, "huawei-ocr:*:reset,processed,times=1")
    with pytest.raises(requests.ConnectionError):
        call(base)
    journal = requests.get(base + "/__apisim/requests", params={"service": "huawei-ocr"}, timeout=5).json()
    last = journal["requests"][-1]
    assert last["status"] == 0 and last["failure"] == "auth"  # it ran up to its auth check; the answer was lost


def test_the_server_keeps_serving_after_every_kind_of_fault(base):
    for spec in ("reset", "disconnect", "hang=100ms", "truncate=10%,cut"):
        fault(base, f"huawei-ocr:*:{spec},times=1")
        with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            call(base).content
    assert call(base).status_code == 401


def test_the_admin_api_is_on_every_deployment_port(server, base):
    for dep in server.simulator.contracts["huawei-ocr"].deployments:
        url = server.base_url("huawei-ocr", dep.name)
        assert requests.get(url + "/__apisim/faults", timeout=5).json() == {"faults": []}


def test_nothing_listens_beyond_loopback(server):
    port = server.simulator.port_of(server.simulator.contracts["huawei-ocr"].deployment())
    bound = {s.socket.getsockname()[0] for s in server._servers}
    assert bound == {"127.0.0.1"}
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
