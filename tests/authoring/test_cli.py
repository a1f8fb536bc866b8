"""``apisim contract ...``: files written, a port block of its own, one-line errors that say what to do."""

from __future__ import annotations

import json

from simulator.cli import main
from tests.authoring.specs import PETS_31


def _spec(tmp_path):
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(PETS_31))
    return spec


def test_import_writes_the_contract_and_its_report_and_the_contract_lists(tmp_path, capsys):
    out = tmp_path / "contracts"
    assert main(["contract", "import", "openapi", str(_spec(tmp_path)), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out / 'pet-store.json'} (4 operations, 4 error codes, port block 5)" in printed
    assert f"apisim contracts --contracts-dir {out}" in printed
    assert (out / "pet-store.import-report.md").read_text().startswith("# Import report: pet-store")
    assert main(["contracts", "--contracts-dir", str(out)]) == 0
    assert "get_pet: GET /v1/pets/{petId}" in capsys.readouterr().out


def test_the_port_block_skips_the_ones_taken_in_the_folder(tmp_path, capsys):
    out = tmp_path / "contracts"
    (out).mkdir()
    (out / "other.json").write_text(json.dumps({"service": "other", "port_block": 5}))
    assert main(["contract", "import", "openapi", str(_spec(tmp_path)), "-o", str(out), "--service", "Pets"]) == 0
    assert json.loads((out / "pets.json").read_text())["port_block"] == 6


def test_an_existing_contract_is_kept_unless_forced(tmp_path, capsys):
    out = tmp_path / "contracts"
    args = ["contract", "import", "openapi", str(_spec(tmp_path)), "-o", str(out)]
    assert main(args) == 0
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("exists; pass --force to replace it, or -o another folder") and "\n" not in err
    assert main(args + ["--force"]) == 0


def test_a_missing_document_is_a_one_line_error(tmp_path, capsys):
    assert main(["contract", "import", "openapi", str(tmp_path / "nope.yaml"), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("apisim contract import openapi: cannot read") and "check the path" in err
    assert "\n" not in err


def test_a_port_block_out_of_range_is_refused(tmp_path, capsys):
    args = ["contract", "import", "openapi", str(_spec(tmp_path)), "-o", str(tmp_path / "o"), "--port-block", "100"]
    assert main(args) == 2
    assert "pick a block between 0 and 99" in capsys.readouterr().err
