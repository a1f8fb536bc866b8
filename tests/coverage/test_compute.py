"""Coverage numbers: exactly the operations and outcomes a known set of calls exercised."""

from __future__ import annotations

from simulator.coverage.compute import compute, display_percent
from simulator.coverage.data import CoverageData


def test_known_calls_give_exactly_their_operations_and_outcomes(huawei_traffic):
    sim = huawei_traffic.sim
    contract = sim.contracts["huawei-ocr"]
    report = compute(sim.contracts, CoverageData().add_all(huawei_traffic.entries))
    svc = report.service("huawei-ocr")

    assert [op.id for op in svc.operations if op.called] == ["recognize_quota_invoice", "create_token"]
    assert svc.operations_called == 2
    token = svc.operation("create_token")
    ocr = svc.operation("recognize_quota_invoice")
    assert token.covered == ["success", "IAM.0004"]
    assert {o: c.count for o, c in token.cells.items()} == {"success": 2, "IAM.0004": 1}
    assert sorted(ocr.covered) == ["AIS.0101", "ModelArts.4204"]
    assert ocr.cells["ModelArts.4204"].forced == 1  # the header forced it; the fault's AIS.0101 is not "forced"
    assert ocr.cells["AIS.0101"].samples[0]["failure"] == "fault"
    assert not svc.operation("list_projects").called

    documented = {op_id: op.documented_codes() for op_id, op in contract.operations.items()}
    assert svc.errors_total == sum(len(codes) for codes in documented.values())
    assert svc.outcomes_total == svc.errors_total + 3  # one success per operation
    assert svc.errors_covered == 3  # IAM.0004, ModelArts.4204, AIS.0101
    assert svc.outcomes_covered == 4  # the same and create_token's success
    assert svc.percent == 100 * 4 / svc.outcomes_total
    assert ocr.missing == ["success"] + [c for c in documented["recognize_quota_invoice"] if c not in ("ModelArts.4204", "AIS.0101")]
    assert sum(cell.count for cell in svc.unmatched.values()) == 1
    assert report.unrouted == 1


def test_by_default_only_services_with_traffic_are_measured(huawei_traffic, make_simulator):
    data = CoverageData().add_all(huawei_traffic.entries)
    contracts = make_simulator().contracts
    assert [s.service for s in compute(contracts, data).services] == ["huawei-ocr"]
    named = compute(contracts, data, ["huawei-ocr", "aliyun-saf"])
    saf = named.service("aliyun-saf")
    assert saf.operations_called == 0 and saf.outcomes_covered == 0 and saf.outcomes_total > 0
    assert named.percent == 100 * 4 / (named.service("huawei-ocr").outcomes_total + saf.outcomes_total)


def test_an_answer_no_contract_documents_is_shown_but_not_counted(make_simulator):
    contracts = make_simulator("huawei-ocr").contracts
    data = CoverageData().add_all([
        {"service": "huawei-ocr", "operation": "create_token", "code": None, "outcome": "error", "status": 503},
        {"service": "huawei-ocr", "operation": "create_token", "code": None, "outcome": "error", "status": 0},
    ])
    svc = compute(contracts, data).service("huawei-ocr")
    token = svc.operation("create_token")
    assert token.called and token.covered == []
    assert token.undocumented == ["HTTP 503", "no answer"]
    assert svc.extra_columns() == ["HTTP 503", "no answer"]
    assert svc.outcomes_covered == 0


def test_the_json_report_has_the_numbers_and_what_is_missing(huawei_traffic):
    report = compute(huawei_traffic.sim.contracts, CoverageData().add_all(huawei_traffic.entries, test="t::a")).to_dict()
    svc = report["services"]["huawei-ocr"]
    assert (svc["operations"], svc["operations_called"], svc["errors_covered"], svc["outcomes_covered"]) == (3, 2, 3, 4)
    assert report["totals"]["outcomes_covered"] == 4 and report["totals"]["unrouted_requests"] == 1
    token = svc["by_operation"]["create_token"]
    assert token["outcomes"]["success"] == {"count": 2, "forced": 0, "documented": True, "tests": ["t::a"]}
    assert "success" not in token["missing"] and "IAM.0004" not in token["missing"]
    assert svc["by_operation"]["list_projects"]["calls"] == 0


def test_percentages_display_like_coverage_py():
    assert [display_percent(v) for v in (0, 0.4, 1, 49.5, 99.2, 99.999, 100)] == ["0%", "1%", "1%", "50%", "99%", "99%", "100%"]
