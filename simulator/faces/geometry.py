"""Where faces sit in an image: boxes, the 105 landmarks, irises and pose.

Everything is laid out in the face box, and the box inside the image, so
coordinates stay within bounds whatever the image size (a 10-px image gets
1-px boxes, not points outside it).
"""

from __future__ import annotations

import math
import random

Box = tuple[int, int, int, int]  # x (left), y (top), width, height

LANDMARK_COUNT = 105  # Dataplus: eyebrows 24, eyes 32, nose 6, mouth 34, contour 9


def _arc(cx: float, cy: float, half_width: float, rise: float, count: int) -> list[tuple[float, float]]:
    return [
        (cx - half_width + 2 * half_width * k / (count - 1), cy - rise * math.sin(math.pi * k / (count - 1)))
        for k in range(count)
    ]


def _ellipse(cx: float, cy: float, rx: float, ry: float, count: int) -> list[tuple[float, float]]:
    return [(cx + rx * math.cos(2 * math.pi * k / count), cy + ry * math.sin(2 * math.pi * k / count))
            for k in range(count)]


def _template() -> tuple[tuple[float, float], ...]:
    """Landmarks of a frontal face, in box units (0..1), in the documented order."""
    brows = _arc(0.32, 0.30, 0.13, 0.04, 12) + _arc(0.68, 0.30, 0.13, 0.04, 12)
    eyes = _ellipse(0.32, 0.40, 0.09, 0.035, 16) + _ellipse(0.68, 0.40, 0.09, 0.035, 16)
    nose = [(0.50, 0.45), (0.50, 0.52), (0.50, 0.59), (0.44, 0.62), (0.50, 0.64), (0.56, 0.62)]
    mouth = _ellipse(0.50, 0.78, 0.16, 0.06, 20) + _ellipse(0.50, 0.78, 0.10, 0.025, 14)
    contour = [(0.5 + 0.45 * math.cos(math.pi - math.pi * k / 8), 0.5 + 0.47 * math.sin(math.pi - math.pi * k / 8))
               for k in range(9)]
    points = brows + eyes + nose + mouth + contour
    assert len(points) == LANDMARK_COUNT
    return tuple(points)


TEMPLATE = _template()
EYE_CENTRES = ((0.32, 0.40), (0.68, 0.40))


def layout_boxes(count: int, width: int, height: int, rng: random.Random) -> list[Box]:
    """``count`` face boxes left to right, each in its own vertical slot of the image."""
    if count <= 0:
        return []
    slot = width / count
    boxes = []
    for i in range(count):
        side = max(1, int(min(slot, height) * rng.uniform(0.45, 0.7)))
        w = min(side, width)
        h = min(height, max(1, int(side * 1.2)))  # faces are a little taller than wide
        x = int(i * slot + max(0.0, slot - w) * rng.uniform(0.3, 0.7))
        y = int((height - h) * rng.uniform(0.25, 0.5))
        boxes.append((min(max(0, x), width - w), min(max(0, y), height - h), w, h))
    return boxes


def landmarks(box: Box, rng: random.Random) -> tuple[float, ...]:
    """105 points (210 numbers x0, y0, x1, y1...) inside ``box``, jittered a little per face."""
    x, y, w, h = box
    out: list[float] = []
    for u, v in TEMPLATE:
        u = min(1.0, max(0.0, u + rng.uniform(-0.01, 0.01)))
        v = min(1.0, max(0.0, v + rng.uniform(-0.01, 0.01)))
        out += [round(x + u * w, 3), round(y + v * h, 3)]
    return tuple(out)


def iris(box: Box) -> tuple[float, ...]:
    """[left x, left y, left radius, right x, right y, right radius], at the template's eye centres."""
    x, y, w, h = box
    r = round(max(0.5, 0.03 * w), 3)
    (lu, lv), (ru, rv) = EYE_CENTRES
    return (round(x + lu * w, 3), round(y + lv * h, 3), r, round(x + ru * w, 3), round(y + rv * h, 3), r)


def pose(rng: random.Random) -> tuple[float, float, float]:
    """[yaw, pitch, roll] in degrees: a mostly frontal face."""
    return (round(rng.uniform(-20, 20), 4), round(rng.uniform(-15, 15), 4), round(rng.uniform(-10, 10), 4))
