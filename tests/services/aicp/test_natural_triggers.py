"""Every code the contract calls natural is one a client gets from a request it could send.

The parameters come from the contract (every code not marked ``forced-only``), not from the recipes:
a code that becomes natural without a recipe here fails until one is written (or the code is marked
forced-only with an honest ``when``). Recipes use the demo admin token, tokens they grant themselves
and the fixture photos: no ``X-Apisim-Code``, no fault, no admin API. The journal says which code
answered and that it was neither forced nor a fault.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from simulator.contracts import contracts_dir, load_contract
from tests.services.aicp.conftest import ADMIN_TOKEN, Aicp, image

CODES = load_contract(contracts_dir() / "aicp").errors
NATURAL = [code for code, entry in CODES.items() if entry.trigger != "forced-only"]
GRANT = {"appId": "client-app", "dueTime": "2099-11-11 00:00:00", "capabilityIdArray": ["C10000000001,C10000000002"]}

Recipe = Callable[[Aicp, str], Any]
RECIPES: dict[str, Recipe] = {}


def recipe(code: str) -> Callable[[Recipe], Recipe]:
    def register(make: Recipe) -> Recipe:
        RECIPES[code] = make
        return make
    return register


def grant(aicp: Aicp, **changes: Any) -> Any:
    return aicp.post("authorize", "/authorize/grantAuthorize", {**GRANT, **changes}, token=ADMIN_TOKEN)


def granted_token(aicp: Aicp, **changes: Any) -> str:
    return grant(aicp, **changes).get_json()["data"]["token"]


def koala(aicp: Aicp, path: str, body: Any = None, **kwargs: Any) -> Any:
    return aicp.post("koala", f"/face-api{path}", body, **kwargs)


# -- the face APIs (old, new, micro-services, user) ------------------------------------------------

@recipe("80018")
def _enrol_a_blank_photo(aicp, blank):
    return aicp.post("new-api", "/aicp/face/add", {"groupId": "200000", "name": "客户姓名", "image": blank})


@recipe("IMAGE_INVALID")
def _recognise_in_a_blank_photo(aicp, blank):
    return aicp.post("new-api", "/aicp/face/recognition", {"groupId": "200000", "image": blank})


@recipe("FACE_NOT_EXIST")
def _remove_nobody(aicp, blank):
    return aicp.post("new-api", "/aicp/face/remove", {"groupId": "200000", "userId": "7885743058546360320"})


@recipe("RECORD_NOT_FOUND")
def _query_nobody(aicp, blank):
    return aicp.post("new-api", "/aicp/face/query", {"groupId": "200000", "userId": "7885743058546360320"})


@recipe("SERVER_ERROR")
def _add_a_base_twice(aicp, blank):
    aicp.add_base("200000")
    return aicp.micro("/aicp/face/addBase", {"groupId": "200000", "dbName": "again", "dbDesc": "again"})


@recipe("RUNTIME_ERROR")
def _remove_without_a_user_id(aicp, blank):
    return aicp.post("new-api", "/aicp/face/remove", {"groupId": "200000"})


@recipe("FACE_LOGIN_FAILED")
def _log_in_with_a_blank_photo(aicp, blank):
    return aicp.post("user", "/user/facelogin.json", {"image": blank})


@recipe("USERNAME_EXISTS")
def _register_a_username_twice(aicp, blank):
    account = {"username": "xiaoming", "password": "123456", "telephone": "13800000000", "mail": "xm@example.com",
               "deptId": "1", "image": image("alice_1.jpg")}
    aicp.post("user", "/user/register", account)
    return aicp.post("user", "/user/register", {**account, "image": image("alice_2.png")})


# -- Spring Boot's own answers ----------------------------------------------------------------------

@recipe("SPRING_BAD_REQUEST")
def _a_body_that_is_not_json(aicp, blank):
    return aicp.post("new-api", "/aicp/face/add", data="{groupId: 200000")


@recipe("SPRING_PAYLOAD_TOO_LARGE")
def _a_body_over_the_limit(aicp, blank):
    limit = aicp.contract.limits.max_body_bytes
    return aicp.post("new-api", "/aicp/face/add", data='{"image": "' + "A" * limit + '"}')


@recipe("SPRING_NOT_FOUND")
def _a_path_nothing_serves(aicp, blank):
    return aicp.get("new-api", "/aicp/face/nothing-here")


# -- the authorisation and the tokens it grants ---------------------------------------------------

@recipe("USER_NOT_EXIST")
def _delete_an_app_never_authorised(aicp, blank):
    return aicp.post("authorize", "/authorize/deleteAuthorizedUser", {"appId": "never-granted"}, token=ADMIN_TOKEN)


@recipe("AUTH_USER_EXISTS")
def _grant_an_app_twice(aicp, blank):
    grant(aicp)
    return grant(aicp)


@recipe("TOKEN_MISSING")
def _a_micro_service_without_a_token(aicp, blank):
    return aicp.post("micro", "/aicp/face/detect", {"image": image("alice_1.jpg")})


@recipe("TOKEN_INVALID")
def _a_token_nobody_granted(aicp, blank):
    return aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token="bm90LWEtZ3JhbnRlZC10b2s=")


@recipe("TOKEN_EXPIRED")
def _a_token_past_its_due_time(aicp, blank):
    token = granted_token(aicp, dueTime="2020-01-01 00:00:00")
    return aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token=token)


@recipe("CAPABILITY_DENIED")
def _a_token_for_statistics_only(aicp, blank):
    token = granted_token(aicp, capabilityIdArray=["C10000000002"])
    return aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token=token)


# -- Koala (Baidu v3 codes) -----------------------------------------------------------------------

KOALA = {
    "222001": ("/v3/group/add", {"group_id": ""}),
    "222002": ("/v3/group/list", {"start": -1}),
    "222003": ("/v3/group/list", {"length": 0}),
    "222004": ("/facehub/statapp", {"op_app_id_list": "app one,app two"}),
    "222005": ("/facehub/statgroup", {"group_id_list": "group2,group 3"}),
    "222006": ("/v3/group/add", {"group_id": "has space"}),
    "222018": ("/v3/user/get", {"user_id": "has space", "group_id": "group2"}),
    "223100": ("/v3/group/delete", {"group_id": "no_such_group"}),
    "223101": ("/v3/group/add", {"group_id": "group2"}),
    "223103": ("/v3/user/get", {"user_id": "999", "group_id": "group2"}),
    "223104": ("/facehub/statgroup", {"group_id_list": ",".join(f"g{n}" for n in range(21))}),
    "223111": ("/v3/user/copy", {"user_id": "234", "src_group_id": "group2", "dst_group_id": "no_such_group"}),
}
for _code, (_path, _body) in KOALA.items():
    RECIPES[_code] = lambda aicp, blank, path=_path, body=_body: koala(aicp, path, body)


@recipe("223102")
def _copy_a_user_into_a_group_holding_it(aicp, blank):
    copy = {"user_id": "234", "src_group_id": "group2", "dst_group_id": "group3"}
    koala(aicp, "/v3/user/copy", copy)
    return koala(aicp, "/v3/user/copy", copy)


@recipe("222200")
def _a_koala_body_that_is_not_an_object(aicp, blank):
    return koala(aicp, "/v3/group/add", data="{group_id: group1")


# -- the proof ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", NATURAL)
def test_a_client_request_gets_the_natural_code(aicp, png_base64, code):
    assert code in RECIPES, (f"{code} is natural in contracts/aicp/errors.json but has no recipe here: add a request "
                             "a real client could send, or mark it forced-only with an honest `when`")
    response = RECIPES[code](aicp, png_base64(320, 240))  # an untagged white photo shows no face
    last = aicp.sim.journal.entries("aicp")[-1]
    assert (last["code"], last["forced"], last.get("faults")) == (code, False, None), last
    assert response.status_code == CODES[code].http_status


def test_every_recipe_is_for_a_natural_code_of_the_contract():
    assert sorted(set(RECIPES) - set(NATURAL)) == []
