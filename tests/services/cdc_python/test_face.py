"""Face register / find / verify / mask, driven by the face model through tagged images."""

from __future__ import annotations

import pytest

from tests.services.cdc_python.conftest import ALICE_ID, real_name

BOB_ID = "110101199003070011"


def register(cdc, image, user="wlc", **extra):
    return cdc.op("face_register", {"base64": image, **extra}, user=user)


@pytest.fixture
def alice_registered(cdc, face_image):
    real_name(cdc, "wlc")
    assert register(cdc, face_image("faces=1 person=alice"), content="人脸数据描述").data == {"face_id": ALICE_ID}
    return cdc


# --- register ----------------------------------------------------------------------------------

def test_register_needs_real_name_auth_first(cdc, face_image):
    answer = register(cdc, face_image())
    assert (answer.status, answer.body["message"]) == (100, "No Permission Operate")


def test_register_into_an_unknown_group_is_100(cdc, face_image):
    real_name(cdc)
    answer = register(cdc, face_image(), db=9)
    assert (answer.status, answer.body["message"]) == (100, "Faces group not exist")


@pytest.mark.parametrize("tag,status,message", [
    ("faces=0", 102, "No face data in base64"),
    ("faces=2 person=alice,bob", 103, "Too much face data in base64"),
    ("faces=1 person=alice mask=1", 104, "No mask on the face"),
])
def test_register_refuses_images_without_exactly_one_bare_face(cdc, face_image, tag, status, message):
    real_name(cdc)
    answer = register(cdc, face_image(tag))
    assert (answer.status, answer.body["message"]) == (status, message)
    assert cdc.op("face_verify", {"base64": face_image()}).status == 100  # nothing was registered


@pytest.mark.parametrize("text", ["sdfj32...", "aGVsbG8gd29ybGQ="])
def test_register_of_text_that_is_no_image_is_101(cdc, text):
    real_name(cdc)
    answer = register(cdc, text)
    assert (answer.status, answer.body["message"]) == (101, "Register face failed")


def test_register_db_cannot_be_null(cdc, face_image):
    real_name(cdc)
    assert register(cdc, face_image(), db=None).status == -2


def test_re_registering_replaces_the_face(alice_registered, face_image):
    cdc = alice_registered
    assert register(cdc, face_image("faces=1 person=carol")).status == 0
    assert cdc.op("face_verify", {"base64": face_image("faces=1 person=carol")}).data["result"] is True
    assert cdc.op("face_verify", {"base64": face_image("faces=1 person=alice")}).data["result"] is False


# --- find --------------------------------------------------------------------------------------------

def test_find_names_a_registered_person_in_a_group_photo(alice_registered, face_image):
    cdc = alice_registered
    answer = cdc.op("face_find", {"base64": face_image("faces=2 person=bob,alice", 480, 240)}, user="13750687010")
    assert answer.data["num"] == 2
    bob, alice = answer.data["list"]
    assert bob == {"ID": "", "name": "", "liveness": True, "threshold": 0.0}
    assert (alice["ID"], alice["name"], alice["liveness"]) == (ALICE_ID, "王凌超", True)
    assert 0.8 <= alice["threshold"] <= 1 and round(alice["threshold"], 2) == alice["threshold"]


def test_find_full_form_adds_age_gender_corners_and_mask(alice_registered, face_image):
    cdc = alice_registered
    entry = cdc.op("face_find", {"base64": face_image("faces=1 person=alice age=27 gender=m mask=1"), "ret_type": 1}).data["list"][0]
    assert (entry["ID"], entry["age"], entry["gender"], entry["mask"]) == (ALICE_ID, 27, "male", True)
    (x1, y1), (x2, y2) = entry["top_left"], entry["bottom_right"]
    assert entry["top_right"] == [x2, y1] and entry["bottom_left"] == [x1, y2]
    assert 0 <= x1 < x2 <= 320 and 0 <= y1 < y2 <= 240


def test_find_in_another_group_finds_nobody(alice_registered, face_image):
    cdc = alice_registered
    cdc.op("group_create", {"group_name": "空库"}, user="guosai")
    entry = cdc.op("face_find", {"base64": face_image(), "db": 2}).data["list"][0]
    assert (entry["ID"], entry["threshold"]) == ("", 0.0)
    assert cdc.op("face_find", {"base64": face_image(), "db": 1}).data["list"][0]["ID"] == ALICE_ID


def test_deleting_a_group_deletes_its_faces(alice_registered, face_image):
    cdc = alice_registered
    cdc.op("group_delete", {"group_id": 1}, user="guosai")
    assert cdc.op("face_find", {"base64": face_image()}).data["list"][0]["ID"] == ""
    assert cdc.op("face_verify", {"base64": face_image()}).status == 100


def test_find_reports_an_unrecognisable_face_as_the_document_describes(alice_registered, face_image):
    cdc = alice_registered
    short = cdc.op("face_find", {"base64": face_image("faces=1 person=alice quality=0.3")}).data["list"][0]
    assert short == {"ID": "", "name": "", "liveness": False, "threshold": 0.0}
    full = cdc.op("face_find", {"base64": face_image("faces=1 person=alice quality=0.3"), "ret_type": 1}).data["list"][0]
    assert (full["age"], full["gender"], full["mask"], full["liveness"]) == (None, "", None, False)
    assert len(full["top_left"]) == 2


def test_find_liveness_follows_the_image(alice_registered, face_image):
    entry = alice_registered.op("face_find", {"base64": face_image("faces=1 person=alice live=0")}).data["list"][0]
    assert entry["ID"] == ALICE_ID and entry["liveness"] is False


@pytest.mark.parametrize("tag", ["faces=0", None])
def test_find_without_a_face_is_100(cdc, face_image, tag):
    image = face_image(tag) if tag else "not base64 at all!"
    answer = cdc.op("face_find", {"base64": image})
    assert (answer.status, answer.body["message"]) == (100, "No face data in base64")


def test_find_ret_type_must_be_0_or_1(cdc, face_image):
    assert cdc.op("face_find", {"base64": face_image(), "ret_type": 2}).status == -2


# --- verify ------------------------------------------------------------------------------------------

def test_verify_matches_the_callers_own_face(alice_registered, face_image):
    cdc = alice_registered
    short = cdc.op("face_verify", {"base64": face_image("faces=1 person=alice")}).data
    assert short["result"] is True and short["liveness"] is True and short["threshold"] >= 0.8
    assert set(short) == {"result", "liveness", "threshold"}
    full = cdc.op("face_verify", {"base64": face_image("faces=1 person=alice age=27 gender=m"), "ret_type": 1}).data
    assert (full["result"], full["ID"], full["age"], full["gender"], full["mask"]) == (True, ALICE_ID, 27, "male", False)


def test_verify_of_someone_else_is_false_with_threshold_0(alice_registered, face_image):
    data = alice_registered.op("face_verify", {"base64": face_image("faces=1 person=bob"), "ret_type": 1}).data
    assert (data["result"], data["threshold"], data["ID"]) == (False, 0.0, "")


def test_verify_without_a_registered_face_is_100(cdc, face_image):
    answer = cdc.op("face_verify", {"base64": face_image()})
    assert (answer.status, answer.body["message"]) == (100, "No face authentication")


@pytest.mark.parametrize("tag,status,message", [("faces=0", 101, "No face data in base64"),
                                                ("faces=2", 102, "Too much face data in base64")])
def test_verify_needs_exactly_one_face(alice_registered, face_image, tag, status, message):
    answer = alice_registered.op("face_verify", {"base64": face_image(tag)})
    assert (answer.status, answer.body["message"]) == (status, message)


# --- mask --------------------------------------------------------------------------------------------

def test_mask_answers_every_face_with_its_corners_and_mask_flag(cdc, face_image):
    data = cdc.op("face_mask", {"base64": face_image("faces=2 person=a,b mask=1,0", 480, 240)}).data
    assert data["num"] == 2 and [f["result"] for f in data["list"]] == [True, False]
    assert set(data["list"][0]) == {"top_left", "top_right", "bottom_left", "bottom_right", "result"}


def test_mask_of_an_image_without_faces_is_an_empty_list(cdc, face_image):
    assert cdc.op("face_mask", {"base64": face_image("faces=0")}).data == {"num": 0, "list": []}


def test_mask_of_text_that_is_no_image_is_minus_2(cdc):
    assert cdc.op("face_mask", {"base64": "sdfj32..."}).status == -2


def test_the_same_image_gives_the_same_answer(alice_registered, face_image):
    image = face_image(None, 200, 200)  # untagged: content derived from the bytes
    first = alice_registered.op("face_mask", {"base64": image}).body
    assert alice_registered.op("face_mask", {"base64": image}).body == first


# --- one user, one identity ------------------------------------------------------------------------

def test_a_users_name_id_and_gender_agree_across_realauth_register_find_and_verify(cdc, face_image):
    # The photo's face reads as female to the model; the user's real-name record says male. 用户性别 is
    # the user's, so every answer that names the user says male (age stays the face's estimate).
    real_name(cdc, "wlc")
    assert register(cdc, face_image("faces=1 person=alice gender=f age=31")).data == {"face_id": ALICE_ID}
    record = cdc.op("realauth_get", {}, user="wlc").data
    probe = face_image("faces=1 person=alice gender=f age=31 live=1")
    found = cdc.op("face_find", {"base64": probe, "ret_type": 1}).data["list"][0]
    verified = cdc.op("face_verify", {"base64": probe, "ret_type": 1}, user="wlc").data
    assert (record["id"], record["name"], record["gender"]) == (ALICE_ID, "王凌超", "male")
    assert (found["ID"], found["name"], found["gender"]) == (ALICE_ID, "王凌超", "male")
    assert (verified["result"], verified["ID"], verified["gender"]) == (True, ALICE_ID, "male")
    assert found["age"] == verified["age"] == 31


def test_a_stranger_found_in_a_photo_gets_the_gender_the_photo_shows(alice_registered, face_image):
    entry = alice_registered.op("face_find", {"base64": face_image("faces=1 person=carol gender=f"),
                                              "ret_type": 1}).data["list"][0]
    assert (entry["ID"], entry["name"], entry["gender"]) == ("", "", "female")
