"""match: a photo compared with the face the face model holds for the identity."""

from __future__ import annotations

import base64

import pytest

from simulator.imaging.fixtures import fixture_images_dir
from simulator.imaging.synth import generate
from simulator.services.aliyun_saf import models

from .conftest import DETAILED, LI_SI, ZHANG_SAN


def photo_of(person: str, *, fmt: str = "JPEG", live: int = 1, faces: int = 1, seed: int = 1) -> str:
    tags = {"faces": faces, "person": person, "live": live} if faces else {"faces": 0}
    return base64.b64encode(generate(tags, fmt=fmt, seed=seed)).decode()


def fixture(name: str) -> str:
    return base64.b64encode((fixture_images_dir() / name).read_bytes()).decode()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_of_the_identity_matches(saf, fmt):
    answer = saf.match(photo_of(ZHANG_SAN, fmt=fmt))
    assert answer.status == 200
    assert answer.json == {"Code": 200, "Message": "OK", "RequestId": answer.json["RequestId"]}


def test_url_safe_base64_and_a_data_prefix_are_accepted(saf):
    raw = base64.b64decode(photo_of(ZHANG_SAN))
    assert saf.match(base64.urlsafe_b64encode(raw).decode()).code == 200
    assert saf.match("data:image/jpeg;base64," + base64.b64encode(raw).decode()).code == 200


def test_a_photo_of_someone_else_is_not_the_same_person(saf):
    unified = saf.match(photo_of(LI_SI))
    assert (unified.code, unified.message) == (400, "抱歉，没有认出您(Z1146)")
    detailed = saf.match(photo_of(LI_SI), key=DETAILED)
    # match has no table of its own: the document's generic format line, without an operation name.
    assert (detailed.code, detailed.message) == (500, "接口调用失败，NOT_SAME_PERSON：抱歉，没有认出您(Z1146)（Z1146）")


def test_a_fixture_person_bound_to_the_identity_matches_with_any_of_their_photos(saf):
    models.bind_person(saf.store, LI_SI, "alice")
    assert saf.match(fixture("alice_1.jpg"), cert=LI_SI).code == 200
    assert saf.match(fixture("alice_2.png"), cert=LI_SI).code == 200
    assert saf.match(fixture("bob.jpg"), cert=LI_SI).code == 400


def test_a_photo_without_a_face_does_not_match(saf):
    assert saf.match(fixture("no_face.png")).message == "抱歉，没有认出您(Z1146)"


def test_a_photo_of_a_photo_does_not_match(saf):
    models.bind_person(saf.store, ZHANG_SAN, "dave")
    assert saf.match(fixture("photo_not_live.jpg")).code == 400
    assert saf.match(photo_of("dave", live=1)).code == 200


@pytest.mark.parametrize("text", ["*****", "bm90IGFuIGltYWdl", "truncated"])
def test_imgbase64_that_is_no_image_is_400(saf, text):
    if text == "truncated":
        text = fixture("truncated.jpg")
    answer = saf.match(text)
    assert answer.code == 400 and answer.message.startswith("imgbase64不合法")


def test_match_checks_the_identity_first(saf):
    assert saf.match(photo_of(ZHANG_SAN), cert="330103xxxxxxxxxxxx", key=DETAILED).code == 520
    assert saf.match(photo_of(ZHANG_SAN), name="").json["Message"] == "name不能为空"


def test_failed_matches_count_towards_540(saf):
    for _ in range(5):
        assert saf.match(photo_of(LI_SI)).code == 400
    assert saf.match(photo_of(ZHANG_SAN), key=DETAILED).code == 540


def test_a_missing_imgbase64_is_400(saf):
    answer = saf.call({"method": "match", "name": "张三", "certNumber": ZHANG_SAN})
    assert (answer.code, answer.message) == (400, "imgbase64不能为空")


# --- a client's own, untagged photos ---------------------------------------------------------------

def untagged(name: str) -> str:
    """A real photo from tests/faces/photos (no apisim: tags): the face model detects its face."""
    from pathlib import Path

    return base64.b64encode((Path(__file__).parents[2] / "faces" / "photos" / name).read_bytes()).decode()


def test_a_clients_own_photo_matches_the_identity_it_is_first_shown_with(saf):
    assert saf.match(untagged("astronaut.jpg")).code == 200
    assert saf.match(untagged("astronaut.jpg")).code == 200  # the same bytes: the same person, every time


def test_a_photo_of_someone_else_fails_once_the_identity_has_its_holder(saf):
    assert saf.match(untagged("astronaut.jpg")).code == 200
    assert saf.match(photo_of("somebody-else")).code == 400
    assert saf.match(untagged("astronaut.jpg"), cert=LI_SI).code == 200  # another identity, its own first photo


def test_images_declared_to_show_one_person_match_as_that_person(saf):
    faces = saf.simulator.faces
    astronaut = base64.b64decode(untagged("astronaut.jpg"))
    models.bind_person(saf.store, ZHANG_SAN, faces.declare_same_person([astronaut], person="zhang-san"))
    assert saf.match(untagged("astronaut.jpg")).code == 200
    assert saf.match(fixture("alice_1.jpg")).code == 400


def test_match_fails_on_demand_with_the_outcome_header(saf):
    answer = saf.match(untagged("astronaut.jpg"), headers={"X-Apisim-Outcome": "Z1146"})
    assert (answer.code, answer.message) == (400, "抱歉，没有认出您(Z1146)")
    assert saf.match(untagged("astronaut.jpg"), headers={"X-Apisim-Outcome": "passed"}).code == 200


def test_the_returned_image_does_not_carry_the_cert_number(saf):
    data = saf.started()
    saf.clock.advance(5)
    image_text = saf.query(data, return_image=1).json["Data"]["image"]
    raw = base64.urlsafe_b64decode(image_text)
    assert ZHANG_SAN.encode() not in raw
    assert saf.match(base64.b64encode(raw).decode()).code == 200  # and it still shows the identity's holder
