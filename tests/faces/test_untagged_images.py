"""Untagged images are judged by what they show: nothing, or the faces of a photo, whose people the
registry names (declared by the client, else one identity per photo and its near copies)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from simulator.faces.model import FaceModel, similarity
from simulator.faces.pixels import pixel_stats
from simulator.faces.registry import PersonRegistry
from simulator.imaging.decode import inspect_image
from simulator.imaging.tags import write_tags
from simulator.store import MemoryStore

PHOTOS = Path(__file__).with_name("photos")


def photo(name: str):
    return inspect_image((PHOTOS / name).read_bytes())


def encoded(img: Image.Image, fmt: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def scene(seed: int, size=(240, 180)) -> Image.Image:
    """A photo-like picture: soft shapes of many colours (detail and contrast, no face)."""
    rng = random.Random(seed)
    img = Image.new("RGB", size, tuple(rng.randint(0, 255) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rng.randint(-40, size[0]), rng.randint(-40, size[1])
        draw.ellipse((x, y, x + rng.randint(10, 90), y + rng.randint(10, 90)),
                     fill=tuple(rng.randint(0, 255) for _ in range(3)))
    return img.filter(ImageFilter.GaussianBlur(1))


def blanks():
    for shade in range(0, 256, 51):
        yield Image.new("RGB", (300, 300), (shade, 255 - shade, 128))
    yield Image.linear_gradient("L").resize((300, 200)).convert("RGB")
    yield Image.radial_gradient("L").convert("RGB")
    yield Image.effect_noise((300, 300), 4).convert("RGB")  # faint noise: no contrast to hold a face


@pytest.mark.parametrize("detector", ["default", None])
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_blank_uniform_and_low_detail_images_show_no_face(detector, fmt):
    model = FaceModel() if detector == "default" else FaceModel(detector=None)
    for picture in blanks():
        img = inspect_image(encoded(picture, fmt))
        assert pixel_stats(img).shows_nothing, pixel_stats(img)
        assert model.faces_in(img) == [] and model.largest_face(img) is None


def test_without_a_detector_a_photo_shows_one_stable_face_inside_it():
    model = FaceModel(detector=None)
    img = inspect_image(encoded(scene(1)))
    (face,) = model.faces_in(img)
    assert face == model.faces_in(inspect_image(encoded(scene(1))))[0]
    x, y, w, h = face.box
    assert 0 <= x and x + w <= img.width and 0 <= y and y + h <= img.height
    assert face.live and not face.mask


def test_the_same_bytes_are_always_the_same_person_and_other_photos_are_others():
    model = FaceModel(detector=None)
    a, b = inspect_image(encoded(scene(1))), inspect_image(encoded(scene(2)))
    assert model.faces_in(a)[0].person == FaceModel(detector=None).faces_in(a)[0].person
    assert model.faces_in(a)[0].person != model.faces_in(b)[0].person
    assert similarity(model.faces_in(a)[0], model.faces_in(b)[0]) <= 0.6


def test_a_re_encoded_or_resized_copy_of_a_photo_shows_the_same_person():
    model = FaceModel(detector=None)
    original = scene(3, (320, 240))
    first = model.faces_in(inspect_image(encoded(original)))[0]
    copies = [encoded(original, "JPEG", quality=85), encoded(original, "JPEG", quality=60),
              encoded(original.resize((160, 120)), "JPEG", quality=90), encoded(original.resize((480, 360)))]
    for data in copies:
        face = model.faces_in(inspect_image(data))[0]
        assert face.person == first.person and similarity(face, first) >= 0.9


def test_declared_images_show_one_person_in_every_worker_sharing_the_store():
    store = MemoryStore()
    a, b = inspect_image(encoded(scene(4))), inspect_image(encoded(scene(5)))
    worker_1, worker_2 = FaceModel(PersonRegistry(store), detector=None), FaceModel(PersonRegistry(store), detector=None)
    assert worker_1.faces_in(a)[0].person != worker_1.faces_in(b)[0].person
    person = worker_1.declare_same_person([a, b.data])
    assert worker_2.faces_in(a)[0].person == worker_2.faces_in(b)[0].person == person
    assert similarity(worker_2.largest_face(a), worker_2.largest_face(b)) >= 0.9
    assert worker_1.declare_same_person([a.digest, b]) == person, "declaring again names the same person"
    worker_2.registry.forget([b])
    assert worker_1.faces_in(b)[0].person != person


def test_tags_win_over_declarations_and_detection():
    model = FaceModel(detector=None)
    tagged = inspect_image(write_tags(encoded(scene(6)), {"faces": 2, "person": "alice,bob"}))
    model.declare_same_person([tagged], "carol")
    assert [f.person for f in model.faces_in(tagged)] == ["alice", "bob"]
    assert model.faces_in(inspect_image(write_tags(encoded(scene(6)), {"faces": 0}))) == []


def test_tiny_and_undecodable_pixels_show_no_face():
    model = FaceModel(detector=None)
    assert model.faces_in(inspect_image(encoded(scene(7, (20, 20))))) == []


class TestWithOpenCV:
    """The detector itself (opencv-python-headless is a core dependency)."""

    def test_a_portrait_shows_one_face_where_the_face_is(self):
        model = FaceModel()
        img = photo("astronaut.jpg")
        (face,) = model.faces_in(img)
        x, y, w, h = face.box
        assert (60 <= x <= 75, 20 <= y <= 30, 35 <= w <= 50) == (True, True, True), face.box
        assert model.detector_name.startswith("opencv-")

    @pytest.mark.parametrize("name", ["rocket.jpg", "coffee.jpg"])
    def test_photos_without_people_show_no_face(self, name):
        assert not pixel_stats(photo(name)).shows_nothing
        assert FaceModel().faces_in(photo(name)) == []

    def test_detected_boxes_are_the_same_for_the_same_bytes(self):
        model = FaceModel()
        assert model.face_boxes(photo("astronaut.jpg")) == FaceModel().face_boxes(photo("astronaut.jpg"))

    def test_noise_has_detail_but_no_face(self):
        noise = Image.effect_noise((240, 240), 80).convert("RGB")
        img = inspect_image(encoded(noise))
        assert not pixel_stats(img).shows_nothing and FaceModel().faces_in(img) == []


def test_the_registry_is_bounded(monkeypatch):
    from simulator.faces import registry as module

    monkeypatch.setattr(module, "MAX_DECLARED", 2)
    monkeypatch.setattr(module, "MAX_PHOTOS", 1)
    people = PersonRegistry()
    people.declare_same_person(["d1", "d2"])
    people.declare_same_person(["d1", "d2"], "again")  # re-declaring known images costs nothing
    with pytest.raises(module.RegistryFull, match="reset the simulator"):
        people.declare_same_person(["d3"])
    assert people.photo_id("a", 0xFF) == f"{0xFF:016x}"
    assert people.photo_id("b", 0xFF00FF00) == f"{0xFF00FF00:016x}"  # past the bound: its own id, not kept
    assert people.store.get(module.SEEN_NS, "b") is None
