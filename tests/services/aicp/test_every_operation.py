"""Every documented operation answers a valid request with success, on its own deployment.

The per-deployment test files go deeper; this one guards that none of the 49 is forgotten.
"""

from __future__ import annotations

import pytest

from simulator.contracts import load_contracts
from tests.services.aicp.conftest import ADMIN_TOKEN, image

CONTRACT = load_contracts(services=["aicp"])["aicp"]
DOCUMENTED = [op for op in CONTRACT.operations.values() if "x-simulator-only" not in op.raw]
PERIOD = {"call_Name": "人脸识别", "timeBefore": "2026-01-01", "timeAfter": "2026-03-01"}
ENROL = {"groupId": "200000", "image": image("alice_1.jpg"), "name": "客户姓名"}


def valid_bodies(state):
    """A valid request body per operation; ``state`` holds ids made by the set-up."""
    alice, bob = image("alice_2.png"), image("bob.jpg")
    bodies = {
        "old_face_entry": ENROL, "new_face_add": ENROL,
        "old_face_recognition": {"groupId": "200000", "image": alice},
        "new_face_recognition": {"groupId": "200000", "image": alice},
        "old_person_witness_ratio": [{"image": alice}, {"image": bob}],
        "new_face_couple": {"imageA": alice, "imageB": bob},
        "new_face_remove": {"groupId": "200000", "userId": state["person"]},
        "new_face_query": {"groupId": "200000", "userId": state["person"]},
        "new_face_quality": {"image": alice},
        "grant_authorize": {"appId": "new", "dueTime": "2099-01-01 00:00:00", "capabilityIdArray": ["C10000000001"]},
        "update_authorize": {"appId": "testan", "dueTime": "2099-01-01 00:00:00", "capabilityIdArray": ["C10000000002"]},
        "delete_authorized_user": {"appId": "testan"},
        "ms_add_base": {"groupId": "300000", "dbName": "n"},
        "ms_delete_base": {"groupId": "200000"},
        "ms_query_base_all": {"pageNo": "1", "pageSize": "20"},
        "ms_face_add": ENROL,
        "ms_face_recognition": {"groupId": "200000", "image": alice},
        "ms_face_couple": {"imageA": alice, "imageB": bob},
        "ms_face_remove": {"groupId": "200000", "userId": state["person_no"]},
        "ms_face_query": {"groupId": "200000", "userId": state["person_no"]},
        "ms_face_quality": {"image": alice},
        "ms_face_detect": {"image": alice},
        "ms_face_recognition_mn": {"image": alice, "groupId": "200000"},
        "koala_group_add": {"group_id": "group1"},
        "koala_group_delete": {"group_id": "group2"},
        "koala_group_list": {"start": 0, "length": 100},
        "koala_stat_app": {},
        "koala_stat_group": {"group_id_list": "group2,group3"},
        "koala_user_copy": {"user_id": "234", "src_group_id": "group2", "dst_group_id": "group3"},
        "koala_user_get": {"user_id": "123", "group_id": "group3"},
        "koala_user_list": {"group_id": "group3"},
        "user_register": {"username": "new", "password": "p", "telephone": "13940312121", "mail": "a@b.c", "deptId": "1",
                          "image": bob},
        "user_face_login": {"image": alice},
        "ha_get_all": {"issolved": "0"},
        "ha_resume_data": {"asynchronyDataList": [{"id": state["ha_item"]}]},
    }
    for op in DOCUMENTED:
        if op.id.startswith(("stats_", "ms_stats_")):
            bodies[op.id] = {"time": "2026-03"} if "chart_by_day" in op.id else {"year": "2026"} if "chart_by_month" in op.id else PERIOD
    return bodies


@pytest.fixture
def ready(aicp):
    """State the operations act on: a person in both libraries, an authorised app, a registered user."""
    aicp.add_base()
    person = aicp.post("new-api", "/aicp/face/add", ENROL).get_json()["data"]["personID"]
    person_no = aicp.enrol_micro("alice_1.jpg")
    aicp.post("authorize", "/authorize/grantAuthorize", {"appId": "testan", "dueTime": "2099-01-01 00:00:00",
                                                         "capabilityIdArray": ["C10000000001"]}, token=ADMIN_TOKEN)
    aicp.post("user", "/user/register", {"username": "azd1", "password": "p", "telephone": "1", "mail": "m", "deptId": "1",
                                         "image": image("alice_1.jpg")})
    items = aicp.post("high-availability", "/asynchrony/getall", {"issolved": "0"}).get_json()["data"]["items"]
    return aicp, {"person": person, "person_no": person_no, "ha_item": items[0]["id"]}


def test_the_table_covers_every_documented_operation():
    assert set(valid_bodies({"person": "", "person_no": "", "ha_item": ""})) == {op.id for op in DOCUMENTED}


@pytest.mark.parametrize("op", DOCUMENTED, ids=lambda op: op.id)
def test_a_valid_request_succeeds_on_the_operations_own_deployment(ready, op):
    aicp, state = ready
    dep = CONTRACT.deployment(op.deployments[0])
    auth = op.binding(dep, "auth")
    response = aicp.post(dep.name, op.path, valid_bodies(state)[op.id], token=ADMIN_TOKEN if auth else None)
    body = response.get_json()
    assert response.status_code == 200, body
    errors = [e.message for e in op.response_validator.iter_errors(body)]
    assert not errors, (errors, body)
    if dep.name == "koala" and op.binding(dep, "envelope") == "koala":
        assert body["error_code"] == 0
    elif dep.name != "koala":
        assert body["flag"] is True
