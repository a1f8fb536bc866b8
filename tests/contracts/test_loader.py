"""Loading contracts: the meta-schema and cross-references are enforced with clear messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.contracts import contracts_dir, load_contract, load_contracts, read_contract
from simulator.core.errors import ContractError

HUAWEI = contracts_dir() / "huawei-ocr"


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(raw), "utf-8")
    return path


def _huawei() -> dict:
    return read_contract(HUAWEI)


def test_every_shipped_contract_loads():
    contracts = load_contracts()
    assert "huawei-ocr" in contracts
    for contract in contracts.values():
        assert contract.operations and contract.errors


def test_a_contract_that_breaks_the_meta_schema_names_the_file_and_json_path(tmp_path):
    raw = _huawei()
    raw["errors"]["AIS.0101"]["http_status"] = "400"
    with pytest.raises(ContractError) as info:
        load_contract(_write(tmp_path, raw))
    assert "broken.json" in str(info.value)
    assert "$.errors.AIS.0101.http_status" in str(info.value)


def test_invalid_json_is_reported_with_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"service": "x",\n  oops}', "utf-8")
    with pytest.raises(ContractError, match=r"bad.json: not valid JSON \(line 2"):
        load_contract(path)


def test_an_operation_naming_an_undocumented_error_code_fails_to_load(tmp_path):
    raw = _huawei()
    raw["operations"]["recognize_quota_invoice"]["errors"].append("AIS.9999")
    with pytest.raises(ContractError, match=r"recognize_quota_invoice.errors\[\d+\]: unknown error code 'AIS.9999'"):
        load_contract(_write(tmp_path, raw))


def test_an_operation_naming_an_unknown_deployment_fails_to_load(tmp_path):
    raw = _huawei()
    raw["operations"]["create_token"]["deployments"] = ["nowhere"]
    with pytest.raises(ContractError, match="unknown deployment 'nowhere'"):
        load_contract(_write(tmp_path, raw))


def test_an_auth_mapping_to_an_unknown_code_fails_to_load(tmp_path):
    raw = _huawei()
    raw["defaults"]["auth"]["errors"]["missing"] = "NOPE"
    with pytest.raises(ContractError, match=r"\$.defaults.auth.errors.missing: unknown error code 'NOPE'"):
        load_contract(_write(tmp_path, raw))


def test_asking_for_an_unknown_service_lists_the_known_ones():
    with pytest.raises(ContractError, match="no contract for nope; known: .*huawei-ocr"):
        load_contracts(services=["nope"])
