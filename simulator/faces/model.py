"""The faces in an image: who, where, and what they look like.

A face image is described by its ``apisim:`` tags (see
``simulator.imaging.tags``); whatever a tag leaves out is derived: attributes
of the person (age, gender, glasses) from the person id, attributes of the
photo (pose, expression, quality, box position) from the image digest. An
image tagged as an OCR card has no faces.

An untagged image is judged by what it shows: a blank, uniform or low-detail
image (``simulator.faces.pixels``) has no face; a photo has the faces the
detector finds (``simulator.faces.detect``: OpenCV's Haar cascade; only
where OpenCV cannot be imported, one face placed by a hash of the bytes). Whose faces they are comes from the person registry
(``simulator.faces.registry``): images a client declared to show one person,
else one identity per photo, shared by its re-encoded and resized copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from simulator.faces import geometry
from simulator.faces.detect import FaceDetector, default_detector
from simulator.faces.identity import Embedding, confidence_0_100, embedding_similarity, face_embedding
from simulator.faces.pixels import MIN_SIDE, pixel_stats
from simulator.faces.registry import PersonRegistry
from simulator.core.seeds import stable_rng
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


def tag_value_problems(tags: dict[str, str]) -> list[str]:
    """What a writer must not put in the face tags: values the model would read as "not said"
    (and so replace with its own), each with what it takes instead. Readers stay lenient."""
    accepted: dict[str, tuple[Any, str]] = {
        "mask": (lambda v: _flag(v) is not None, "1 or 0"),
        "live": (lambda v: _flag(v) is not None, "1 or 0"),
        "age": (lambda v: _number(v, 0, 150) is not None, "a number of years, 0-150"),
        "gender": (lambda v: v.lower() in _GENDER_WORDS, "f or m (also female/male, 女/男)"),
        "expression": (lambda v: v.lower() in _EXPRESSION_WORDS, "none, smile or laugh"),
        "glasses": (lambda v: v.lower() in _GLASSES_WORDS, "none, common or sun"),
        "quality": (lambda v: _number(v, 0.0, 1.0) is not None, "a number from 0 to 1"),
    }
    problems = []
    if "faces" in tags and not (tags["faces"].isdigit() and int(tags["faces"]) <= MAX_TAGGED_FACES):
        problems.append(f"faces={tags['faces']}: a whole number of faces, 0-{MAX_TAGGED_FACES}")
    for key, (ok, wanted) in accepted.items():
        bad = [item for item in (s.strip() for s in tags.get(key, "").split(",")) if item and not ok(item)]
        if key in tags and bad:
            problems.append(f"{key}={','.join(bad)}: use {wanted} (a comma list, one per face)")
    return problems


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


_DEFAULT = object()  # "the default detector": OpenCV's


class FaceModel:
    """Decides what faces an image holds: tags first, else what the pixels show.

    ``registry`` holds declared people and photo identities (give it the simulator's store so
    every worker agrees; default: a private in-memory one). ``detector`` finds faces in untagged
    photos (default: OpenCV's Haar cascade; None: the hash fallback, one face per photo).
    """

    def __init__(self, registry: PersonRegistry | None = None, detector: FaceDetector | None | object = _DEFAULT):
        self.registry = registry if registry is not None else PersonRegistry()
        self.detector: FaceDetector | None = default_detector() if detector is _DEFAULT else detector  # type: ignore[assignment]

    @property
    def detector_name(self) -> str:
        return self.detector.name if self.detector is not None else "none (one face per photo, from its bytes)"

    def faces_in(self, image: DecodedImage) -> list[Face]:
        tags = image.tags
        if _count(tags) is not None or is_card_image(tags):
            return list(_faces(image.digest, image.width, image.height, tuple(sorted(tags.items()))))
        return self._untagged_faces(image)

    def face_count(self, image: DecodedImage) -> int:
        return len(self.faces_in(image))

    def largest_face(self, image: DecodedImage) -> Face | None:
        """The face with the largest box (ties: leftmost), as services comparing 'the' face in an image use."""
        faces = self.faces_in(image)
        return max(faces, key=lambda f: (f.box[2] * f.box[3], -f.index)) if faces else None

    def declare_same_person(self, images: list[DecodedImage | bytes | str], person: str | None = None,
                            gender: str | None = None) -> str:
        """These images show one person (their largest face); see :class:`PersonRegistry`."""
        return self.registry.declare_same_person(images, person, gender)

    def face_boxes(self, image: DecodedImage) -> tuple[geometry.Box, ...]:
        """Where the faces of an untagged image are: none when it shows nothing, else the detector's."""
        if min(image.width, image.height) < MIN_SIDE:
            return ()
        try:
            stats = pixel_stats(image)
        except Exception:  # pixels Pillow cannot decode (services reject such images before asking)
            return ()
        if stats.shows_nothing:
            return ()
        if self.detector is not None:
            return self.detector.detect(image)
        return tuple(geometry.layout_boxes(1, image.width, image.height, stable_rng("layout", image.digest)))

    def _untagged_faces(self, image: DecodedImage) -> list[Face]:
        boxes = self.face_boxes(image)
        if not boxes:
            return []
        photo = self.registry.photo_id(image.digest, pixel_stats(image).photo_hash)
        declared = self.registry.declared_person(image.digest)
        largest = max(range(len(boxes)), key=lambda i: (boxes[i][2] * boxes[i][3], -i))
        persons = tuple(declared if declared and i == largest else f"photo-{photo}-{i}" for i in range(len(boxes)))
        gender = self.registry.declared_gender(declared) if declared else None
        return list(_photo_faces(image.digest, boxes, persons, gender if gender else None))


@lru_cache(maxsize=1024)
def _photo_faces(digest: str, boxes: tuple[geometry.Box, ...], persons: tuple[str, ...],
                 declared_gender: str | None = None) -> tuple[Face, ...]:
    """The faces of an untagged photo: live and unmasked; a declared person's gender as declared (embeddings cost ~ms)."""
    return tuple(_face(i, person, digest, box, {"live": "1", "mask": "0",
                                                "gender": declared_gender if not person.startswith("photo-") else None})
                 for i, (box, person) in enumerate(zip(boxes, persons)))


@lru_cache(maxsize=1024)
def _faces(digest: str, width: int, height: int, tag_items: tuple[tuple[str, str], ...]) -> tuple[Face, ...]:
    tags = dict(tag_items)
    count = _count(tags)
    if count is None:  # a card image (the only other kind this is asked about)
        return ()
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
