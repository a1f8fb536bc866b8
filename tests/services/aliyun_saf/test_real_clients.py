"""The official Aliyun SDK (aliyun-python-sdk-core, aliyun-python-sdk-saf) against a live simulator on loopback.

The SDK signs with the real clock, so the simulator's clock is the real one
plus an offset the tests move forward through the store (a verification
completes after ``complete_after_seconds`` of simulator time) without ever
sleeping; the server is the session's ``live_server``, so
``APISIM_LIVE_SERVE="--workers 4"`` runs these against ``apisim serve``.
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from aliyunsdksaf.request.v20190521.ExecuteRequestRequest import ExecuteRequestRequest

from simulator.imaging.synth import generate

from .conftest import DEMO, DETAILED, METAINFO, ZHANG_SAN

REQUEST_ID = re.compile(r"^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$")


@pytest.fixture(scope="module")
def server(live_server):
    """The session's live server (``APISIM_LIVE_SERVE`` points it at ``apisim serve``)."""
    yield live_server
    live_server.simulator.clock_offset.reset()


@pytest.fixture(scope="module")
def clock(server):
    """The simulator (``advance_clock``): the offset lives in the store, so served workers see it."""
    return server.simulator


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    # The SDK reads HTTP(S)_PROXY from the environment; nothing may leave loopback.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def port_of(server) -> int:
    return int(server.base_url("aliyun-saf").rsplit(":", 1)[1].split("/")[0])


def client(server, key=DEMO) -> AcsClient:
    return AcsClient(key[0], key[1], "cn-shanghai", port=port_of(server), auto_retry=False)


def common_request(service_parameters: dict, *, in_body: bool = False, method: str | None = "POST") -> CommonRequest:
    """The document's Java sample, in Python: CommonRequest, POST, 2017-03-31, ExecuteRequest, face_verify."""
    request = CommonRequest()
    if method is not None:  # None keeps the SDK's own default (GET)
        request.set_method(method)
    request.set_domain("127.0.0.1")
    request.set_protocol_type("http")  # loopback serves plain HTTP
    request.set_version("2017-03-31")
    request.set_action_name("ExecuteRequest")
    request.add_query_param("Service", "face_verify")
    encoded = json.dumps(service_parameters, ensure_ascii=False)
    if in_body:
        request.add_body_params("ServiceParameters", encoded)
    else:
        request.add_query_param("ServiceParameters", encoded)
    return request


def run(server, request, key=DEMO) -> dict:
    return json.loads(client(server, key).do_action_with_exception(request))


def init_parameters(cert: str = ZHANG_SAN) -> dict:
    return {"method": "init", "name": "张三", "certNumber": cert, "metainfo": METAINFO}


def photo_of(person: str) -> str:
    return base64.b64encode(generate({"faces": 1, "person": person}, fmt="JPEG", seed=3)).decode()


def test_common_request_with_the_sdks_default_method_is_served(server, clock):
    started = run(server, common_request(init_parameters(), method=None))
    assert started["Code"] == 200 and started["Data"]["bizId"]


def test_common_request_runs_init_then_query_until_done_then_match(server, clock):
    started = run(server, common_request(init_parameters()))
    assert started["Code"] == 200 and REQUEST_ID.match(started["RequestId"])
    data = started["Data"]
    codes = []
    for _ in range(10):  # bounded: the verification passes after 5 s of simulator time
        answer = run(server, common_request({"method": "query", "bizId": data["bizId"], "queryId": data["queryId"],
                                             "returnImage": "1"}))
        codes.append(answer["Code"])
        if answer["Code"] != 300:
            break
        clock.advance_clock(2)
    assert codes[0] == 300 and codes[-1] == 200
    assert answer["Data"]["image"].startswith("_9j_")
    matched = run(server, common_request({"method": "match", "name": "张三", "certNumber": ZHANG_SAN,
                                          "imgbase64": photo_of(ZHANG_SAN)}))
    assert matched["Code"] == 200 and matched["Message"] == "OK"


def test_service_parameters_in_the_form_body_work_too(server):
    assert run(server, common_request(init_parameters(), in_body=True))["Code"] == 200


def saf_request(service_parameters: dict) -> ExecuteRequestRequest:
    """aliyun-python-sdk-saf's request class: Version 2019-05-21, POST (https by default: loopback is http)."""
    request = ExecuteRequestRequest()
    request.set_protocol_type("http")
    request.set_endpoint("127.0.0.1")
    request.set_Service("face_verify")
    request.set_ServiceParameters(json.dumps(service_parameters, ensure_ascii=False))
    return request


def test_the_saf_request_class_runs_init_and_query(server, clock):
    data = run(server, saf_request(init_parameters()))["Data"]
    assert run(server, saf_request({"method": "query", "bizId": data["bizId"], "queryId": data["queryId"]}))["Code"] == 300
    clock.advance_clock(6)
    done = run(server, saf_request({"method": "query", "bizId": data["bizId"], "queryId": data["queryId"]}))
    assert done == {"Code": 200, "Message": "OK", "RequestId": done["RequestId"]}
    assert REQUEST_ID.match(done["RequestId"])


def test_not_same_person_is_a_result_not_an_exception(server):
    failed = run(server, common_request({"method": "match", "name": "张三", "certNumber": ZHANG_SAN,
                                         "imgbase64": photo_of("someone-else")}), key=DETAILED)
    assert (failed["Code"], failed["Message"]) == (500, "接口调用失败，NOT_SAME_PERSON：抱歉，没有认出您(Z1146)（Z1146）")


def sdk_error(call) -> ServerException:
    with pytest.raises(ServerException) as caught:
        call()
    return caught.value


def test_a_wrong_secret_surfaces_as_the_sdks_own_invalid_secret_exception(server):
    # The SDK turns SignatureDoesNotMatch into InvalidAccessKeySecret when the server's StringToSign
    # (the message after its ':') equals its own: it does, so ours is byte-for-byte the SDK's.
    error = sdk_error(lambda: run(server, saf_request(init_parameters()), key=(DEMO[0], "wrong-secret")))
    assert error.get_error_code() == "InvalidAccessKeySecret"
    assert error.get_http_status() == 400
    assert REQUEST_ID.match(error.get_request_id())


def test_a_wrong_secret_through_common_request_is_signature_does_not_match_with_the_sdks_string(server):
    # CommonRequest keeps its StringToSign on the inner request, so the SDK does not translate the code here.
    request = common_request(init_parameters())
    error = sdk_error(lambda: run(server, request, key=(DEMO[0], "wrong-secret")))
    assert (error.get_error_code(), error.get_http_status()) == ("SignatureDoesNotMatch", 400)
    assert error.get_error_msg().split(":")[1] == request.request.string_to_sign
    assert REQUEST_ID.match(error.get_request_id())


def test_a_replayed_nonce_surfaces_as_signature_nonce_used(server, monkeypatch):
    from aliyunsdkcore.utils import parameter_helper

    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "fixed-nonce-for-replay")
    assert run(server, common_request(init_parameters()))["Code"] == 200
    error = sdk_error(lambda: run(server, common_request(init_parameters())))
    assert (error.get_error_code(), error.get_http_status()) == ("SignatureNonceUsed", 400)
    assert error.get_error_msg() == "Specified signature nonce was used already."
    assert REQUEST_ID.match(error.get_request_id())


def test_an_unknown_access_key_surfaces_as_not_found(server):
    error = sdk_error(lambda: run(server, common_request(init_parameters()), key=("NoSuchKey", "x")))
    assert (error.get_error_code(), error.get_http_status()) == ("InvalidAccessKeyId.NotFound", 404)


def test_a_wrong_version_surfaces_as_invalid_version(server):
    request = common_request(init_parameters())
    request.set_version("2018-01-01")
    error = sdk_error(lambda: run(server, request))
    assert (error.get_error_code(), error.get_http_status()) == ("InvalidVersion", 400)


GATEWAY_CODES = ["SignatureDoesNotMatch", "SignatureNonceUsed", "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format",
                 "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive", "MissingParameter", "InvalidVersion",
                 "InvalidAction.NotFound", "InvalidParameter.Format", "InvalidSignatureMethod", "IncompleteSignature",
                 "Throttling", "Throttling.User", "ServiceUnavailable", "InternalError"]


@pytest.mark.parametrize("code", GATEWAY_CODES)
def test_each_forced_gateway_error_surfaces_as_server_exception(server, code):
    request = common_request(init_parameters())
    request.add_header("X-Apisim-Code", code)
    error = sdk_error(lambda: run(server, request))
    entry = server.simulator.contracts["aliyun-saf"].errors[code]
    assert (error.get_error_code(), error.get_http_status()) == (code, entry.http_status)
    assert REQUEST_ID.match(error.get_request_id())


@pytest.mark.parametrize("code", ["300", "400", "402", "403", "404", "500", "510", "520", "530", "540", "Z1146", "Z8102"])
def test_each_forced_service_code_is_a_parsed_answer(server, code):
    request = common_request(init_parameters() if code != "300" else {"method": "query", "bizId": "b", "queryId": "q"})
    request.add_header("X-Apisim-Code", code)
    if code == "Z1146":
        request = common_request({"method": "match", "name": "张三", "certNumber": ZHANG_SAN, "imgbase64": "x"})
        request.add_header("X-Apisim-Code", code)
    answer = run(server, request, key=DETAILED)
    entry = server.simulator.contracts["aliyun-saf"].errors[code]
    assert answer["Code"] == entry.body["Code"] and answer["Message"] == entry.message
    assert REQUEST_ID.match(answer["RequestId"])


def test_a_forced_signature_mismatch_carries_the_sdks_own_string_to_sign(server):
    request = saf_request(init_parameters())
    request.add_header("X-Apisim-Code", "SignatureDoesNotMatch")
    assert sdk_error(lambda: run(server, request)).get_error_code() == "InvalidAccessKeySecret"
