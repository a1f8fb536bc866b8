"""Fault actions and budgets through HTTP (Flask test client): what a client sees for each."""

from __future__ import annotations

import json
import time

import pytest

from simulator.control import FaultError


def add(sim, fault: dict) -> dict:
    answer = sim.admin("POST", "/faults", json=fault)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_code_fault_answers_the_documented_error_in_the_service_envelope(sim):
    add(sim, {"match": {"service": "huawei-ocr", "operation": "recognize_quota_invoice"},
              "action": {"type": "code", "code": "ModelArts.4204"}})
    answer = sim.ocr()
    assert answer.status_code == 400
    assert answer.get_json() == {"error_code": "ModelArts.4204",
                                 "error_msg": "The requested service has not been subscribed."}
    assert answer.headers["X-Apisim-Fault"] == "f1"


def test_a_code_fault_refuses_codes_the_operation_does_not_document(sim):
    answer = sim.admin("POST", "/faults", json={"match": {"service": "huawei-ocr", "operation": "recognize_quota_invoice"},
                                                "action": {"type": "code", "code": "NOPE.0001"}})
    assert answer.status_code == 400
    assert "not a documented error of huawei-ocr.recognize_quota_invoice" in answer.get_json()["apisim_error"]
    assert "ModelArts.4204" in answer.get_json()["apisim_error"]


def test_a_status_fault_answers_the_raw_status_body_and_headers(sim):
    add(sim, {"match": {"service": "huawei-ocr"},
              "action": {"type": "status", "status": 502, "body": "<html>Bad Gateway</html>",
                         "headers": {"Content-Type": "text/html", "Retry-After": "3"}}})
    answer = sim.ocr()
    assert (answer.status_code, answer.data) == (502, b"<html>Bad Gateway</html>")
    assert answer.headers["Content-Type"] == "text/html" and answer.headers["Retry-After"] == "3"


def test_a_status_fault_with_a_json_body_sends_json(sim):
    add(sim, {"match": {"service": "huawei-ocr"}, "action": {"type": "status", "status": 503, "body": {"busy": True}}})
    answer = sim.ocr()
    assert answer.status_code == 503 and answer.get_json() == {"busy": True}


def test_a_fixed_delay_slows_the_answer_and_is_journaled(make_sim):
    sim = make_sim("huawei-ocr")
    sim.control.faults.delay("huawei-ocr", ms=150)
    started = time.perf_counter()
    answer = sim.ocr()
    assert time.perf_counter() - started >= 0.15
    assert answer.status_code == 401  # the delay only slows: the request then goes on (here: no credentials)
    entry = sim.simulator.journal.entries()[-1]
    assert entry["faults"] == [{"id": "f1", "action": "delay", "delay_ms": 150.0}]


def test_distributed_delays_follow_the_seed(make_sim):
    def delays(seed: int) -> list[float]:
        sim = make_sim("huawei-ocr", seed=seed)
        slept: list[float] = []
        sim.control._sleep = slept.append  # record instead of sleeping: this test is about the values
        sim.control.faults.delay("huawei-ocr", min_ms=10, max_ms=500)
        sim.control.faults.delay("huawei-ocr", mean_ms=200, stddev_ms=50)
        for _ in range(5):
            sim.ocr()
        return slept

    first = delays(1)
    assert first == delays(1)
    assert first != delays(2)
    uniform = first[0::2]
    assert all(0.01 <= s <= 0.5 for s in uniform) and len(set(uniform)) == 5


def test_an_empty_fault_keeps_the_status_and_drops_the_body(sim):
    sim.control.faults.empty("huawei-ocr")
    answer = sim.ocr()
    assert answer.status_code == 401 and answer.data == b"" and answer.headers["Content-Length"] == "0"


def test_a_truncate_fault_keeps_a_share_of_the_body(sim):
    whole = sim.ocr().data
    sim.control.faults.truncate("huawei-ocr", fraction=0.5)
    cut = sim.ocr().data
    assert cut == whole[: len(whole) // 2]
    with pytest.raises(ValueError):
        json.loads(cut)


def test_a_truncate_fault_can_keep_a_number_of_bytes(sim):
    whole = sim.ocr().data
    sim.control.faults.truncate("huawei-ocr", bytes=7)
    assert sim.ocr().data == whole[:7]


def test_a_malformed_fault_sends_a_body_that_does_not_parse(sim):
    whole = sim.ocr().data
    sim.control.faults.malformed("huawei-ocr")
    answer = sim.ocr()
    assert answer.status_code == 401
    assert answer.data.startswith(whole[: len(whole) // 2 - 4]) and answer.data != whole
    answer.data.decode("utf-8")  # still text: the client's JSON parser is what fails
    with pytest.raises(ValueError):
        json.loads(answer.data)


def test_body_faults_let_the_operation_run_first(sim):
    token = sim.iam_token()
    sim.control.faults.truncate("huawei-ocr", "recognize_quota_invoice", fraction=0.2)
    answer = sim.ocr({"url": "https://apisim.fixtures/images/quota_invoice.png"}, headers={"X-Auth-Token": token})
    assert answer.status_code == 200
    entry = sim.simulator.journal.entries()[-1]
    assert entry["outcome"] == "success" and entry["faults"] == [{"id": "f1", "action": "truncate"}]


def test_in_process_a_reset_raises_connection_reset_and_a_hang_raises_a_timeout(sim):
    sim.control.faults.reset_connection("huawei-ocr", times=1)
    with pytest.raises(ConnectionResetError):
        sim.ocr().get_data()
    sim.control.faults.hang("huawei-ocr", times=1)
    with pytest.raises(TimeoutError):
        sim.ocr().get_data()
    sim.control.faults.disconnect("huawei-ocr", times=1)
    with pytest.raises(ConnectionAbortedError):
        sim.ocr().get_data()
    assert sim.ocr().status_code == 401  # every budget is spent
    statuses = [e["status"] for e in sim.simulator.journal.entries()]
    assert statuses == [0, 0, 0, 401]


@pytest.mark.parametrize("action", ["reset", "disconnect"])
def test_a_server_that_cannot_drop_connections_refuses_those_faults_saying_what_to_run(make_sim, action):
    sim = make_sim(dropped_connections=False)  # as under granian without /proc/self/fd: it would answer 500
    answer = sim.admin("POST", "/faults", json={"match": {"service": "huawei-ocr"}, "action": {"type": action}})
    assert answer.status_code == 400
    assert "cannot drop a connection" in answer.get_json()["apisim_error"]
    assert "apisim serve --server dev" in answer.get_json()["apisim_error"]
    add(sim, {"match": {"service": "huawei-ocr"}, "action": {"type": "hang", "max_ms": 10}})  # a hang it can do


def test_times_fires_on_the_next_n_calls_only(sim):
    sim.control.faults.error("huawei-ocr", code="APIGW.0308", times=2)
    assert [sim.ocr().status_code for _ in range(4)] == [429, 429, 401, 401]
    assert sim.control.faults.get("f1")["calls"] == {"seen": 4, "fired": 2}
    assert sim.control.faults.get("f1")["spent"] is True


def test_after_calls_lets_the_first_calls_through(sim):
    sim.control.faults.error("huawei-ocr", code="APIGW.0308", after_calls=2, times=1)
    assert [sim.ocr().status_code for _ in range(4)] == [401, 401, 429, 401]


def test_a_time_window_follows_the_simulator_clock(sim):
    sim.control.faults.error("huawei-ocr", code="APIGW.0308", start="2026-03-01T08:00:10+00:00", for_seconds=5)
    assert sim.ocr().status_code == 401
    sim.clock.advance(10)
    assert sim.ocr().status_code == 429
    sim.clock.advance(4.9)
    assert sim.ocr().status_code == 429
    sim.clock.advance(0.1)
    assert sim.ocr().status_code == 401


def test_a_probability_fault_fires_on_the_same_calls_under_the_same_seed(make_sim):
    def pattern(seed: int, fault_seed: int | None = None) -> list[int]:
        sim = make_sim("huawei-ocr", seed=seed)
        budget = {} if fault_seed is None else {"seed": fault_seed}
        sim.control.faults.error("huawei-ocr", code="APIGW.0308", probability=0.3, **budget)
        return [sim.ocr().status_code for _ in range(60)]

    first = pattern(7)
    assert first == pattern(7)
    assert first != pattern(8)
    assert pattern(1, fault_seed=42) == pattern(2, fault_seed=42)  # a fault's own seed beats the simulator's
    assert 8 <= first.count(429) <= 30  # about 30 % of 60


def test_where_predicates_pick_requests_by_header_and_body(sim):
    sim.control.faults.error("huawei-ocr", code="APIGW.0308", where={"headers.X-Case": "slow", "body.url": ["a", "b"]})
    assert sim.ocr({"url": "a"}).status_code == 401  # header missing
    assert sim.ocr({"url": "c"}, headers={"X-Case": "slow"}).status_code == 401  # body value not listed
    assert sim.ocr({"url": "b"}, headers={"X-Case": "slow"}).status_code == 429


def test_faults_apply_in_order_and_the_first_answer_stops_the_rest(sim):
    slept: list[float] = []
    sim.control._sleep = slept.append
    sim.control.faults.delay("huawei-ocr", ms=20)
    sim.control.faults.error("huawei-ocr", code="APIGW.0308", times=1)
    sim.control.faults.error("huawei-ocr", code="ModelArts.4204", times=1)
    assert sim.ocr().status_code == 429
    assert sim.ocr().get_json()["error_code"] == "ModelArts.4204"
    assert slept == [0.02, 0.02]
    assert sim.control.faults.get("f3")["calls"] == {"seen": 1, "fired": 1}


def test_faults_are_listed_fetched_and_removed_over_the_admin_api(sim):
    fault = add(sim, {"spec": "huawei-ocr:*:code=APIGW.0308,times=3"})
    assert fault["id"] == "f1" and fault["budget"]["times"] == 3
    assert [f["id"] for f in sim.admin("GET", "/faults").get_json()["faults"]] == ["f1"]
    assert sim.admin("GET", "/faults/f1").get_json()["action"] == {"type": "code", "code": "APIGW.0308"}
    assert sim.admin("DELETE", "/faults/f1").status_code == 200
    assert sim.admin("DELETE", "/faults/f1").status_code == 404
    assert sim.ocr().status_code == 401
    add(sim, {"spec": "huawei-ocr:*:empty"})
    assert sim.admin("DELETE", "/faults").get_json() == {"removed": 1}


@pytest.mark.parametrize("fault, complaint", [
    ({"match": {"service": "nope"}, "action": "reset"}, "no service 'nope'"),
    ({"match": {"service": "huawei-ocr", "operation": "nope"}, "action": "reset"}, "has no operation 'nope'"),
    ({"match": {"service": "huawei-ocr"}, "action": {"type": "explode"}}, "action.type: one of"),
    ({"match": {"service": "huawei-ocr"}, "action": {"type": "delay"}}, "give ms"),
    ({"match": {"service": "huawei-ocr"}, "action": "reset", "budget": {"probability": 2}}, "between 0 and 1"),
    ({"match": {"service": "huawei-ocr"}, "action": "reset", "budget": {"often": 1}}, "unknown keys often"),
    ({"match": {"operation": "recognize_quota_invoice"}, "action": "reset"}, "needs match.service"),
    ({"match": {"service": "huawei-ocr", "where": {"cookie.x": 1}}, "action": "reset"}, "dotted paths"),
])
def test_a_fault_the_contracts_do_not_allow_is_refused_with_the_reason(sim, fault, complaint):
    answer = sim.admin("POST", "/faults", json=fault)
    assert answer.status_code == 400
    assert complaint in answer.get_json()["apisim_error"]


def test_the_python_api_raises_fault_error(sim):
    with pytest.raises(FaultError, match="not a documented error"):
        sim.control.faults.error("huawei-ocr", code="404")
