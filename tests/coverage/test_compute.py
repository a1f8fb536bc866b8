"""Coverage numbers: exactly the operations and outcomes a known set of calls exercised, and each
measure's figure over the operations it counts."""

from __future__ import annotations

from simulator.coverage.compute import compute, display_percent
from simulator.coverage.data import CoverageData


def test_known_calls_give_exactly_their_operations_and_outcomes(huawei_traffic):
    sim = huawei_traffic.sim
    contract = sim.contracts["huawei-ocr"]
    report = compute(sim.contracts, CoverageData().add_all(huawei_traffic.entries), measure="all")
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
    named = compute(contracts, data, ["huawei-ocr", "aliyun-saf"], measure="all")
    saf = named.service("aliyun-saf")
    assert saf.operations_called == 0 and saf.outcomes_covered == 0 and saf.outcomes_total > 0
    assert named.percent == 100 * 4 / (named.service("huawei-ocr").outcomes_total + saf.outcomes_total)


def test_by_default_the_figure_is_the_documented_outcomes_of_the_operations_called(huawei_traffic):
    report = compute(huawei_traffic.sim.contracts, CoverageData().add_all(huawei_traffic.entries))
    svc = report.service("huawei-ocr")
    token, ocr = svc.operation("create_token"), svc.operation("recognize_quota_invoice")
    assert report.measure == "outcomes" and not report.listed
    assert [op.id for op in svc.scope()] == ["recognize_quota_invoice", "create_token"]
    assert report.percent == svc.percent == 100 * 4 / (len(token.outcomes) + len(ocr.outcomes))
    assert report.percents() == {"operations": 100.0, "outcomes": report.percent, "all": 100 * 4 / svc.outcomes_total}
    assert report.scope_phrase == "of the documented outcomes of the operations called"


def test_a_listed_operation_never_called_counts_as_uncovered_and_an_unlisted_one_not_at_all(huawei_traffic):
    contracts = huawei_traffic.sim.contracts
    data = CoverageData().add_all(huawei_traffic.entries)
    listed = {"huawei-ocr": ["create_token", "list_projects"]}
    report = compute(contracts, data, measure="operations", listed=listed)
    svc = report.service("huawei-ocr")
    assert sorted(op.id for op in svc.scope()) == ["create_token", "list_projects"]
    assert report.percent == 50.0  # create_token called, list_projects never
    assert [op.id for op in svc.called_unused] == ["recognize_quota_invoice"]
    assert report.scope_phrase == "of the operations listed in apisim_cov_operations called"

    outcomes = compute(contracts, data, listed=listed).service("huawei-ocr")
    token, projects = outcomes.operation("create_token"), outcomes.operation("list_projects")
    assert outcomes.tally().outcomes_covered == 2  # create_token's success and IAM.0004; the OCR codes do not count
    assert outcomes.percent == 100 * 2 / (len(token.outcomes) + len(projects.outcomes))


def test_a_listed_service_without_traffic_is_measured_at_zero(huawei_traffic, make_simulator):
    contracts = make_simulator().contracts
    saf_first = next(iter(contracts["aliyun-saf"].operations))
    report = compute(contracts, CoverageData().add_all(huawei_traffic.entries), measure="operations",
                     listed={"aliyun-saf": [saf_first]})
    assert [s.service for s in report.services] == ["huawei-ocr", "aliyun-saf"]
    saf = report.service("aliyun-saf")
    assert (saf.tally().operations, saf.tally().called, saf.percent) == (1, 0, 0.0)
    assert report.service("huawei-ocr").tally().operations == 0  # traffic, but none of it listed
    assert report.percent == 0.0


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
    assert (svc["used_operations"], svc["used_operations_called"], svc["used_outcomes_covered"]) == (2, 2, 4)
    assert report["totals"]["outcomes_covered"] == 4 and report["totals"]["unrouted_requests"] == 1
    assert (report["version"], report["measure"], report["operations_in_use"]) == (2, "outcomes", "called")
    assert report["totals"]["percent"] == report["totals"]["percents"]["outcomes"] == svc["percent"]
    assert report["totals"]["percents"]["operations"] == 100.0
    assert report["totals"]["percents"]["all"] == round(100 * 4 / svc["outcomes"], 2)
    assert "of the documented outcomes of the operations called" in report["definition"]
    assert [op for op, info in svc["by_operation"].items() if info["used"]] == ["recognize_quota_invoice", "create_token"]
    token = svc["by_operation"]["create_token"]
    assert token["outcomes"]["success"] == {"count": 2, "forced": 0, "documented": True, "tests": ["t::a"]}
    assert "success" not in token["missing"] and "IAM.0004" not in token["missing"]
    assert svc["by_operation"]["list_projects"]["calls"] == 0


def test_percentages_display_like_coverage_py():
    assert [display_percent(v) for v in (0, 0.4, 1, 49.5, 99.2, 99.999, 100)] == ["0%", "1%", "1%", "50%", "99%", "99%", "100%"]
