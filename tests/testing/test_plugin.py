"""The pytest plugin seen from a user's test session (run in-process with pytester)."""

from __future__ import annotations

import socket

import pytest

pytest_plugins = ["pytester"]

BAD_DISTANCE = '''
import httpx
import pytest

BODY = {"id": 1, "type": "distance", "subtype": "calc",
        "data": {"lat1": "north", "lng1": 120.0, "lat2": 28.6, "lng2": 121.3}}

def post(apisim):
    return httpx.post(apisim.original_url("cdc-python") + "/api/v2/distance/", json=BODY).json()

def test_client_sends_a_string_latitude(apisim_respx):
    assert post(apisim_respx)["status"] == -2   # the client copes; only strict mode objects

@pytest.mark.apisim(strict=False)
def test_marked_lenient(apisim_respx):
    assert post(apisim_respx)["status"] == -2

def test_a_requests_client_over_loopback(apisim):
    import requests
    answer = requests.post(apisim.base_url("cdc-python") + "/api/v2/distance/", json={**BODY, "data": {}})
    assert answer.json()["status"] == -1
'''


@pytest.fixture
def stub_network(monkeypatch):
    """The socket layer beneath the inner session's guard: records, never connects."""
    reached: list[object] = []

    def create_connection(address, *args, **kwargs):
        reached.append(address)
        raise ConnectionRefusedError("stub network")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return reached


def test_strict_mode_fails_a_malformed_request_showing_the_json_path_and_the_expectation(pytester):
    pytester.makepyfile(test_user=BAD_DISTANCE)
    result = pytester.runpytest_inprocess("--apisim-strict", "-rA")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*apisim strict mode: the code under test sent requests that break the contract (1 request)*",
        "*POST guosai.zustmanong.cn/api/v2/distance/: cdc-python.distance_calc answered -2 (HTTP 200), "
        "refused at validation*",
        "*JSON path: $.body.data.lat1*",
        "*problem: \"north\" not of type 'number'*",
        "*the document expects: $.body.data.lat1: number (纬度1)*",
    ])
    result.stdout.fnmatch_lines([  # the live server's requests are held to the contract the same way
        "*POST 127.0.0.1:*/api/v2/distance/: cdc-python.distance_calc answered -1 (HTTP 200), refused at validation*",
        "*problem: 'lat1' is a required property*",
        "*the document expects: $.body.data.lat1: number (纬度1)*",
    ])
    result.stdout.fnmatch_lines(["PASSED test_user.py::test_marked_lenient"])


def test_without_strict_mode_the_same_requests_pass(pytester):
    pytester.makepyfile(test_user=BAD_DISTANCE)
    pytester.runpytest_inprocess().assert_outcomes(passed=3)


def test_a_swallowed_unmatched_request_still_fails_the_test(pytester):
    pytester.makepyfile(test_user='''
import httpx

def test_swallows(apisim_respx):
    try:
        httpx.get(apisim_respx.original_url("huawei-ocr") + "/v2/p/ocr/quota-invoic")
    except Exception:
        pass
''')
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*the code under test sent requests no documented operation serves*",
        "*closest known operation: huawei-ocr.recognize_quota_invoice: POST /v2/{project_id}/ocr/quota-invoice*",
    ])


def test_a_swallowed_network_refusal_fails_the_test_and_the_network_is_never_reached(pytester, stub_network):
    pytester.makepyfile(test_user='''
import socket
import pytest

@pytest.mark.apisim
def test_reaches_out():
    try:
        socket.create_connection(("api.vendor.example", 443))
    except BaseException:
        pass
''')
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the code under test tried to reach the network*",
                                 "*refused a connection to api.vendor.example:443*"])
    assert stub_network == []


def test_allow_network_leaves_the_socket_layer_alone(pytester, stub_network):
    pytester.makepyfile(test_user='''
import socket

def test_unguarded():
    assert "OfflineGuard" not in socket.create_connection.__qualname__
''')
    result = pytester.runpytest_inprocess("--apisim-allow-network")
    result.assert_outcomes(passed=1)


def test_marker_and_options_configure_seed_service_and_errors(pytester):
    pytester.makepyfile(test_user='''
import httpx
import pytest

@pytest.mark.apisim(seed=9, service="huawei-ocr", error={"recognize_quota_invoice": ("ModelArts.4204", 1)})
def test_marked(apisim_respx):
    assert apisim_respx.simulator.config.seed == 9
    assert apisim_respx.base_url() == apisim_respx.base_url("huawei-ocr")
    url = apisim_respx.original_url() + "/v2/p/ocr/quota-invoice"
    codes = [httpx.post(url, json={"url": "x"}).json()["error_code"] for _ in range(2)]
    assert codes == ["ModelArts.4204", "ModelArts.4101"]

def test_unmarked_gets_the_session_seed_and_no_faults(apisim_respx):
    assert apisim_respx.simulator.config.seed == 5
    assert apisim_respx.faults.list() == [] and apisim_respx.calls() == []

@pytest.mark.apisim(sevice="huawei-ocr")
def test_misspelt(apisim_respx):
    pass
''')
    result = pytester.runpytest_inprocess("--apisim-seed", "5", "-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.apisim: unknown argument(s) sevice; use service, seed, error, strict*"])
