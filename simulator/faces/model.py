"""The faces in an image: who, where, and what they look like.

A face image is described by its ``apisim:`` tags (see
``simulator.imaging.tags``); whatever a tag leaves out is derived: attributes
of the person (age, gender, glasses) from the person id, attributes of the
photo (pose, expression, quality, box position) from the image digest. An
untagged image gets 0-2 faces of people unique to that image. An image tagged
as an OCR card has no faces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from simulator.faces import geometry
from simulator.faces.identity import Embedding, confidence_0_100, embedding_similarity, face_embedding
from simulator.faces.seeds import stable_rng
from simulator.imaging.decode import DecodedImage
from simulator.imaging.tags import FACE_KEYS, OCR_KEYS

GENDERS = ("f", "m")
EXPRESSIONS = ("none", "smile", "laugh")
GLASSES = ("none", "common", "sun")
MAX_TAGGED_FACES = 64  # a tag asking for more is capped: boxes would be under a pixel wide anyway


@dataclass(frozen=True)
class Face:
    index: int  # position in the image, left to right
    person: str
    embedding: Embedding
    box: geometry.Box  # x, y, width, height; inside the image
    landmarks: tuple[float, ...]  # 105 points = 210 numbers, inside the box
    pose: tuple[float, float, float]  # yaw, pitch, roll (degrees)
    iris: tuple[float, ...]  # left x, y, radius, right x, y, radius
    prob: float  # detection probability 0-1
    age: int
    gender: str  # "f" or "m"
    expression: str  # "none", "smile" or "laugh"
    glasses: str  # "none", "common" or "sun"
    mask: bool
    live: bool  # False: a photo of a photo or a screen, fails liveness
    quality: float  # 0-1

    @property
    def is_male(self) -> bool:
        return self.gender == "m"


def similarity(a: Face, b: Face) -> float:
    """In [0, 1], symmetric; the same person >= 0.90, different people <= 0.60."""
    return embedding_similarity(a.embedding, b.embedding)


def dataplus_confidence(a: Face, b: Face) -> float:
    """0-100: the same person above 75, different people below 61 (Dataplus thresholds [61, 69, 75])."""
    return confidence_0_100(similarity(a, b))


# --- tag values ---------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}
_GENDER_WORDS = {"f": "f", "female": "f", "woman": "f", "女": "f", "m": "m", "male": "m", "man": "m", "男": "m"}
_GLASSES_WORDS = {"none": "none", "0": "none", "no": "none", "common": "common", "1": "common", "yes": "common",
                  "sun": "sun", "2": "sun", "sunglasses": "sun"}
_EXPRESSION_WORDS = {"none": "none", "neutral": "none", "0": "none", "smile": "smile", "1": "smile",
                     "laugh": "laugh", "2": "laugh"}


def _per_face(tags: dict[str, str], key: str, count: int) -> list[str | None]:
    """The tag's comma list spread over ``count`` faces; one value applies to all, gaps are None."""
    if key not in tags:
        return [None] * count
    items = [s.strip() for s in tags[key].split(",")]
    if len(items) == 1:
        return items * count
    return [(items[i] or None) if i < len(items) else None for i in range(count)]


def _persons(tags: dict[str, str], count: int) -> list[str | None]:
    """Person ids per face. Unlike other keys, one id does not repeat: two faces are two people."""
    items = [p.strip() for p in tags.get("person", "").split(",")]
    return [(items[i] or None) if i < len(items) else None for i in range(count)]


def _flag(text: str | None) -> bool | None:
    if text is None:
        return None
    t = text.lower()
    return True if t in _TRUE else False if t in _FALSE else None


def _number(text: str | None, lo: float, hi: float) -> float | None:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if lo <= value <= hi else None


def _count(tags: dict[str, str]) -> int | None:
    """How many faces the tags say; None if they say nothing about faces."""
    if "faces" in tags:
        try:
            return max(0, min(MAX_TAGGED_FACES, int(tags["faces"])))
        except ValueError:
            pass
    if "person" in tags:
        return min(MAX_TAGGED_FACES, len([p for p in tags["person"].split(",") if p.strip()]))
    if any(k in tags for k in FACE_KEYS):
        return 1
    return None


def is_card_image(tags: dict[str, str]) -> bool:
    card = tags.get("card", "").strip().lower()
    return (card not in ("", "none")) or any(k in tags for k in OCR_KEYS)


# --- the model ----------------------------------------------------------------------------------


class FaceModel:
    """Decides what faces an image holds. Stateless: the answer depends on the image alone."""

    def faces_in(self, image: DecodedImage) -> list[Face]:
        tags = image.tags
        return list(_faces(image.digest, image.width, image.height, tuple(sorted(tags.items()))))

    def face_count(self, image: DecodedImage) -> int:
        return len(self.faces_in(image))

    def largest_face(self, image: DecodedImage) -> Face | None:
        """The face with the largest box (ties: leftmost), as services comparing 'the' face in an image use."""
        faces = self.faces_in(image)
        return max(faces, key=lambda f: (f.box[2] * f.box[3], -f.index)) if faces else None


@lru_cache(maxsize=1024)
def _faces(digest: str, width: int, height: int, tag_items: tuple[tuple[str, str], ...]) -> tuple[Face, ...]:
    tags = dict(tag_items)
    tagged_count = _count(tags)
    if tagged_count is None:
        if is_card_image(tags):
            return ()
        return _untagged_faces(digest, width, height)
    count = tagged_count
    persons = _persons(tags, count)
    rng = stable_rng("layout", digest, width, height, count)
    boxes = geometry.layout_boxes(count, width, height, rng)
    columns = {key: _per_face(tags, key, count) for key in ("mask", "live", "age", "gender", "expression",
                                                            "glasses", "quality")}
    faces = []
    for i in range(count):
        person = persons[i] or f"anon-{digest[:12]}-{i}"
        faces.append(_face(i, person, digest, boxes[i], {k: v[i] for k, v in columns.items()}))
    return tuple(faces)


def _untagged_faces(digest: str, width: int, height: int) -> tuple[Face, ...]:
    """0-2 faces (20% / 65% / 15%) of people unique to this image, stable for these bytes."""
    roll = int(digest[:8], 16) % 100
    count = 0 if roll < 20 else 1 if roll < 85 else 2
    rng = stable_rng("layout", digest, width, height, count)
    boxes = geometry.layout_boxes(count, width, height, rng)
    extra = stable_rng("untagged", digest)
    faces = []
    for i in range(count):
        overrides: dict[str, str | None] = {
            "mask": "1" if extra.random() < 0.1 else "0",
            "live": "0" if extra.random() < 0.1 else "1",
        }
        faces.append(_face(i, f"anon-{digest[:12]}-{i}", digest, boxes[i], overrides))
    return tuple(faces)


def _face(index: int, person: str, digest: str, box: geometry.Box, tagged: dict[str, str | None]) -> Face:
    who = stable_rng("person-attributes", person)  # the same person looks the same in every image
    default_age = who.randint(18, 65)
    default_gender = who.choice(GENDERS)
    default_glasses = who.choices(GLASSES, weights=(70, 25, 5))[0]
    shot = stable_rng("face", digest, index, person)  # this photo of them
    live = _flag(tagged.get("live"))
    live = True if live is None else live
    quality = _number(tagged.get("quality"), 0.0, 1.0)
    if quality is None:
        quality = round(shot.uniform(0.75, 0.99) if live else shot.uniform(0.45, 0.7), 4)
    age = _number(tagged.get("age"), 0, 150)
    return Face(
        index=index,
        person=person,
        embedding=face_embedding(person, digest, index),
        box=box,
        landmarks=geometry.landmarks(box, shot),
        pose=geometry.pose(shot),
        iris=geometry.iris(box),
        prob=round(shot.uniform(0.93, 1.0), 4),
        age=int(age) if age is not None else default_age,
        gender=_GENDER_WORDS.get((tagged.get("gender") or "").lower(), default_gender),
        expression=_EXPRESSION_WORDS.get((tagged.get("expression") or "").lower(),
                                         shot.choices(EXPRESSIONS, weights=(60, 30, 10))[0]),
        glasses=_GLASSES_WORDS.get((tagged.get("glasses") or "").lower(), default_glasses),
        mask=bool(_flag(tagged.get("mask"))),
        live=live,
        quality=quality,
    )
