"""Where the faces are in an untagged photo: OpenCV's Haar cascade.

``opencv-python-headless`` (4.x: 5.0 dropped the cascade classifier) is a core dependency, so every
install judges a photo the same way; its wheel ships the cascade files. Only where it cannot be
imported (a platform without its wheel) is :func:`default_detector` None, with a warning, and the
face model falls back to a hash of the bytes (docs/image-tags.md, "Untagged images").

Settings chosen on 32 face photos and 21 without faces (``haarcascade_frontalface_alt``, longer
side 320 px, scale step 1.15, 4 neighbours, faces at least 8% of the shorter side): 51 of 53
photos get the right count (the two misses are half-hidden faces), no face on any of 35 blank,
gradient or noise images. About 50 ms per new photo on one core; results are cached by digest.
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import Protocol

from simulator.faces.cache import DigestCache
from simulator.faces.geometry import Box
from simulator.faces.pixels import grey
from simulator.imaging.decode import DecodedImage

MAX_SIDE = 320
SCALE_STEP = 1.15
NEIGHBOURS = 4
MIN_FACE = 0.08  # of the shorter side
MAX_FACES = 16  # the largest ones, if a crowd shows more


class FaceDetector(Protocol):
    """Finds face boxes in an image, deterministically: the same bytes, the same boxes."""

    name: str

    def detect(self, image: DecodedImage) -> tuple[Box, ...]: ...


class HaarDetector:
    """OpenCV's frontal-face Haar cascade, run on a grey copy at most :data:`MAX_SIDE` px wide."""

    def __init__(self, cascade: str = "haarcascade_frontalface_alt.xml") -> None:
        import cv2  # imported only when a detector is made: ~0.2 s, and only face services need it
        import numpy

        path = os.path.join(cv2.data.haarcascades, cascade)
        self._classifier = cv2.CascadeClassifier(path)
        if self._classifier.empty():
            raise RuntimeError(f"OpenCV could not load its cascade {path}")
        self._cv2, self._numpy = cv2, numpy
        self.name = f"opencv-{cv2.__version__}-{cascade.removesuffix('.xml')}"
        self._cache: DigestCache[tuple[Box, ...]] = DigestCache(4096)
        self._lock = threading.Lock()  # one classifier, not documented as safe to share between threads

    def detect(self, image: DecodedImage) -> tuple[Box, ...]:
        return self._cache.get(image.digest, lambda: self._detect(image))

    def _detect(self, image: DecodedImage) -> tuple[Box, ...]:
        small = grey(image, MAX_SIDE)
        pixels = self._cv2.equalizeHist(self._numpy.asarray(small))
        side = max(20, int(min(small.size) * MIN_FACE))
        with self._lock:
            found = self._classifier.detectMultiScale(pixels, scaleFactor=SCALE_STEP, minNeighbors=NEIGHBOURS,
                                                      minSize=(side, side))
        scale_x, scale_y = image.width / small.width, image.height / small.height
        boxes = [_inside(round(x * scale_x), round(y * scale_y), round(w * scale_x), round(h * scale_y),
                         image.width, image.height) for x, y, w, h in (found if len(found) else [])]
        largest = sorted(boxes, key=lambda b: -b[2] * b[3])[:MAX_FACES]
        return tuple(sorted(largest))  # left to right, as the face model numbers faces


def _inside(x: int, y: int, w: int, h: int, width: int, height: int) -> Box:
    x, y = min(max(0, x), width - 1), min(max(0, y), height - 1)
    return x, y, max(1, min(w, width - x)), max(1, min(h, height - y))


_DEFAULT: list[FaceDetector | None] = []


def default_detector() -> FaceDetector | None:
    """The Haar detector (made once per process); None, with a warning, where OpenCV cannot be imported."""
    if not _DEFAULT:
        try:
            _DEFAULT.append(HaarDetector())
        except ImportError as exc:
            warnings.warn(f"OpenCV cannot be imported ({exc}): untagged photos get one face placed by a hash of "
                          "their bytes; reinstall opencv-python-headless (a dependency of apisim) to detect faces",
                          RuntimeWarning, stacklevel=2)
            _DEFAULT.append(None)
    return _DEFAULT[0]
