"""The live dashboard at /__apisim/: served to loopback browsers, showing the journal, the contracts and
the coverage so far, with reset and fault buttons that work (proved in a real headless Chromium)."""

from __future__ import annotations

import json

import requests

from simulator.config import SimulatorConfig
from simulator.coverage.data import outcome_of
from simulator.server import SimulatorServer, free_port_base

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
OCR_PATH = "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"


def test_a_browser_at_the_admin_root_is_sent_to_the_dashboard_and_api_clients_keep_the_json(make_client):
    client = make_client("huawei-ocr")
    to_page = client.get("/__apisim/", headers={"Accept": BROWSER_ACCEPT})
    assert to_page.status_code == 302 and to_page.headers["Location"] == "/__apisim/dashboard/"
    assert "endpoints" in client.get("/__apisim/", headers={"Accept": "*/*"}).get_json()
    page = client.get("/__apisim/dashboard/")
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    assert "http://" not in page.get_data(as_text=True) and "https://" not in page.get_data(as_text=True)
    assert client.get("/__apisim/dashboard/dashboard.js").content_type.startswith("application/javascript")
    assert client.get("/__apisim/dashboard/nothing.js").status_code == 404


def test_the_dashboard_answers_loopback_callers_only(make_client):
    client = make_client("huawei-ocr")
    refused = client.get("/__apisim/dashboard/", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert refused.status_code == 403 and "loopback" in refused.get_json()["apisim_error"]
    browser = client.get("/__apisim/", headers={"Accept": BROWSER_ACCEPT}, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert browser.status_code == 403


def test_with_an_admin_token_the_dashboard_wants_it_too(make_client):
    client = make_client("huawei-ocr", control={"admin_token": "s3cret"})
    assert client.get("/__apisim/dashboard/").status_code == 401
    assert client.get("/__apisim/dashboard/?token=s3cret").status_code == 200
    assert client.get("/__apisim/dashboard/coverage", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/__apisim/dashboard/coverage?token=wrong").status_code == 401


def test_the_coverage_endpoint_counts_the_journal_so_far(huawei_traffic):
    data = huawei_traffic.client.get("/__apisim/dashboard/coverage").get_json()
    svc = next(s for s in data["services"] if s["service"] == "huawei-ocr")
    assert (svc["operations_called"], svc["errors_covered"], svc["outcomes_covered"]) == (2, 3, 4)
    assert svc["matrix_html"].count('<td class="hit"') == 4 and "<svg" in svc["chart_svg"]
    assert "never called" in svc["missing_html"] and "list_projects" in svc["missing_html"]


def test_the_contract_endpoint_gives_schemas_examples_and_the_error_catalogue(make_client):
    client = make_client("huawei-ocr")
    raw = client.get("/__apisim/dashboard/contract/huawei-ocr").get_json()
    assert raw["errors"]["ModelArts.4204"]["message"] == "The requested service has not been subscribed."
    assert "request" in raw["operations"]["recognize_quota_invoice"]
    assert client.get("/__apisim/dashboard/contract/nope").status_code == 404


def test_in_a_real_browser_the_dashboard_shows_a_request_and_its_fault_buttons_work(chromium, fixed_now, tmp_path):
    config = SimulatorConfig(services=["huawei-ocr"], port_base=free_port_base(), clock=lambda: fixed_now)
    with SimulatorServer(config) as server:
        server.wait_until_accepting()
        base = server.base_url("huawei-ocr")
        sim = server.simulator
        sent = requests.post(base + OCR_PATH, json={}, headers={"X-Apisim-Code": "ModelArts.4204"}, timeout=10)
        assert sent.status_code == 400

        # It loads (a browser at /__apisim/ lands on the page) and shows the request made above.
        chromium.open(base + "/__apisim/")
        chromium.wait_for("location.pathname === '/__apisim/dashboard/'", what="the redirect to the dashboard")
        chromium.wait_for("[...document.querySelectorAll('#journal-rows tr.row')].some(r => "
                          "r.textContent.includes('recognize_quota_invoice') && r.textContent.includes('ModelArts.4204'))",
                          what="the journal row of the request")

        # A request made while the page is open appears by itself.
        requests.post(base + "/v3/auth/tokens", json={}, headers={"Host": "iam.cn-north-4.myhuaweicloud.com"}, timeout=10)
        chromium.wait_for("document.querySelectorAll('#journal-rows tr.row').length === 2", what="the second request")

        # The contracts tab: operations with their schemas and examples, and the error catalogue.
        chromium.evaluate("document.getElementById('tab-contracts').click()")
        shown = chromium.wait_for("""(() => {
            const ops = [...document.querySelectorAll('#contract-view details.op')];
            return ops.length && { ops: ops.map(d => d.querySelector('summary strong').textContent),
                                   codes: document.querySelectorAll('#contract-view table.catalogue tr').length,
                                   text: document.getElementById('contract-view').textContent };
        })()""", what="the contract view")
        contract = sim.contracts["huawei-ocr"]
        assert shown["ops"] == list(contract.operations)
        deployments = len(contract.deployments)
        assert shown["codes"] == len(contract.errors) + 1 + deployments + 1  # both tables with their headers
        assert "The requested service has not been subscribed." in shown["text"] and "examples" in shown["text"]

        # The fault form: choose operation and code, press "Add fault": the simulator now has that fault.
        chromium.evaluate("document.getElementById('tab-faults').click()")
        chromium.wait_for("document.querySelectorAll('#fault-operation option').length > 1", what="the operations list")
        chromium.evaluate("""(() => {
            const pick = (id, value) => { const s = document.getElementById(id); s.value = value;
                                          s.dispatchEvent(new Event('change')); };
            pick('fault-service', 'huawei-ocr');
            pick('fault-operation', 'recognize_quota_invoice');
            pick('fault-code', 'AIS.0101');
            document.getElementById('fault-add').click();
        })()""")
        chromium.wait_for("document.querySelectorAll('#fault-list li').length === 1", what="the fault in the list")
        faults = sim.control.faults.list()
        assert [(f["match"]["operation"], f["action"]) for f in faults] == [
            ("recognize_quota_invoice", {"type": "code", "code": "AIS.0101"})]
        faulted = requests.post(base + OCR_PATH, json={}, timeout=10)
        assert faulted.json()["error_code"] == "AIS.0101"

        # Its "Remove" button removes it from the simulator.
        chromium.evaluate("document.querySelector('#fault-list li button.remove').click()")
        chromium.wait_for("document.querySelectorAll('#fault-list li').length === 0", what="the fault gone from the list")
        assert sim.control.faults.list() == []

        # The coverage tab shows the matrix of the traffic so far; a count leads to its requests.
        chromium.evaluate("document.getElementById('tab-coverage').click()")
        answered = sorted({f"{e['operation']} {outcome_of(e)}" for e in sim.journal.entries()})
        assert len(answered) == 3  # ModelArts.4204 and AIS.0101 of the OCR, the refused login's code
        chromium.wait_for("JSON.stringify([...document.querySelectorAll('#coverage-services td.hit')]"
                          f".map(td => td.dataset.operation + ' ' + td.dataset.outcome).sort()) === '{json.dumps(answered, separators=(',', ':'))}'",
                          what="the matrix of the traffic so far")
        chromium.screenshot(str(tmp_path / "dashboard.png"))
        chromium.evaluate("document.querySelector('#coverage-services td.hit a[data-outcome=\"AIS.0101\"]').click()")
        chromium.wait_for("!document.getElementById('journal').hidden && "
                          "document.querySelectorAll('#journal-rows tr.row').length === 1", what="the filtered journal")

        # Reset empties the simulator's journal and the page's.
        chromium.evaluate("document.getElementById('reset').click()")
        chromium.wait_for("document.getElementById('journal-count').textContent === '0'", what="the emptied journal")
        assert sim.journal.entries() == []
