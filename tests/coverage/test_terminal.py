"""The terminal table: per service, operations and codes; term-missing lists what was never exercised."""

from __future__ import annotations

from simulator.coverage.compute import compute
from simulator.coverage.data import CoverageData
from simulator.coverage.terminal import format_table


def test_the_table_shows_each_services_numbers_and_the_total(huawei_traffic):
    report = compute(huawei_traffic.sim.contracts, CoverageData().add_all(huawei_traffic.entries))
    svc = report.service("huawei-ocr")
    lines = format_table(report).splitlines()
    assert lines[0].split() == ["Service", "Ops", "Called", "Codes", "Answered", "Outcomes", "Covered", "Cover"]
    expected = [str(svc.errors_total), "3", str(svc.outcomes_total), "4"]
    pct = f"{round(100 * 4 / svc.outcomes_total)}%"
    assert lines[2].split() == ["huawei-ocr", "3", "2", expected[0], expected[1], expected[2], expected[3], pct]
    assert lines[4].split() == ["TOTAL", "3", "2", expected[0], expected[1], expected[2], expected[3], pct]
    assert "1 request(s) reached no service" in lines[5]
    assert "not exercised" not in "\n".join(lines)


def test_term_missing_lists_uncalled_operations_and_unanswered_outcomes(huawei_traffic):
    contract = huawei_traffic.sim.contracts["huawei-ocr"]
    report = compute(huawei_traffic.sim.contracts, CoverageData().add_all(huawei_traffic.entries))
    text = format_table(report, missing=True, width=10_000)  # one line per operation
    missing = text.split("huawei-ocr: not exercised\n", 1)[1].splitlines()
    assert missing[0] == "  never called: list_projects"
    token_codes = [c for c in contract.operations["create_token"].documented_codes() if c != "IAM.0004"]
    assert f"  create_token: {', '.join(token_codes)}" in missing
    ocr = next(line for line in missing if line.startswith("  recognize_quota_invoice: "))
    listed = ocr.split(": ", 1)[1].split(", ")
    assert listed[0] == "success" and "ModelArts.4204" not in listed and "AIS.0101" not in listed
    assert len(listed) == len(contract.operations["recognize_quota_invoice"].documented_codes()) - 2 + 1
    assert missing[-1] == "  (1 request(s) matched no documented operation)"
