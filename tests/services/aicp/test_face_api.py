"""Sections 2 and 3: the old and new face APIs share one face library on one back end."""

from __future__ import annotations

import base64
import struct

import pytest

from tests.services.aicp.conftest import image

FEATURE_FAILED = "80018,extract feature decode pictrue! get feature failed"
IMAGE_INVALID = "Base64编码错误或图片原始数据错误或特征图片都为空"

ENTRY = {"old-api": "/interactiveability/face/faceentry", "new-api": "/aicp/face/add"}
RECOGNITION = {"old-api": "/InteractiveAbility/face/FaceRecognition", "new-api": "/aicp/face/recognition"}


def enrol(aicp, dep="new-api", picture="alice_1.jpg", group="200000", **fields):
    body = {"groupId": group, "image": image(picture), **fields}
    return aicp.post(dep, ENTRY[dep], body)


@pytest.mark.parametrize("dep", ["old-api", "new-api"])
def test_enrolment_answers_a_19_digit_person_id_with_the_documents_message(aicp, dep):
    body = enrol(aicp, dep).get_json()
    assert body["flag"] is True and body["message"] == "人脸录入成功"
    assert len(body["data"]["personID"]) == 19 and body["data"]["personID"].isdigit()
    assert ("resultCode" in body) == (dep == "old-api")  # section 3 drops resultCode


@pytest.mark.parametrize("dep", ["old-api", "new-api"])
@pytest.mark.parametrize("picture", ["no_face.png", "not_an_image.txt", "truncated.jpg"])
def test_enrolment_without_a_usable_face_is_80018(aicp, dep, picture):
    body = aicp.post(dep, ENTRY[dep], {"groupId": "1", "image": image(picture)}).get_json()
    assert body["flag"] is False and body["message"] == FEATURE_FAILED and body["data"] is None
    assert body.get("resultCode") == (1 if dep == "old-api" else None)


def test_enrolment_refuses_images_over_2mb_of_base64(aicp):
    huge = base64.b64encode(b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024)).decode()
    assert aicp.post("new-api", "/aicp/face/add", {"groupId": "1", "image": huge}).get_json()["message"] == FEATURE_FAILED


def test_the_curl_samples_snake_case_fields_are_bound_too(aicp):
    enrol(aicp, "old-api", cust_name="客户姓名", id_iccid="220112****0551", cust_id="119020199000", sex=1, type=1)
    data = aicp.post("old-api", RECOGNITION["old-api"], {"groupId": "200000", "image": image("alice_2.png")}).get_json()["data"]
    info = data["personinfo"]
    assert (info["name"], info["idIccid"], info["custId"]) == ("客户姓名", "220112****0551", "119020199000")
    assert (info["sexCN"], info["typeCN"]) == ("男", "运营商")


@pytest.mark.parametrize("enrol_on, search_on", [("old-api", "new-api"), ("new-api", "old-api")])
def test_a_person_enrolled_on_one_api_is_recognised_on_the_other(aicp, enrol_on, search_on):
    person = enrol(aicp, enrol_on, name="客户姓名", sex=2, birthday=20190601, province="吉林").get_json()["data"]["personID"]
    body = aicp.post(search_on, RECOGNITION[search_on], {"groupId": "200000", "image": image("alice_2.png")}).get_json()
    data = body["data"]
    assert data["faceFlag"] == "Y" and data["personID"] == person
    assert float(data["similarity"]) >= 0.9
    assert data["personinfo"]["personId"] == person and data["personinfo"]["sexCN"] == "女"
    assert data["personinfo"]["birthday"] == 20190601


def test_a_person_enrolled_with_only_a_resident_id_keeps_the_sex_and_birthday_it_encodes(aicp):
    enrol(aicp, "new-api", name="王凌超", idIccid="33108219991127089X")  # 17th digit 9: male; born 1999-11-27
    info = aicp.post("new-api", RECOGNITION["new-api"], {"groupId": "200000", "image": image("alice_2.png")}
                     ).get_json()["data"]["personinfo"]
    assert (info["idIccid"], info["sex"], info["sexCN"], info["birthday"]) == ("33108219991127089X", 1, "男", 19991127)


def test_what_the_client_enrolled_wins_over_what_the_id_number_says(aicp):
    enrol(aicp, "new-api", idIccid="33108219991127089X", sex=2, birthday=20000101)
    info = aicp.post("new-api", RECOGNITION["new-api"], {"groupId": "200000", "image": image("alice_2.png")}
                     ).get_json()["data"]["personinfo"]
    assert (info["sex"], info["sexCN"], info["birthday"]) == (2, "女", 20000101)


def test_recognition_of_a_stranger_answers_faceflag_n_without_a_person(aicp):
    enrol(aicp)
    data = aicp.post("new-api", "/aicp/face/recognition", {"groupId": "200000", "image": image("bob.jpg")}).get_json()["data"]
    assert data["faceFlag"] == "N" and data["personID"] is None and data["personinfo"] is None
    assert float(data["similarity"]) < 0.8


def test_recognition_only_searches_the_given_group(aicp):
    enrol(aicp, group="A")
    data = aicp.post("new-api", "/aicp/face/recognition", {"groupId": "B", "image": image("alice_2.png")}).get_json()["data"]
    assert data["faceFlag"] == "N"


@pytest.mark.parametrize("dep", ["old-api", "new-api"])
@pytest.mark.parametrize("picture", ["no_face.png", "not_an_image.txt"])
def test_recognition_with_an_unusable_image_is_the_documents_base64_error(aicp, dep, picture):
    body = aicp.post(dep, RECOGNITION[dep], {"groupId": "1", "image": image(picture)}).get_json()
    assert body["flag"] is False and body["message"] == IMAGE_INVALID


def test_recognition_with_an_empty_image_is_the_base64_error(aicp):
    assert aicp.post("new-api", "/aicp/face/recognition", {"groupId": "1", "image": ""}).get_json()["message"] == IMAGE_INVALID


def test_old_comparison_takes_an_array_of_two_images(aicp):
    same = aicp.post("old-api", "/InteractiveAbility/face/personwitnessratio",
                     [{"image": image("alice_1.jpg")}, {"image": image("alice_2.png")}]).get_json()
    other = aicp.post("old-api", "/InteractiveAbility/face/personwitnessratio",
                      [{"image": image("alice_1.jpg")}, {"image": image("bob.jpg")}]).get_json()
    assert same["data"]["onePerson"] == "true" and float(same["data"]["similarity"]) >= 0.9
    assert other["data"]["onePerson"] == "false" and float(other["data"]["similarity"]) < 0.8
    assert len(same["data"]["similarity"].split(".")[1]) == 4  # "0.9444"


def test_new_comparison_takes_image_a_and_image_b(aicp):
    body = aicp.post("new-api", "/aicp/face/couple", {"imageA": image("alice_1.jpg"), "imageB": image("alice_2.png")}).get_json()
    assert body == {"flag": True, "message": "系统处理正常", "data": {"onePerson": "true", "similarity": body["data"]["similarity"]}}


@pytest.mark.parametrize("images", [("alice_1.jpg", "no_face.png"), ("not_an_image.txt", "alice_1.jpg")])
def test_comparison_with_an_unusable_image_is_the_base64_error(aicp, images):
    a, b = images
    assert aicp.post("new-api", "/aicp/face/couple", {"imageA": image(a), "imageB": image(b)}).get_json()["message"] == IMAGE_INVALID
    old = aicp.post("old-api", "/InteractiveAbility/face/personwitnessratio", [{"image": image(a)}, {"image": image(b)}])
    assert old.get_json()["message"] == IMAGE_INVALID


def test_old_comparison_with_one_image_is_refused_by_validation(aicp):
    body = aicp.post("old-api", "/InteractiveAbility/face/personwitnessratio", [{"image": image("alice_1.jpg")}]).get_json()
    assert body == {"flag": False, "resultCode": 1, "message": "运行时出错!", "data": None}


def test_remove_then_query_and_recognise_no_longer_find_the_person(aicp):
    person = enrol(aicp).get_json()["data"]["personID"]
    query = aicp.post("new-api", "/aicp/face/query", {"groupId": "200000", "userId": person}).get_json()
    assert query["data"]["personID"] == person and query["data"]["faceId"].isdigit()
    removed = aicp.post("new-api", "/aicp/face/remove", {"groupId": "200000", "userId": person}).get_json()
    assert removed == {"flag": True, "message": "系统处理正常", "data": {"personID": person}}
    again = aicp.post("new-api", "/aicp/face/remove", {"groupId": "200000", "userId": person}).get_json()
    assert again["message"] == f"人脸库[200000]删除人脸[{person}]错误,错误信息[人脸不存在]"
    gone = aicp.post("new-api", "/aicp/face/query", {"groupId": "200000", "userId": person}).get_json()
    assert gone == {"flag": False, "message": "查询人脸错误,错误信息[record not found]", "data": None}
    data = aicp.post("new-api", "/aicp/face/recognition", {"groupId": "200000", "image": image("alice_2.png")}).get_json()["data"]
    assert data["faceFlag"] == "N"


def test_query_links_to_the_stored_photo_on_the_simulator(aicp):
    person = enrol(aicp).get_json()["data"]["personID"]
    url = aicp.post("new-api", "/aicp/face/query", {"groupId": "200000", "userId": person}).get_json()["data"]["faceDBURL"]
    assert url.startswith(f"http://127.0.0.1:{aicp.port('new-api')}/face/getimage?app_id=system&app_secret=12345&groupId=200000&faceId=")
    path, query = url.split(str(aicp.port("new-api")), 1)[1].split("?")
    photo = aicp.get("new-api", path, query=dict(p.split("=") for p in query.split("&")))
    assert photo.status_code == 200 and photo.data == base64.b64decode(image("alice_1.jpg"))
    assert photo.headers["Content-Type"] == "image/jpeg"


def test_recognition_image_url_serves_the_enrolment_photo(aicp):
    enrol(aicp, "old-api", picture="alice_2.png")
    info = aicp.post("old-api", RECOGNITION["old-api"], {"groupId": "200000", "image": image("alice_1.jpg")}).get_json()["data"]["personinfo"]
    assert info["imageUrl"].endswith(f"/{info['personId']}.png")
    photo = aicp.get("old-api", info["imageUrl"].split(str(aicp.port("old-api")), 1)[1])
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/png"


def test_a_missing_photo_is_springs_404(aicp):
    body = aicp.get("new-api", "/person/20200101/1.png").get_json()
    assert body["status"] == 404 and body["error"] == "Not Found" and body["path"] == "/person/20200101/1.png"


def test_quality_scores_the_face_and_returns_its_feature(aicp):
    data = aicp.post("new-api", "/aicp/face/quality", {"image": image("alice_1.jpg")}).get_json()["data"]
    assert data["qualityFlag"] in ("Y", "N") and 0 < float(data["qualityScores"]) <= 1
    assert (data["qualityFlag"] == "Y") == (float(data["qualityScores"]) >= 0.7)
    feature = base64.b64decode(data["feature"])
    assert len(struct.unpack(f"<{len(feature) // 4}f", feature)) == 1024


def test_quality_of_a_photo_of_a_photo_is_low(aicp):
    data = aicp.post("new-api", "/aicp/face/quality", {"image": image("photo_not_live.jpg")}).get_json()["data"]
    assert data["qualityFlag"] == "N" and float(data["qualityScores"]) < 0.7


def test_quality_without_a_face_is_80018(aicp):
    assert aicp.post("new-api", "/aicp/face/quality", {"image": image("no_face.png")}).get_json()["message"] == FEATURE_FAILED


@pytest.mark.parametrize("dep, path", [("new-api", "/aicp/face/remove"), ("new-api", "/aicp/face/query"),
                                       ("old-api", "/InteractiveAbility/face/FaceRecognition")])
def test_a_missing_parameter_is_the_platforms_runtime_error(aicp, dep, path):
    body = aicp.post(dep, path, {"image": image("alice_1.jpg")}).get_json()
    assert body["flag"] is False and body["message"] == "运行时出错!"


def test_an_unreadable_body_is_springs_400(aicp):
    response = aicp.post("new-api", "/aicp/face/add", data="{not json")
    body = response.get_json()
    assert response.status_code == 400 and body["status"] == 400 and body["error"] == "Bad Request"
    assert body["path"] == "/aicp/face/add"


@pytest.mark.parametrize("path", ["/interactiveability/face/faceentry", "/InteractiveAbility/face/FaceEntry",
                                  "/InteractiveAbility/face/faceentry"])
def test_every_spelling_of_the_old_entry_url_the_document_uses_is_served(aicp, path):
    """The URL line, the curl sample and the old-API base plus the URL line's rest (see x-doc-errata)."""
    response = aicp.post("old-api", path, {"groupId": "200000", "image": image("alice_1.jpg"), "name": "客户"})
    assert response.status_code == 200 and response.get_json()["flag"] is True


def test_a_spelling_the_document_never_uses_is_not_found(aicp):
    """Spring matches paths case-sensitively: only the document's spellings exist."""
    response = aicp.post("old-api", "/INTERACTIVEABILITY/FACE/FACEENTRY", {"groupId": "1", "image": image("alice_1.jpg")})
    assert response.status_code == 404 and response.get_json()["error"] == "Not Found"


def test_the_shared_original_host_reaches_each_api_by_its_path(aicp):
    # The document's host, taken from the contract (addresses never appear in test code).
    host = aicp.contract.deployment("new-api").original_host
    assert host == aicp.contract.deployment("old-api").original_host
    headers = {"Host": host}
    new = aicp.client.post("/aicp/face/add", json={"groupId": "1", "image": image("alice_1.jpg")}, headers=headers).get_json()
    old = aicp.client.post("/interactiveability/face/faceentry", json={"groupId": "1", "image": image("alice_1.jpg")},
                           headers=headers).get_json()
    assert "resultCode" not in new and old["resultCode"] == 0
