"""Image URLs: what the simulator "downloads" without ever sending a packet.

* A fixture URL (``https://apisim.fixtures/images/<file>``, or one registered on
  :class:`~simulator.imaging.fixtures.FixtureUrls`) is that file.
* A reserved URL fails the way a download fails, so a client can test its error path:
  any host under ``.invalid`` (RFC 2606: never resolves) → :class:`UnreachableImageUrl`;
  ``https://apisim.fixtures/unreachable/...`` → :class:`UnreachableImageUrl`;
  ``https://apisim.fixtures/missing/...`` or any other unregistered ``apisim.fixtures`` path
  (a misspelt fixture name) → :class:`MissingImageUrl`.
* Any other http(s) URL is a stable synthetic image made from the URL alone: the same URL is the
  same picture, and so the same person or card, in every call and every service. What it shows
  follows the ``kind`` the asking service reads (a face photo for face services, its card for an
  OCR service), or the ``apisim`` query parameter, which holds tags
  (``https://example.com/a.jpg?apisim=faces=2+person=alice,bob``; see docs/image-tags.md).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from simulator.fake.entities import cards, companies, invoices
from simulator.imaging.decode import UnknownImageUrl
from simulator.imaging.fixtures import FixtureUrls
from simulator.imaging.synth import generate
from simulator.imaging.tags import CARD_KINDS, TagError, check_vocabulary, parse_tags

FIXTURE_HOST = "apisim.fixtures"
UNREACHABLE_PREFIX = "/unreachable/"
MISSING_PREFIX = "/missing/"
KINDS = ("face", "bank", "business", "invoice")


class UnreachableImageUrl(UnknownImageUrl):
    """The download fails: the host does not resolve or does not answer."""


class MissingImageUrl(UnknownImageUrl):
    """The host answers that there is no such file (HTTP 404)."""


def fetch_image(url: str, fixtures: FixtureUrls, *, kind: str = "face") -> bytes:
    """The bytes behind ``url``, as described above; ``kind`` is what the asking service reads."""
    if not isinstance(url, str):
        raise UnknownImageUrl("the image URL is not a string", str(url))
    if url.strip() in fixtures:
        return fixtures.resolve(url)
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise UnknownImageUrl(f"{url!r} is not an http(s) URL with a host", url)
    if host == "invalid" or host.endswith(".invalid"):
        raise UnreachableImageUrl(f"{host} does not resolve (.invalid is reserved for that)", url)
    if host == FIXTURE_HOST:
        if parts.path.startswith(UNREACHABLE_PREFIX):
            raise UnreachableImageUrl(f"{url} is the reserved unreachable path", url)
        raise MissingImageUrl(f"{url} is no fixture image (the fixtures: {FIXTURE_HOST}/images/<file>)", url)
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: one of {', '.join(KINDS)}")
    try:
        return synthetic_image(url.strip(), kind)
    except TagError as exc:  # a wrong ?apisim= query: say what to write instead
        raise UnknownImageUrl(f"the apisim query of {url}: {exc} (docs/image-tags.md)", url) from None


@lru_cache(maxsize=256)
def synthetic_image(url: str, kind: str = "face") -> bytes:
    """A small image that stands for ``url``: tagged with what it shows, drawn to match."""
    key = "url:" + url
    seed = int.from_bytes(hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big")
    tags = url_tags(url) or _content(kind, key)
    fmt = "PNG" if urlsplit(url).path.lower().endswith(".png") else "JPEG"
    is_card = str(tags.get("card", "none")).lower() in CARD_KINDS[1:]
    return generate(tags, fmt=fmt, width=300 if is_card else 320, height=190 if is_card else 240, seed=seed)


def url_tags(url: str) -> dict[str, str]:
    """The tags an ``apisim`` query parameter gives (unknown keys are an error, as when tagging a file)."""
    texts = parse_qs(urlsplit(url).query).get("apisim")
    if not texts:
        return {}
    tags = parse_tags(texts[0])
    check_vocabulary(tags)
    return tags


def _content(kind: str, key: str) -> dict[str, object]:
    """What the URL's picture shows, from the entities the URL names."""
    if kind == "face":
        person = "url-" + hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
        return {"faces": 1, "person": person}
    if kind == "bank":
        card = cards.bank_card(key)
        return {"card": "bank", "bank_card": card.number, "bank": card.bank, "valid": card.valid_date,
                "card_type": card.kind}
    if kind == "invoice":
        invoice = invoices.quota_invoice(key)
        return {"card": "invoice", "invoice_number": invoice.number, "invoice_code": invoice.code,
                "amount": invoice.amount, "location": invoice.location}
    holder = companies.card_holder(key)
    return {"card": "business", "name": holder.name, "company": holder.company.name, "title": holder.title,
            "department": holder.department, "tel_cell": holder.person.mobile, "tel_work": holder.office_phone,
            "email": holder.email, "addr": holder.company.address.text}
