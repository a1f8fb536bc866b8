"""Faces in a tagged image: from the tags and the digest, and always inside the image.

Untagged images: test_untagged_images.py."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from simulator.faces.geometry import LANDMARK_COUNT
from simulator.faces.model import FaceModel, dataplus_confidence, similarity
from simulator.imaging.decode import inspect_image
from simulator.imaging.tags import write_tags

MODEL = FaceModel()


def image(tags: dict | None = None, size=(320, 240), colour=(200, 100, 50), fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    data = out.getvalue()
    return inspect_image(write_tags(data, tags) if tags else data)


def test_tagged_faces_carry_the_tagged_attributes_per_face():
    faces = MODEL.faces_in(image({"faces": 2, "person": "alice,bob", "mask": "0,1", "live": "1,0",
                                  "age": "31,24", "gender": "f,m", "expression": "smile,none",
                                  "glasses": "none,sun", "quality": "0.9,0.5"}))
    assert [(f.person, f.mask, f.live, f.age, f.gender, f.expression, f.glasses, f.quality) for f in faces] == [
        ("alice", False, True, 31, "f", "smile", "none", 0.9),
        ("bob", True, False, 24, "m", "none", "sun", 0.5),
    ]


def test_one_value_applies_to_every_face_but_one_person_names_only_the_first():
    faces = MODEL.faces_in(image({"faces": 3, "person": "alice", "mask": "1"}))
    assert [f.mask for f in faces] == [True, True, True]
    assert faces[0].person == "alice" and len({f.person for f in faces}) == 3


def test_the_person_list_alone_sets_the_face_count():
    assert [f.person for f in MODEL.faces_in(image({"person": "a,b,c"}))] == ["a", "b", "c"]


def test_faces_zero_means_no_face_and_card_images_have_none():
    assert MODEL.faces_in(image({"faces": 0})) == []
    assert MODEL.faces_in(image({"card": "bank"})) == []
    assert MODEL.faces_in(image({"invoice_number": "12345678"})) == []


def test_the_same_person_keeps_age_gender_and_glasses_across_images_when_untagged():
    a = MODEL.faces_in(image({"person": "zoe"}, colour=(1, 2, 3)))[0]
    b = MODEL.faces_in(image({"person": "zoe"}, colour=(4, 5, 6), fmt="JPEG"))[0]
    assert (a.age, a.gender, a.glasses) == (b.age, b.gender, b.glasses)
    assert similarity(a, b) >= 0.9 and dataplus_confidence(a, b) > 75


def test_different_tagged_people_do_not_match():
    a = MODEL.faces_in(image({"person": "alice"}))[0]
    b = MODEL.faces_in(image({"person": "bob"}))[0]
    assert similarity(a, b) <= 0.6 and dataplus_confidence(a, b) < 61


def test_bad_tag_values_fall_back_to_derived_ones():
    (face,) = MODEL.faces_in(image({"faces": 1, "person": "x", "age": "old", "gender": "?", "quality": "7"}))
    assert 18 <= face.age <= 65 and face.gender in ("f", "m") and 0 <= face.quality <= 1


def test_untagged_single_colour_images_show_no_face():
    for shade in range(40):
        assert MODEL.faces_in(image(colour=(shade, 80, 160))) == []
        assert FaceModel(detector=None).faces_in(image(colour=(shade, 80, 160), fmt="JPEG")) == []


def test_largest_face_is_the_biggest_box():
    img = image({"faces": 3})
    faces = MODEL.faces_in(img)
    biggest = MODEL.largest_face(img)
    assert biggest.box[2] * biggest.box[3] == max(f.box[2] * f.box[3] for f in faces)
    assert MODEL.largest_face(image({"faces": 0})) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 600), st.integers(1, 600), st.integers(0, 6), st.integers(0, 255))
def test_boxes_landmarks_and_irises_stay_inside_the_image(width, height, count, shade):
    img = image({"faces": count}, size=(width, height), colour=(shade, 0, 0))
    faces = MODEL.faces_in(img)
    assert len(faces) == count
    for f in faces:
        x, y, w, h = f.box
        assert 0 <= x and 0 <= y and w >= 1 and h >= 1 and x + w <= width and y + h <= height
        assert len(f.landmarks) == 2 * LANDMARK_COUNT
        xs, ys = f.landmarks[0::2], f.landmarks[1::2]
        assert all(x <= px <= x + w for px in xs) and all(y <= py <= y + h for py in ys)
        lx, ly, lr, rx, ry, rr = f.iris
        assert x <= lx <= x + w and x <= rx <= x + w and y <= ly <= y + h and y <= ry <= y + h and lr > 0
        yaw, pitch, roll = f.pose
        assert -90 <= yaw <= 90 and -90 <= pitch <= 90 and -180 <= roll <= 180
        assert 0 <= f.quality <= 1 and 0 <= f.prob <= 1 and 0 <= f.age <= 150
