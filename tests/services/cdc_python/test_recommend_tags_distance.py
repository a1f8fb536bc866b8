"""Recommend, Tags and Distance: behaviour and local statuses, through HTTP."""

from __future__ import annotations

import pytest

from tests.services.cdc_python.conftest import CONTRACT

ITEM_IDS = [item["id"] for item in CONTRACT.raw["x-seed"]["items"]]


# --- Recommend-Item ------------------------------------------------------------------------------

def test_recommend_item_answers_items_sharing_keywords_most_shared_first_in_yanxuan_shape(cdc):
    answer = cdc.call("recommend", "item", {"item_id": "3412843468"})  # 2020网红新款夏季清凉女装
    assert answer.status == 0 and answer.body["code"] == "200" and answer.body["id"] == 1234
    listed = answer.data["rcmdItemList"]
    assert listed[0]["id"] == "8135520967"  # 网红清凉防晒冰袖女 shares 网红 and 清凉
    assert "3412843468" not in [entry["id"] for entry in listed]
    assert "9402318875" not in [entry["id"] for entry in listed]  # the earphones share nothing
    first = listed[0]
    assert first["type"] == 1 and first["categoryItem"]["id"] == first["id"]
    assert first["categoryItem"]["simpleDescClose"] is False


def test_recommend_item_for_an_unknown_item_is_100(cdc):
    answer = cdc.call("recommend", "item", {"item_id": "1111111111"})
    assert (answer.status, answer.body["code"], answer.body["message"]) == (100, 100, "Error item id")


def test_recommend_item_with_nothing_similar_is_101(cdc):
    answer = cdc.call("recommend", "item", {"item_id": "9402318875"})
    assert (answer.status, answer.body["message"]) == (101, "Get recommend data failed")


def test_recommend_item_id_must_be_a_string(cdc):
    assert cdc.call("recommend", "item", {"item_id": 3412843468}).status == -2


# --- Recommend-Index -----------------------------------------------------------------------------

def test_recommend_index_answers_the_whole_catalogue_by_default(cdc):
    answer = cdc.call("recommend", "index", {})
    assert sorted(e["id"] for e in answer.data["rcmdItemList"]) == sorted(ITEM_IDS)


def test_recommend_index_honours_limit(cdc):
    assert len(cdc.call("recommend", "index", {"limit": 3}).data["rcmdItemList"]) == 3
    assert len(cdc.call("recommend", "index", {"limit": None}).data["rcmdItemList"]) == len(ITEM_IDS)
    assert cdc.call("recommend", "index", {"limit": -1}).status == -2


def test_recommend_index_puts_what_the_user_posted_about_first(cdc):
    cdc.call("community", "publish", {"content": "这款耳机很静音", "item_id": "9402318875"}, user="13858181317")
    listed = cdc.call("recommend", "index", {"limit": 1}, user="13858181317").data["rcmdItemList"]
    assert listed[0]["id"] == "9402318875"
    other = cdc.call("recommend", "index", {"limit": 1}, user="wlc").data["rcmdItemList"]
    assert other[0]["id"] == ITEM_IDS[0]  # nobody else's behaviour leaks in


def test_recommend_index_100_is_forced_only(cdc):
    assert CONTRACT.raw["errors"]["recommend_index.100"]["trigger"] == "forced-only"
    answer = cdc.call("recommend", "index", {}, headers={"X-Apisim-Code": "recommend_index.100"})
    assert (answer.status, answer.body["message"]) == (100, "Get Item Failed")


# --- Tag-Text ------------------------------------------------------------------------------------

def test_tag_text_reproduces_the_documents_example(cdc):
    answer = cdc.call("tags", "text", {"text_list": ["2020网红新款夏季清凉女装", "99%细菌过滤，儿童一次性医用口罩 10枚"]}, user=None)
    assert answer.data == {"num": 2, "list": [["2020", "夏季", "女装", "新款", "清凉", "网红"],
                                              ["10", "99", "一次性", "儿童", "医用", "口罩", "细菌", "过滤"]]}


def test_tag_text_alone_is_a_list_of_one_and_text_list_wins_over_text(cdc):
    alone = cdc.call("tags", "text", {"text": "静音无线蓝牙耳机"}, user=None)
    assert alone.data == {"num": 1, "list": [["无线", "耳机", "蓝牙", "静音"]]}
    both = cdc.call("tags", "text", {"text": "静音无线蓝牙耳机", "text_list": ["夏季纯棉短T男"]}, user=None)
    assert both.data == {"num": 1, "list": [["夏季", "纯棉"]]}


def test_tag_text_keeps_the_order_of_the_texts(cdc):
    texts = ["夏季纯棉短T男", "静音无线蓝牙耳机", "夏季纯棉短T男"]
    assert cdc.call("tags", "text", {"text_list": texts}, user=None).data["list"] == [
        ["夏季", "纯棉"], ["无线", "耳机", "蓝牙", "静音"], ["夏季", "纯棉"]]


@pytest.mark.parametrize("data", [{}, {"text": None}, {"text_list": None}])
def test_tag_text_with_neither_text_nor_text_list_is_minus_3(cdc, data):
    assert cdc.call("tags", "text", data, user=None).status == -3


def test_tag_text_values_of_the_wrong_type_are_minus_2(cdc):
    assert cdc.call("tags", "text", {"text_list": "not a list"}, user=None).status == -2
    assert cdc.call("tags", "text", {"text_list": [1, 2]}, user=None).status == -2


# --- Tag-item ------------------------------------------------------------------------------------

def test_tag_item_refreshes_the_keywords_of_known_items(cdc):
    answer = cdc.call("tags", "item", {"item_list": [3454002, "3987066"]}, user=None)
    assert answer.status == 0 and answer.data == {}
    store = cdc.simulator.service_store("cdc-python")
    assert store.get("item_keywords", "3987066") == ["一次性", "医用", "口罩", "外科", "成人"]


def test_tag_item_with_an_unknown_id_is_100_and_updates_nothing(cdc):
    answer = cdc.call("tags", "item", {"item_list": [3454002, 12345]}, user=None)
    assert (answer.status, answer.body["message"]) == (100, "Error item id")
    assert cdc.simulator.service_store("cdc-python").get("item_keywords", "3454002") is None


# --- Distance ------------------------------------------------------------------------------------

def test_distance_reproduces_the_documents_example(cdc):
    answer = cdc.call("distance", "calc", {"lat1": 30.2262500, "lng1": 120.0318500, "lat2": 28.6756122, "lng2": 121.3628220}, user=None)
    assert answer.data["distance"] == pytest.approx(215498.4639470404, abs=1e-6)


def test_distance_is_symmetric_and_zero_for_one_point(cdc):
    a = {"lat1": 39.9, "lng1": 116.4, "lat2": 31.2, "lng2": 121.5}
    b = {"lat1": 31.2, "lng1": 121.5, "lat2": 39.9, "lng2": 116.4}
    d1 = cdc.call("distance", "calc", a, user=None).data["distance"]
    assert d1 == pytest.approx(cdc.call("distance", "calc", b, user=None).data["distance"])
    assert 1_000_000 < d1 < 1_100_000  # Beijing to Shanghai is about 1070 km
    same = {"lat1": 30.0, "lng1": 120.0, "lat2": 30.0, "lng2": 120.0}
    assert cdc.call("distance", "calc", same, user=None).data["distance"] == 0


@pytest.mark.parametrize("bad", [{"lat1": 91}, {"lng2": -180.5}, {"lat2": -90.01}])
def test_distance_with_coordinates_off_the_globe_is_100(cdc, bad):
    data = {"lat1": 30.0, "lng1": 120.0, "lat2": 28.0, "lng2": 121.0, **bad}
    answer = cdc.call("distance", "calc", data, user=None)
    assert (answer.status, answer.body["message"]) == (100, "Error location data")


def test_distance_needs_no_token_but_a_wrong_one_is_minus_101(cdc):
    data = {"lat1": 30.0, "lng1": 120.0, "lat2": 28.0, "lng2": 121.0}
    assert cdc.call("distance", "calc", data, user=None).status == 0
    assert cdc.call("distance", "calc", data, user="wlc").status == 0
    assert cdc.call("distance", "calc", data, token="f" * 32).status == -101
