"""``apisim verify`` passes against an imported contract served by the generic service, and the
OpenAPI export of an imported contract imports back to the same operations and schemas."""

from __future__ import annotations

import json

from simulator.authoring import import_openapi
from simulator.cli import main
from simulator.config import SimulatorConfig
from simulator.contracts import load_contracts
from simulator.openapi import openapi_document
from simulator.server import SimulatorServer, free_port_base


def test_apisim_verify_passes_against_the_served_import(pets_dir, capsys):
    config = SimulatorConfig(contracts_dir=str(pets_dir), port_base=free_port_base())
    with SimulatorServer(config) as server:
        server.wait_until_accepting()
        status = main(["verify", "--contract", "pet-store", "--contracts-dir", str(pets_dir), "--no-progress",
                       "--base-url", server.base_url("pet-store", "production"), "--max-examples", "3"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "pet-store: passed" in out and "0 failed" in out
    for op in ("list_pets", "create_pet", "get_pet", "delete_pet"):
        assert op in out


def test_the_export_of_an_import_imports_back_to_the_same_operations_and_schemas(pets_dir, tmp_path):
    contract = load_contracts(str(pets_dir))["pet-store"]
    exported = tmp_path / "exported.json"
    exported.write_text(json.dumps(openapi_document(contract)), "utf-8")
    again = import_openapi(exported).contract
    original = contract.raw
    assert again["service"] == "pet-store"
    assert again["deployments"] == original["deployments"]  # the document's URL, not apisim's loopback one
    assert again["defaults"]["auth"] == original["defaults"]["auth"]
    assert again["$defs"] == original["$defs"]
    assert set(again["operations"]) == set(original["operations"])
    for op_id, op in original["operations"].items():
        back = again["operations"][op_id]
        assert (back["method"], back["path"]) == (op["method"], op["path"])
        assert back["request"] == op["request"], op_id
        assert back["response"] == op["response"], op_id
        assert back.get("auth") == op.get("auth"), op_id
        # every code the operation documents comes back under its own name (apisim's export names it),
        # with the ones the served contract answers besides: validation, auth, the bare 413
        assert set(op["errors"]) <= set(back["errors"]) <= {*op["errors"], "400", "401", "413"}, op_id
    for code, entry in original["errors"].items():
        assert again["errors"][code]["http_status"] == entry["http_status"]
