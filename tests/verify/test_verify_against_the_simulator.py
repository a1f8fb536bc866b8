"""The simulator passes its own contracts: ``apisim verify`` against a live simulator, for every contract.

Each contract is verified in-process against a ``SimulatorServer`` on free loopback ports with the tests'
fixed clock; requests are signed as of the same instant.
"""

from __future__ import annotations

import pytest

from simulator.contracts import load_contracts
from simulator.verify.report import failure_report

CONTRACTS = sorted(load_contracts())


@pytest.mark.parametrize("service", CONTRACTS)
def test_the_simulator_keeps_its_own_contract(service, verified):
    _, report = verified(service)
    assert report.results, "nothing was verified"
    assert not report.stopped, report.stopped
    assert not report.failed, "\n\n".join(failure_report(r) for r in report.failed)


@pytest.mark.parametrize("service", CONTRACTS)
def test_every_operation_gets_its_examples_generated_requests_and_provocations(service, verified):
    contract, report = verified(service)
    verified = {(r.deployment, r.operation) for r in report.results}
    expected = {(d.name, op.id) for d in contract.deployments for op in contract.operations_for(d)}
    assert verified == expected
    cases = [r.case for r in report.results]
    assert any(c.startswith("generated") for c in cases)
    assert any("malformed JSON body" in c for c in cases) or all(
        op.request.get("body_format") in ("none", "form") for op in contract.operations.values())
    if any(op.binding(d, "auth") for d in contract.deployments for op in contract.operations_for(d)):
        assert any("no credentials" in c for c in cases)
