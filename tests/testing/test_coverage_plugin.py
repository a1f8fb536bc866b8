"""The pytest plugin, run for real: a pytest session in a subprocess whose tests exercise a known set
of operations and codes must report exactly those (terminal, JSON, HTML, fail-under, pytest-xdist), on
the measure chosen and over the operations it counts (the ones called, or the ini list)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import pytest

# Plugins the inner sessions do not need: loading them only slows each run down.
_UNNEEDED = ["schemathesis", "benchmark", "anyio", "faker", "hypothesispytest", "cacheprovider"]

CONFTEST = '''
import pytest
from simulator.testing import ApisimServer

@pytest.fixture(scope="session")
def apisim_session():
    """Only the Huawei OCR simulator: the numbers below are about it."""
    server = ApisimServer(services=["huawei-ocr"])
    yield server
    server.stop()
'''

# Four tests, one outcome each: create_token success and IAM.0004 (a wrong password), and
# recognize_quota_invoice ModelArts.4204 (forced by header) and AIS.0101 (a control-plane fault).
TESTS = '''
import os
import requests

OCR = "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"

def login(apisim, password):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "apisim-demo",
            "password": password, "domain": {"name": "apisim-demo"}}}}, "scope": {"project": {"name": "cn-north-4"}}}}
    return requests.post(apisim.base_url("huawei-ocr", "iam") + "/v3/auth/tokens", json=body, timeout=10)

def note_worker():
    with open("workers.txt", "a") as f:
        f.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + "\\n")

def test_login(apisim):
    note_worker()
    assert login(apisim, "apisim-demo-password").status_code == 201

def test_wrong_password(apisim):
    note_worker()
    assert login(apisim, "wrong").json()["error"]["error_code"] == "IAM.0004"

def test_forced_by_header(apisim):
    note_worker()
    r = requests.post(apisim.base_url("huawei-ocr") + OCR, json={}, headers={"X-Apisim-Code": "ModelArts.4204"}, timeout=10)
    assert r.json()["error_code"] == "ModelArts.4204"

def test_forced_by_fault(apisim):
    note_worker()
    apisim.simulator.control.faults.error("huawei-ocr", "recognize_quota_invoice", "AIS.0101", times=1)
    r = requests.post(apisim.base_url("huawei-ocr") + OCR, json={}, timeout=10)
    assert r.json()["error_code"] == "AIS.0101"
'''

EXPECTED_HIT = {("create_token", "success"), ("create_token", "IAM.0004"),
                ("recognize_quota_invoice", "ModelArts.4204"), ("recognize_quota_invoice", "AIS.0101")}


@pytest.fixture
def inner_session(tmp_path):
    if not any(e.name == "apisim-coverage" for e in entry_points(group="pytest11")):
        pytest.fail("the apisim-coverage pytest11 entry point is not installed: pip install -e '.[test]'")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_calls.py").write_text(TESTS)

    def run(*args: str) -> subprocess.CompletedProcess:
        blocked = [arg for name in _UNNEEDED for arg in ("-p", f"no:{name}")]
        return subprocess.run([sys.executable, "-m", "pytest", "-q", *blocked, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)

    run.path = tmp_path
    return run


def _expected_totals():
    from simulator.contracts import load_contracts

    contract = load_contracts(services=["huawei-ocr"])["huawei-ocr"]
    errors = sum(len(op.documented_codes()) for op in contract.operations.values())
    return errors, errors + len(contract.operations)


def _hit(svc: dict) -> set[tuple[str, str]]:
    return {(op, o) for op, info in svc["by_operation"].items() for o, c in info["outcomes"].items() if c["count"]}


def test_a_session_reports_exactly_the_outcomes_its_tests_exercised_and_fails_under_the_gate(inner_session):
    result = inner_session("--apisim-cov-report=term-missing", "--apisim-cov-report=json:cov/report.json",
                           "--apisim-cov-report=html:cov/html", "--apisim-cov-fail-under=50",
                           "--apisim-cov-measure=all")
    out = result.stdout
    assert "4 passed" in out, out + result.stderr
    assert result.returncode == 1, out  # every test passed: the coverage gate failed the run

    errors, outcomes = _expected_totals()
    row = next(line for line in out.splitlines() if line.startswith("huawei-ocr "))
    assert row.split() == ["huawei-ocr", "3", "2", str(errors), "3", str(outcomes), "4", f"{round(400 / outcomes)}%"]
    assert "  never called: list_projects" in out
    assert (f"FAIL Required apisim contract coverage (all) of 50% not reached. Total coverage: {400 / outcomes:.2f}% "
            f"of every documented outcome of the measured services (4 of {outcomes} outcomes).") in out
    assert "Missing outcomes: huawei-ocr:list_projects never called, huawei-ocr:" in out

    report = json.loads((inner_session.path / "cov/report.json").read_text())
    svc = report["services"]["huawei-ocr"]
    assert _hit(svc) == EXPECTED_HIT
    assert report["measure"] == "all"
    by_op = svc["by_operation"]
    assert by_op["create_token"]["outcomes"]["IAM.0004"]["tests"] == ["test_calls.py::test_wrong_password"]
    assert by_op["recognize_quota_invoice"]["outcomes"]["ModelArts.4204"]["forced"] == 1
    assert (svc["operations_called"], svc["errors_covered"], svc["outcomes_covered"]) == (2, 3, 4)
    assert (inner_session.path / "cov/html/index.html").exists()
    assert (inner_session.path / "cov/html/huawei-ocr.html").exists()


def test_with_xdist_the_workers_coverage_is_combined(inner_session):
    pytest.importorskip("xdist", reason="pytest-xdist is in the test extra: pip install -e '.[test]'")
    result = inner_session("-n", "2", "--apisim-cov-report=json:report.json", "--apisim-cov-fail-under=1")
    assert result.returncode == 0, result.stdout + result.stderr
    workers = (inner_session.path / "workers.txt").read_text().split()
    assert sorted(set(workers)) == ["gw0", "gw1"]  # the four tests really ran in two processes
    report = json.loads((inner_session.path / "report.json").read_text())
    svc = report["services"]["huawei-ocr"]
    assert _hit(svc) == EXPECTED_HIT
    assert (svc["operations_called"], svc["errors_covered"], svc["outcomes_covered"]) == (2, 3, 4)
    # the operations in use are the ones called in any worker: both, though each worker called only some
    assert (report["measure"], svc["used_operations"], svc["used_outcomes_covered"]) == ("outcomes", 2, 4)
    assert svc["percent"] == round(400 / svc["used_outcomes"], 2)
    assert "apisim contract coverage" not in result.stdout  # json alone: no table, as pytest-cov does


def test_a_report_option_it_does_not_know_is_a_usage_error(inner_session):
    result = inner_session("--apisim-cov-report=xml:out.xml", "--collect-only")
    assert result.returncode == 4
    assert "use term, term-missing, html:DIR, json:FILE or none" in result.stderr


def test_by_default_the_figure_is_the_outcomes_of_the_operations_the_tests_called(inner_session):
    result = inner_session()
    assert result.returncode == 0, result.stdout + result.stderr
    from simulator.contracts import load_contracts

    operations = load_contracts(services=["huawei-ocr"])["huawei-ocr"].operations
    used = [operations["create_token"], operations["recognize_quota_invoice"]]
    outcomes = sum(1 + len(op.documented_codes()) for op in used)
    pct = f"{round(400 / outcomes)}%"
    assert f" apisim contract coverage: {pct} of the documented outcomes of the operations called " in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("huawei-ocr "))
    assert row.split()[:4] == ["huawei-ocr", "3", "2", "2"] and row.split()[-3:] == [str(outcomes), "4", pct]


LISTED_INI = """[pytest]
apisim_cov_operations =
    huawei-ocr:create_token
    huawei-ocr:list_projects
apisim_cov_measure = operations
apisim_cov_fail_under = 100
"""


def test_an_ini_list_gates_on_the_listed_operations_and_a_listed_one_never_called_fails_it(inner_session):
    (inner_session.path / "pytest.ini").write_text(LISTED_INI)
    result = inner_session("--apisim-cov-report=term-missing")
    out = result.stdout
    assert "4 passed" in out and result.returncode == 1, out + result.stderr
    assert " apisim contract coverage: 50% of the operations listed in apisim_cov_operations called " in out
    assert ("FAIL Required apisim contract coverage (operations) of 100% not reached. Total coverage: 50.00% of the "
            "operations listed in apisim_cov_operations called (1 of 2 operations).") in out
    assert "Missing operations: huawei-ocr:list_projects never called" in out
    assert "  called, not in apisim_cov_operations: recognize_quota_invoice" in out

    lowered = inner_session("--apisim-cov-fail-under=50", "-k", "login")  # the option wins over the ini file
    assert lowered.returncode == 0, lowered.stdout + lowered.stderr


def test_an_operation_a_shipped_service_lacks_is_refused_before_any_test_runs_naming_the_valid_ones(inner_session):
    result = inner_session("-o", "apisim_cov_operations=huawei-ocr:quota_invoice huawei-ocr:create_token")
    assert result.returncode == 4, result.stdout + result.stderr
    assert ("apisim_cov_operations: huawei-ocr has no operation 'quota_invoice' (its operations: "
            "recognize_quota_invoice, create_token, list_projects)") in result.stderr
    assert not (inner_session.path / "workers.txt").exists()  # no test ran


def test_a_service_no_contract_has_is_refused_when_the_report_is_computed(inner_session):
    # Not before the tests: a fixture may serve the user's own contracts, known only once it has run.
    result = inner_session("-o", "apisim_cov_operations=huawei:*", "-k", "login")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "apisim_cov_operations: no service 'huawei' (known: " in result.stderr


def test_a_misspelt_list_entry_or_measure_is_refused_before_any_test_runs(inner_session):
    entry = inner_session("-o", "apisim_cov_operations=huawei-ocr.create_token", "--collect-only")
    assert entry.returncode == 4 and "'huawei-ocr.create_token' is not service:operation" in entry.stderr
    measure = inner_session("-o", "apisim_cov_measure=lines", "--collect-only")
    assert measure.returncode == 4
    assert "apisim_cov_measure=lines: the measure is one of operations, outcomes, all" in measure.stderr
