"""Community: publish, list by distance, update and delete, through HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.services.cdc_python.conftest import DOC_POINT, CdcClient

MASK_ITEM = 3990811


def publish(cdc, content="邻居们好", item_id=None, user="wlc"):
    data = {"content": content} if item_id is None else {"content": content, "item_id": item_id}
    return cdc.call("community", "publish", data, user=user)


def list_posts(cdc, user="wlc", point=DOC_POINT, **extra):
    return cdc.call("community", "list", {"latitude": point[0], "longitude": point[1], **extra}, user=user)


def test_publish_answers_increasing_ids_and_keeps_content_as_sent(cdc):
    html = "<p>疫情期间大家一定要注意安全！<b>推荐</b></p>"
    first = publish(cdc, html, MASK_ITEM)
    second = publish(cdc, "第二条")
    assert (first.data, second.data) == ({"community_id": 1}, {"community_id": 2})
    listed = list_posts(cdc).data["list"]
    assert [p["content"] for p in listed] == ["第二条", html]


def test_publish_accepts_the_item_id_as_integer_or_string_or_not_at_all(cdc):
    publish(cdc, "a", MASK_ITEM)
    publish(cdc, "b", "7804238231")
    publish(cdc, "c")
    items = {p["content"]: p["item"] for p in list_posts(cdc).data["list"]}
    assert items["a"]["name"] == "99%细菌过滤，儿童一次性医用口罩 10枚" and items["a"]["activityPrice"] == 35.0
    assert items["b"]["simpleDesc"] == "早控油，晚美白；分时洁面，科学有效！"
    assert items["c"] is None


def test_publish_with_an_unknown_item_is_100(cdc):
    answer = publish(cdc, "x", 1234567)
    assert (answer.status, answer.body["message"]) == (100, "Error item id")
    assert list_posts(cdc).data["num"] == 0


def test_publish_without_content_is_minus_1(cdc):
    assert cdc.call("community", "publish", {"item_id": MASK_ITEM}).status == -1


def test_list_is_newest_first_with_author_and_times(make_client):
    now = [datetime(2026, 3, 1, tzinfo=timezone.utc)]
    cdc = CdcClient(make_client("cdc-python", validate_responses=True, clock=lambda: now[0]))
    for i in range(3):
        publish(cdc, f"post {i}")
        now[0] += timedelta(minutes=10)
    listed = list_posts(cdc).data
    assert listed["num"] == 3
    assert [p["content"] for p in listed["list"]] == ["post 2", "post 1", "post 0"]
    top = listed["list"][0]
    assert top["user"] == {"username": "wlc", "nickname": "ThinBallFish"}
    assert top["add_time"] == top["update_time"] == datetime(2026, 3, 1, 0, 20, tzinfo=timezone.utc).timestamp()


def test_list_only_shows_posts_within_distance_of_the_caller(cdc):
    publish(cdc, "杭州的动态", user="wlc")            # at the document's point
    publish(cdc, "台州的动态", user="13735866541")    # 215 km away
    near = list_posts(cdc, user="13750687010").data["list"]
    assert [p["content"] for p in near] == ["杭州的动态"]
    wide = list_posts(cdc, user="13750687010", distance=300000).data["list"]
    assert [p["content"] for p in wide] == ["台州的动态", "杭州的动态"]
    from_taizhou = list_posts(cdc, user="13735866541", point=(28.6756122, 121.3628220)).data["list"]
    assert [p["content"] for p in from_taizhou] == ["台州的动态"]


def test_a_post_is_placed_where_its_author_last_listed_from(cdc):
    list_posts(cdc, user="13750687010", point=(28.6756122, 121.3628220))  # travels to Taizhou
    publish(cdc, "出差中", user="13750687010")
    assert list_posts(cdc, user="wlc").data["num"] == 0
    assert list_posts(cdc, user="wlc", point=(28.676, 121.363)).data["num"] == 1


def test_list_pages_with_start_and_limit(cdc):
    for i in range(5):
        publish(cdc, f"p{i}")
    page = list_posts(cdc, start=1, limit=2).data
    assert [p["content"] for p in page["list"]] == ["p3", "p2"] and page["num"] == 2
    assert list_posts(cdc, start=10).data == {"num": 0, "list": []}


@pytest.mark.parametrize("data", [{"latitude": 91, "longitude": 120}, {"latitude": 30, "longitude": "120"},
                                  {"latitude": 30, "longitude": 120, "limit": -1}])
def test_list_with_bad_values_is_minus_2(cdc, data):
    assert cdc.call("community", "list", data).status == -2


def test_update_changes_content_and_item_and_update_time(make_client):
    now = [datetime(2026, 3, 1, tzinfo=timezone.utc)]
    cdc = CdcClient(make_client("cdc-python", validate_responses=True, clock=lambda: now[0]))
    publish(cdc, "旧内容")
    now[0] += timedelta(hours=1)
    answer = cdc.call("community", "update", {"community_id": 1, "content": "新内容", "item_id": MASK_ITEM})
    assert answer.status == 0 and answer.data == {}
    post = list_posts(cdc).data["list"][0]
    assert post["content"] == "新内容" and post["item"]["id"] == "3990811"
    assert post["update_time"] - post["add_time"] == 3600
    cdc.call("community", "update", {"community_id": 1, "item_id": None})
    assert list_posts(cdc).data["list"][0]["item"] is None


def test_update_of_an_unknown_or_someone_elses_post_is_100(cdc):
    publish(cdc, "mine", user="wlc")
    for user, community_id in (("wlc", 99), ("13750687010", 1)):
        answer = cdc.call("community", "update", {"community_id": community_id, "content": "x"}, user=user)
        assert (answer.status, answer.body["message"]) == (100, "Error community id")


def test_update_with_an_unknown_item_is_101_and_changes_nothing(cdc):
    publish(cdc, "mine")
    answer = cdc.call("community", "update", {"community_id": 1, "content": "x", "item_id": "42"})
    assert (answer.status, answer.body["message"]) == (101, "Error item id")
    assert list_posts(cdc).data["list"][0]["content"] == "mine"


def test_delete_removes_the_post(cdc):
    publish(cdc, "a")
    publish(cdc, "b")
    assert cdc.call("community", "delete", {"community_id": 1}).data == {}
    assert [p["content"] for p in list_posts(cdc).data["list"]] == ["b"]


def test_delete_of_an_unknown_or_someone_elses_post_is_100(cdc):
    publish(cdc, "mine")
    assert cdc.call("community", "delete", {"community_id": 1}, user="13750687010").status == 100
    assert cdc.call("community", "delete", {"community_id": 7}).status == 100
    cdc.call("community", "delete", {"community_id": 1})
    answer = cdc.call("community", "delete", {"community_id": 1})
    assert (answer.status, answer.body["message"]) == (100, "Error community id")
