"""Who is in an untagged photo: people a client declared, and one identity per photo otherwise.

Held in the simulator's store, so every worker (and every service) agrees:

* **Declared**: ``declare_same_person([a, b, c])`` says these images show one person, without
  tagging them. The largest face of each is that person from then on (tags still win).
* **Photos**: any other detected face belongs to its photo. A re-encoded or resized copy of a photo
  seen before (difference hash within :data:`~simulator.faces.pixels.SAME_PHOTO_MAX_BITS` bits) is
  the same photo, so the same people; the first copy seen names them.

Both maps are bounded (:data:`MAX_PHOTOS`); past the bound a photo keeps an identity made from its
own hash, deterministic but not shared with its near copies.
"""

from __future__ import annotations

from typing import Iterable

from simulator.faces.pixels import same_photo
from simulator.imaging.decode import DecodedImage
from simulator.store import MemoryStore, Store

PREFIX = "faces:"  # every namespace of the registry: a reset of all state clears them
DECLARED_NS = "faces:declared"  # image digest -> person id
PHOTOS_NS = "faces:photos"  # difference hash (16 hex) -> photo id, the first copy's
SEEN_NS = "faces:seen"  # image digest -> photo id
COUNT_NS = "faces:count"
PEOPLE_NS = "faces:people"  # declared person id -> what the declaration said of them ({"gender": "f"})
MAX_PHOTOS = 10_000
MAX_DECLARED = 10_000


class RegistryFull(ValueError):
    """More declared images than :data:`MAX_DECLARED`; reset the simulator or forget some."""


class PersonRegistry:
    def __init__(self, store: Store | None = None) -> None:
        self.store: Store = store if store is not None else MemoryStore()

    # --- declared people ---------------------------------------------------------------------

    def declare_same_person(self, images: Iterable[DecodedImage | bytes | str], person: str | None = None,
                            gender: str | None = None) -> str:
        """Say these images (decoded, raw bytes, or digests) show one person; returns the person id.

        Without ``person`` the id is made from the first image, so declaring the same list twice
        gives the same id. ``gender`` ("f" or "m") is what face attributes then say of them.
        """
        digests = [_digest(i) for i in images]
        if not digests:
            raise ValueError("declare at least one image")
        if gender not in (None, "f", "m"):
            raise ValueError(f"gender {gender!r}: use f or m")
        person = person or f"declared-{digests[0][:16]}"
        if gender is not None:
            self.store.put(PEOPLE_NS, person, {"gender": gender})
        for digest in digests:
            if self.store.get(DECLARED_NS, digest) is None and \
                    self.store.incr(COUNT_NS, "declared") > MAX_DECLARED:
                raise RegistryFull(f"more than {MAX_DECLARED} declared images; reset the simulator first")
            self.store.put(DECLARED_NS, digest, person)
        return person

    def declared_person(self, digest: str) -> str | None:
        return self.store.get(DECLARED_NS, digest)

    def declared_gender(self, person: str) -> str | None:
        return (self.store.get(PEOPLE_NS, person) or {}).get("gender")

    def forget(self, images: Iterable[DecodedImage | bytes | str]) -> None:
        for image in images:
            self.store.delete(DECLARED_NS, _digest(image))

    # --- photos ------------------------------------------------------------------------------

    def photo_id(self, digest: str, photo_hash: int) -> str:
        """The identity of the photo these bytes are: a near copy's, seen first, or its own."""
        known = self.store.get(SEEN_NS, digest)
        if known is not None:
            return known
        own = f"{photo_hash:016x}"
        photo = self.store.get(PHOTOS_NS, own) or self._similar(photo_hash) or own
        if self.store.incr(COUNT_NS, "photos") <= MAX_PHOTOS:
            self.store.add_if_absent(PHOTOS_NS, own, photo)
            if not self.store.add_if_absent(SEEN_NS, digest, photo):  # another worker was first
                return self.store.get(SEEN_NS, digest, photo)
        return photo

    def _similar(self, photo_hash: int) -> str | None:
        """The photo id of the nearest known hash within the same-photo bound (ties: the smaller hash)."""
        best: tuple[int, str, str] | None = None
        for key, photo in self.store.items(PHOTOS_NS):
            other = int(key, 16)
            if same_photo(other, photo_hash):
                candidate = ((other ^ photo_hash).bit_count(), key, photo)
                best = candidate if best is None or candidate < best else best
        return best[2] if best else None


def _digest(image: DecodedImage | bytes | str) -> str:
    if isinstance(image, DecodedImage):
        return image.digest
    if isinstance(image, (bytes, bytearray, memoryview)):
        return DecodedImage(bytes(image), "", 0, 0).digest
    return str(image)
