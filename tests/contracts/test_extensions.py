"""``x-`` keys: every one a contract may hold is declared in the meta-schema, the code reads only
declared ones, and a misspelt one fails at load (naming where), never at request time."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from simulator.contracts import contracts_dir, load_contract, read_contract
from simulator.core.errors import ContractError

SIMULATOR = Path(__file__).resolve().parents[2] / "simulator"
META = json.loads((contracts_dir() / "contract.schema.json").read_text("utf-8"))
X_KEY = re.compile(r"^x-[A-Za-z][A-Za-z0-9-]*$")
# x- strings in the code that are not contract keys: HTTP header names, and the extensions the OpenAPI
# export writes into the documents it makes (simulator/openapi/export.py).
HEADER_PREFIXES = ("x-acs-", "x-sdk-", "x-ca-")
NOT_CONTRACT_KEYS = {"x-apisim-detail",  # a header
                     "x-apisim-service", "x-apisim-operations", "x-apisim-errors", "x-apisim-code",
                     "x-original-base-url", "x-apisim-deployment"}


def _declared(node: object = META) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found |= {name for name in value if name.startswith("x-")}
            found |= _declared(value)
    elif isinstance(node, list):
        for value in node:
            found |= _declared(value)
    return found


def _x_strings_in_code() -> dict[str, str]:
    found = {}
    for path in SIMULATOR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and X_KEY.match(node.value) \
                    and not node.value.startswith(HEADER_PREFIXES) and node.value not in NOT_CONTRACT_KEYS:
                found.setdefault(node.value, f"{path.relative_to(SIMULATOR.parent)}:{node.lineno}")
    return found


def test_the_code_reads_only_x_keys_the_meta_schema_declares():
    undeclared = {key: where for key, where in _x_strings_in_code().items() if key not in _declared()}
    assert not undeclared, f"declare these in contracts/contract.schema.json (with what reads them): {undeclared}"


def test_the_code_reads_x_keys_at_all():  # the scan above sees them: it is not vacuous
    assert {"x-behaviour", "x-faker", "x-stats", "x-table"} <= set(_x_strings_in_code())


def _huawei() -> dict:
    return read_contract(contracts_dir() / "huawei-ocr")


def _load(tmp_path: Path, raw: dict):
    path = tmp_path / "misspelt.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    return load_contract(path)


def test_a_misspelt_x_key_of_an_operation_fails_at_load_naming_it(tmp_path):
    raw = _huawei()
    raw["operations"]["recognize_quota_invoice"]["x-stats-qeury"] = "method_call"
    with pytest.raises(ContractError, match=r"misspelt.json: \$.operations.recognize_quota_invoice: .*x-stats-qeury"):
        _load(tmp_path, raw)


def test_a_declared_x_key_of_the_wrong_type_fails_at_load(tmp_path):
    raw = _huawei()
    raw["errors"]["AIS.0101"]["x-status"] = "minus one"
    with pytest.raises(ContractError, match=r"\$.errors.AIS.0101.x-status"):
        _load(tmp_path, raw)


def test_a_misspelt_x_keyword_inside_a_schema_fails_at_load_naming_its_path(tmp_path):
    raw = _huawei()
    body = raw["operations"]["recognize_quota_invoice"]["request"]["body"]
    target = body if "properties" in body else raw["$defs"][body["$ref"].rsplit("/", 1)[1]]
    name = next(iter(target["properties"]))
    target["properties"][name]["x-fakr"] = "digits:4"
    with pytest.raises(ContractError, match=rf"\.properties\.{re.escape(name)}: .*x-fakr"):
        _load(tmp_path, raw)


def test_x_keywords_inside_schemas_are_declared_with_their_types(tmp_path):
    raw = _huawei()
    raw["$defs"]["Probe"] = {"type": "string", "x-faker": 7}
    with pytest.raises(ContractError, match=r"\$.\$defs.Probe.x-faker: 7 is not of type 'string'"):
        _load(tmp_path, raw)


def test_a_property_named_like_an_x_key_is_a_name_not_a_keyword(tmp_path):
    raw = _huawei()
    raw["$defs"]["Probe"] = {"type": "object", "properties": {"x-request-id": {"type": "string"}}}
    assert _load(tmp_path, raw).defs["Probe"]["properties"]["x-request-id"] == {"type": "string"}
