"""The terminal table: per service, operations and codes, over the operations the measure counts;
term-missing lists what was never exercised; the gate's message names what it measured and what is missing."""

from __future__ import annotations

from simulator.coverage.compute import compute
from simulator.coverage.data import CoverageData
from simulator.coverage.terminal import fail_under_message, format_table, header


def _report(huawei_traffic, **options):
    return compute(huawei_traffic.sim.contracts, CoverageData().add_all(huawei_traffic.entries), **options)


def test_the_table_of_every_outcome_shows_each_services_numbers_and_the_total(huawei_traffic):
    report = _report(huawei_traffic, measure="all")
    svc = report.service("huawei-ocr")
    lines = format_table(report).splitlines()
    assert lines[0].split() == ["Service", "Ops", "Called", "Codes", "Answered", "Outcomes", "Covered", "Cover"]
    expected = [str(svc.errors_total), "3", str(svc.outcomes_total), "4"]
    pct = f"{round(100 * 4 / svc.outcomes_total)}%"
    assert lines[2].split() == ["huawei-ocr", "3", "2", expected[0], expected[1], expected[2], expected[3], pct]
    assert lines[4].split() == ["TOTAL", "3", "2", expected[0], expected[1], expected[2], expected[3], pct]
    assert lines[5].startswith("By measure: operations 100% (2/2) · outcomes ")
    assert lines[5].endswith(f"· all {pct} (4/{svc.outcomes_total}) (this report)")
    assert "1 request(s) reached no service" in lines[6]
    assert "not exercised" not in "\n".join(lines)
    assert header(report) == f"apisim contract coverage: {pct} of every documented outcome of the measured services"


def test_the_default_table_counts_only_the_operations_called_and_its_header_says_so(huawei_traffic):
    report = _report(huawei_traffic)
    svc = report.service("huawei-ocr")
    used = [svc.operation("recognize_quota_invoice"), svc.operation("create_token")]
    codes, outcomes = sum(len(op.codes) for op in used), sum(len(op.outcomes) for op in used)
    pct = f"{round(100 * 4 / outcomes)}%"
    lines = format_table(report).splitlines()
    assert lines[0].split() == ["Service", "Ops", "Used", "Called", "Codes", "Answered", "Outcomes", "Covered", "Cover"]
    assert lines[2].split() == ["huawei-ocr", "3", "2", "2", str(codes), "3", str(outcomes), "4", pct]
    assert f"outcomes {pct} (4/{outcomes}) (this report)" in lines[5]
    assert header(report) == f"apisim contract coverage: {pct} of the documented outcomes of the operations called"


def test_term_missing_lists_uncalled_operations_and_unanswered_outcomes(huawei_traffic):
    contract = huawei_traffic.sim.contracts["huawei-ocr"]
    report = _report(huawei_traffic, measure="all")
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


def test_with_a_list_term_missing_names_listed_operations_never_called_and_called_ones_not_listed(huawei_traffic):
    report = _report(huawei_traffic, listed={"huawei-ocr": ["create_token", "list_projects"]})
    missing = format_table(report, missing=True, width=10_000).split("huawei-ocr: not exercised\n", 1)[1].splitlines()
    assert missing[0] == "  never called: list_projects"
    assert not any(line.startswith("  recognize_quota_invoice: ") for line in missing)  # not the project's
    assert "  called, not in apisim_cov_operations: recognize_quota_invoice" in missing


def test_the_gate_names_its_measure_the_figure_the_threshold_and_what_is_missing(huawei_traffic):
    report = _report(huawei_traffic, measure="operations", listed={"huawei-ocr": ["create_token", "list_projects"]})
    message = fail_under_message(report, 100, "--apisim-cov-report=term-missing")
    assert message == (
        "FAIL Required apisim contract coverage (operations) of 100% not reached. Total coverage: 50.00% "
        "of the operations listed in apisim_cov_operations called (1 of 2 operations).\n"
        "Missing operations: huawei-ocr:list_projects never called (--apisim-cov-report=term-missing lists them)")
    assert fail_under_message(report, 50, "-") is None


def test_the_outcomes_gate_counts_the_unanswered_outcomes_of_each_operation(huawei_traffic):
    report = _report(huawei_traffic)
    token = report.service("huawei-ocr").operation("create_token")
    message = fail_under_message(report, 90, "--missing")
    assert message.startswith(f"FAIL Required apisim contract coverage (outcomes) of 90% not reached. Total coverage: "
                              f"{report.percent:.2f}% of the documented outcomes of the operations called (4 of ")
    assert f"huawei-ocr:create_token ({len(token.outcomes) - 2} of {len(token.outcomes)} unanswered)" in message


def test_the_gate_fails_when_there_is_nothing_to_measure(make_simulator):
    report = compute(make_simulator("huawei-ocr").contracts, CoverageData())
    assert fail_under_message(report, 1, "-") == ("FAIL Required apisim contract coverage (outcomes) of 1% not "
                                                  "reached: there is nothing to measure, no documented operation "
                                                  "was called")
