"""The apisim verify command: exit status, summary, failure reports, JUnit XML, read-only off loopback."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx

from simulator.cli import main
from simulator.config import SimulatorConfig
from simulator.core import SimRequest
from simulator import Simulator
from simulator.verify import Verifier, VerifyOptions


def test_verify_passes_prints_a_summary_and_writes_junit_xml(start_simulator, signing_instant, tmp_path, capsys):
    server = start_simulator("huawei-ocr")
    junit = tmp_path / "reports" / "verify.xml"
    status = main(["verify", "--contract", "huawei-ocr", "--deployment", "iam",
                   "--base-url", server.base_url("huawei-ocr", "iam"), "--now", signing_instant.isoformat(),
                   "--max-examples", "2", "--junit-xml", str(junit), "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    assert "create_token" in out and "list_projects" in out and "huawei-ocr: passed" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("failures") == "0" and int(suite.get("tests")) >= 5
    assert {case.get("classname") for case in suite.iter("testcase")} == {
        "huawei-ocr.iam.create_token", "huawei-ocr.iam.list_projects"}


def test_verify_exits_non_zero_with_a_report_when_the_contract_is_broken(
        start_simulator, signing_instant, contracts_copy, edit_contract, tmp_path, capsys):
    def break_it(contract):
        projects = contract["operations"]["list_projects"]["response"]["body"]["properties"]["projects"]
        projects["items"]["properties"]["name"] = {"type": "integer"}

    edit_contract(contracts_copy, "huawei-ocr", break_it)
    server = start_simulator("huawei-ocr")
    junit = tmp_path / "verify.xml"
    status = main(["verify", "--contract", "huawei-ocr", "--deployment", "iam", "--contracts-dir", str(contracts_copy),
                   "--base-url", server.base_url("huawei-ocr", "iam"), "--now", signing_instant.isoformat(),
                   "--operations", "list_projects", "--max-examples", "2", "--junit-xml", str(junit), "--no-progress",
                   "--json", str(tmp_path / "verify.json")])
    out = capsys.readouterr().out
    assert status == 1
    results = json.loads((tmp_path / "verify.json").read_text("utf-8"))
    assert results["ok"] is False
    assert any(r["status"] == "failed" and r["curl"].startswith("curl ") for r in results["results"])
    assert "FAILED iam/list_projects" in out
    assert "$.body.projects[0].name: 'cn-north-4' is not of type 'integer'" in out
    assert "curl -sS -i -X GET" in out
    failure = ET.parse(junit).getroot().find(".//failure")
    assert failure is not None and "$.body.projects[0].name" in failure.get("message")


def test_a_urls_json_file_names_every_deployment(start_simulator, signing_instant, tmp_path, capsys):
    server = start_simulator("huawei-ocr")
    urls = tmp_path / "urls.json"
    server.write_urls_json(urls)
    status = main(["verify", "--contract", "huawei-ocr", "--urls-json", str(urls), "--now", signing_instant.isoformat(),
                   "--max-examples", "1", "--quiet", "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    assert "cn-north-4  recognize_quota_invoice" in out and "iam         list_projects" in out


def test_a_contract_with_several_deployments_needs_one_named(capsys):
    status = main(["verify", "--contract", "huawei-ocr", "--base-url", "http://127.0.0.1:9"])
    assert status == 2
    assert "--deployment" in capsys.readouterr().err


def _in_process_client(sim: Simulator, service: str, deployment: str) -> httpx.Client:
    """An httpx client whose transport hands each request to the simulator: no socket at all."""
    dep = sim.contracts[service].deployment(deployment)

    def handle(request: httpx.Request) -> httpx.Response:
        sim_request = SimRequest.from_url(request.method, str(request.url), request.headers.multi_items(),
                                          request.content, local_port=sim.port_of(dep))
        answer = sim.handle(sim_request)
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_off_loopback_operations_that_write_are_skipped_unless_allowed(signing_instant):
    sim = Simulator(SimulatorConfig(services=["cdc-python"], clock=lambda: signing_instant))
    options = dict(contract="cdc-python", base_urls={"guosai": "https://staging.apisim.invalid"}, now=signing_instant,
                   max_examples=1, operations=["community_list", "community_publish"])
    read_only = Verifier(VerifyOptions(**options), client=_in_process_client(sim, "cdc-python", "guosai")).run()
    skipped = [r for r in read_only.results if r.status == "skipped"]
    assert [r.operation for r in skipped] == ["community_publish"]
    assert "--allow-writes" in skipped[0].reason
    assert any(r.operation == "community_list" and r.status == "passed" for r in read_only.results)

    writes = Verifier(VerifyOptions(**options, allow_writes=True),
                      client=_in_process_client(sim, "cdc-python", "guosai")).run()
    assert any(r.operation == "community_publish" and r.status == "passed" for r in writes.results)


def test_sending_stops_at_the_request_budget(start_simulator, verify):
    server = start_simulator("huawei-ocr")
    report = verify(server, "huawei-ocr", max_requests=4)
    assert report.requests_sent == 4
    assert "request budget (4)" in report.stopped
    assert any(r.status == "skipped" and "not sent" in r.reason for r in report.results)
