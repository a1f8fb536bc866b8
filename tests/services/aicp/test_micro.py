"""Section 7: the face micro-services, on the Koala engine, behind the ``token`` header."""

from __future__ import annotations

import base64

import pytest

from tests.services.aicp.conftest import ADMIN_TOKEN, image

SERVER_ERROR = {"flag": False, "resultCode": 1, "message": "服务端报错", "data": None}
FEATURE_FAILED = "80018,extract feature decode pictrue! get feature failed"
IMAGE_INVALID = "Base64编码错误或图片原始数据错误或特征图片都为空"


def test_a_base_is_created_once_listed_and_deleted(aicp):
    created = aicp.add_base("200000", "sitechTest2")
    assert len(created["personDbLib"]) == 32 and created["dbName"] == "sitechTest2"
    assert created["dbDesc"] == "This is sitechTest"
    assert aicp.micro("/aicp/face/addBase", {"groupId": "200000", "dbName": "again"}).get_json() == SERVER_ERROR
    records = aicp.micro("/aicp/face/queryBaseAll", {"pageNo": "1", "pageSize": "20"}).get_json()["data"]["records"]
    assert [r["personDbLib"] for r in records if r["dbName"] == "sitechTest2"] == [created["personDbLib"]]
    assert all(isinstance(r["id"], int) for r in records)
    assert aicp.micro("/aicp/face/deleteBase", {"groupId": "200000"}).get_json()["data"] == {"message": "ok"}
    assert aicp.micro("/aicp/face/deleteBase", {"groupId": "200000"}).get_json() == SERVER_ERROR


def test_query_base_all_pages(aicp):
    for n in range(5):
        aicp.add_base(f"g{n}", f"base{n}")
    everything = aicp.micro("/aicp/face/queryBaseAll", {"pageNo": 1, "pageSize": 100}).get_json()["data"]["records"]
    page2 = aicp.micro("/aicp/face/queryBaseAll", {"pageNo": "2", "pageSize": "2"}).get_json()["data"]["records"]
    assert page2 == everything[2:4]


@pytest.mark.parametrize("page", [{"pageNo": "0", "pageSize": "20"}, {"pageNo": "x", "pageSize": "20"}, {"pageNo": "1", "pageSize": "-1"}])
def test_query_base_all_with_a_bad_page_is_a_server_error(aicp, page):
    assert aicp.micro("/aicp/face/queryBaseAll", page).get_json() == SERVER_ERROR


def test_face_add_answers_a_person_number_and_a_photo_url_that_works(aicp):
    aicp.add_base()
    data = aicp.micro("/aicp/face/add", {"groupId": "200000", "image": image("alice_1.jpg"), "name": "客户姓名"}).get_json()["data"]
    assert len(data["personNo"]) == 32
    assert data["url"].startswith(f"http://127.0.0.1:{aicp.port('micro')}/group1/default/") and data["url"].endswith("?download=0")
    photo = aicp.get("micro", data["url"].split(str(aicp.port("micro")), 1)[1].split("?")[0])
    assert photo.status_code == 200 and photo.data == base64.b64decode(image("alice_1.jpg"))


def test_face_add_needs_an_existing_base(aicp):
    body = aicp.micro("/aicp/face/add", {"groupId": "nobase", "image": image("alice_1.jpg")}).get_json()
    assert body == SERVER_ERROR


@pytest.mark.parametrize("picture", ["no_face.png", "not_an_image.txt"])
def test_face_add_without_a_usable_face_is_80018(aicp, picture):
    aicp.add_base()
    body = aicp.micro("/aicp/face/add", {"groupId": "200000", "image": image(picture)}).get_json()
    assert body == {"flag": False, "resultCode": 1, "message": FEATURE_FAILED, "data": None}


def test_recognition_finds_the_enrolled_person_with_a_koala_face_id(aicp):
    aicp.add_base()
    alice = aicp.enrol_micro("alice_1.jpg")
    aicp.enrol_micro("bob.jpg")
    records = aicp.micro("/aicp/face/recognition", {"groupId": "200000", "image": image("alice_2.png")}).get_json()["data"]["records"]
    assert [r["personNo"] for r in records] == [alice]
    assert records[0]["faceId"] == f"koala-{alice}-" and 90 <= records[0]["score"] <= 100
    assert len(records[0]["id"]) == 19


def test_recognition_of_a_stranger_has_no_records(aicp):
    aicp.add_base()
    aicp.enrol_micro("alice_1.jpg")
    assert aicp.micro("/aicp/face/recognition", {"groupId": "200000", "image": image("bob.jpg")}).get_json()["data"] == {"records": []}


def test_recognition_failures(aicp):
    aicp.add_base()
    assert aicp.micro("/aicp/face/recognition", {"groupId": "200000", "image": image("no_face.png")}).get_json()["message"] == IMAGE_INVALID
    assert aicp.micro("/aicp/face/recognition", {"groupId": "other", "image": image("alice_1.jpg")}).get_json() == SERVER_ERROR


def test_couple_scores_in_percent(aicp):
    same = aicp.micro("/aicp/face/couple", {"imageA": image("alice_1.jpg"), "imageB": image("alice_2.png")}).get_json()["data"]
    other = aicp.micro("/aicp/face/couple", {"imageA": image("alice_1.jpg"), "imageB": image("bob.jpg")}).get_json()["data"]
    assert same["msg"] == "ok" and float(same["score"]) >= 90
    assert other["msg"] == "no" and float(other["score"]) < 80
    bad = aicp.micro("/aicp/face/couple", {"imageA": image("alice_1.jpg"), "imageB": image("no_face.png")}).get_json()
    assert bad["message"] == IMAGE_INVALID


def test_remove_and_query_a_person(aicp):
    aicp.add_base()
    person = aicp.enrol_micro("alice_1.jpg")
    query = aicp.micro("/aicp/face/query", {"groupId": "200000", "userId": person}).get_json()["data"]
    assert query["personID"] == person
    photo_path, photo_query = query["faceDBURL"].split(str(aicp.port("micro")), 1)[1].split("?")
    assert aicp.get("micro", photo_path, query=dict(p.split("=") for p in photo_query.split("&"))).status_code == 200
    assert aicp.micro("/aicp/face/remove", {"groupId": "200000", "userId": person}).get_json()["data"] == {"request": "Request successful"}
    again = aicp.micro("/aicp/face/remove", {"groupId": "200000", "userId": person}).get_json()
    assert again["message"] == f"人脸库[200000]删除人脸[{person}]错误,错误信息[人脸不存在]"
    assert aicp.micro("/aicp/face/query", {"groupId": "200000", "userId": person}).get_json()["message"] == "查询人脸错误,错误信息[record not found]"


def test_quality_reports_five_checks(aicp):
    good = aicp.micro("/aicp/face/quality", {"image": image("alice_1.jpg")}).get_json()["data"]
    masked = aicp.micro("/aicp/face/quality", {"image": image("masked.jpg")}).get_json()["data"]
    two = aicp.micro("/aicp/face/quality", {"image": image("two_faces.png")}).get_json()["data"]
    assert len(good["qualities"]) == 5 and good["qualities"][0] == 1
    assert (good["qualityFlag"] == "Y") == (good["qualities"] == [1, 1, 0, 0, 0])
    assert masked["qualities"][2] == 1 and masked["qualityFlag"] == "N"
    assert two["qualities"][3] == 1 and two["qualityFlag"] == "N"
    assert aicp.micro("/aicp/face/quality", {"image": image("no_face.png")}).get_json()["message"] == FEATURE_FAILED


def test_detect_boxes_every_face_inside_the_image(aicp):
    from PIL import Image
    import io

    records = aicp.micro("/aicp/face/detect", {"image": image("two_faces.png")}).get_json()["data"]["records"]
    width, height = Image.open(io.BytesIO(base64.b64decode(image("two_faces.png")))).size
    assert len(records) == 1 and len(records[0]) == 2
    for box in records[0]:
        assert 0 <= box["x"] and box["x"] + box["width"] <= width and 0 <= box["y"] and box["y"] + box["height"] <= height
    assert aicp.micro("/aicp/face/detect", {"image": image("no_face.png")}).get_json()["message"] == FEATURE_FAILED


def test_m_to_n_recognises_every_face_in_one_base_or_all(aicp):
    aicp.add_base("A")
    aicp.add_base("B")
    aicp.enrol_micro("alice_1.jpg", group_id="A")
    aicp.enrol_micro("bob.jpg", group_id="B")
    everywhere = aicp.micro("/aicp/face/recognitionmn", {"image": image("two_faces.png")}).get_json()["data"]["records"]
    assert len(everywhere) == 2  # one list per face found
    only_a = aicp.micro("/aicp/face/recognitionmn", {"image": image("alice_2.png"), "groupId": "A"}).get_json()["data"]["records"]
    assert len(only_a) == 1 and len(only_a[0]) == 1
    assert aicp.micro("/aicp/face/recognitionmn", {"image": image("alice_2.png"), "groupId": "B"}).get_json()["data"]["records"] == [[]]
    assert aicp.micro("/aicp/face/recognitionmn", {"image": image("alice_2.png"), "groupId": "C"}).get_json()["message"] == "服务端报错"
    assert aicp.micro("/aicp/face/recognitionmn", {"image": image("no_face.png")}).get_json()["message"] == FEATURE_FAILED


def test_micro_services_refuse_calls_without_a_valid_token(aicp):
    body = {"groupId": "1", "dbName": "x"}
    assert aicp.post("micro", "/aicp/face/addBase", body).get_json()["message"] == "token不能为空"
    assert aicp.post("micro", "/aicp/face/addBase", body, token="").get_json()["message"] == "token不能为空"
    assert aicp.post("micro", "/aicp/face/addBase", body, token="abc").get_json()["message"] == "token无效"
    assert aicp.post("micro", "/aicp/face/addBase", body, token="DU/mHOzoR4it4ljQFugDcA==").get_json()["message"] == "token无效"


def test_a_token_without_the_face_capability_is_refused(aicp):
    grant = aicp.post("authorize", "/authorize/grantAuthorize", {"appId": "stats-only", "dueTime": "2099-01-01 00:00:00",
                                                                 "capabilityIdArray": ["C10000000002"]}, token=ADMIN_TOKEN)
    token = grant.get_json()["data"]["token"]
    refused = aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token=token).get_json()
    assert refused == {"flag": False, "resultCode": 1, "message": "未授权该能力", "data": None}
    counted = aicp.post("micro-stats", "/method/call", {}, token=token).get_json()
    assert counted["flag"] is True


def test_an_expired_token_is_refused(aicp):
    token = aicp.post("authorize", "/authorize/grantAuthorize", {"appId": "old", "dueTime": "2020-11-11 00:00:00",
                                                                 "capabilityIdArray": ["C10000000001"]}, token=ADMIN_TOKEN).get_json()["data"]["token"]
    assert aicp.micro("/aicp/face/detect", {"image": image("alice_1.jpg")}, token=token).get_json()["message"] == "授权已过期"
