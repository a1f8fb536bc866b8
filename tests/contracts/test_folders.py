"""A contract as a folder (simulator/contracts/folder.py): compiled to exactly the one-file contract."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simulator.contracts import contract_paths, load_contract, load_contracts, read_contract
from simulator.contracts.folder import compile_folder, write_folder
from simulator.core.errors import ContractError


def _as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # key order counts: the export and listings follow it


@pytest.mark.parametrize("path", contract_paths(), ids=lambda p: p.name)
def test_every_shipped_contract_written_as_a_folder_compiles_back_to_itself(path, tmp_path):
    raw = read_contract(path)
    write_folder(raw, tmp_path / "copy")
    assert _as_json(compile_folder(tmp_path / "copy")) == _as_json(raw)


def _toy(tmp_path: Path) -> Path:
    raw = read_contract(next(p for p in contract_paths() if p.name.startswith("huawei-ocr")))
    folder = tmp_path / "huawei-ocr"
    write_folder(raw, folder)
    return folder


def _edit(path: Path, change) -> None:
    value = json.loads(path.read_text("utf-8"))
    value = change(value) or value
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), "utf-8")


def test_a_folder_and_a_file_load_side_by_side(tmp_path):
    folder = _toy(tmp_path)
    other = read_contract(next(p for p in contract_paths() if p.name.startswith("aliyun-saf")))
    (tmp_path / "aliyun-saf.json").write_text(json.dumps(other, ensure_ascii=False), "utf-8")
    assert sorted(load_contracts(tmp_path)) == ["aliyun-saf", "huawei-ocr"]
    assert load_contract(folder).file == str(folder.resolve())


def test_shared_parts_merge_under_an_objects_own_keys_and_splice_into_lists(tmp_path):
    folder = _toy(tmp_path)
    op_file = folder / "operations" / "recognize_quota_invoice.json"
    before = json.loads(op_file.read_text("utf-8"))
    shared = {"ocr_errors": before["errors"][:2], "invoice_response": {**before["response"], "status": 201}}
    (folder / "shared.json").write_text(json.dumps(shared, ensure_ascii=False), "utf-8")
    _edit(op_file, lambda op: {**op, "errors": [{"$use": "ocr_errors"}, *op["errors"][2:]],
                               "response": {"$use": "invoice_response", "status": op["response"]["status"]}})
    compiled = compile_folder(folder)["operations"]["recognize_quota_invoice"]
    assert compiled["errors"] == before["errors"]
    assert _as_json(compiled["response"]) == _as_json(before["response"])  # own keys win, in the part's order


def test_a_shared_part_that_does_not_exist_is_named(tmp_path):
    folder = _toy(tmp_path)
    _edit(folder / "operations" / "create_token.json", lambda op: {**op, "response": {"$use": "nothing"}})
    with pytest.raises(ContractError, match=r"\$use 'nothing' names no part of shared.json"):
        compile_folder(folder)


def test_an_operation_file_the_manifest_does_not_list_is_refused(tmp_path):
    folder = _toy(tmp_path)
    (folder / "operations" / "forgotten.json").write_text("{}", "utf-8")
    with pytest.raises(ContractError, match=r"contract.json: \$.operations does not list forgotten"):
        compile_folder(folder)


def test_a_broken_operation_is_reported_in_its_own_file(tmp_path):
    folder = _toy(tmp_path)
    _edit(folder / "operations" / "create_token.json", lambda op: {**op, "method": "FETCH"})
    with pytest.raises(ContractError, match=r"huawei-ocr/operations/create_token.json: "
                                            r"\$.operations.create_token.method: 'FETCH' is not one of"):
        load_contract(folder)


def test_editing_any_file_of_a_folder_reloads_it(tmp_path):
    folder = _toy(tmp_path)
    assert load_contract(folder).operations["create_token"].summary
    op_file = folder / "operations" / "create_token.json"
    _edit(op_file, lambda op: {**op, "summary": "changed"})
    stat = op_file.stat()
    os.utime(op_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert load_contract(folder).operations["create_token"].summary == "changed"


# -- the shipped contracts, moved to folders (issue #19) -------------------------------------------

REPO = Path(__file__).resolve().parents[2]
PROVENANCE = ("x-doc-lines",)  # what the move added to each operation (and a section where one was missing)


def _git(*args: str) -> str:
    import subprocess

    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout


def _without_provenance(raw: dict, before: dict) -> dict:
    ops = {}
    for op_id, op in raw["operations"].items():
        had_section = "section" in before["operations"].get(op_id, {})
        ops[op_id] = {k: v for k, v in op.items() if k not in PROVENANCE and (k != "section" or had_section)}
    return {**raw, "operations": ops}


@pytest.mark.parametrize("service", ["aicp", "aliyun-market", "aliyun-saf", "cdc-python", "huawei-ocr"])
def test_the_move_to_folders_changed_no_contract(service, tmp_path):
    """The commit that made the folders compiles, for each contract, to exactly the file it removed
    (operations, schemas, codes, examples, key order), but for the document lines it added."""
    try:
        moved = _git("log", "-1", "--diff-filter=D", "--format=%H", "--", f"contracts/{service}.json").strip()
    except (OSError, Exception) as exc:  # noqa: BLE001 - no git, or not a checkout
        pytest.skip(f"needs the git history of a checkout ({exc})")
    if not moved:
        pytest.skip("the history does not reach the move (a shallow clone?)")
    before = json.loads(_git("show", f"{moved}^:contracts/{service}.json"))
    folder = tmp_path / service
    for name in _git("ls-tree", "-r", "--name-only", moved, f"contracts/{service}/").split():
        target = tmp_path / Path(name).relative_to("contracts")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_git("show", f"{moved}:{name}"), "utf-8")
    after = compile_folder(folder)
    assert _as_json(_without_provenance(after, before)) == _as_json(before)


@pytest.mark.parametrize("path", contract_paths(), ids=lambda p: p.name)
def test_every_operation_names_the_section_and_lines_of_its_document(path):
    raw = read_contract(path)
    document = (REPO / "contracts" / "sources" / raw["source"]).read_text("utf-8").splitlines()
    for op_id, op in raw["operations"].items():
        if "x-simulator-only" in op:
            continue  # not a documented operation (it says why)
        assert op.get("section"), f"{op_id}: no section"
        first, last = op["x-doc-lines"]
        assert 1 <= first <= last <= len(document), f"{op_id}: lines {first}-{last} of {len(document)}"
        assert any(line.strip() for line in document[first - 1:last]), f"{op_id}: lines {first}-{last} are blank"
