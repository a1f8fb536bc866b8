"""Every code in the document's tables is reachable: forced with X-Apisim-Code, in both modes.

Natural triggers are tested next to each operation (test_init, test_query, test_match,
test_account); this file proves the whole catalogue, table by table.
"""

from __future__ import annotations

import pytest

from simulator.contracts import load_contract
from simulator.contracts.loader import contracts_dir

from .conftest import DEMO, DETAILED

CONTRACT = load_contract(contracts_dir() / "aliyun-saf")
TABLES = {code: raw["x-table"] for code, raw in CONTRACT.raw["errors"].items() if "x-table" in raw}
OPERATION_OF_TABLE = {"init": "init", "query": "query", "unified": "init"}
SERVICE_PARAMETERS = {
    "init": {"method": "init", "name": "张三", "certNumber": "110101199003078515", "metainfo": "{}"},
    "query": {"method": "query", "bizId": "b", "queryId": "q"},
}


def forced(saf, code: str, key):
    table = TABLES[code]
    return saf.call(SERVICE_PARAMETERS[OPERATION_OF_TABLE[table]], key=key, headers={"X-Apisim-Code": code})


@pytest.mark.parametrize("code", sorted(TABLES))
def test_every_document_code_answers_exactly_in_detailed_mode(saf, code):
    entry = CONTRACT.errors[code]
    answer = forced(saf, code, DETAILED)
    assert answer.status == 200
    body = answer.json
    assert set(body) == {"Code", "Message", "RequestId"}
    assert (body["Code"], body["Message"]) == (entry.body["Code"], entry.message)


@pytest.mark.parametrize("code", sorted(TABLES))
def test_every_document_code_answers_its_unified_code_by_default(saf, code):
    raw = CONTRACT.raw["errors"][code]
    unified = CONTRACT.errors[raw["x-unified"]]
    answer = forced(saf, code, DEMO)
    assert answer.status == 200
    assert answer.code == unified.body["Code"]
    if "x-resultMsgSub" in raw:
        assert answer.message == raw["x-resultMsgSub"]
    elif raw["x-unified"] in ("400", "300") or raw["x-table"] == "unified":
        assert answer.message == CONTRACT.errors[code].message
    else:
        assert answer.message == unified.message


@pytest.mark.parametrize("code", sorted(TABLES))
def test_every_document_code_renders_in_xml_too(saf, code):
    answer = saf.call(SERVICE_PARAMETERS[OPERATION_OF_TABLE[TABLES[code]]], key=DETAILED, fmt="XML",
                      headers={"X-Apisim-Code": code})
    root = answer.xml
    assert root.tag == "ExecuteRequestResponse"
    assert root.findtext("Code") == str(CONTRACT.errors[code].body["Code"])
    assert root.findtext("Message") == CONTRACT.errors[code].message


def test_a_code_of_another_operations_table_cannot_be_forced(saf):
    answer = saf.call(SERVICE_PARAMETERS["init"], headers={"X-Apisim-Code": "Z8301"})
    assert answer.status == 400 and "Z8301" not in answer.json["valid_codes"]


def test_the_internal_error_code_is_the_documents_500_never_a_bare_500(saf, monkeypatch):
    from simulator.services.aliyun_saf import handlers

    def broken(ctx):
        raise RuntimeError("a bug")

    monkeypatch.setitem(saf.simulator.services["aliyun-saf"].handlers, "init", broken)
    answer = saf.call(SERVICE_PARAMETERS["init"])
    assert answer.status == 200 and (answer.code, answer.message) == (500, "内部服务器错误。")
    assert handlers.init is not broken


def test_each_detailed_code_maps_to_the_unified_code_its_description_blames():
    """docs/services/aliyun-saf.md: the request's fault → 400, the service's side → 500, not opened → 403."""
    import json

    from simulator.contracts.loader import contracts_dir

    errors = json.loads((contracts_dir() / "aliyun-saf" / "errors.json").read_text("utf-8"))
    request_side = {"init.400", "510", "520", "540", "Z1108", "Z1109", "Z1110", "Z1146", "Z8301"}
    service_side = {"init.500", "530", "B110", "R110", "Z8199", "Z1111", "Z1112", "Z1199", "Z5101", "Z5102",
                    "Z5103", "Z5199", "query.500", "Z8399"}
    assert {c for c in request_side if errors[c]["x-unified"] != "400"} == set()
    assert {c for c in service_side if errors[c]["x-unified"] != "500"} == set()
    assert errors["Z8102"]["x-unified"] == errors["Z8302"]["x-unified"] == "403"
