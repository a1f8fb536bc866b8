"""The committed fixture images hold what their names promise, and the script rebuilds them exactly."""

from __future__ import annotations

import importlib.util

import pytest

from simulator.faces.model import FaceModel, similarity
from simulator.faces.ocr import card_kind, ocr_content
from simulator.fake.providers import luhn_valid
from simulator.imaging.decode import ImageTooLarge, ImageTooSmall, NotAnImage, TruncatedImage, inspect_image
from simulator.imaging.fixtures import fixture_images_dir

HUAWEI_LIMITS = dict(min_side=15, max_side=4096, max_bytes=10 * 1024 * 1024)
MODEL = FaceModel()


def load(name: str):
    return inspect_image((fixture_images_dir() / name).read_bytes(), **HUAWEI_LIMITS)


def test_the_script_rebuilds_the_committed_files_byte_for_byte():
    spec = importlib.util.spec_from_file_location("make_images", fixture_images_dir().parent / "make_images.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build()
    on_disk = {p.name: p.read_bytes() for p in fixture_images_dir().iterdir()}
    assert built == on_disk


def test_fixtures_are_small_except_where_size_is_the_point():
    for path in fixture_images_dir().iterdir():
        assert path.stat().st_size <= 10 * 1024, path.name


def test_alice_in_two_different_images_is_the_same_person():
    a1, a2 = load("alice_1.jpg"), load("alice_2.png")
    assert a1.digest != a2.digest and a1.format != a2.format
    (f1,), (f2,) = MODEL.faces_in(a1), MODEL.faces_in(a2)
    assert f1.person == f2.person == "alice"
    assert similarity(f1, f2) >= 0.9
    assert (f1.age, f1.gender) == (f2.age, f2.gender) == (31, "f")


def test_bob_is_someone_else():
    (alice,), (bob,) = MODEL.faces_in(load("alice_1.jpg")), MODEL.faces_in(load("bob.jpg"))
    assert bob.person == "bob" and bob.gender == "m"
    assert similarity(alice, bob) <= 0.6


def test_two_faces_holds_alice_and_bob_left_to_right():
    faces = MODEL.faces_in(load("two_faces.png"))
    assert [f.person for f in faces] == ["alice", "bob"]
    assert faces[0].box[0] + faces[0].box[2] <= faces[1].box[0]


def test_no_face_masked_and_not_live():
    assert MODEL.faces_in(load("no_face.png")) == []
    (masked,) = MODEL.faces_in(load("masked.jpg"))
    assert masked.mask and masked.live
    (photo,) = MODEL.faces_in(load("photo_not_live.jpg"))
    assert not photo.live and not photo.mask


def test_bank_card_fixture_reads_as_the_documents_card():
    image = load("bank_card.jpg")
    assert card_kind(image) == "bank" and MODEL.faces_in(image) == []
    content = ocr_content(image)
    assert content["bank_card"] == "6217003860002354304" and luhn_valid(content["bank_card"])
    assert (content["bank"], content["valid"]) == ("中国建设银行", "09/22")


def test_business_card_fixture_reads_its_tagged_fields_as_lists():
    content = ocr_content(load("business_card.png"))
    assert content["name"] == "张伟"
    assert content["company"] == ["深圳市星河科技有限公司"]
    assert content["tel_cell"] == ["13812345678"]


def test_quota_invoice_fixture_reads_its_tagged_invoice():
    image = load("quota_invoice.png")
    assert card_kind(image) == "invoice"
    assert ocr_content(image) == {"invoice_number": "91024561", "invoice_code": "144031909311",
                                  "amount": "￥50.00", "location": "广东省深圳市"}


@pytest.mark.parametrize("name, error", [
    ("truncated.jpg", TruncatedImage),
    ("tiny_10px.png", ImageTooSmall),
    ("huge_5000px.png", ImageTooLarge),
    ("not_an_image.txt", NotAnImage),
])
def test_bad_fixtures_fail_with_their_error(name, error):
    with pytest.raises(error):
        load(name)


def test_bad_size_fixtures_are_real_images_of_that_size():
    assert (inspect_image((fixture_images_dir() / "tiny_10px.png").read_bytes()).width) == 10
    huge = inspect_image((fixture_images_dir() / "huge_5000px.png").read_bytes())
    assert (huge.width, huge.height) == (5000, 5000)
