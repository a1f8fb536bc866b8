"""How a verify run is shown: a progress bar, failure reports, a summary table and JUnit XML."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from simulator.verify.runner import FAILED, PASSED, SKIPPED, CaseResult, VerifyReport


class ProgressBar:
    """One redrawn line on a terminal; one line per operation elsewhere (CI logs)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.failed = 0

    def __call__(self, done: int, total: int, label: str, results: list[CaseResult]) -> None:
        self.failed += sum(r.status == FAILED for r in results)
        counts = _counts(results)
        if self.tty:
            filled = int(self.width * done / max(total, 1))
            bar = "#" * filled + "." * (self.width - filled)
            line = f"\r[{bar}] {done}/{total} operations, {self.failed} failed  {label[:40]:<40}"
            self.stream.write(line + ("\n" if done == total else ""))
        else:
            self.stream.write(f"[{done:>3}/{total}] {label}: {counts[PASSED]} passed, {counts[FAILED]} failed, "
                              f"{counts[SKIPPED]} skipped\n")
        self.stream.flush()


def failure_report(result: CaseResult) -> str:
    """The request, the response, the JSON path that broke and a curl line that repeats the request."""
    lines = [f"FAILED {result.deployment}/{result.name}"]
    for problem in result.problems:
        lines.append(f"  - {problem.json_path}: {problem.message}" if problem.json_path else f"  - {problem.message}")
    if result.reason:
        lines.append(f"  ({result.reason})")
    exchange = result.exchange
    if exchange is not None:
        lines.append("  request:")
        lines += ["    " + line for line in exchange.describe_request().splitlines()]
        lines.append("  response:")
        if exchange.received is not None:
            lines += ["    " + line for line in exchange.received.describe().splitlines()]
        else:
            lines.append(f"    (none: {exchange.transport_error})")
        lines.append("  repeat it (signatures expire after about 15 minutes):")
        lines.append("    " + exchange.curl())
    return "\n".join(lines)


def summary_table(report: VerifyReport) -> str:
    """Operations × passed / failed / skipped, then the totals."""
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for result in report.results:
        counts = rows.setdefault((result.deployment, result.operation), {PASSED: 0, FAILED: 0, SKIPPED: 0})
        counts[result.status] += 1
    header = ("deployment", "operation", PASSED, FAILED, SKIPPED)
    table = [header] + [(dep, op, str(c[PASSED]), str(c[FAILED]), str(c[SKIPPED])) for (dep, op), c in rows.items()]
    totals = _counts(report.results)
    table.append(("total", "", str(totals[PASSED]), str(totals[FAILED]), str(totals[SKIPPED])))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    out = []
    for index, row in enumerate(table):
        cells = [cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        out.append("  ".join(cells).rstrip())
        if index == 0 or index == len(table) - 2:
            out.append("  ".join("-" * w for w in widths))
    verdict = "FAILED" if report.failed else "passed"
    out.append(f"{report.contract}: {verdict}: {totals[PASSED]} passed, {totals[FAILED]} failed, "
               f"{totals[SKIPPED]} skipped; {report.requests_sent} requests in {report.elapsed_seconds:.1f} s")
    if report.stopped:
        out.append(f"stopped early: {report.stopped}")
    return "\n".join(out)


def write_junit_xml(reports: list[VerifyReport], path: str | Path) -> None:
    """One test suite per contract; one test case per example, generated batch and provocation."""
    suites = ET.Element("testsuites", name="apisim verify")
    for report in reports:
        counts = _counts(report.results)
        suite = ET.SubElement(suites, "testsuite", name=f"apisim verify {report.contract}",
                              tests=str(len(report.results)), failures=str(counts[FAILED]),
                              skipped=str(counts[SKIPPED]), errors="0", time=f"{report.elapsed_seconds:.3f}")
        for result in report.results:
            case = ET.SubElement(suite, "testcase", classname=f"{report.contract}.{result.deployment}.{result.operation}",
                                 name=result.case)
            if result.status == FAILED:
                first = result.problems[0] if result.problems else None
                message = (f"{first.json_path}: {first.message}" if first and first.json_path else
                           first.message if first else "failed")
                failure = ET.SubElement(case, "failure", message=message[:500], type="ContractViolation")
                failure.text = failure_report(result)
            elif result.status == SKIPPED:
                ET.SubElement(case, "skipped", message=result.reason or "skipped")
            if result.outcome:
                ET.SubElement(case, "system-out").text = f"outcome: {result.outcome}"
    tree = ET.ElementTree(suites)
    ET.indent(tree)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def as_json(report: VerifyReport) -> dict:
    """A machine-readable summary (used by ``--json``)."""
    return {
        "contract": report.contract,
        "ok": report.ok,
        "requests_sent": report.requests_sent,
        "stopped": report.stopped,
        "results": [
            {"deployment": r.deployment, "operation": r.operation, "case": r.case, "status": r.status,
             "outcome": r.outcome, "reason": r.reason,
             "problems": [{"json_path": p.json_path, "message": p.message} for p in r.problems],
             "curl": r.exchange.curl() if r.exchange and r.status == FAILED else None}
            for r in report.results
        ],
    }


def _counts(results: list[CaseResult]) -> dict[str, int]:
    counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
    for result in results:
        counts[result.status] += 1
    return counts


__all__ = ["ProgressBar", "as_json", "failure_report", "summary_table", "write_junit_xml"]
