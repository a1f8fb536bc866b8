"""The respx route: httpx requests served in-process by the simulator, never through a socket."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from simulator.testing import UnmatchedRequest, apisim_router, to_sim_request

DISTANCE = {"id": 7, "type": "distance", "subtype": "calc",
            "data": {"lat1": 30.22625, "lng1": 120.03185, "lat2": 28.6756122, "lng2": 121.362822}}


@pytest.fixture
def socket_spy(monkeypatch):
    """Records every internet socket created and every connect attempted while the test runs."""
    seen: list[str] = []
    real_init = socket.socket.__init__

    def init(self, family=-1, *args, **kwargs):
        real_init(self, family, *args, **kwargs)
        if self.family in (socket.AF_INET, socket.AF_INET6):
            seen.append(f"socket({self.family!r})")

    def connect(self, address):
        seen.append(f"connect({address!r})")
        raise AssertionError("the respx route must not connect anything")

    monkeypatch.setattr(socket.socket, "__init__", init)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connect(None, a[0]))
    return seen


def test_no_socket_is_opened_for_sync_and_async_requests(apisim_respx, socket_spy):
    url = apisim_respx.original_url("cdc-python") + "/api/v2/distance/"
    sync_answer = httpx.post(url, json=DISTANCE).json()

    async def call():
        async with httpx.AsyncClient() as client:
            return (await client.post(url, json=DISTANCE)).json()

    async_answer = asyncio.run(call())
    assert sync_answer == async_answer and sync_answer["data"]["distance"] == pytest.approx(215498.46, abs=0.01)
    assert socket_spy == []
    assert [c["operation"] for c in apisim_respx.calls()] == ["distance_calc", "distance_calc"]


def test_local_urls_are_routed_by_port_without_a_server(apisim_respx, socket_spy):
    answer = httpx.post(apisim_respx.base_url("cdc-python") + "/api/v2/distance/", json=DISTANCE)
    assert answer.json()["status"] == 0 and socket_spy == []


def test_the_answer_keeps_the_services_status_and_headers(apisim_respx):
    answer = httpx.post(apisim_respx.original_url("huawei-ocr") + "/v2/p/ocr/quota-invoice", json={"url": "x"})
    assert answer.status_code == 401 and answer.json()["error_code"] == "ModelArts.4101"
    assert answer.headers["content-type"].startswith("application/json") and "x-request-id" in answer.headers


def test_an_unknown_path_fails_naming_the_closest_operation(apisim_session):
    with apisim_router(apisim_session.simulator), pytest.raises(UnmatchedRequest) as raised:
        httpx.post(apisim_session.original_url("huawei-ocr") + "/v2/p/ocr/quota-invoices", json={})
    message = str(raised.value)
    assert "no documented operation (HTTP 404, APIGW.0101)" in message
    assert "closest known operation: huawei-ocr.recognize_quota_invoice: POST /v2/{project_id}/ocr/quota-invoice" in message


def test_an_unknown_host_fails_listing_the_simulated_hosts(apisim_session):
    with apisim_router(apisim_session.simulator), pytest.raises(UnmatchedRequest) as raised:
        httpx.get("https://api.vendor.example/v1/things")
    assert "no simulated deployment serves this host" in str(raised.value)
    assert "https://ocr.cn-north-4.myhuaweicloud.com" in str(raised.value)


@pytest.mark.apisim(strict=False)
def test_marked_lenient_an_unknown_path_gets_the_vendors_own_not_found_answer(apisim_respx):
    answer = httpx.post(apisim_respx.original_url("huawei-ocr") + "/v2/p/ocr/quota-invoices", json={})
    assert (answer.status_code, answer.json()["error_code"]) == (404, "APIGW.0101")


def test_request_conversion_keeps_method_path_query_headers_and_body():
    request = httpx.Request("POST", "https://saf.cn-shanghai.aliyuncs.com/a%20b/?Action=Init&x=1&x=2",
                            headers={"X-Custom": "v"}, content=b"k=v")
    sim = to_sim_request(request)
    assert (sim.method, sim.path, sim.raw_query) == ("POST", "/a b/", "Action=Init&x=1&x=2")
    assert sim.query == [("Action", "Init"), ("x", "1"), ("x", "2")]
    assert (sim.host, sim.local_port, sim.body) == ("saf.cn-shanghai.aliyuncs.com", None, b"k=v")
    assert sim.headers.get("x-custom") == "v"
    local = to_sim_request(httpx.Request("GET", "http://127.0.0.1:18120/api/v2/msg/"))
    assert (local.local_port, local.host) == (18120, "127.0.0.1:18120")


@pytest.mark.parametrize("add_fault, error", [
    (lambda faults: faults.reset_connection("cdc-python", "distance_calc", times=1), httpx.ReadError),
    (lambda faults: faults.disconnect("cdc-python", "distance_calc", times=1), httpx.RemoteProtocolError),
    (lambda faults: faults.hang("cdc-python", "distance_calc", times=1), httpx.ReadTimeout),
    (lambda faults: faults.truncate("cdc-python", "distance_calc", cut=True, times=1), httpx.RemoteProtocolError),
])
def test_connection_faults_surface_as_the_httpx_errors_a_real_connection_gives(apisim_respx, add_fault, error):
    add_fault(apisim_respx.faults)
    url = apisim_respx.original_url("cdc-python") + "/api/v2/distance/"
    with pytest.raises(error):
        httpx.post(url, json=DISTANCE)
    assert httpx.post(url, json=DISTANCE).json()["status"] == 0  # the fault's budget was one call
