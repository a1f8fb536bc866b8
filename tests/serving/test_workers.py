"""`apisim serve --workers N` over real sockets: shared state, determinism, graceful shutdown.

Every request goes to 127.0.0.1; each test's server stops by itself (SIGTERM) at the end.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from simulator.config import SimulatorConfig
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator import Simulator
from simulator.server import free_port_base, taken_port
from simulator.serving.process import check_ports_free
from simulator.testing.served import ServedSimulator

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
INVOICE = json.dumps({"url": "https://apisim.fixtures/images/quota_invoice.png"}).encode()
TOKEN_REQUEST = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
    "scope": {"project": {"name": "cn-north-4"}}}}).encode()


def _post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, bytes, object]:
    """Status, body and the (case-insensitive) headers."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


@pytest.fixture(scope="module")
def served():
    with ServedSimulator(["--workers", "4", "--service", "huawei-ocr", "--service", "cdc-python"]) as server:
        yield server


def _token(served) -> str:
    status, _, headers = _post(served.base_url("huawei-ocr", "iam") + "/v3/auth/tokens", TOKEN_REQUEST)
    assert status == 201
    return headers["X-Subject-Token"]


def test_a_token_issued_through_one_worker_works_on_every_worker(served):
    token = _token(served)
    url = served.base_url("huawei-ocr") + f"/v2/{PROJECT}/ocr/quota-invoice"
    with ThreadPoolExecutor(8) as pool:  # fresh connections: the kernel spreads them over the workers
        statuses = list(pool.map(lambda _: _post(url, INVOICE, {"X-Auth-Token": token})[0], range(40)))
    assert statuses == [200] * 40


def test_the_same_request_gets_the_same_faked_body_from_every_worker_and_in_process(served):
    token = _token(served)
    url = served.base_url("huawei-ocr") + f"/v2/{PROJECT}/ocr/quota-invoice"
    with ThreadPoolExecutor(8) as pool:
        bodies = set(pool.map(lambda _: _post(url, INVOICE, {"X-Auth-Token": token})[1], range(40)))
    assert len(bodies) == 1
    # A simulator in this process (another hash seed, another Faker instance) answers the same.
    local = Simulator(SimulatorConfig(services=["huawei-ocr"], store_url=served.store_url))
    answer = local.handle(SimRequest(method="POST", path=f"/v2/{PROJECT}/ocr/quota-invoice",
                                     headers=Headers({"Content-Type": "application/json", "X-Auth-Token": token}),
                                     body=INVOICE, host="ocr.cn-north-4.myhuaweicloud.com"))
    assert {answer.body} == bodies


def test_concurrent_posts_over_http_get_distinct_sequential_ids(served):
    token = served.simulator.contracts["cdc-python"].credentials[0]["token"]
    path = served.simulator.contracts["cdc-python"].operations["community_publish"].path
    url = served.base_url("cdc-python") + path + f"?token={token}"
    before = len(served.simulator.service_store("cdc-python").items("posts"))

    def publish(i: int) -> int:
        body = json.dumps({"id": i, "type": "community", "subtype": "publish", "data": {"content": f"帖子{i}"}})
        status, answer, _ = _post(url, body.encode())
        assert status == 200
        return json.loads(answer)["data"]["community_id"]

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(publish, range(32)))
    assert sorted(ids) == list(range(before + 1, before + 33))
    assert len(served.simulator.service_store("cdc-python").items("posts")) == before + 32


def test_the_journal_of_every_worker_is_readable_through_the_admin_api(served):
    _token(served)
    with urllib.request.urlopen(served.base_url("huawei-ocr", "iam") + "/__apisim/requests", timeout=10) as answer:
        assert answer.status == 200
        assert b'"create_token"' in answer.read()


def test_sigterm_stops_every_worker_and_frees_the_ports():
    port_base = free_port_base()
    server = ServedSimulator(["--workers", "2", "--service", "huawei-ocr"], port_base=port_base).start()
    ports = [port_base, port_base + 1]
    assert server.stop() == 0
    check_ports_free("127.0.0.1", ports)  # raises if any worker still listens


def test_a_port_already_taken_is_refused_before_any_worker_starts():
    port_base = free_port_base()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port_base))
        squatter.listen()
        server = ServedSimulator(["--workers", "2", "--service", "huawei-ocr"], port_base=port_base)
        with pytest.raises(RuntimeError, match="cannot listen"):
            server.start()
        server.stop()


TAKEN_AFTER_THE_CHECK = """
import sys
from simulator import serving
from simulator.config import SimulatorConfig
from simulator.serving import prefork

checks = []


def free_at_the_first_check(host, ports):  # the port is taken between the master's check and the workers' bind
    checks.append(ports)
    if len(checks) > 1:
        real_check(host, ports)


real_check, prefork.check_ports_free = prefork.check_ports_free, free_at_the_first_check
config = SimulatorConfig(port_base=int(sys.argv[1]), services=["cdc-python"])
sys.exit(serving.serve(config, server=sys.argv[2], workers=2))
"""


@pytest.mark.parametrize("server", ["httptools", "granian"])
def test_a_port_taken_after_the_check_stops_the_start_naming_the_port(server):
    # not after the 30 s readiness wait with "nothing accepts": the words a test's retry reads
    port_base = free_port_base()
    with socket.socket() as squatter:  # bound, not listening: as the local end of a client's connection
        squatter.bind(("127.0.0.1", port_base + 20))  # cdc-python's one deployment
        process = subprocess.run([sys.executable, "-c", TAKEN_AFTER_THE_CHECK, str(port_base), server],
                                 capture_output=True, text=True, timeout=60)
    assert process.returncode != 0
    assert taken_port(process.stderr) == port_base + 20, process.stderr[-2000:]
    assert "nothing accepts" not in process.stderr


FALLBACK_SERVE = """
import sys
import simulator.serving as serving
from simulator.serving import granian_native
from simulator.config import SimulatorConfig

def unavailable(*args, **kwargs):
    raise granian_native.NativeWorkersUnavailable("TypeError: stubbed for the test")

granian_native.serve_ports_natively = unavailable
config = SimulatorConfig(port_base=int(sys.argv[1]), services=["huawei-ocr"])
sys.exit(serving.serve(config, server="granian", workers=1, on_ready=lambda sim: print("ready", flush=True)))
"""


def test_without_granians_native_workers_serve_falls_back_to_embedded_servers():
    import subprocess
    import sys

    port_base = free_port_base()
    process = subprocess.Popen([sys.executable, "-c", FALLBACK_SERVE, str(port_base)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if process.stdout.readline().strip() != "ready":  # it exited: say why
            process.wait(timeout=30)
            pytest.fail(f"the fallback did not start: {process.stderr.read()[-3000:]}")
        status, body, _ = _post(f"http://127.0.0.1:{port_base + 1}/v3/auth/tokens", TOKEN_REQUEST)
        assert status == 201, body
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert "serving with embedded servers" in process.stderr.read()
    check_ports_free("127.0.0.1", [port_base, port_base + 1])


def _worker_cores(server: ServedSimulator) -> list[set[int]]:
    from pathlib import Path

    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    return [os.sched_getaffinity(int(pid)) for pid in children]


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="core affinity is Linux's")
@pytest.mark.parametrize("args, pinned", [(["--server", "granian"], True), (["--server", "granian", "--no-pin"], False),
                                          ([], False)])
def test_each_granian_worker_keeps_to_one_core_unless_told_not_to(args, pinned):
    cores = sorted(os.sched_getaffinity(0))
    with ServedSimulator(["--workers", "2", "--service", "huawei-ocr", *args]) as server:
        found = _worker_cores(server)
    assert len(found) == 2
    if pinned:
        assert found == [{cores[0]}, {cores[1 % len(cores)]}]
    else:
        assert found == [set(cores), set(cores)]


def test_gunicorn_workers_share_state_and_journal_too():
    with ServedSimulator(["--server", "gunicorn", "--workers", "2", "--service", "huawei-ocr"]) as server:
        token = _token(server)
        url = server.base_url("huawei-ocr") + f"/v2/{PROJECT}/ocr/quota-invoice"
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: _post(url, INVOICE, {"X-Auth-Token": token})[0], range(12)))
        assert statuses == [200] * 12
        operations = [e["operation"] for e in server.simulator.journal.entries()]
        assert operations.count("recognize_quota_invoice") == 12 and "create_token" in operations
