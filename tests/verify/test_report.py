"""The progress bar redraws one line on a terminal and writes a line per operation in CI logs."""

from __future__ import annotations

import io

from simulator.verify.report import ProgressBar, summary_table
from simulator.verify.runner import CaseResult, VerifyReport


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _results(status: str) -> list[CaseResult]:
    return [CaseResult("iam", "list_projects", "generated", status)]


def test_on_a_terminal_the_bar_redraws_one_line():
    stream = _Terminal()
    bar = ProgressBar(stream, width=10)
    bar(1, 2, "iam/create_token", _results("passed"))
    bar(2, 2, "iam/list_projects", _results("failed"))
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "[##########] 2/2 operations, 1 failed" in text


def test_in_a_log_each_operation_gets_a_line():
    stream = io.StringIO()
    ProgressBar(stream)(1, 2, "iam/list_projects", _results("skipped"))
    assert stream.getvalue() == "[  1/2] iam/list_projects: 0 passed, 0 failed, 1 skipped\n"


def test_the_summary_counts_cases_per_operation_and_says_why_sending_stopped():
    report = VerifyReport("huawei-ocr", _results("passed") + _results("failed"), requests_sent=2,
                          elapsed_seconds=0.5, stopped="the request budget (2) is spent")
    table = summary_table(report)
    assert "iam         list_projects       1       1        0" in table
    assert "huawei-ocr: FAILED: 1 passed, 1 failed, 0 skipped; 2 requests" in table
    assert table.endswith("stopped early: the request budget (2) is spent")
