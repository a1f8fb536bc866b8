"""Error shapes: what the contract fixes for each error is compared, what varies per request is not."""

from __future__ import annotations

from datetime import datetime, timezone

from simulator.config import SimulatorConfig
from simulator.contracts import load_contracts
from simulator import Simulator
from simulator.verify.generate import RequestMaker
from simulator.verify.outgoing import Received, encode
from simulator.verify.shapes import ErrorShapes

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


def _setup(service: str, op_id: str):
    contract = load_contracts(None, [service])[service]
    op = contract.operations[op_id]
    dep = contract.deployment(op.deployments[0])
    maker = RequestMaker(contract, op, contract.credentials[0] if contract.credentials else None)
    baseline = maker.baseline()
    shapes = ErrorShapes(contract, None, contract.credentials)
    shapes.prepare(op, dep, encode(baseline, op, dep.original_host), encode(maker.variant(baseline), op, dep.original_host))
    server = Simulator(SimulatorConfig(services=[service], clock=lambda: NOW, seed=42))
    return contract, op, dep, maker, shapes, server


def _answer(server, op, dep, maker, code: str, salt: int = 0) -> Received:
    """The server (another seed, another clock, another request) answering ``code``."""
    request = encode(maker.variant(maker.variant(maker.baseline())) if salt else maker.baseline(), op, dep.original_host)
    request.headers["X-Apisim-Code"] = code
    response = server.handle(request)
    return Received(response.status, list(response.headers), response.body)


def test_huawei_errors_are_told_apart_by_error_code_and_request_ids_are_not_compared():
    contract, op, dep, maker, shapes, server = _setup("huawei-ocr", "recognize_quota_invoice")
    shape = shapes.shape(op, dep, "AIS.0101")
    assert shape.exact[("body", "error_code")] == "AIS.0101"
    assert ("header", "x-request-id") not in shape.exact and ("header", "x-request-id") not in shape.wording
    for code in ("AIS.0101", "ModelArts.4101", "APIGW.0301"):
        assert shapes.classify(op, dep, _answer(server, op, dep, maker, code, salt=1)) == [code]


def test_cdc_statuses_are_compared_and_the_echoed_id_is_not():
    contract, op, dep, maker, shapes, server = _setup("cdc-python", "community_list")
    assert ("body", "id") not in shapes.shape(op, dep, "-2").exact
    answer = _answer(server, op, dep, maker, "-2", salt=1)
    assert shapes.classify(op, dep, answer) == ["-2"]


def test_wording_narrows_errors_an_envelope_cannot_tell_apart_but_a_new_wording_still_counts():
    contract, op, dep, maker, shapes, server = _setup("aicp", "ms_face_query")
    answer = _answer(server, op, dep, maker, "RECORD_NOT_FOUND")
    assert shapes.classify(op, dep, answer) == ["RECORD_NOT_FOUND"]
    reworded = Received(answer.status, answer.headers, answer.body.replace(
        contract.errors["RECORD_NOT_FOUND"].message.encode(), "查询人脸错误,错误信息[另一种说法]".encode()))
    assert "RECORD_NOT_FOUND" in shapes.classify(op, dep, reworded)


def test_a_response_that_is_no_documented_error_is_classified_as_none():
    contract, op, dep, maker, shapes, server = _setup("huawei-ocr", "recognize_quota_invoice")
    bogus = Received(418, [("Content-Type", "application/json")], b'{"error_code": "AIS.0101"}')
    assert shapes.classify(op, dep, bogus) == []
    shape = shapes.shape(op, dep, "AIS.0101")
    assert shape.mismatches(bogus) == ["HTTP status: expected 400, got 418"]
