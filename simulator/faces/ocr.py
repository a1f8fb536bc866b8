"""What card an image holds, and the text an OCR service reads from it.

Tagged values win (``apisim: card=bank bank_card=...``); anything a tag leaves
out is a stable fake derived from the image digest, so an untagged photo of a
real card still gets a consistent, plausible reading. Content dicts use the
tag names as keys (see ``simulator.imaging.tags``); each service renames them
to its own response fields.
"""

from __future__ import annotations

import random
from functools import lru_cache

from simulator.fake.generator import FakeData
from simulator.fake.providers import BANK_BINS, PROVINCE_CITIES, QUOTA_DENOMINATIONS, bank_card, luhn_valid
from simulator.faces.model import FaceModel, is_card_image
from simulator.faces.seeds import stable_seed
from simulator.imaging.decode import DecodedImage
from simulator.imaging.tags import CARD_KINDS

BANK_KEYS = ("bank_card", "bank", "valid", "card_type")
BUSINESS_KEYS = ("name", "company", "department", "title", "tel_cell", "tel_work", "email", "addr")
INVOICE_KEYS = ("invoice_number", "invoice_code", "amount", "location")
KIND_KEYS = {"bank": BANK_KEYS, "business": BUSINESS_KEYS, "invoice": INVOICE_KEYS}
# Business-card fields the Aliyun document returns as arrays ("数组可能为空"); tags give them as comma lists.
LIST_FIELDS = ("company", "department", "title", "tel_cell", "tel_work", "email", "addr")

# Tax-region codes (the 2nd-5th digits of an invoice code) of the cities the fake providers use.
CITY_REGION_CODES = {
    "广州市": "4401", "深圳市": "4403", "珠海市": "4404", "佛山市": "4406", "东莞市": "4419",
    "杭州市": "3301", "宁波市": "3302", "温州市": "3303", "绍兴市": "3306",
    "南京市": "3201", "无锡市": "3202", "常州市": "3204", "苏州市": "3205",
    "北京市": "1100", "上海市": "3100",
    "成都市": "5101", "绵阳市": "5107", "宜宾市": "5115",
    "武汉市": "4201", "宜昌市": "4205", "襄阳市": "4206",
    "济南市": "3701", "青岛市": "3702", "烟台市": "3706",
    "福州市": "3501", "厦门市": "3502", "泉州市": "3505",
    "郑州市": "4101", "开封市": "4102", "洛阳市": "4103",
}

_FAKE = FakeData("zh_CN")


def card_kind(image: DecodedImage) -> str | None:
    """"bank", "business", "invoice" or "none" as the tags say; None for an untagged image.

    An untagged image is whatever the asking service reads (see :func:`holds_card`).
    An image tagged as a face image and nothing else holds no card.
    """
    tags = image.tags
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


def ocr_content(image: DecodedImage, kind: str | None = None) -> dict[str, object]:
    """The card text in ``image`` as ``kind`` (default: the image's own kind; untagged images need it)."""
    kind = kind or card_kind(image)
    if kind not in KIND_KEYS:
        raise ValueError(f"no OCR content for card kind {kind!r}; pass one of {', '.join(KIND_KEYS)}")
    tags = image.tags
    fake = _fake_content(kind, image.digest)
    content: dict[str, object] = dict(fake)
    for key in KIND_KEYS[kind]:
        if key in tags:
            content[key] = [v.strip() for v in tags[key].split(",") if v.strip()] if key in LIST_FIELDS else tags[key]
    if kind == "bank" and "bank_card" in tags and "bank" not in tags:
        content["bank"] = bank_of(str(content["bank_card"]))  # the tagged number's own bank, not a fake one
    if kind == "invoice" and "location" in tags and "invoice_code" not in tags:
        content["invoice_code"] = _invoice_code(random.Random(stable_seed("code", image.digest)), str(content["location"]))
    return content


def ocr_confidence(image: DecodedImage, fields: tuple[str, ...] | list[str]) -> dict[str, float]:
    """A stable per-field recognition confidence in [0.95, 1.0) (as Huawei's ``confidence``)."""
    return dict(_confidences(image.digest, tuple(fields)))


@lru_cache(maxsize=1024)
def _confidences(digest: str, fields: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    return tuple((f, round(random.Random(stable_seed("confidence", digest, f)).uniform(0.95, 0.9999), 4))
                 for f in fields)


def bank_of(number: str) -> str:
    """The issuing bank of a card number by its BIN, or "" (the document: "可能为空")."""
    for bin_prefix, bank in BANK_BINS.items():
        if number.startswith(bin_prefix):
            return bank
    return ""


def card_has_valid_number(number: str) -> bool:
    return luhn_valid(number) and bank_of(number) != ""


# --- stable fakes ---------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _fake_content(kind: str, digest: str) -> tuple[tuple[str, object], ...]:
    seed = stable_seed("ocr", kind, digest)
    rng = random.Random(seed)
    fk = _FAKE.faker(seed)
    if kind == "bank":
        number = bank_card(fk, rng, 19)  # Chinese debit cards: 19 digits
        content: dict[str, object] = {
            "bank_card": number,
            "bank": bank_of(number),
            "valid": f"{rng.randint(1, 12):02d}/{rng.randint(24, 35)}",
            "card_type": rng.choice(("借记卡", "贷记卡")),
        }
    elif kind == "business":
        name = fk.name()
        company = fk.company()
        domain = rng.choice(("com", "com.cn", "cn", "net"))
        content = {
            "name": name,
            "company": [company],
            "department": [rng.choice(["技术部", "市场部", "销售部", "财务部", "人力资源部", "研发中心", "客户服务部"])],
            "title": [fk.job()],
            "tel_cell": [fk.phone_number()],
            "tel_work": [f"0{rng.choice(['10', '21', '571', '755', '20', '28'])}{rng.randint(20000000, 89999999)}"],
            "email": [f"{fk.user_name()}@{fk.domain_word()}.{domain}"],
            "addr": [fk.address().rsplit(" ", 1)[0]],  # zh_CN addresses end in " <postcode>"
        }
    else:
        province = rng.choice(sorted(PROVINCE_CITIES))
        city = rng.choice(PROVINCE_CITIES[province])
        location = province if province == city else province + city
        content = {
            "invoice_number": str(rng.randint(10_000_000, 99_999_999)),
            "invoice_code": _invoice_code(rng, location),
            "amount": f"￥{rng.choice(QUOTA_DENOMINATIONS)}.00",
            "location": location,
        }
    return tuple(content.items())


def _invoice_code(rng: random.Random, location: str) -> str:
    """12 digits: category, 4-digit tax region (matching the location when known), year, batch."""
    region = next((code for city, code in CITY_REGION_CODES.items() if location.endswith(city)), None)
    region = region or f"{rng.randint(11, 65)}{rng.randint(1, 20):02d}"
    return f"{rng.choice('12')}{region}{rng.randint(15, 25)}{rng.randint(0, 99999):05d}"


def describe(image: DecodedImage) -> dict[str, object]:
    """Everything the simulator sees in ``image``: used by ``apisim image show``."""
    faces = FaceModel().faces_in(image)
    kind = card_kind(image)
    return {
        "format": image.format,
        "bytes": image.size,
        "width": image.width,
        "height": image.height,
        "digest": image.digest,
        "tags": dict(image.tags),
        "faces": faces,
        "card": kind,
        "ocr": {k: ocr_content(image, k) for k in KIND_KEYS} if kind is None else
               ({kind: ocr_content(image, kind)} if kind in KIND_KEYS else {}),
        "is_card_image": is_card_image(image.tags),
    }
