"""The coverage table for a terminal, in the manner of coverage.py's ``report``."""

from __future__ import annotations

import textwrap

from simulator.coverage.compute import CoverageReport, ServiceCoverage, display_percent

# Codes: (operation, error code) pairs the contracts document; Outcomes: the same plus each success.
HEADERS = ("Service", "Ops", "Called", "Codes", "Answered", "Outcomes", "Covered", "Cover")


def format_table(report: CoverageReport, *, missing: bool = False, width: int = 100) -> str:
    """Per service: operations called / documented, outcomes and error codes answered / documented.

    ``missing`` (``term-missing``) lists, under the table, what was never exercised: operations
    never called, and for the others every documented outcome they never answered."""
    rows = [_row(svc) for svc in report.services]
    total = ("TOTAL",
             str(sum(len(s.operations) for s in report.services)),
             str(sum(s.operations_called for s in report.services)),
             str(sum(s.errors_total for s in report.services)),
             str(sum(s.errors_covered for s in report.services)),
             str(report.outcomes_total), str(report.outcomes_covered),
             display_percent(report.percent))
    widths = [max(len(r[i]) for r in [HEADERS, *rows, total]) for i in range(len(HEADERS))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    rule = "-" * len(line(HEADERS))
    out = [line(HEADERS), rule, *(line(r) for r in rows), rule, line(total)]
    if report.unrouted:
        out.append(f"{report.unrouted} request(s) reached no service (unknown host or port)")
    if missing:
        for svc in report.services:
            out.extend(_missing(svc, width))
    return "\n".join(out)


def _row(svc: ServiceCoverage) -> tuple[str, ...]:
    return (svc.service, str(len(svc.operations)), str(svc.operations_called), str(svc.errors_total),
            str(svc.errors_covered), str(svc.outcomes_total), str(svc.outcomes_covered), display_percent(svc.percent))


def _missing(svc: ServiceCoverage, width: int) -> list[str]:
    never = [op for op in svc.operations if not op.called]
    partial = [op for op in svc.operations if op.called and op.missing]
    unmatched = sum(c.count for c in svc.unmatched.values())
    if not (never or partial or unmatched):
        return []
    out = ["", f"{svc.service}: not exercised"]
    if never:
        out.append(_wrap("never called: ", ", ".join(op.id for op in never), width))
    for op in partial:
        out.append(_wrap(f"{op.id}: ", ", ".join(op.missing), width))
    if unmatched:
        out.append(f"  ({unmatched} request(s) matched no documented operation)")
    return out


def _wrap(head: str, text: str, width: int) -> str:
    return textwrap.fill(text, width=width, initial_indent="  " + head, subsequent_indent="    ",
                         break_on_hyphens=False)
