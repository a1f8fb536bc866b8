"""Each service's limits (its contract's ``limits``): past one, the service's own answer, nothing stored."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest

from simulator.auth import aliyun_rpc
from simulator.core import SimRequest
from simulator.core.http import json_depth_over, loads

CDC_TOKEN = "e83f35a9541a2f2f80c1908e7ef1b5bf"
CDC = "http://guosai.zustmanong.cn/api/v2/community/?token=" + CDC_TOKEN
DEEP = "[" * 100_000 + "]" * 100_000


def _cdc_publish(content: str) -> bytes:
    return json.dumps({"id": 1, "type": "community", "subtype": "publish", "data": {"content": content}}).encode()


def _post(url: str, body: bytes, content_type: str = "application/json", **fields) -> SimRequest:
    request = SimRequest.from_url("POST", url, {"Content-Type": content_type}, body)
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def test_a_body_past_the_limit_is_refused_and_never_stored(make_simulator):
    """Review F4: ten 50 MB CDC posts were stored as sent; the next list took 131 s."""
    sim = make_simulator("cdc-python")
    before = len(sim.service_store("cdc-python").items("posts"))
    answer = sim.handle(_post(CDC, _cdc_publish("A" * (9 * 1024 * 1024))))
    assert answer.status == 413 and b"413 Request Entity Too Large" in answer.body  # no documented code: nginx's
    assert "limit is 8388608" in answer.header("X-Apisim-Detail")
    assert len(sim.service_store("cdc-python").items("posts")) == before
    entry = sim.journal.entries()[-1]
    assert entry["failure"] == "validation" and entry["status"] == 413 and entry["request_body_bytes"] > 9_000_000
    assert sim.handle(_post(CDC, _cdc_publish("fits"))).status == 200


def test_a_body_the_transport_left_unread_gets_the_same_answer(make_simulator):
    sim = make_simulator("cdc-python")
    answer = sim.handle(_post(CDC, b"", body_refused=50 * 1024 * 1024))
    assert answer.status == 413
    assert sim.journal.entries()[-1]["request_body_bytes"] == 50 * 1024 * 1024


@pytest.mark.parametrize("service, url, status, check", [
    ("aliyun-market", "http://dm-57.data.aliyun.com/rest/160601/ocr/ocr_bank_card.json", 413,
     lambda a: a.header("X-Ca-Error-Message") == "Request body too Large"),
    ("huawei-ocr", "https://ocr.cn-north-4.myhuaweicloud.com/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice", 400,
     lambda a: json.loads(a.body)["error_code"] == "ModelArts.4104"),
    ("aicp", "http://172.18.199.35:8090/aicp/face/add", 413,
     lambda a: json.loads(a.body)["error"] == "Payload Too Large" and json.loads(a.body)["status"] == 413),
    ("aliyun-saf", "http://saf.cn-shanghai.aliyuncs.com/", 413, lambda a: a.header("Content-Type") == "text/html"),
])
def test_each_service_answers_a_body_past_its_limit_its_own_way(make_simulator, service, url, status, check):
    sim = make_simulator(service)
    limit = sim.contracts[service].limits.max_body_bytes
    answer = sim.handle(_post(url, b"", body_refused=limit + 1))
    assert answer.status == status and check(answer), answer.body[:300]


def test_limits_are_stated_in_every_contract(make_simulator):
    sim = make_simulator()
    for name, contract in sim.contracts.items():
        assert "limits" in contract.raw, name
        too_large = contract.limits.too_large
        assert too_large is None or too_large in contract.errors
    assert sim.contracts["huawei-ocr"].limits.image["max_side"] == 4096
    assert sim.contracts["aicp"].limits.image["max_encoded_bytes"] == 2 * 1024 * 1024


def _saf_url(fmt: str | None = "JSON") -> str:
    params = {"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
              "ServiceParameters": json.dumps({"method": "init"})}
    signed = aliyun_rpc.sign_request(params, "YourAccessKeyID", "YourAccessKeySecret", method="POST",
                                     timestamp=datetime(2026, 3, 1, 8, tzinfo=timezone.utc), nonce="deep-1", fmt=fmt)
    return "http://saf.cn-shanghai.aliyuncs.com/?" + aliyun_rpc.encode_params(signed)


@pytest.mark.parametrize("body", [DEEP, '{"a":' * 100_000 + "1" + "}" * 100_000])
def test_json_nested_100000_deep_on_saf_is_its_own_400_not_an_internal_error(make_simulator, caplog, body):
    """Review F9: the SAF router met a RecursionError: {"Code": 500} and a logged traceback."""
    sim = make_simulator("aliyun-saf")
    with caplog.at_level(logging.ERROR, logger="apisim"):
        answer = sim.handle(_post(_saf_url(), body.encode()))
    assert answer.status < 500 and json.loads(answer.body)["Code"] != 500
    assert not caplog.records  # no traceback


@pytest.mark.parametrize("service", ["cdc-python", "huawei-ocr", "aicp", "aliyun-market"])
def test_json_nested_100000_deep_is_every_services_malformed_body_answer(make_simulator, caplog, service):
    sim = make_simulator(service)
    contract = sim.contracts[service]
    dep = contract.deployments[0]
    op = next(o for o in contract.operations_for(dep) if o.method == "POST")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(dep.base_url))
    with caplog.at_level(logging.ERROR, logger="apisim"):
        answer = sim.handle(_post(origin + op.path, DEEP.encode()))
    entry = sim.journal.entries()[-1]
    assert entry["code"] in contract.errors, answer.body[:200]  # CDC: -1 before any operation is chosen
    assert entry["code"] != contract.internal_error and not caplog.records


def test_depth_is_counted_outside_strings_only():
    assert not json_depth_over('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[["}', 3)
    assert json_depth_over('[[[["x"]]]]', 3) and not json_depth_over('[[[["x"]]]]', 4)
    assert loads('[[["\\"]"]]]', 3) == [[['"]']]]
    with pytest.raises(ValueError, match="more than 3 levels"):
        loads("[[[[1]]]]", 3)
