"""Sections 5 and 8: statistics computed from the calls the simulator answered."""

from __future__ import annotations

import pytest

from tests.services.aicp.conftest import ADMIN_TOKEN, image

SNAKE = {"traceid", "username", "visitip", "visittime", "visitdesc", "visiturl", "costtime", "visitresult", "visitcode",
         "visitmsg", "visitsource", "methodname", "callcount", "end", "day", "begin", "total", "count"}


def stats(aicp, path, body=None, scope="ops-stats"):
    token = ADMIN_TOKEN if scope == "micro-stats" else None
    response = aicp.post(scope, path, body if body is not None else {}, token=token)
    assert response.status_code == 200
    return response.get_json()


def today(aicp, path, scope="ops-stats", **extra):
    return stats(aicp, path, {"timeBefore": "2026-03-01", "timeAfter": "2026-03-01", **extra}, scope)["data"]


def recognise(aicp, dep="new-api"):
    path = "/aicp/face/recognition" if dep == "new-api" else "/InteractiveAbility/face/FaceRecognition"
    aicp.post(dep, path, {"groupId": "1", "image": image("alice_1.jpg")})


def test_a_fresh_simulator_has_history_to_show(aicp):
    body = stats(aicp, "/method/call")
    assert body["flag"] is True and "resultCode" not in body
    assert sum(int(row["count"]) for row in body["data"]) > 50
    assert set(body["data"][0]) == SNAKE and body["data"][0]["visitsource"] == "人脸识别(云从)"


def test_calls_on_both_old_and_new_api_are_counted_today(aicp):
    assert today(aicp, "/method/call") == []
    recognise(aicp, "new-api")
    recognise(aicp, "old-api")
    aicp.post("new-api", "/aicp/face/quality", {"image": image("no_face.png")})  # failures count too
    rows = {row["methodname"]: row for row in today(aicp, "/method/call")}
    assert rows["faceRecognition"]["count"] == "2" and rows["faceRecognition"]["visitmsg"] == "人脸识别"
    assert rows["imageQualityScores"]["count"] == "1"
    assert rows["faceRecognition"]["day"] == "2026-03-01 16:00:00"  # the latest call, Beijing time
    assert isinstance(rows["faceRecognition"]["costtime"], int)


def test_call_name_filters_by_the_methods_chinese_name(aicp):
    recognise(aicp)
    aicp.post("new-api", "/aicp/face/quality", {"image": image("alice_1.jpg")})
    rows = today(aicp, "/method/call", call_Name="人脸识别")
    assert [row["methodname"] for row in rows] == ["faceRecognition"]


def test_by_day_week_and_month_periods(aicp):
    recognise(aicp)
    day = today(aicp, "/method/call/getMethodCountByDay")[0]
    week = today(aicp, "/method/call/getMethodCountByWeek")[0]
    month = today(aicp, "/method/call/getMethodCountByMonth")[0]
    assert (day["begin"], day["end"], day["day"]) == ("2026-03-01", "2026-03-02", "2026-03-01~~~2026-03-02")
    assert (week["begin"], week["end"]) == ("2026-02-23", "2026-03-01")  # Monday to Sunday
    assert (month["begin"], month["end"], month["day"]) == ("2026-03-01", "2026-03-31", "2026-03-01~~~2026-03-31")


def test_history_groups_add_up_whatever_the_period(aicp):
    period = {"timeBefore": "2026-01-01", "timeAfter": "2026-02-28"}
    total = sum(int(r["count"]) for r in stats(aicp, "/method/call", period)["data"])
    for path in ("/method/call/getMethodCountByDay", "/method/call/getMethodCountByWeek", "/method/call/getMethodCountByMonth"):
        assert sum(int(r["count"]) for r in stats(aicp, path, period)["data"]) == total
    assert len(stats(aicp, "/method/call/all", period)["data"]) == total


def test_chart_by_day_has_a_series_per_method_and_the_months_length(aicp):
    recognise(aicp)
    series = stats(aicp, "/method/call/getChartByDay", {"time": "2026-03"})["data"]
    recognition = next(s for s in series if s[0]["methodname"] == "faceRecognition")
    assert recognition == [{**recognition[0], "day": "2026-03-01", "total": "31", "count": "1"}]
    february = stats(aicp, "/method/call/getChartByDay", {"time": "2026-02"})["data"]
    assert all(point["total"] == "28" and point["day"].startswith("2026-02") for s in february for point in s)


def test_chart_by_month_has_a_point_per_month(aicp):
    series = stats(aicp, "/method/call/getChartByMonth", {"year": "2026"})["data"]
    months = {point["day"] for s in series for point in s}
    assert months <= {"2026-01", "2026-02", "2026-03"} and "2026-02" in months
    assert stats(aicp, "/method/call/getChartByMonth", {"year": "2019"})["data"] == []


def test_cost_time_lists_every_call_newest_first(aicp):
    recognise(aicp)
    rows = stats(aicp, "/method/call/all", {})["data"]
    assert rows[0]["day"] == "2026-03-01 16:00:00" and rows[0]["count"] == "1"
    assert [r["day"] for r in rows] == sorted((r["day"] for r in rows), reverse=True)


@pytest.mark.parametrize("path, body", [("/method/call", {"timeBefore": "yesterday"}),
                                        ("/method/call/getChartByDay", {"time": "2026-13"}),
                                        ("/method/call/getChartByMonth", {"year": "twenty"})])
def test_an_unreadable_period_is_the_runtime_error(aicp, path, body):
    assert stats(aicp, path, body) == {"flag": False, "message": "运行时出错!", "data": None}


def test_micro_statistics_count_micro_service_calls_in_camel_case(aicp):
    aicp.add_base()
    aicp.micro("/aicp/face/recognition", {"groupId": "200000", "image": image("alice_1.jpg")})
    recognise(aicp)  # an old/new API call: not a micro-service call
    body = stats(aicp, "/method/call", {"timeBefore": "2026-03-01", "timeAfter": "2026-03-01"}, "micro-stats")
    assert body["resultCode"] == 0
    rows = {row["methodName"]: row for row in body["data"]}
    assert set(rows) == {"addBase", "faceRecognition"} and rows["faceRecognition"]["count"] == "1"
    assert "costTime" in rows["addBase"] and "visitMsg" in rows["addBase"]


def test_refused_tokens_are_not_counted(aicp):
    aicp.post("micro", "/aicp/face/detect", {"image": image("alice_1.jpg")})  # no token
    assert stats(aicp, "/method/call", {"timeBefore": "2026-03-01", "timeAfter": "2026-03-01"}, "micro-stats")["data"] == []


def test_micro_statistics_need_a_token_except_the_cost_time_query(aicp):
    assert aicp.post("micro-stats", "/method/call", {}).get_json()["message"] == "token不能为空"
    assert aicp.post("micro-stats", "/method/call/all", {}).get_json()["flag"] is True


def test_the_history_is_the_same_for_the_same_seed_and_day(make_client):
    def first_rows(seed):
        client = make_client("aicp", seed=seed)
        port = client.simulator.port_of(client.simulator.contracts["aicp"].deployment("ops-stats"))
        return client.post("/method/call/all", json={}, environ_overrides={"SERVER_PORT": str(port)}).get_json()["data"][:5]

    assert first_rows(3) == first_rows(3)
    assert first_rows(3) != first_rows(4)


def test_the_documents_example_period_shows_calls(aicp):
    """Replaying the document's example (2020-01-01 to 2020-03-03) shows seeded calls, not []."""
    answer = aicp.post("ops-stats", "/method/call",
                       {"call_Name": "人脸识别", "timeBefore": "2020-01-01", "timeAfter": "2020-03-03"}).get_json()
    assert answer["flag"] is True and answer["data"], answer
