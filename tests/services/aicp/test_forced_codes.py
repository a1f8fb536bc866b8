"""Every documented failure of every operation can be forced with ``X-Apisim-Code``, in the right shape."""

from __future__ import annotations

import pytest

from simulator.contracts import load_contracts

CONTRACT = load_contracts(services=["aicp"])["aicp"]


def _cases():
    for op in CONTRACT.operations.values():
        dep = CONTRACT.deployment(op.deployments[0])
        auth = op.binding(dep, "auth") or {}
        codes = dict.fromkeys([*op.errors, *(auth.get("errors") or {}).values()])
        for code in codes:
            yield pytest.param(op, dep, code, id=f"{op.id}-{code}")


@pytest.mark.parametrize("op, dep, code", list(_cases()))
def test_forcing_a_documented_code_answers_it_in_the_operations_envelope(aicp, op, dep, code):
    entry = CONTRACT.errors[code]
    path = op.path.format(**{name: "x" for name in op.path_params})
    response = aicp.request(op.method, dep.name, path, {} if op.method == "POST" else None, code=code)
    assert response.status_code == entry.http_status
    body = response.get_json()
    envelope = entry.envelope or op.binding(dep, "envelope")
    if envelope == "spring" or (isinstance(entry.body, dict) and "error" in entry.body and envelope != "koala"):
        assert body["status"] == entry.http_status and body["message"] == entry.message and body["path"] == path
    elif envelope in ("koala", "koala-bare"):
        expected = int(code) if code.isdigit() else 222302
        assert body["error_code"] == expected and body["result"] is None
        assert body["error_msg"] == CONTRACT.errors[str(expected)].message
    else:
        assert body["flag"] is False and body["message"] == entry.message and body["data"] is None
        assert ("resultCode" in body) == (envelope == "aicp-flag-code")


def test_an_undocumented_code_is_refused_with_the_valid_ones(aicp):
    response = aicp.post("new-api", "/aicp/face/add", {}, code="99999")
    body = response.get_json()
    assert response.status_code == 400 and "80018" in body["valid_codes"]
