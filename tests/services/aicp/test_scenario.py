"""The issue's end-to-end scenario, through HTTP on the right deployments."""

from __future__ import annotations

from tests.services.aicp.conftest import ADMIN_TOKEN, image


def test_grant_enrol_recognise_compare_remove_then_see_the_calls_counted(aicp):
    # 1. Grant a token for the face micro-services and their statistics.
    grant = aicp.post("authorize", "/authorize/grantAuthorize",
                      {"appId": "scenario", "dueTime": "2026-12-31 23:59:59",
                       "capabilityIdArray": ["C10000000001,C10000000002"]}, token=ADMIN_TOKEN).get_json()
    token = grant["data"]["token"]

    def micro(path, body):
        answer = aicp.post("micro", path, body, token=token).get_json()
        assert answer["flag"] is True, answer
        return answer["data"]

    # 2. Create a base and add two people.
    base = micro("/aicp/face/addBase", {"groupId": "300000", "dbName": "scenario", "dbDesc": "two people"})
    alice = micro("/aicp/face/add", {"groupId": "300000", "image": image("alice_1.jpg"), "name": "Alice"})["personNo"]
    bob = micro("/aicp/face/add", {"groupId": "300000", "image": image("bob.jpg"), "name": "Bob"})["personNo"]
    assert len(base["personDbLib"]) == 32 and alice != bob

    # 3. Recognise one of them in a different photo.
    found = micro("/aicp/face/recognition", {"groupId": "300000", "image": image("alice_2.png")})["records"]
    assert [r["personNo"] for r in found] == [alice]

    # 4. Compare two images.
    assert micro("/aicp/face/couple", {"imageA": image("alice_1.jpg"), "imageB": image("alice_2.png")})["msg"] == "ok"

    # 5. Remove one; the other is still there, the removed one no longer found.
    micro("/aicp/face/remove", {"groupId": "300000", "userId": alice})
    assert micro("/aicp/face/recognition", {"groupId": "300000", "image": image("alice_2.png")})["records"] == []
    assert [r["personNo"] for r in micro("/aicp/face/recognition", {"groupId": "300000", "image": image("bob.jpg")})["records"]] == [bob]

    # 6. The statistics count exactly those calls (today, Beijing time), on the micro-service statistics.
    stats = aicp.post("micro-stats", "/method/call", {"timeBefore": "2026-03-01", "timeAfter": "2026-03-01"},
                      token=token).get_json()
    counts = {row["methodName"]: int(row["count"]) for row in stats["data"]}
    assert counts == {"addBase": 1, "faceEntry": 2, "faceRecognition": 3, "personWitnessRatio": 1, "faceDelete": 1}
    chart = aicp.post("micro-stats", "/method/call/getChartByDay", {"time": "2026-03"}, token=token).get_json()["data"]
    today = {s[0]["methodName"]: s for s in chart}
    assert today["faceRecognition"][-1] == {**today["faceRecognition"][-1], "day": "2026-03-01", "count": "3", "total": "31"}
    # The Koala engine sees the base and the one person left in it.
    koala = aicp.post("koala", "/face-api/facehub/statgroup", {"group_id_list": "300000"}).get_json()
    assert koala["300000"]["user_num"] == 1 and koala["300000"]["face_num"] == 1
