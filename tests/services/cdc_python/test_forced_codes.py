"""X-Apisim-Code: every status an operation lists can be forced, in that operation's envelope."""

from __future__ import annotations

import pytest

from simulator.app import create_app
from simulator.config import SimulatorConfig
from simulator import Simulator
from tests.services.cdc_python.conftest import CONTRACT, CdcClient

FORCEABLE = [pytest.param(op_id, code, id=f"{op_id}:{code}")
             for op_id, op in CONTRACT.operations.items() for code in op.errors]


@pytest.fixture(scope="module")
def shared_cdc():
    """One simulator for the module: a forced code answers before any state is read or written."""
    sim = Simulator(SimulatorConfig(services=["cdc-python"], validate_responses=True))
    client = create_app(simulator=sim).test_client()
    client.simulator = sim
    return CdcClient(client)


@pytest.mark.parametrize("op_id,code", FORCEABLE)
def test_every_listed_status_can_be_forced(shared_cdc, op_id, code):
    cdc = shared_cdc
    answer = cdc.op(op_id, {}, user="guosai", id=77, headers={"X-Apisim-Code": code})
    entry = CONTRACT.raw["errors"][code]
    assert answer.http_status == 200
    assert answer.body["id"] == 77
    assert answer.status == entry["x-status"]
    assert answer.body["message"] == entry["message"]
    assert answer.data == {}
    if CONTRACT.operations[op_id].raw.get("envelope") == "cdc-yanxuan":
        assert answer.body["code"] == entry["x-status"]


def test_a_status_of_another_operation_is_refused_with_the_valid_ones_listed(make_client):
    # A plain client: the refusal is apisim's own JSON, not a CDC answer.
    response = make_client("cdc-python").post("/api/v2/msg/?token=" + "e83f35a9541a2f2f80c1908e7ef1b5bf", base_url="http://guosai.zustmanong.cn",
                               json={"id": 1, "type": "msg", "subtype": "sign", "data": {}},
                               headers={"X-Apisim-Code": "community_update.101"})
    assert response.status_code == 400
    assert "msg_sign.100" in response.get_json()["valid_codes"]


def test_every_local_status_of_the_document_is_forceable_on_its_operation():
    for code, entry in CONTRACT.raw["errors"].items():
        if "." in code:
            assert code in CONTRACT.operations[code.split(".")[0]].errors


def test_the_documents_own_status_number_forces_the_one_code_it_names(shared_cdc):
    answer = shared_cdc.op("recommend_item", {}, headers={"X-Apisim-Code": "100"})
    assert (answer.status, answer.body["message"]) == (100, CONTRACT.raw["errors"]["recommend_item.100"]["message"])


def test_a_status_number_naming_two_codes_is_refused_with_the_valid_ones(shared_cdc):
    # face_register has 100 (no such group) and 100.realauth (real-name auth first): say which.
    answer = shared_cdc.op("face_register", {}, headers={"X-Apisim-Code": "100"})
    assert answer.http_status == 400 and "face_register.100.realauth" in answer.body["valid_codes"]
