"""``apisim report --from URL|JOURNAL_FILE``: the same numbers from a live simulator or a saved journal."""

from __future__ import annotations

import json

import pytest

from simulator.cli import main
from simulator.config import SimulatorConfig
from simulator.server import SimulatorServer, free_port_base


def _row(out: str, service: str) -> list[str]:
    return next(line for line in out.splitlines() if line.startswith(service + " ")).split()


def test_report_from_a_saved_journal_writes_html_and_json(tmp_path, huawei_traffic, capsys):
    journal = tmp_path / "journal.json"
    journal.write_text(json.dumps({"count": len(huawei_traffic.entries), "requests": huawei_traffic.entries}))
    code = main(["report", "--from", str(journal), "--html", str(tmp_path / "html"), "--json", str(tmp_path / "r.json"),
                 "--missing", "--measure", "all"])
    out = capsys.readouterr().out
    assert code == 0
    row = _row(out, "huawei-ocr")
    assert row[:3] == ["huawei-ocr", "3", "2"] and row[4] == "3" and row[6] == "4"
    assert "never called: list_projects" in out
    assert (tmp_path / "html" / "huawei-ocr.html").exists()
    assert json.loads((tmp_path / "r.json").read_text())["services"]["huawei-ocr"]["outcomes_covered"] == 4


def test_report_from_a_running_simulator_reads_its_journal_over_loopback(capsys):
    import requests

    config = SimulatorConfig(services=["huawei-ocr"], port_base=free_port_base())
    with SimulatorServer(config) as server:
        server.wait_until_accepting()
        url = server.base_url("huawei-ocr")
        answer = requests.post(url + "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice", json={},
                               headers={"X-Apisim-Code": "ModelArts.4204"}, timeout=10)
        assert answer.status_code == 400
        code = main(["report", "--from", url, "--fail-under", "5", "--measure", "all"])
    out = capsys.readouterr()
    assert code == 1  # one outcome of the 48 documented is about 2%, under the gate of 5%
    row = _row(out.out, "huawei-ocr")
    assert row[1:3] == ["3", "1"] and row[4] == "1" and row[6] == "1"
    assert "FAIL Required apisim contract coverage (all) of 5% not reached" in out.err


def test_report_gates_on_the_listed_operations_and_names_the_ones_never_called(tmp_path, huawei_traffic, capsys):
    journal = tmp_path / "journal.json"
    journal.write_text(json.dumps(huawei_traffic.entries))
    code = main(["report", "--from", str(journal), "--measure", "operations", "--fail-under", "100",
                 "--operations", "huawei-ocr:create_token,huawei-ocr:list_projects", "--json", str(tmp_path / "r.json")])
    out = capsys.readouterr()
    assert code == 1
    assert out.out.startswith("apisim contract coverage: 50% of the operations listed in --operations called\n")
    assert "Total coverage: 50.00% of the operations listed in --operations called (1 of 2 operations)" in out.err
    assert "Missing operations: huawei-ocr:list_projects never called (--missing lists them)" in out.err
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["measure"], report["operations_in_use"], report["totals"]["percent"]) == ("operations", "listed", 50.0)


def test_report_refuses_an_operation_the_contract_does_not_have(tmp_path, capsys):
    journal = tmp_path / "j.json"
    journal.write_text("[]")
    assert main(["report", "--from", str(journal), "--operations", "huawei-ocr:quota_invoice"]) == 2
    assert "--operations: huawei-ocr has no operation 'quota_invoice' (its operations: " in capsys.readouterr().err


def test_report_refuses_a_url_that_is_not_loopback(capsys):
    assert main(["report", "--from", "http://example.com:18100"]) == 2
    assert "loopback simulators only" in capsys.readouterr().err


def test_report_of_an_unknown_service_says_which_exist(tmp_path, capsys):
    journal = tmp_path / "j.json"
    journal.write_text("[]")
    assert main(["report", "--from", str(journal), "--service", "nope"]) == 2
    assert "no contract for nope" in capsys.readouterr().err
