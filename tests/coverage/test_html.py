"""The static HTML report: opens offline, a matrix per service whose cells lead to their journal entries."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from simulator.coverage.compute import compute
from simulator.coverage.data import CoverageData
from simulator.coverage.html import write_html
from simulator.coverage.terminal import header


class _Page(HTMLParser):
    """Every tag with its attributes, and the page's text."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}

    def cells(self, kind: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == "td" and a.get("class") == kind]


def _report(tmp_path, huawei_traffic):
    sim = huawei_traffic.sim
    report = compute(sim.contracts, CoverageData().add_all(huawei_traffic.entries, test="tests/x.py::test_y"))
    write_html(report, tmp_path, sim.contracts)
    return report


def test_the_report_loads_nothing_from_the_network_and_runs_no_script(tmp_path, huawei_traffic):
    _report(tmp_path, huawei_traffic)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huawei-ocr.html", "index.html", "report.css"]
    for path in tmp_path.iterdir():
        text = path.read_text("utf-8")
        assert "<script" not in text and "@import" not in text and "url(" not in text
        if path.suffix == ".html":
            for tag, attrs in _Page(text).tags:
                for name in ("src", "href"):
                    value = attrs.get(name, "")
                    assert not re.match(r"^(https?:)?//", value), f"{path.name}: <{tag} {name}={value}>"
                    if value and not value.startswith("#"):
                        assert (tmp_path / value.split("#")[0]).exists(), f"{path.name} links to missing {value}"


def test_the_matrix_marks_every_documented_outcome_answered_or_not(tmp_path, huawei_traffic):
    report = _report(tmp_path, huawei_traffic)
    svc = report.service("huawei-ocr")
    page = _Page((tmp_path / "huawei-ocr.html").read_text("utf-8"))
    hit = {(c["data-operation"], c["data-outcome"]) for c in page.cells("hit")}
    assert hit == {("create_token", "success"), ("create_token", "IAM.0004"),
                   ("recognize_quota_invoice", "ModelArts.4204"), ("recognize_quota_invoice", "AIS.0101")}
    assert len(page.cells("miss")) == svc.outcomes_total - 4
    assert len(page.cells("hit")) + len(page.cells("miss")) + len(page.cells("na")) == 3 * (1 + len(svc.codes))


def test_each_answered_cell_links_to_its_journal_entries_pretty_printed(tmp_path, huawei_traffic):
    _report(tmp_path, huawei_traffic)
    html = (tmp_path / "huawei-ocr.html").read_text("utf-8")
    page = _Page(html)
    links = [a for t, a in page.tags if t == "a" and a.get("data-outcome")]
    assert len(links) == 4
    assert all(link["href"].lstrip("#") in page.ids() for link in links)
    link = next(a for a in links if a["data-outcome"] == "IAM.0004")
    section = html.split(f'id="{link["href"][1:]}"', 1)[1].split("</section>", 1)[0]
    assert "1 request(s)" in section and "tests/x.py::test_y" in section
    assert "POST /v3/auth/tokens" in section
    assert '&quot;password&quot;: &quot;wrong&quot;' in section  # the request body, indented JSON
    assert "\n  &quot;error&quot;: {" in section  # the response body, indented JSON too


def test_the_index_has_the_totals_and_a_chart_per_service(tmp_path, huawei_traffic):
    report = _report(tmp_path, huawei_traffic)
    page = _Page((tmp_path / "index.html").read_text("utf-8"))
    assert [a["href"] for t, a in page.tags if t == "a"].count("huawei-ocr.html") == 2
    assert sum(1 for t, _ in page.tags if t == "svg") == len(report.services) == 1
    text = " ".join(page.text)
    assert "2/3" in text and f"4/{report.outcomes_total}" in text


def test_the_same_traffic_writes_the_same_report_byte_for_byte(tmp_path, huawei_traffic):
    sim = huawei_traffic.sim
    for name in ("a", "b"):
        report = compute(sim.contracts, CoverageData().add_all(huawei_traffic.entries))
        write_html(report, tmp_path / name, sim.contracts)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_a_scoped_report_says_what_its_figure_is_a_share_of_and_dims_the_operations_outside_it(tmp_path, huawei_traffic):
    sim = huawei_traffic.sim
    report = compute(sim.contracts, CoverageData().add_all(huawei_traffic.entries),
                     listed={"huawei-ocr": ["create_token", "list_projects"]})
    write_html(report, tmp_path, sim.contracts)
    index = _Page((tmp_path / "index.html").read_text("utf-8"))
    assert header(report) in index.text  # the h1: "... of the documented outcomes of the operations listed in ..."
    headers = [text for text in index.text if text in ("Ops", "Used", "Called")]
    assert headers[-3:] == ["Ops", "Used", "Called"]  # the table's columns (the first "Used" explains it)
    assert any(text.startswith("By measure: operations 50% (1/2)") for text in index.text)

    page = _Page((tmp_path / "huawei-ocr.html").read_text("utf-8"))
    rows = {a["class"] for t, a in page.tags if t == "tr" and a.get("class")}
    assert rows == {"called", "uncalled", "called unused"}  # recognize_quota_invoice: called, not listed
    text = "".join(page.text)
    assert "never called: list_projects" in text
    assert "called, not in apisim_cov_operations: recognize_quota_invoice" in text
