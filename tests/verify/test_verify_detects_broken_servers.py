"""apisim verify fails, with a report that says where and how to repeat it, when a server breaks the contract."""

from __future__ import annotations

import json

from simulator.verify.report import failure_report, summary_table


def _break_community_list(contracts_dir, edit_contract) -> None:
    """The copy's community_list answers one more data field than the real contract allows."""
    def break_it(contract):
        data = contract["operations"]["community_list"]["response"]["body"]["properties"]["data"]
        data["properties"]["apisim_extra"] = {"type": "string", "x-faker": "hex:8"}
        data["required"].append("apisim_extra")

    edit_contract(contracts_dir, "cdc-python", break_it)


def test_a_simulator_serving_a_broken_contract_fails_verification_at_the_json_path(
        start_simulator, verify, contracts_copy, edit_contract):
    _break_community_list(contracts_copy, edit_contract)
    server = start_simulator("cdc-python", contracts_dir=str(contracts_copy))
    report = verify(server, "cdc-python", operations=["community_list"], max_examples=2)
    assert not report.ok
    failed = report.failed[0]
    assert failed.operation == "community_list"
    assert any(p.json_path == "$.body.data" and "apisim_extra" in p.message for p in failed.problems)
    text = failure_report(failed)
    assert "POST http://127.0.0.1:" in text and "/api/v2/community/" in text  # the request
    assert "HTTP 200" in text and "apisim_extra" in text  # the response
    curl = next(line.strip() for line in text.splitlines() if line.strip().startswith("curl "))
    assert "-X POST" in curl and "http://127.0.0.1:" in curl and "token=" in curl  # how to repeat it
    assert "--data-binary" in curl and '"subtype": "list"' in curl
    assert "FAILED" in summary_table(report)


def test_verifying_against_a_broken_copy_of_the_contract_fails_too(start_simulator, verify, contracts_copy,
                                                                    edit_contract):
    _break_community_list(contracts_copy, edit_contract)
    server = start_simulator("cdc-python")
    report = verify(server, "cdc-python", operations=["community_list"], max_examples=2,
                    contracts_dir=str(contracts_copy))
    assert not report.ok
    assert any("'apisim_extra' is a required property" in p.message for r in report.failed for p in r.problems)


def _drop_first_field(app):
    """A fault between the simulator and the wire: every JSON object answer loses its first member."""

    def middleware(environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(app(environ, capture))
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and payload:
            payload.pop(next(iter(payload)))
            body = json.dumps(payload).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], headers + [("Content-Length", str(len(body)))])
        return [body]

    return middleware


def test_a_fault_that_corrupts_responses_fails_successes_and_provoked_errors(start_simulator, verify):
    server = start_simulator("huawei-ocr", wrap=_drop_first_field)
    report = verify(server, "huawei-ocr", max_examples=2)
    assert not report.ok
    failed = {(r.operation, r.case.split(" ->")[0]) for r in report.failed}
    # IAM's project list loses "projects"; a provoked validation error loses its error_code.
    assert ("list_projects", "generated (2 examples)") in failed
    assert ("recognize_quota_invoice", "provoked: malformed JSON body") in failed
    generated = next(r for r in report.failed if r.operation == "list_projects" and r.case.startswith("generated"))
    assert generated.reason == "shrunk to the smallest request that still fails"
    provoked = next(r for r in report.failed if r.case.startswith("provoked: malformed JSON body"))
    assert any("$.body.error_code" in p.message for p in provoked.problems)


def test_the_same_server_without_the_fault_passes(start_simulator, verify):
    server = start_simulator("huawei-ocr")
    assert verify(server, "huawei-ocr", max_examples=2).ok
