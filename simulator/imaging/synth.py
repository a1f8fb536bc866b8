"""Small synthetic images: cartoon faces and plain cards, for fixtures and ``apisim image generate``.

The pixels only have to look like what the tags claim to a human skimming a
folder; the simulator itself reads the tags. Drawing is seeded, so the same
arguments give the same bytes.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

from simulator.imaging.tags import write_tags

SKIN_TONES = ((241, 194, 125), (224, 172, 105), (198, 134, 66), (255, 219, 172), (141, 85, 36))
CARD_COLOURS = {"bank": (30, 80, 160), "business": (245, 245, 240), "invoice": (250, 235, 235), "none": (200, 200, 200)}


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    fmt = fmt.upper().replace("JPG", "JPEG")
    if fmt == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=70, optimize=True)
    else:
        img.save(out, fmt, optimize=True) if fmt == "PNG" else img.save(out, fmt)
    return out.getvalue()


def draw_faces(width: int, height: int, count: int, *, seed: int, masked: tuple[bool, ...] = ()) -> Image.Image:
    """``count`` cartoon faces side by side on a plain background."""
    rng = random.Random(seed)
    img = Image.new("RGB", (width, height), tuple(rng.randint(60, 230) for _ in range(3)))
    d = ImageDraw.Draw(img)
    slot = width / max(count, 1)
    for i in range(count):
        w = int(min(slot, height) * 0.6)
        h = int(w * 1.25)
        x = int(i * slot + (slot - w) / 2)
        y = int((height - h) / 2)
        d.ellipse((x, y, x + w, y + h), fill=rng.choice(SKIN_TONES), outline=(60, 40, 20))
        for ex in (0.32, 0.68):  # eyes
            cx, cy, r = x + ex * w, y + 0.4 * h, max(1, w * 0.06)
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255), outline=(0, 0, 0))
            d.ellipse((cx - r / 2, cy - r / 2, cx + r / 2, cy + r / 2), fill=(40, 30, 20))
        if masked[i] if i < len(masked) else False:
            d.rectangle((x + 0.15 * w, y + 0.58 * h, x + 0.85 * w, y + 0.9 * h), fill=(120, 180, 220))
        else:
            d.arc((x + 0.3 * w, y + 0.65 * h, x + 0.7 * w, y + 0.85 * h), 10, 170, fill=(150, 40, 40), width=2)
    return img


def draw_card(width: int, height: int, kind: str, lines: list[str], *, seed: int) -> Image.Image:
    """A rounded card with a few lines of (ASCII) text, such as a card number."""
    rng = random.Random(seed)
    img = Image.new("RGB", (width, height), tuple(rng.randint(200, 255) for _ in range(3)))
    d = ImageDraw.Draw(img)
    colour = CARD_COLOURS.get(kind, CARD_COLOURS["none"])
    d.rounded_rectangle((8, 8, width - 8, height - 8), radius=12, fill=colour, outline=(0, 0, 0))
    ink = (255, 255, 255) if sum(colour) < 400 else (20, 20, 20)
    for n, line in enumerate(lines):
        d.text((20, 20 + 18 * n), line, fill=ink)
    return img


def generate(
    tags: dict[str, object], *, fmt: str = "PNG", width: int = 240, height: int = 180, seed: int = 0
) -> bytes:
    """A synthetic image matching ``tags`` (faces or a card), with the tags written into it."""
    card = str(tags.get("card", "")).lower()
    if card and card != "none":
        text = [f"{k}: {v}" for k, v in tags.items() if k != "card" and str(v).isascii()]
        img = draw_card(width, height, card, [card.upper()] + text, seed=seed)
    else:
        persons = [p for p in str(tags.get("person", "")).split(",") if p]
        count = int(tags.get("faces", len(persons) if persons else 1))
        masks = tuple(m.strip() == "1" for m in str(tags.get("mask", "")).split(","))
        if len(masks) == 1 and count > 1:
            masks = masks * count
        img = draw_faces(width, height, count, seed=seed, masked=masks)
    return write_tags(_encode(img, fmt), tags)
