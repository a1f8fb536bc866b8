"""What card an image holds, and the text an OCR service reads from it.

Tagged values win (``apisim: card=bank bank_card=...``); anything a tag leaves
out is a stable fake derived from the image digest, so an untagged photo of a
real card still gets a consistent, plausible reading. Content dicts use the
tag names as keys (see ``simulator.imaging.tags``); each service renames them
to its own response fields.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from functools import lru_cache

from simulator.fake.entities import cards, companies, invoices
from simulator.faces.model import FaceModel, is_card_image
from simulator.core.seeds import stable_seed
from simulator.imaging.decode import DecodedImage
from simulator.imaging.tags import CARD_KINDS

BANK_KEYS = ("bank_card", "bank", "valid", "card_type")
BUSINESS_KEYS = ("name", "company", "department", "title", "tel_cell", "tel_work", "email", "addr")
INVOICE_KEYS = ("invoice_number", "invoice_code", "amount", "location")
KIND_KEYS = {"bank": BANK_KEYS, "business": BUSINESS_KEYS, "invoice": INVOICE_KEYS}
# Business-card fields the Aliyun document returns as arrays ("数组可能为空"); tags give them as comma lists.
LIST_FIELDS = ("company", "department", "title", "tel_cell", "tel_work", "email", "addr")

bank_of = cards.bank_of

def card_kind(image: DecodedImage) -> str | None:
    """"bank", "business", "invoice" or "none" as the tags say; None for an untagged image.

    An untagged image is whatever the asking service reads (see :func:`holds_card`).
    An image tagged as a face image and nothing else holds no card.
    """
    return image.derived("card_kind", lambda: _card_kind(image.tags))


def _card_kind(tags: dict[str, str]) -> str | None:
    kind = tags.get("card", "").strip().lower()
    if kind in CARD_KINDS:
        return kind
    for name, keys in KIND_KEYS.items():
        if any(k in tags for k in keys if k not in ("name",)):  # "name" alone is ambiguous
            return name
    if "name" in tags:
        return "business"
    if tags:
        return "none"  # tagged with face content (or only unknown keys): not a card
    return None


def holds_card(image: DecodedImage, kind: str) -> bool:
    """Whether a ``kind`` OCR service finds its card in ``image``."""
    found = card_kind(image)
    return found is None or found == kind


def ocr_content(image: DecodedImage, kind: str | None = None, *, now: date | datetime | None = None) -> dict[str, object]:
    """The card text in ``image`` as ``kind`` (default: the image's own kind; untagged images need it).

    ``now`` is the simulator clock: an untagged bank card is valid after it.
    """
    kind = kind or card_kind(image)
    if kind not in KIND_KEYS:
        raise ValueError(f"no OCR content for card kind {kind!r}; pass one of {', '.join(KIND_KEYS)}")
    content = image.derived(("ocr_content", kind, _month(now)), lambda: _read_content(image, kind, now))
    return {key: list(value) if isinstance(value, list) else value for key, value in content.items()}


def _read_content(image: DecodedImage, kind: str, now: date | datetime | None) -> dict[str, object]:
    tags = image.tags
    fake = _fake_content(kind, image.digest, _month(now))
    content: dict[str, object] = dict(fake)
    for key in KIND_KEYS[kind]:
        if key in tags:
            content[key] = [v.strip() for v in tags[key].split(",") if v.strip()] if key in LIST_FIELDS else tags[key]
    if kind == "bank" and "bank_card" in tags and "bank" not in tags:
        content["bank"] = bank_of(str(content["bank_card"]))  # the tagged number's own bank, not a fake one
    if kind == "invoice" and "location" in tags and "invoice_code" not in tags:
        content["invoice_code"] = invoices.invoice_code(random.Random(stable_seed("code", image.digest)),
                                                        str(content["location"]))
    return content


def ocr_confidence(image: DecodedImage, fields: tuple[str, ...] | list[str]) -> dict[str, float]:
    """A stable per-field recognition confidence in [0.95, 1.0) (as Huawei's ``confidence``)."""
    return dict(_confidences(image.digest, tuple(fields)))


@lru_cache(maxsize=1024)
def _confidences(digest: str, fields: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    return tuple((f, round(random.Random(stable_seed("confidence", digest, f)).uniform(0.95, 0.9999), 4))
                 for f in fields)


def card_has_valid_number(number: str) -> bool:
    return cards.luhn_valid(number) and bank_of(number) != ""


# --- stable fakes ---------------------------------------------------------------------------------


def _month(now: date | datetime | None) -> tuple[int, int] | None:
    """The clock to the month: all a card's validity depends on, so the cache below stays small."""
    return (now.year, now.month) if now is not None else None


@lru_cache(maxsize=1024)
def _fake_content(kind: str, digest: str, month: tuple[int, int] | None) -> tuple[tuple[str, object], ...]:
    key = ("ocr", kind, digest)
    if kind == "bank":
        card = cards.bank_card(key, now=date(month[0], month[1], 1) if month else None)
        content: dict[str, object] = {"bank_card": card.number, "bank": card.bank, "valid": card.valid_date,
                                      "card_type": card.kind}
    elif kind == "business":
        holder = companies.card_holder(key)
        content = {
            "name": holder.name,
            "company": [holder.company.name],
            "department": [holder.department],
            "title": [holder.title],
            "tel_cell": [holder.person.mobile],
            "tel_work": [holder.office_phone],
            "email": [holder.email],
            "addr": [holder.company.address.text],
        }
    else:
        invoice = invoices.quota_invoice(key)
        content = {"invoice_number": invoice.number, "invoice_code": invoice.code, "amount": invoice.amount,
                   "location": invoice.location}
    return tuple(content.items())


def describe(image: DecodedImage) -> dict[str, object]:
    """Everything the simulator sees in ``image``: used by ``apisim image show``."""
    model = FaceModel()
    faces = model.faces_in(image)
    kind = card_kind(image)
    return {
        "format": image.format,
        "bytes": image.size,
        "width": image.width,
        "height": image.height,
        "digest": image.digest,
        "tags": dict(image.tags),
        "faces": faces,
        "face_detector": None if image.tags else model.detector_name,  # tags, when present, say the faces
        "card": kind,
        "ocr": {k: ocr_content(image, k) for k in KIND_KEYS} if kind is None else
               ({kind: ocr_content(image, kind)} if kind in KIND_KEYS else {}),
        "is_card_image": is_card_image(image.tags),
    }
