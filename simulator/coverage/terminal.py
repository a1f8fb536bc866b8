"""The coverage table for a terminal, in the manner of coverage.py's ``report``, and the gate's message."""

from __future__ import annotations

import textwrap

from simulator.coverage.compute import CoverageReport, ServiceCoverage, Tally, display_percent

# Codes: (operation, error code) pairs the contracts document; Outcomes: the same plus each success.
# With a scoped measure (operations, outcomes) "Used" is the project's operations, and the columns
# after it count only those; "Cover" is always the measure's figure.
HEADERS = ("Service", "Ops", "Called", "Codes", "Answered", "Outcomes", "Covered", "Cover")
SCOPED_HEADERS = ("Service", "Ops", "Used", "Called", "Codes", "Answered", "Outcomes", "Covered", "Cover")
MAX_MISSING_IN_MESSAGE = 8  # items the gate's message names before "and N more"


def header(report: CoverageReport) -> str:
    """``apisim contract coverage: 23% of the documented outcomes of the operations called``."""
    return f"apisim contract coverage: {display_percent(report.percent)} {report.scope_phrase}"


def table_rows(report: CoverageReport) -> tuple[tuple[str, ...], list[tuple[str, ...]], tuple[str, ...]]:
    """The table's headers, one row per service and the total, as text (the HTML index shows the same)."""
    scoped = report.measure != "all"

    def row(name: str, every: Tally, figures: Tally, percent: float) -> tuple[str, ...]:
        used = (str(figures.operations),) if scoped else ()
        return (name, str(every.operations), *used, str(figures.called), str(figures.errors),
                str(figures.errors_covered), str(figures.outcomes), str(figures.outcomes_covered),
                display_percent(percent) if figures.total(report.measure) else "-")

    rows = [row(s.service, s.tally("all"), s.tally(), s.percent) for s in report.services]
    total = row("TOTAL", report.tally("all"), report.tally(), report.percent)
    return (SCOPED_HEADERS if scoped else HEADERS), rows, total


def by_measure(report: CoverageReport) -> str:
    """Every measure's figure on one line, so a gate can be chosen knowing all three."""
    parts = []
    for measure, value in report.percents().items():
        tally = report.tally(measure)
        chosen = " (this report)" if measure == report.measure else ""
        parts.append(f"{measure} {display_percent(value)} ({tally.covered(measure)}/{tally.total(measure)}){chosen}")
    return "By measure: " + " · ".join(parts)


def format_table(report: CoverageReport, *, missing: bool = False, width: int = 100) -> str:
    """Per service: operations called / documented, outcomes and error codes answered / documented.

    ``missing`` (``term-missing``) lists, under the table, what was never exercised within the
    measure's operations: those never called, and for the others every documented outcome they never
    answered; with a list, also the operations called that it does not name."""
    headers, rows, total = table_rows(report)
    widths = [max(len(r[i]) for r in [headers, *rows, total]) for i in range(len(headers))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    rule = "-" * len(line(headers))
    out = [line(headers), rule, *(line(r) for r in rows), rule, line(total), by_measure(report)]
    if report.unrouted:
        out.append(f"{report.unrouted} request(s) reached no service (unknown host or port)")
    if missing:
        for svc in report.services:
            out.extend(_missing(report, svc, width))
    return "\n".join(out)


def _missing(report: CoverageReport, svc: ServiceCoverage, width: int) -> list[str]:
    scope = svc.scope()
    never = [op for op in scope if not op.called]
    partial = [op for op in scope if op.called and op.missing]
    unlisted = svc.called_unused if report.listed else []
    unmatched = sum(c.count for c in svc.unmatched.values())
    if not (never or partial or unlisted or unmatched):
        return []
    out = ["", f"{svc.service}: not exercised"]
    if never:
        out.append(_wrap("never called: ", ", ".join(op.id for op in never), width))
    for op in partial:
        out.append(_wrap(f"{op.id}: ", ", ".join(op.missing), width))
    if unlisted:
        out.append(_wrap(f"called, not in {report.list_name}: ", ", ".join(op.id for op in unlisted), width))
    if unmatched:
        out.append(f"  ({unmatched} request(s) matched no documented operation)")
    return out


def _wrap(head: str, text: str, width: int) -> str:
    return textwrap.fill(text, width=width, initial_indent="  " + head, subsequent_indent="    ",
                         break_on_hyphens=False)


def fail_under_message(report: CoverageReport, threshold: float, listing_hint: str) -> str | None:
    """pytest-cov's ``FAIL Required ... not reached`` line, naming the measure and what it is a share of,
    then what is missing; None when the figure reaches ``threshold``. ``listing_hint`` says where the
    full list of what is missing is (``--apisim-cov-report=term-missing``)."""
    tally, measure = report.tally(), report.measure
    noun = "operations" if measure == "operations" else "outcomes"
    required = f"FAIL Required apisim contract coverage ({measure}) of {threshold:g}% not reached"
    if not tally.total(measure):
        return f"{required}: there is nothing to measure, no documented operation was called"
    if report.percent >= threshold:
        return None
    missing = [f"{svc.service}:{op.id} never called" for svc in report.services for op in svc.scope() if not op.called]
    if measure != "operations":
        missing += [f"{svc.service}:{op.id} ({len(op.missing)} of {len(op.outcomes)} unanswered)"
                    for svc in report.services for op in svc.scope() if op.called and op.missing]
    shown = ", ".join(missing[:MAX_MISSING_IN_MESSAGE])
    more = f" and {len(missing) - MAX_MISSING_IN_MESSAGE} more" if len(missing) > MAX_MISSING_IN_MESSAGE else ""
    return (f"{required}. Total coverage: {report.percent:.2f}% {report.scope_phrase} "
            f"({tally.covered(measure)} of {tally.total(measure)} {noun}).\n"
            f"Missing {noun}: {shown}{more} ({listing_hint} lists them)")
