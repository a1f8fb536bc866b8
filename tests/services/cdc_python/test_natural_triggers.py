"""Every status the contract calls natural is one a client gets from a request it could send.

The parameters come from the contract (every code not marked ``forced-only``), not from the recipes:
a code that becomes natural without a recipe here fails until one is written (or the code is marked
forced-only with an honest ``when``). Recipes use the demo tokens and nothing a real client lacks:
no ``X-Apisim-Code``, no fault, no admin API. The journal says which code answered and that it was
neither forced nor a fault.
"""

from __future__ import annotations

from typing import Callable

import pytest

from tests.services.cdc_python.conftest import CONTRACT, Answer, CdcClient, path_of, real_name

NATURAL = [code for code, entry in CONTRACT.errors.items() if entry.trigger != "forced-only"]
UNKNOWN_ITEM = "1000000001"
LONELY_ITEM = "9402318875"  # the seed's item that shares no keyword with any other (x-seed.items)
DISTANCE = {"lat1": 30.22625, "lng1": 120.03185, "lat2": 28.6756122, "lng2": 121.362822}

Recipe = Callable[[CdcClient, Callable[..., str], Callable[..., str]], Answer]
RECIPES: dict[str, Recipe] = {}


def recipe(*codes: str) -> Callable[[Recipe], Recipe]:
    def register(make: Recipe) -> Recipe:
        for code in codes:
            RECIPES[code] = make
        return make
    return register


# -- global statuses ------------------------------------------------------------------------------

@recipe("-1")
def _envelope_without_data(cdc, face, blank):
    return cdc.raw(path_of("distance", "calc"), json_body={"id": 1, "type": "distance", "subtype": "calc"})


@recipe("-2")
def _id_not_an_integer(cdc, face, blank):
    return cdc.op("distance_calc", DISTANCE, id="one")


@recipe("-3")
def _undocumented_data_key(cdc, face, blank):
    return cdc.op("distance_calc", {**DISTANCE, "unit": "km"})


@recipe("-100")
def _no_token(cdc, face, blank):
    return cdc.op("msg_has_new", {}, user=None)


@recipe("-101")
def _a_token_of_nobody(cdc, face, blank):
    return cdc.op("msg_has_new", {}, token="0123456789abcdef0123456789abcdef")


@recipe("-103")
def _a_user_creates_a_group(cdc, face, blank):
    return cdc.op("group_create", {"group_name": "邻居"}, user="wlc")


# -- recommend, tags, community, distance ---------------------------------------------------------

@recipe("recommend_item.100")
def _recommend_an_unknown_item(cdc, face, blank):
    return cdc.op("recommend_item", {"item_id": UNKNOWN_ITEM})


@recipe("recommend_item.101")
def _recommend_an_item_like_no_other(cdc, face, blank):
    return cdc.op("recommend_item", {"item_id": LONELY_ITEM})


@recipe("tags_item.100")
def _tag_an_unknown_item(cdc, face, blank):
    return cdc.op("tags_item", {"item_list": ["3454002", UNKNOWN_ITEM]})


@recipe("community_publish.100")
def _publish_about_an_unknown_item(cdc, face, blank):
    return cdc.op("community_publish", {"content": "好物推荐", "item_id": UNKNOWN_ITEM})


def _someone_elses_post(cdc: CdcClient) -> int:
    return cdc.op("community_publish", {"content": "推荐这款口罩", "item_id": 3990811}, user="13750687010"
                  ).data["community_id"]


@recipe("community_update.100")
def _update_someone_elses_post(cdc, face, blank):
    return cdc.op("community_update", {"community_id": _someone_elses_post(cdc), "content": "改"})


@recipe("community_update.101")
def _update_a_post_to_an_unknown_item(cdc, face, blank):
    mine = cdc.op("community_publish", {"content": "推荐这款口罩"}).data["community_id"]
    return cdc.op("community_update", {"community_id": mine, "item_id": UNKNOWN_ITEM})


@recipe("community_delete.100")
def _delete_someone_elses_post(cdc, face, blank):
    return cdc.op("community_delete", {"community_id": _someone_elses_post(cdc)})


@recipe("distance_calc.100")
def _latitude_past_the_pole(cdc, face, blank):
    return cdc.op("distance_calc", {**DISTANCE, "lat1": 91.0})


# -- messages -------------------------------------------------------------------------------------

@recipe("msg_private.101")
def _conversation_with_nobody(cdc, face, blank):
    return cdc.op("msg_private", {"people": "no-such-user"})


@recipe("msg_sign.100")
def _sign_a_message_never_received(cdc, face, blank):
    return cdc.op("msg_sign", {"msg_id": 999999})


@recipe("msg_sign_batch.101")
def _sign_all_from_nobody(cdc, face, blank):
    return cdc.op("msg_sign_batch", {"private": 1, "people": "no-such-user"})


@recipe("msg_send.100")
def _send_to_yourself(cdc, face, blank):
    return cdc.op("msg_send", {"receiver": "wlc", "title": "你好", "content": "在吗"})


@recipe("msg_send.101")
def _send_a_title_too_long(cdc, face, blank):
    return cdc.op("msg_send", {"receiver": "13750687010", "title": "长" * 101, "content": "在吗"})


# -- real-name auth -------------------------------------------------------------------------------

REALAUTH = {"id_type": "sfz", "id": "33108219991127089X", "name": "王凌超", "gender": "male", "birthday": 943660000.0}


@recipe("realauth_create.100")
def _bind_an_id_twice(cdc, face, blank):
    real_name(cdc, user="wlc")
    return cdc.op("realauth_create", REALAUTH, user="13750687010")


@recipe("realauth_create.200")
def _a_passport(cdc, face, blank):
    return cdc.op("realauth_create", {**REALAUTH, "id_type": "passport"})


@recipe("realauth_create.201")
def _gender_in_chinese(cdc, face, blank):
    return cdc.op("realauth_create", {**REALAUTH, "gender": "男"})


@recipe("realauth_create.202")
def _birthday_in_words(cdc, face, blank):
    return cdc.op("realauth_create", {**REALAUTH, "birthday": "1999年11月27日"})


@recipe("realauth_create.203")
def _date_start_in_words(cdc, face, blank):
    return cdc.op("realauth_create", {**REALAUTH, "date_start": "去年"})


@recipe("realauth_create.204")
def _date_end_in_words(cdc, face, blank):
    return cdc.op("realauth_create", {**REALAUTH, "date_end": "长期"})


@recipe("realauth_update.100")
def _update_without_a_record(cdc, face, blank):
    return cdc.op("realauth_update", {"address": "杭州"})


@recipe("realauth_update.200")
def _update_a_date_in_words(cdc, face, blank):
    real_name(cdc)
    return cdc.op("realauth_update", {"date_end": "长期"})


@recipe("realauth_get.100")
def _get_without_a_record(cdc, face, blank):
    return cdc.op("realauth_get", {})


@recipe("realauth_check.100")
def _check_nobody(cdc, face, blank):
    return cdc.op("realauth_check", {"username": "no-such-user"})


# -- face groups (the administrator) --------------------------------------------------------------

@recipe("group_create.100")
def _create_the_default_group_again(cdc, face, blank):
    return cdc.op("group_create", {"group_name": "默认人员库"}, user="guosai")


@recipe("group_create.101")
def _create_a_group_with_a_long_name(cdc, face, blank):
    return cdc.op("group_create", {"group_name": "人" * 21}, user="guosai")


def _group_recipes(op_id: str, extra: dict) -> None:
    RECIPES[f"{op_id}.100"] = lambda cdc, face, blank: cdc.op(op_id, {"group_id": "one", **extra}, user="guosai")
    RECIPES[f"{op_id}.101"] = lambda cdc, face, blank: cdc.op(op_id, {**extra}, user="guosai")
    RECIPES[f"{op_id}.102"] = lambda cdc, face, blank: cdc.op(op_id, {"group_id": 4242, **extra}, user="guosai")


_group_recipes("group_delete", {})
_group_recipes("group_update", {"group_content": "改"})
_group_recipes("group_get", {})


# -- faces ----------------------------------------------------------------------------------------

@recipe("face_register.100.realauth")
def _register_before_real_name(cdc, face, blank):
    return cdc.op("face_register", {"base64": face()})


def _register(cdc: CdcClient, image: str, **data) -> Answer:
    real_name(cdc)
    return cdc.op("face_register", {"base64": image, **data})


@recipe("face_register.100")
def _register_into_no_group(cdc, face, blank):
    return _register(cdc, face(), db=4242)


@recipe("face_register.101")
def _register_text(cdc, face, blank):
    return _register(cdc, "bm90IGFuIGltYWdl")  # base64 of "not an image"


@recipe("face_register.102")
def _register_a_blank_photo(cdc, face, blank):
    return _register(cdc, blank())


@recipe("face_register.103")
def _register_a_group_photo(cdc, face, blank):
    return _register(cdc, face("faces=2 person=alice,bob"))


@recipe("face_register.104")
def _register_a_masked_face(cdc, face, blank):
    return _register(cdc, face("faces=1 person=alice mask=1"))


@recipe("face_find.100")
def _find_in_a_blank_photo(cdc, face, blank):
    return cdc.op("face_find", {"base64": blank()})


@recipe("face_verify.100")
def _verify_before_registering(cdc, face, blank):
    return cdc.op("face_verify", {"base64": face()})


def _verify_after_registering(cdc: CdcClient, registered: str, image: str) -> Answer:
    assert _register(cdc, registered).status == 0
    return cdc.op("face_verify", {"base64": image})


@recipe("face_verify.101")
def _verify_a_blank_photo(cdc, face, blank):
    return _verify_after_registering(cdc, face(), blank())


@recipe("face_verify.102")
def _verify_a_group_photo(cdc, face, blank):
    return _verify_after_registering(cdc, face(), face("faces=2 person=alice,bob"))


# -- the proof ------------------------------------------------------------------------------------

@pytest.fixture
def blank(png_base64) -> Callable[..., str]:
    """An untagged white photo: it shows no face."""
    return lambda: png_base64(320, 240)


@pytest.mark.parametrize("code", NATURAL)
def test_a_client_request_gets_the_natural_status(cdc, face_image, blank, code):
    assert code in RECIPES, (f"{code} is natural in contracts/cdc-python/errors.json but has no recipe here: add a "
                             "request a real client could send, or mark it forced-only with an honest `when`")
    answer = RECIPES[code](cdc, face_image, blank)
    entry = CONTRACT.errors[code]
    last = cdc.simulator.journal.entries("cdc-python")[-1]
    assert (last["code"], last["forced"], last.get("faults")) == (code, False, None), last
    assert (answer.http_status, answer.status, answer.body["message"]) == (
        entry.http_status, CONTRACT.raw["errors"][code]["x-status"], entry.message)


def test_every_recipe_is_for_a_natural_code_of_the_contract():
    assert sorted(set(RECIPES) - set(NATURAL)) == []
