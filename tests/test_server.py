"""SimulatorServer: one loopback port per deployment, routing by Host, loopback only."""

from __future__ import annotations

import json
import urllib.request

import pytest

from simulator.config import SimulatorConfig
from simulator.server import SimulatorServer, _this_test_workers_share, free_port_base, taken_port


def test_a_non_loopback_bind_address_is_refused():
    with pytest.raises(ValueError, match="binds loopback only"):
        SimulatorServer(SimulatorConfig(host="0.0.0.0", services=["huawei-ocr"]))


def test_each_deployment_has_its_port_and_the_original_host_reaches_it_on_any_port():
    with SimulatorServer(SimulatorConfig(services=["huawei-ocr"], port_base=free_port_base())) as server:
        server.wait_until_accepting()
        ocr_port = server.base_url("huawei-ocr").rsplit(":", 1)[1]
        # An IAM request sent to the OCR deployment's port, carrying IAM's original Host header.
        request = urllib.request.Request(
            f"http://127.0.0.1:{ocr_port}/v3/auth/tokens", method="POST",
            data=json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}}}}).encode(),
            headers={"Host": "iam.cn-north-4.myhuaweicloud.com", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 201 and response.headers["X-Subject-Token"].startswith("MII")
        assert server.simulator.journal.entries()[-1]["deployment"] == "iam"


@pytest.mark.parametrize("output, port", [
    ("apisim serve: cannot listen on 127.0.0.1:25820: [Errno 98] Address already in use; stop what uses it or "
     "choose another --port-base\n", 25820),  # serving.process.check_ports_free (every production server)
    ("apisim serve: cannot listen on ::1:18120 for cdc-python/guosai: [Errno 98] Address already in use; "
     "choose another --port-base", 18120),  # SimulatorServer.start
    ("apisim serve: no contract for nope; known: aicp, cdc-python", None),
    ("cannot listen on 127.0.0.1:18120: [Errno 13] Permission denied\nAddress already in use", None),
    ("Address already in use\nPort 18120 is in use by another program.", None),  # not apisim's words
])
def test_taken_port_reads_apisims_own_refusal_of_a_taken_port_and_nothing_else(output, port):
    assert taken_port(output) == port


def test_a_free_port_block_lies_outside_the_ephemeral_range(monkeypatch):
    # a port of that range can be the local end of any outgoing connection at any moment
    monkeypatch.setattr("simulator.server._ephemeral_ports", lambda: range(20000, 60000))
    for _ in range(20):
        base = free_port_base()
        assert base + 100 <= 20000 or base >= 60000


def test_no_block_outside_the_ephemeral_range_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("simulator.server._ephemeral_ports", lambda: range(1024, 65536))
    with pytest.raises(OSError, match="outside the ephemeral range 1024-65535"):
        free_port_base()


def test_parallel_test_workers_pick_from_blocks_of_their_own(monkeypatch):
    blocks = list(range(10000, 30000, 100))
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    shares = []
    for worker in ("gw0", "gw1"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        shares.append(set(_this_test_workers_share(blocks)))
    assert not shares[0] & shares[1] and shares[0] | shares[1] == set(blocks)
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert _this_test_workers_share(blocks) == blocks  # not under xdist: every block
