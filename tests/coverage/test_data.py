"""Coverage data: journal entries folded into cells, merged across processes, saved and read back."""

from __future__ import annotations

import json

import pytest

from simulator.coverage.data import MAX_SAMPLES, CoverageData, outcome_of, read_journal


def _entry(op="create_token", code=None, status=201, **extra):
    outcome = "success" if code is None and 0 < status < 400 else "error"
    return {"service": "huawei-ocr", "operation": op, "code": code, "status": status, "outcome": outcome, **extra}


def test_an_entrys_outcome_is_success_its_code_or_its_raw_status():
    assert outcome_of(_entry()) == "success"
    assert outcome_of(_entry(code="IAM.0004", status=401)) == "IAM.0004"
    assert outcome_of(_entry(status=503)) == "HTTP 503"
    assert outcome_of(_entry(status=0)) == "no answer"


def test_merging_the_halves_of_a_run_equals_the_whole_run():
    entries = [_entry(), _entry(code="IAM.0004", status=401, forced=True), _entry(), _entry(op=None, status=404),
               {"service": None, "status": 404}]
    whole = CoverageData().add_all(entries)
    merged = CoverageData().add_all(entries[:2]).merge(CoverageData().add_all(entries[2:]))
    assert merged.to_json() == whole.to_json()
    assert whole.cell("huawei-ocr", "create_token", "success").count == 2
    assert whole.cell("huawei-ocr", "create_token", "IAM.0004").forced == 1
    assert whole.cell("huawei-ocr", None, "HTTP 404").count == 1
    assert whole.unrouted == 1 and len(whole) == 4


def test_a_cell_keeps_a_bounded_number_of_samples_but_counts_everything():
    data = CoverageData()
    for i in range(MAX_SAMPLES + 5):
        data.add(_entry(seq=i), test=f"t{i % 3}")
    cell = data.cell("huawei-ocr", "create_token", "success")
    assert cell.count == MAX_SAMPLES + 5
    assert [e["seq"] for e in cell.samples] == list(range(MAX_SAMPLES))
    assert cell.tests == ["t0", "t1", "t2"] and cell.samples[1]["test"] == "t1"


def test_saved_data_reads_back_the_same(tmp_path):
    data = CoverageData().add_all([_entry(), _entry(code="IAM.0004", status=401)], test="t::x")
    data.save(tmp_path / "cov.json")
    assert CoverageData.load(tmp_path / "cov.json").to_json() == data.to_json()


@pytest.mark.parametrize("shape", ["admin", "list", "lines", "data"])
def test_a_saved_journal_is_read_in_any_of_its_shapes(shape):
    entries = [_entry(), _entry(code="IAM.0004", status=401)]
    text = {
        "admin": json.dumps({"count": 2, "requests": entries}),
        "list": json.dumps(entries),
        "lines": "\n".join(json.dumps(e) for e in entries) + "\n",
        "data": json.dumps(CoverageData().add_all(entries).to_json()),
    }[shape]
    data = read_journal(text)
    assert data.cell("huawei-ocr", "create_token", "success").count == 1
    assert data.cell("huawei-ocr", "create_token", "IAM.0004").count == 1


def test_a_file_that_is_not_a_journal_is_refused_with_the_shapes_it_could_have():
    with pytest.raises(ValueError, match="requests"):
        read_journal(json.dumps({"hello": 1}))
    with pytest.raises(ValueError, match="JSON lines"):
        read_journal("not json at all")
