"""The tracker follows simulators' journals as they are written: resets and journal limits lose nothing."""

from __future__ import annotations

import gc

from simulator.coverage.tracker import CoverageTracker

OCR = "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"
HOST = {"Host": "ocr.cn-north-4.myhuaweicloud.com"}


def test_entries_are_counted_as_they_happen_even_across_resets(make_client):
    client = make_client("huawei-ocr")
    current = {"test": "t::one"}
    tracker = CoverageTracker(current_test=lambda: current["test"])
    tracker.track(client.simulator)
    tracker.track(client.simulator)  # twice is once
    client.post(OCR, headers={**HOST, "X-Apisim-Code": "AIS.0101"}, json={})
    client.simulator.reset()  # what the fixtures do before each test: the journal is emptied
    current["test"] = "t::two"
    client.post(OCR, headers={**HOST, "X-Apisim-Code": "AIS.0101"}, json={})
    cell = tracker.data.cell("huawei-ocr", "recognize_quota_invoice", "AIS.0101")
    assert cell.count == 2 and cell.tests == ["t::one", "t::two"]
    assert len(client.simulator.journal.entries()) == 1  # the journal itself works as before


def test_untracking_stops_counting_and_tracked_simulators_may_be_garbage_collected(make_simulator, make_client):
    client = make_client("huawei-ocr")
    tracker = CoverageTracker()
    tracker.track(client.simulator)
    tracker.untrack_all()
    client.post(OCR, headers={**HOST, "X-Apisim-Code": "AIS.0101"}, json={})
    assert len(tracker.data) == 0
    tracker.track(make_simulator("huawei-ocr"))
    gc.collect()
    assert len(tracker.simulators) == 0 and "huawei-ocr" in tracker.contracts()
