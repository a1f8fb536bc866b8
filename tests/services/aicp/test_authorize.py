"""Section 6: capability authorisation; the tokens it grants open the micro-services."""

from __future__ import annotations

from tests.services.aicp.conftest import ADMIN_TOKEN, image

GRANT = {"appId": "testan", "dueTime": "2099-11-11 00:00:00", "capabilityIdArray": ["C10000000001,C10000000002"]}


def grant(aicp, body=GRANT, token=ADMIN_TOKEN):
    return aicp.post("authorize", "/authorize/grantAuthorize", body, token=token)


def test_grant_answers_the_apps_token_which_then_opens_the_micro_services(aicp):
    body = grant(aicp).get_json()
    assert body["flag"] is True and body["resultCode"] == 0
    data = body["data"]
    assert (data["appId"], data["dueTime"]) == ("testan", "2099-11-11 00:00:00")
    assert len(data["token"]) == 24 and data["token"].endswith("==")
    detected = aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token=data["token"]).get_json()
    assert detected["flag"] is True


def test_granting_an_authorised_app_again_is_springs_500(aicp):
    grant(aicp)
    response = grant(aicp)
    body = response.get_json()
    assert response.status_code == 500
    assert body == {"timestamp": "2026-03-01T08:00:00.000+0000", "status": 500, "error": "Internal Server Error",
                    "message": "当前授权用户已存在", "path": "/authorize/grantAuthorize"}


def test_the_demo_admin_app_counts_as_authorised(aicp):
    assert grant(aicp, {**GRANT, "appId": "apisim-admin"}).status_code == 500


def test_grant_with_an_unreadable_due_time_is_the_runtime_error(aicp):
    body = grant(aicp, {**GRANT, "dueTime": "next year"}).get_json()
    assert body == {"flag": False, "resultCode": 1, "message": "运行时出错!", "data": None}


def test_update_reports_held_and_new_capabilities_and_keeps_the_token(aicp):
    token = grant(aicp).get_json()["data"]["token"]
    body = aicp.post("authorize", "/authorize/updateAuthorize",
                     {"appId": "testan", "dueTime": "2099-10-28 00:00:00",
                      "capabilityIdArray": ["C10000000001,C10000000002,C10000000003"]}, token=ADMIN_TOKEN).get_json()
    assert body["data"] == {"existAuthorize": "[C10000000001, C10000000002]", "addAuthorize": "[C10000000003]",
                            "appId": "testan", "token": token}
    # Now holding C10000000003, the app may manage authorisations itself.
    assert aicp.post("authorize", "/authorize/deleteAuthorizedUser", {"appId": "testan"}, token=token).get_json()["flag"]


def test_update_can_withdraw_a_capability(aicp):
    token = grant(aicp).get_json()["data"]["token"]
    aicp.post("authorize", "/authorize/updateAuthorize", {"appId": "testan", "dueTime": "2099-01-01 00:00:00",
                                                          "capabilityIdArray": ["C10000000002"]}, token=ADMIN_TOKEN)
    assert aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token=token).get_json()["message"] == "未授权该能力"


def test_update_of_an_unknown_app_is_the_runtime_error(aicp):
    body = aicp.post("authorize", "/authorize/updateAuthorize", {**GRANT, "appId": "nobody"}, token=ADMIN_TOKEN).get_json()
    assert body == {"flag": False, "resultCode": 1, "message": "运行时出错!", "data": None}


def test_delete_revokes_the_token(aicp):
    token = grant(aicp).get_json()["data"]["token"]
    body = aicp.post("authorize", "/authorize/deleteAuthorizedUser", {"appId": "testan"}, token=ADMIN_TOKEN).get_json()
    assert body == {"flag": True, "resultCode": 0, "message": "系统处理正常", "data": {"appId": "testan"}}
    assert aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token=token).get_json()["message"] == "token无效"
    again = aicp.post("authorize", "/authorize/deleteAuthorizedUser", {"appId": "testan"}, token=ADMIN_TOKEN).get_json()
    assert again == {"flag": False, "resultCode": 1, "message": "该用户不存在", "data": None}


def test_authorisation_itself_needs_a_token_with_its_capability(aicp):
    assert grant(aicp, token=None).get_json()["message"] == "token不能为空"
    face_only = grant(aicp, {**GRANT, "appId": "faces", "capabilityIdArray": ["C10000000001"]}).get_json()["data"]["token"]
    assert grant(aicp, {**GRANT, "appId": "other"}, token=face_only).get_json()["message"] == "未授权该能力"
