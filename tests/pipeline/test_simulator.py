"""The whole pipeline: journal, forced codes, determinism, and no bare 500s."""

from __future__ import annotations

import json

from simulator.core import SimRequest

OCR = "https://ocr.cn-north-4.myhuaweicloud.com/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"


def _ocr_request(body: dict | bytes, **headers) -> SimRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimRequest.from_url("POST", OCR, {"Content-Type": "application/json", **headers}, raw)


def test_every_request_is_journaled_with_its_operation_and_outcome(make_simulator):
    sim = make_simulator("huawei-ocr")
    sim.handle(_ocr_request({"url": "x"}))
    sim.handle(SimRequest.from_url("GET", "http://unknown.example/"))
    first, second = sim.journal.entries()
    assert (first["service"], first["operation"], first["status"], first["code"]) == \
        ("huawei-ocr", "recognize_quota_invoice", 401, "ModelArts.4101")
    assert second["service"] is None and "no deployment serves host" in second["note"]
    assert [e["seq"] for e in sim.journal.entries(service="huawei-ocr")] == [first["seq"]]


def test_journaled_bodies_are_capped_and_the_cap_is_marked(make_simulator, tmp_path):
    sim = make_simulator("huawei-ocr", store_url=f"sqlite:///{tmp_path}/state.db")
    raw = json.dumps({"url": "a\u2028b" + "x" * 10_000}, ensure_ascii=False).encode()  # U+2028 unescaped
    sim.handle(_ocr_request(raw))
    sim.handle(_ocr_request({"url": "short"}))
    big, small = sim.journal.entries()
    assert big["request_body"] == raw[:4096].decode() + "…" and big["request_body_bytes"] == len(raw)
    assert "request_body_bytes" not in small and small["request_body"] == '{"url": "short"}'


def test_x_apisim_code_forces_a_documented_error_of_the_matched_operation(make_simulator):
    sim = make_simulator("huawei-ocr")
    response = sim.handle(_ocr_request({"image": "x"}, **{"X-Apisim-Code": "AIS.0105"}))
    assert response.status == 500
    assert json.loads(response.body) == {"error_code": "AIS.0105", "error_msg": "Recognition failed."}
    assert sim.journal.entries()[-1]["forced"] is True


def test_an_unknown_forced_code_is_refused_with_the_valid_ones_listed(make_simulator):
    sim = make_simulator("huawei-ocr")
    response = sim.handle(_ocr_request({}, **{"X-Apisim-Code": "AIS.9999"}))
    body = json.loads(response.body)
    assert response.status == 400
    assert "'AIS.9999' is not a documented error of huawei-ocr.recognize_quota_invoice" in body["apisim_error"]
    assert "AIS.0103" in body["valid_codes"] and "APIGW.0301" in body["valid_codes"]


def test_a_handler_bug_is_answered_with_the_contracts_internal_error_not_a_bare_500(make_simulator, monkeypatch):
    sim = make_simulator("huawei-ocr")

    def broken(ctx):
        raise RuntimeError("bug")

    monkeypatch.setitem(sim.services["huawei-ocr"].handlers, "recognize_quota_invoice", broken)
    monkeypatch.setattr("simulator.pipeline.run.authenticate", lambda *a: {})  # the stage the pipeline runs
    response = sim.handle(_ocr_request({"image": "x"}))
    assert json.loads(response.body)["error_code"] == "AIS.0105"


def test_unknown_paths_get_the_deployments_documented_not_found_error(make_simulator):
    sim = make_simulator("huawei-ocr")
    response = sim.handle(SimRequest.from_url("GET", "https://ocr.cn-north-4.myhuaweicloud.com/v9/nothing"))
    assert response.status == 404
    assert json.loads(response.body)["error_code"] == "APIGW.0101"
    assert "no operation at GET /v9/nothing" in response.header("X-Apisim-Detail")


def test_the_same_seed_and_requests_give_the_same_answers(make_simulator, png_base64):
    image = png_base64()

    def run(seed):
        sim = make_simulator("huawei-ocr", seed=seed)
        token = sim.handle(SimRequest.from_url(
            "POST", "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens", {"Content-Type": "application/json"},
            json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}}}}).encode(),
        )).header("X-Subject-Token")
        response = sim.handle(_ocr_request({"image": image}, **{"X-Auth-Token": token}))
        return response.status, response.body, response.header("X-Request-Id")

    assert run(1) == run(1)
    # Fake data follows the seed; what an image holds follows the image alone.
    assert run(1)[2] != run(2)[2]
    assert run(1)[1] == run(2)[1]


def test_the_detail_header_quoting_the_request_is_cut_at_1_kib_without_control_characters(make_simulator):
    """Review F6: a 70 KB key echoed in X-Apisim-Detail made requests fail with LineTooLong."""
    from simulator.core.http import HEADER_CAP, header_value

    sim = make_simulator("cdc-python")
    data = {"lat1": 1, "lng1": 1, "lat2": 2, "lng2": 2, "K\r\n\x00" + "K" * 200_000: 1}
    response = sim.handle(SimRequest.from_url(
        "POST", "http://guosai.zustmanong.cn/api/v2/distance/", {"Content-Type": "application/json"},
        json.dumps({"id": 1, "type": "distance", "subtype": "calc", "data": data}).encode()))
    assert json.loads(response.body)["status"] == -3  # the documented answer, which the client can now read
    detail = response.header("X-Apisim-Detail")
    assert detail.startswith("$.body.data: Additional properties") and len(detail) == HEADER_CAP
    assert detail.endswith("...") and not any(ord(c) < 32 for c in detail)
    assert header_value("a\r\nb\x00c\x7f\x85d") == "a  b c  d"
    assert header_value("名" * 2000).startswith("\\u540d") and len(header_value("名" * 2000)) == HEADER_CAP


def _huawei_token(sim) -> str:
    login = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}}
    answer = sim.handle(SimRequest.from_url("POST", "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens",
                                            {"Content-Type": "application/json"}, json.dumps(login).encode()))
    return dict(answer.headers)["X-Subject-Token"]


def _png_base64() -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 20), (200, 30, 30)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_request_like_one_that_passed_validation_is_still_refused_when_it_differs(make_simulator):
    """Requests that passed validation are remembered; any other request is validated anew, and one
    that fails fails every time."""
    sim = make_simulator("huawei-ocr")
    token = _huawei_token(sim)
    valid = {"image": _png_base64()}
    assert [sim.handle(_ocr_request(valid, **{"X-Auth-Token": token})).status for _ in range(2)] == [200, 200]
    for _ in range(2):
        refused = sim.handle(_ocr_request({"url": 12}, **{"X-Auth-Token": token}))
        assert refused.status == 400
        assert sim.journal.entries()[-1]["failure"] == "validation"
    other_query = SimRequest.from_url("POST", OCR + "?x=1", {"Content-Type": "application/json", "X-Auth-Token": token},
                                      json.dumps({"url": 12}).encode())
    assert sim.handle(other_query).status == 400


def test_request_bits_differ_by_request_and_purpose_and_repeat_on_replay():
    from types import SimpleNamespace

    from simulator.pipeline.context import Context

    def bits(seed: int, seq: int, purpose: str = "") -> int:
        return Context.request_bits(SimpleNamespace(seed=seed, seq=seq), purpose)  # type: ignore[arg-type]

    assert bits(7, 1) == bits(7, 1) and bits(7, 1, "a") == bits(7, 1, "a")
    assert len({bits(7, 1), bits(7, 2), bits(8, 1), bits(7, 1, "a"), bits(7, 1, "b")}) == 5
    assert 0 <= bits(7, 1) < 2 ** 128
