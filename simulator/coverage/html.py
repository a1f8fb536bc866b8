"""The static HTML report: plain HTML and CSS, no scripts and no network assets (opens offline).

``DIR/index.html`` has the totals and a small chart per service; ``DIR/<service>.html`` has the
operations × outcomes matrix, whose cells link to the journal entries that produced them (request
and response pretty-printed, further down the same page), and the list of what was never
exercised. The matrix and chart builders are shared with the live dashboard.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any, Callable

from simulator.contracts import Contract
from simulator.coverage.compute import CoverageReport, OperationCoverage, ServiceCoverage, display_percent
from simulator.coverage.data import SUCCESS, Cell
from simulator.coverage.terminal import by_measure, header, table_rows

ASSETS = Path(__file__).with_name("assets")
CSS_FILE = "report.css"

# (service, operation, outcome, cell) -> href of the cell's entries, or None for no link
CellLink = Callable[[ServiceCoverage, OperationCoverage, str, Cell], "str | None"]


def write_html(report: CoverageReport, directory: str | Path, contracts: dict[str, Contract] | None = None) -> Path:
    """Write the report into ``directory`` (created); returns the path of ``index.html``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    (out / CSS_FILE).write_text((ASSETS / CSS_FILE).read_text("utf-8"), "utf-8")
    for svc in report.services:
        catalogue = contracts[svc.service].errors if contracts and svc.service in contracts else {}
        (out / service_file(svc.service)).write_text(service_page(svc, catalogue, report), "utf-8")
    index = out / "index.html"
    index.write_text(index_page(report), "utf-8")
    return index


def service_file(service: str) -> str:
    return f"{service}.html"


def cell_anchor(svc: ServiceCoverage, op: OperationCoverage, outcome: str) -> str:
    """A stable, URL-safe id per cell (codes may hold spaces, dots or a leading minus)."""
    op_index = svc.operations.index(op)
    columns = [SUCCESS, *svc.codes, *svc.extra_columns()]
    return f"c{op_index}-{columns.index(outcome)}"


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="{CSS_FILE}"></head>\n'
            f'<body>\n{body}\n</body></html>\n')


# -- index ----------------------------------------------------------------------------------------

def index_page(report: CoverageReport) -> str:
    headers, rows, total = table_rows(report)

    def tr(cells: tuple[str, ...], css: str = "") -> str:
        name = cells[0] if css else f'<a href="{escape(service_file(cells[0]))}">{escape(cells[0])}</a>'
        rest = "".join(f"<td>{escape(c)}</td>" for c in cells[1:-1])
        return f'<tr{css}><td>{name}</td>{rest}<td class="pct">{escape(cells[-1])}</td></tr>'

    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body_rows = "".join(tr(r) for r in rows) + tr(total, ' class="total"')
    cards = "".join(
        f'<div class="card"><h3><a href="{escape(service_file(s.service))}">{escape(s.service)}</a> '
        f'<span class="muted">{escape(s.title)}</span></h3>{chart_svg(s)}</div>'
        for s in report.services)
    unrouted = (f'<p class="muted">{report.unrouted} request(s) reached no service (unknown host or port).</p>'
                if report.unrouted else "")
    scoped = ("" if report.measure == "all" else
              " <strong>Used</strong> is the project's operations, "
              + (f"listed in <code>{escape(report.list_name)}</code>" if report.listed else "the ones called")
              + "; the columns after it count only those.")
    body = (
        f"<h1>{escape(header(report))}</h1>"
        '<p class="muted">Per service: operations called, and documented outcomes answered: success and every '
        "error code the contract binds to each operation, however it was produced (naturally, forced by a "
        f"header or fixture, or by a fault).{scoped}</p>"
        f'<table class="summary"><thead><tr>{head}</tr></thead><tbody>{body_rows}</tbody></table>'
        f'<p class="measures">{escape(by_measure(report))}</p>{unrouted}'
        f'<div class="cards">{cards}</div>')
    return _page("apisim contract coverage", body)


# -- one service ----------------------------------------------------------------------------------

def _service_scope(svc: ServiceCoverage, report: CoverageReport) -> str:
    """The service's figure stated like the report's (``of the documented outcomes of ...``)."""
    tally = svc.tally()
    noun = "operations" if svc.measure == "operations" else "outcomes"
    return f"{report.scope_phrase} ({tally.covered(svc.measure)}/{tally.total(svc.measure)} {noun})"


def service_page(svc: ServiceCoverage, catalogue: dict[str, Any] | None = None,
                 report: CoverageReport | None = None) -> str:
    catalogue = catalogue or {}
    report = report or CoverageReport([svc], measure=svc.measure)
    body = (
        f'<p><a href="index.html">← all services</a></p>'
        f"<h1>{escape(svc.service)} <span class=\"muted\">{escape(svc.title)}</span></h1>"
        f"<p>{svc.operations_called}/{len(svc.operations)} operations called · "
        f"{svc.errors_covered}/{svc.errors_total} error codes answered · "
        f"{svc.outcomes_covered}/{svc.outcomes_total} outcomes covered · {svc.calls} request(s)</p>"
        f'<p><span class="pct">{display_percent(svc.percent)}</span> {escape(_service_scope(svc, report))}</p>'
        f"{chart_svg(svc)}"
        "<h2>Operations × outcomes</h2>"
        f"{legend()}{matrix_html(svc, catalogue, link=lambda s, op, o, c: '#' + cell_anchor(s, op, o))}"
        f"<h2>Not exercised</h2>{missing_html(svc, report)}"
        f"<h2>Journal entries</h2>{entries_html(svc)}")
    return _page(f"{svc.service}: apisim contract coverage", body)


def legend() -> str:
    return ('<p class="legend"><span class="hit">answered (count)</span><span class="miss">documented, '
            'never answered</span><span class="na">not documented for this operation</span>'
            '<span class="extra">answered, not documented</span></p>')


def matrix_html(svc: ServiceCoverage, catalogue: dict[str, Any] | None = None, *, link: CellLink | None = None) -> str:
    """The operations × outcomes table; ``link`` gives each answered cell's href."""
    catalogue = catalogue or {}
    extra = svc.extra_columns()
    columns = [SUCCESS, *svc.codes, *extra]
    in_scope = {op.id for op in svc.scope()}
    head = ['<th class="op">operation</th>']
    for outcome in columns:
        entry = catalogue.get(outcome)
        tip = f"{outcome}: HTTP {entry.http_status}, {entry.message}" if entry is not None else outcome
        head.append(f'<th class="code" title="{escape(tip)}"><span>{escape(outcome)}</span></th>')
    rows = []
    for op in svc.operations:
        cells = [f'<th title="{escape(op.method + " " + op.path + " · " + op.summary)}">'
                 f'<span class="method">{escape(op.method)}</span>{escape(op.id)}</th>']
        for outcome in columns:
            cells.append(_matrix_cell(svc, op, outcome, link))
        # Outside a scoped measure's operations a row is dimmed: it counts for nothing in the figure.
        state = ("called" if op.called else "uncalled") + ("" if op.id in in_scope else " unused")
        rows.append(f'<tr class="{state}">{"".join(cells)}</tr>')
    return (f'<div class="matrix-wrap"><table class="matrix" data-service="{escape(svc.service)}">'
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _matrix_cell(svc: ServiceCoverage, op: OperationCoverage, outcome: str, link: CellLink | None) -> str:
    cell = op.cells.get(outcome)
    where = f"{op.id} × {outcome}"
    data = f'data-operation="{escape(op.id)}" data-outcome="{escape(outcome)}"'
    if cell is None:
        if outcome in op.outcomes:
            return f'<td class="miss" {data} title="{escape(where)}: documented, never answered"></td>'
        return '<td class="na"></td>'
    kind = "hit" if outcome in op.outcomes else "extra"
    forced = f", {cell.forced} forced" if cell.forced else ""
    tip = f"{where}: {cell.count} request(s){forced}"
    href = link(svc, op, outcome, cell) if link else None
    inner = f'<a href="{escape(href)}" {data}>{cell.count}</a>' if href else str(cell.count)
    return f'<td class="{kind}" {data} title="{escape(tip)}">{inner}</td>'


def missing_html(svc: ServiceCoverage, report: CoverageReport | None = None) -> str:
    """What was never exercised among the operations the measure counts (as term-missing lists it)."""
    items = []
    scope = svc.scope()
    never = [op for op in scope if not op.called]
    if never:
        items.append("<li>never called: " + ", ".join(f"<code>{escape(op.id)}</code>" for op in never) + "</li>")
    for op in scope:
        if op.called and op.missing:
            items.append(f"<li><code>{escape(op.id)}</code>: " + ", ".join(escape(o) for o in op.missing) + "</li>")
    if report is not None and report.listed and svc.called_unused:
        items.append(f"<li>called, not in <code>{escape(report.list_name)}</code>: "
                     + ", ".join(f"<code>{escape(op.id)}</code>" for op in svc.called_unused) + "</li>")
    unmatched = sum(c.count for c in svc.unmatched.values())
    if unmatched:
        items.append(f"<li>{unmatched} request(s) matched no documented operation</li>")
    return f'<ul class="missing">{"".join(items)}</ul>' if items else "<p>Everything documented was exercised.</p>"


def entries_html(svc: ServiceCoverage) -> str:
    sections = []
    for op in svc.operations:
        for outcome, cell in op.cells.items():
            more = cell.count - len(cell.samples)
            tests = (f'<p class="muted">tests: {", ".join(f"<code>{escape(t)}</code>" for t in cell.tests)}</p>'
                     if cell.tests else "")
            sections.append(
                f'<section class="cell" id="{cell_anchor(svc, op, outcome)}">'
                f"<h3><code>{escape(op.id)}</code> × <code>{escape(outcome)}</code> "
                f'<span class="muted">{cell.count} request(s)'
                f'{f", {cell.forced} forced" if cell.forced else ""}'
                f'{f"; the first {len(cell.samples)} shown" if more > 0 else ""}</span></h3>{tests}'
                + "".join(entry_html(e) for e in cell.samples) + "</section>")
    if svc.unmatched:
        samples = [e for c in svc.unmatched.values() for e in c.samples]
        sections.append('<section class="cell" id="unmatched"><h3>matched no operation</h3>'
                        + "".join(entry_html(e) for e in samples) + "</section>")
    return "".join(sections) or "<p>No requests.</p>"


def entry_html(entry: dict[str, Any]) -> str:
    """One journal entry: what was sent and what came back, bodies pretty-printed when JSON."""
    query = f"?{entry['query']}" if entry.get("query") else ""
    status = entry.get("status")
    badge = "ok" if entry.get("outcome") == SUCCESS else "err"
    facts = [f"seq {entry.get('seq')}", f"host {entry.get('host')}", f"{entry.get('elapsed_ms')} ms"]
    for key in ("code", "failure", "detail", "time", "test"):
        if entry.get(key):
            facts.append(f"{key} {entry[key]}")
    if entry.get("forced"):
        facts.append("forced")
    if entry.get("faults"):
        facts.append(f"faults {json.dumps(entry['faults'], ensure_ascii=False)}")
    return (f'<details class="entry"><summary><span class="badge {badge}">{escape(str(status))}</span> '
            f"<code>{escape(str(entry.get('method')))} {escape(str(entry.get('path')) + query)}</code></summary>"
            f'<p class="muted">{escape(" · ".join(str(f) for f in facts))}</p>'
            f'<div class="cols"><div><strong>request</strong><pre>{escape(pretty(entry.get("request_body")))}</pre></div>'
            f'<div><strong>response</strong><pre>{escape(pretty(entry.get("response_body")))}</pre></div></div>'
            "</details>")


def pretty(body: Any) -> str:
    if not body:
        return "(empty)"
    try:
        return json.dumps(json.loads(body), ensure_ascii=False, indent=2)
    except (TypeError, ValueError):
        return str(body)


# -- the chart ------------------------------------------------------------------------------------

def chart_svg(svc: ServiceCoverage, width: int = 320) -> str:
    """Three bars (operations called, error codes answered, outcomes covered) and a strip with one
    column per operation whose height is the share of its outcomes covered. Inline SVG."""
    bars = [("operations", svc.operations_called, len(svc.operations)),
            ("error codes", svc.errors_covered, svc.errors_total),
            ("outcomes", svc.outcomes_covered, svc.outcomes_total)]
    label_w, bar_w, row_h = 80, width - 80 - 70, 18
    parts = []
    for i, (label, done, total) in enumerate(bars):
        y = i * row_h
        filled = bar_w * done / total if total else 0
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="11" fill="#667085">{label}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="11" fill="#fbe3e1"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{filled:.1f}" height="11" fill="#2e9e5b"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 12}" font-size="11">{done}/{total}</text>')
    strip_y, strip_h = len(bars) * row_h + 8, 36
    n = max(1, len(svc.operations))
    col_w = (width - label_w) / n
    parts.append(f'<text x="0" y="{strip_y + 22}" font-size="11" fill="#667085">per operation</text>')
    for i, op in enumerate(svc.operations):
        share = len(op.covered) / len(op.outcomes) if op.outcomes else 0
        h = max(1.5, strip_h * share) if op.called else 0
        x = label_w + i * col_w
        parts.append(f'<rect x="{x:.1f}" y="{strip_y}" width="{max(1.0, col_w - 1):.1f}" height="{strip_h}" fill="#fbe3e1">'
                     f"<title>{escape(op.id)}: {len(op.covered)}/{len(op.outcomes)}</title></rect>")
        if h:
            parts.append(f'<rect x="{x:.1f}" y="{strip_y + strip_h - h:.1f}" width="{max(1.0, col_w - 1):.1f}" '
                         f'height="{h:.1f}" fill="#2e9e5b"><title>{escape(op.id)}: {len(op.covered)}/'
                         f"{len(op.outcomes)}</title></rect>")
    height = strip_y + strip_h + 2
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(svc.service)} coverage">'
            f'{"".join(parts)}</svg>')
