"""Dataplus face detect, attribute and verify: answers consistent with the face model."""

from __future__ import annotations

import ast
import re

import pytest

from simulator.faces.model import FaceModel
from simulator.imaging.decode import inspect_image

from .conftest import b64, fixture_b64, fixture_bytes, tagged_png

MODEL = FaceModel()
UUID = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
FIXTURE_URL = "http://apisim.fixtures/images/"


def python_eval(answer):
    """What the document's demo does with every answer: ``eval(response.read())``."""
    return eval(answer.raw)  # noqa: S307 - the document's own client does exactly this


@pytest.mark.parametrize("image", ["alice_1.jpg", "two_faces.png", "no_face.png", "bob.jpg"])
def test_detect_reports_the_face_models_faces_with_the_documented_array_lengths(api, image):
    body = api.face("face_detect", {"type": "1", "content": fixture_b64(image)}).json()
    faces = MODEL.faces_in(inspect_image(fixture_bytes(image)))
    n = len(faces)
    assert body["errno"] == 0 and UUID.fullmatch(body["request_id"])
    assert body["face_num"] == n
    assert body["face_rect"] == [v for f in faces for v in f.box]
    assert (len(body["face_prob"]), len(body["pose"]), len(body["landmark"]), len(body["iris"])) == (n, 3 * n, 210 * n, 6 * n)
    assert body["landmark_num"] == 105
    assert "err_msg" not in body
    assert all(0 <= p <= 1 for p in body["face_prob"])


@pytest.mark.parametrize("kind", [1, "1", 1.0])
def test_type_1_may_be_an_integer_a_string_or_a_whole_float(api, kind):
    assert api.face("face_detect", {"type": kind, "content": fixture_b64("alice_1.jpg")}).json()["face_num"] == 1


def test_detect_keeps_the_documents_field_order(api):
    body = api.face("face_detect", {"type": 1, "content": fixture_b64("alice_1.jpg")}).json()
    assert list(body) == ["face_num", "face_rect", "face_prob", "pose", "landmark_num", "landmark", "iris", "errno", "request_id"]


def test_detect_by_url_reads_a_fixture_image(api):
    by_url = api.face("face_detect", {"type": "0", "image_url": FIXTURE_URL + "two_faces.png"}).json()
    by_content = api.face("face_detect", {"type": "1", "content": fixture_b64("two_faces.png")}).json()
    assert by_url["face_num"] == 2
    assert by_url["face_rect"] == by_content["face_rect"]


def test_boxes_lie_inside_the_image(api):
    image = tagged_png({"faces": 4}, size=(640, 360))
    body = api.face("face_detect", {"type": "1", "content": b64(image)}).json()
    assert body["face_num"] == 4
    rects = [body["face_rect"][i:i + 4] for i in range(0, 16, 4)]
    assert all(x >= 0 and y >= 0 and x + w <= 640 and y + h <= 360 for x, y, w, h in rects)


def test_attribute_adds_gender_age_expression_glass_and_a_1024_feature_per_face(api):
    body = api.face("face_attribute", {"type": "1", "content": fixture_b64("two_faces.png")}).json()
    assert body["face_num"] == 2
    assert body["gender"] == [0, 1]  # alice f, bob m
    assert body["age"] == [31, 24]
    assert body["dense_fea_len"] == 1024 and len(body["dense_fea"]) == 2048
    assert all(v in (0, 1) for v in body["expression"] + body["glass"])


def test_attribute_reads_expression_and_glasses_from_the_face_model(api):
    smiling = api.face("face_attribute", {"type": "1", "content": fixture_b64("alice_2.png")}).json()
    glasses = api.face("face_attribute", {"type": "1", "content": fixture_b64("bob.jpg")}).json()
    assert smiling["expression"] == [1]
    assert glasses["glass"] == [1]


def test_attribute_of_an_image_without_faces_has_empty_arrays(api):
    body = api.face("face_attribute", {"type": "1", "content": fixture_b64("no_face.png")}).json()
    assert body["face_num"] == 0
    assert body["gender"] == body["age"] == body["dense_fea"] == body["face_rect"] == []
    assert body["dense_fea_len"] == 1024


def test_the_same_person_verifies_above_every_threshold(api):
    body = api.face("face_verify", {"type": "1", "content_1": fixture_b64("alice_1.jpg"),
                                    "content_2": fixture_b64("alice_2.png")}).json()
    assert body["thresholds"] == [61.0, 69.0, 75.0]
    assert body["confidence"] > body["thresholds"][2]
    assert body["rectA"] == list(MODEL.largest_face(inspect_image(fixture_bytes("alice_1.jpg"))).box)


def test_different_people_verify_below_every_threshold(api):
    body = api.face("face_verify", {"type": "0", "image_url_1": FIXTURE_URL + "alice_1.jpg",
                                    "image_url_2": FIXTURE_URL + "bob.jpg"}).json()
    assert 0 < body["confidence"] < body["thresholds"][0]


def test_verify_compares_the_largest_face_of_each_picture(api):
    big_bob = tagged_png({"faces": 1, "person": "bob"}, size=(400, 400))
    group = tagged_png({"faces": 3, "person": "bob,carol,dave"}, size=(900, 300))
    body = api.face("face_verify", {"type": "1", "content_1": b64(big_bob), "content_2": b64(group)}).json()
    largest = MODEL.largest_face(inspect_image(group))
    assert body["rectB"] == list(largest.box)
    assert (body["confidence"] > 75) == (largest.person == "bob")


@pytest.mark.parametrize("first, second", [("no_face.png", "alice_1.jpg"), ("alice_1.jpg", "no_face.png")])
def test_a_picture_without_a_face_gives_confidence_0_and_a_zero_rectangle(api, first, second):
    body = api.face("face_verify", {"type": "1", "content_1": fixture_b64(first), "content_2": fixture_b64(second)}).json()
    assert body["confidence"] == 0
    assert [0, 0, 0, 0] in (body["rectA"], body["rectB"])
    assert body["errno"] == 0


@pytest.mark.parametrize("op, body", [
    ("face_detect", {"type": "1", "content": fixture_b64("two_faces.png")}),
    ("face_attribute", {"type": "1", "content": fixture_b64("no_face.png")}),
    ("face_verify", {"type": "1", "content_1": fixture_b64("alice_1.jpg"), "content_2": fixture_b64("no_face.png")}),
    ("face_detect", {"type": 7}),
])
def test_every_answer_parses_with_python_eval_as_the_documents_demo_does(api, op, body):
    answer = api.face(op, body)
    assert not re.search(rb"\b(true|false|null)\b", answer.raw)
    assert python_eval(answer) == answer.json()


def test_answers_are_deterministic_for_the_same_image(api):
    body = {"type": "1", "content": fixture_b64("alice_1.jpg")}
    one, two = api.face("face_attribute", body).json(), api.face("face_attribute", body).json()
    assert {k: v for k, v in one.items() if k != "request_id"} == {k: v for k, v in two.items() if k != "request_id"}
    assert one["request_id"] != two["request_id"]


def test_the_gateway_request_id_header_is_on_face_answers_too(api):
    answer = api.face("face_detect", {"type": "1", "content": fixture_b64("alice_1.jpg")})
    assert answer.header("X-Ca-Request-Id")
    assert ast.literal_eval(answer.text)["errno"] == 0
