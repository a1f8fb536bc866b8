"""ApisimServer without pytest fixtures, and what the fixtures reset between tests."""

from __future__ import annotations

import socket
from datetime import timedelta

import httpx
import pytest

from simulator.server import free_port_base
from simulator.testing import DEFAULT_NOW, ApisimServer, FixedClock, apisim_router
from simulator.testing import live as live_module

OCR_PATH = "/v2/p/ocr/quota-invoice"


@pytest.fixture(scope="module")
def small():
    """A two-service ApisimServer of this module's own (cheaper to build than all services)."""
    return ApisimServer(seed=1, services=["huawei-ocr", "cdc-python"])


def test_usable_by_hand_on_loopback_and_stopped_cleanly():
    with ApisimServer(services=["huawei-ocr"]) as server:
        url = server.base_url()
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.post(url + OCR_PATH, json={"url": "x"})
        assert answer.json()["error_code"] == "ModelArts.4101"
        assert server.calls()[0]["operation"] == "recognize_quota_invoice"
    assert not server.started


def test_a_port_block_taken_before_the_bind_is_swapped_for_another(monkeypatch):
    # a parallel test can take a port between the free-block check and the bind
    taken, spare = free_port_base(), free_port_base()
    picks = iter([taken, spare])
    monkeypatch.setattr(live_module, "free_port_base", lambda host, span: next(picks))
    server = ApisimServer(services=["huawei-ocr"])
    with socket.socket() as squatter:
        offset = server.simulator.port_of(server.contract().deployments[0]) - server.config.port_base
        squatter.bind(("127.0.0.1", taken + offset))
        squatter.listen()
        with server:
            assert int(server.base_url().rsplit(":", 1)[1]) == spare + offset
            assert httpx.post(server.base_url() + OCR_PATH, json={"url": "x"}).status_code == 401  # no token


def test_fake_data_follows_the_seed(small):
    def request_id(server):
        with apisim_router(server.simulator):
            return httpx.post(server.original_url("huawei-ocr") + OCR_PATH, json={"url": "x"}).headers["x-request-id"]

    small.reset()
    first = request_id(small)
    small.reset()  # request ids also follow the request's sequence number: start both from a reset
    again = request_id(small)
    small.reset(seed=2)
    other = request_id(small)
    small.reset()
    assert small.simulator.config.seed == 2  # a plain reset keeps the seed
    small.reset(seed=small.session_seed)
    assert first == again != other


def test_fail_next_checks_the_operation_and_the_code(small):
    with pytest.raises(ValueError, match="valid: .*ModelArts.4204"):
        small.fail_next("huawei-ocr.recognize_quota_invoice", "NOPE.0000")
    with pytest.raises(ValueError, match="huawei-ocr has no operation 'recognise'"):
        small.fail_next("huawei-ocr.recognise", "AIS.0105")
    with pytest.raises(ValueError, match="name the service|in no service"):
        small.fail_next("recognise", "AIS.0105")


def test_an_operation_two_services_share_must_be_qualified():
    server = ApisimServer(services=["aliyun-market", "cdc-python"])
    with pytest.raises(ValueError, match="in aliyun-market, cdc-python: write it as 'service.face_verify'"):
        server.fail_next("face_verify", "3001")
    assert server.fail_next("aliyun-market.face_verify", "3001")["action"] == {"type": "code", "code": "3001"}


def test_calls_filter_by_service_and_operation(small):
    small.reset()
    with apisim_router(small.simulator):
        httpx.post(small.original_url("huawei-ocr") + OCR_PATH, json={"url": "x"})
        httpx.post(small.original_url("cdc-python") + "/api/v2/distance/",
                   json={"id": 1, "type": "distance", "subtype": "calc",
                         "data": {"lat1": 1.0, "lng1": 2.0, "lat2": 1.0, "lng2": 2.0}})
    assert [c["service"] for c in small.calls()] == ["huawei-ocr", "cdc-python"]
    assert len(small.calls("cdc-python")) == len(small.calls(operation="distance_calc")) == 1
    assert small.calls("cdc-python.distance_calc") == small.calls(service="cdc-python", operation="distance_calc")


def test_reset_forgets_calls_and_faults_and_rewinds_the_clock(small):
    small.fail_always("huawei-ocr.recognize_quota_invoice", "AIS.0105")
    small.clock.advance(minutes=30)
    with apisim_router(small.simulator):
        httpx.post(small.original_url("huawei-ocr") + OCR_PATH, json={"url": "x"})
    small.reset()
    assert small.calls() == [] and small.faults.list() == []
    assert small.now() == DEFAULT_NOW


def test_credentials_are_the_documents_demo_ones(small):
    assert small.credentials("huawei-ocr")["ak"] == "APISIMDEMOAK0000HWOCR"
    assert [c["username"] for c in small.all_credentials("cdc-python")][:2] == ["guosai", "wlc"]
    with pytest.raises(ValueError, match="name the service"):
        small.credentials()


def test_the_fixed_clock_moves_only_when_told():
    clock = FixedClock()
    assert clock() == clock() == DEFAULT_NOW
    assert clock.advance(minutes=20) == DEFAULT_NOW + timedelta(minutes=20)
    clock.reset()
    assert clock.now() == DEFAULT_NOW
    with pytest.raises(ValueError, match="aware"):
        clock.set(DEFAULT_NOW.replace(tzinfo=None))


def test_the_apisim_fixture_serves_on_loopback_ports(apisim):
    answer = httpx.post(apisim.base_url("huawei-ocr") + OCR_PATH, json={"url": "x"})
    assert answer.status_code == 401 and apisim.calls()[0]["host"].startswith("127.0.0.1:")


def test_fixtures_start_each_test_from_a_clean_simulator(apisim):
    assert apisim.calls() == [] and apisim.faults.list() == [] and apisim.now() == DEFAULT_NOW
