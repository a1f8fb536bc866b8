"""Named value providers for ``x-faker`` hints.

Two kinds:

* **Value providers** take the seeded ``Faker`` and ``random.Random`` of the current request and
  return one value. Those that take an argument are written ``name:arg`` in a contract
  (``digits:12``, ``int:1-100``, ``hex:32``).
* **Entity providers** (``person.name``, ``company.name``, ``bank_card.number``...) read one field
  of an entity (:mod:`simulator.fake.entities`). Every object the walker makes has its own
  :class:`EntityScope`: one place, one person working at one company, one bank card, one invoice.
  So the fields of one object agree (an ID number encodes the home district the address names);
  two objects are two people. The older plain names (``name``, ``resident_id``, ``company``...)
  are entity providers too (:data:`ENTITY_ALIASES`).
"""

from __future__ import annotations

import base64
import random
import string
import struct
import uuid
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any, Callable

from faker import Faker

from simulator.fake.entities import cards, companies, invoices, people, places

# Kept importable from here: services and tests name them through this module.
from simulator.fake.entities.cards import luhn_complete, luhn_valid  # noqa: F401
from simulator.fake.entities.invoices import QUOTA_DENOMINATIONS  # noqa: F401
from simulator.fake.entities.people import resident_id_valid, with_id_check_digit  # noqa: F401

FIXED_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
CHINA = timezone(timedelta(hours=8))


class EntityScope:
    """The entities of one generated object, made on first use from a seed drawn from the walk's RNG."""

    def __init__(self, draw_seed: Callable[[], int], now: "datetime | Callable[[], datetime | None] | None" = None,
                 ) -> None:
        self._draw_seed = draw_seed
        self._now = now

    @cached_property
    def now(self) -> datetime:
        """The simulator clock (read on first use: most objects never need it), else a fixed 2026 epoch."""
        now = self._now() if callable(self._now) else self._now
        return now or FIXED_EPOCH

    @cached_property
    def key(self) -> int:
        return self._draw_seed()

    @cached_property
    def place(self) -> places.Place:
        return places.pick_place(random.Random(self.key))

    @cached_property
    def company(self) -> companies.Company:
        return companies.company(self.key, place=self.place)

    @cached_property
    def card_holder(self) -> companies.CardHolder:
        return companies.card_holder(self.key, employer=self.company, person=self.person)

    @cached_property
    def person(self) -> people.Person:
        return people.person(self.key, place=self.place)

    @cached_property
    def bank_card(self) -> cards.BankCard:
        return cards.bank_card(self.key, now=self.now)

    @cached_property
    def invoice(self) -> invoices.QuotaInvoice:
        return invoices.quota_invoice(self.key, location=self.place.province_city)


ENTITY_PROVIDERS: dict[str, Callable[[EntityScope], Any]] = {
    "place.province_city": lambda s: s.place.province_city,
    "place.city": lambda s: s.place.city.name,
    "place.district": lambda s: s.place.district.name,
    "person.name": lambda s: s.person.name,
    "person.given_name": lambda s: s.person.name[1:],
    "person.gender": lambda s: s.person.gender,
    "person.gender_cn": lambda s: "男" if s.person.gender == "male" else "女",
    "person.sex_code": lambda s: 1 if s.person.gender == "male" else 2,  # AICP's 1：男，2：女
    "person.birth_date": lambda s: s.person.birth_date.isoformat(),
    "person.birth_yyyymmdd": lambda s: int(f"{s.person.birth_date:%Y%m%d}"),
    # CDC's day timestamps: Unix time of the birth day's midnight in China (UTC+8), as a float.
    "person.birth_epoch": lambda s: datetime.combine(s.person.birth_date, datetime.min.time(), CHINA).timestamp(),
    "person.age": lambda s: s.person.age(s.now),
    "person.resident_id": lambda s: s.person.resident_id,
    "person.address": lambda s: s.person.home.text,
    "person.mobile": lambda s: s.person.mobile,
    "person.landline": lambda s: s.person.landline,
    "person.email": lambda s: s.person.email,
    "company.name": lambda s: s.company.name,
    "company.domain": lambda s: s.company.domain,
    "company.address": lambda s: s.company.address.text,
    "company.switchboard": lambda s: s.company.switchboard,
    "card.title": lambda s: s.card_holder.title,
    "card.department": lambda s: s.card_holder.department,
    "card.office_phone": lambda s: s.card_holder.office_phone,
    "card.email": lambda s: s.card_holder.email,
    "bank_card.number": lambda s: s.bank_card.number,
    "bank_card.bank": lambda s: s.bank_card.bank,
    "bank_card.kind": lambda s: s.bank_card.kind,
    "bank_card.valid_date": lambda s: s.bank_card.valid_date,
    "invoice.number": lambda s: s.invoice.number,
    "invoice.code": lambda s: s.invoice.code,
    "invoice.amount": lambda s: s.invoice.amount,
    "invoice.location": lambda s: s.invoice.location,
}

# The plain names contracts used before entities existed, and the entity field each one now is.
ENTITY_ALIASES = {
    "name": "person.name",
    "first_name": "person.given_name",
    "resident_id": "person.resident_id",
    "phone_number": "person.mobile",
    "address": "person.address",
    "province_city": "place.province_city",
    "city": "place.city",
    "company": "company.name",
    "department": "card.department",
    "job": "card.title",
    "landline": "card.office_phone",
    "email": "card.email",
    "bank_card": "bank_card.number",
    "bank_name": "bank_card.bank",
    "card_valid_date": "bank_card.valid_date",
    "invoice_number": "invoice.number",
    "invoice_code": "invoice.code",
    "quota_amount": "invoice.amount",
}


def entity_provider(name: str) -> Callable[[EntityScope], Any] | None:
    return ENTITY_PROVIDERS.get(ENTITY_ALIASES.get(name, name))


# A value provider is called with the request's seeded Faker and RNG and the simulator clock
# (``now``, None outside a request): dates fall before the clock, never on the wall clock.
ValueProvider = Callable[[Faker, random.Random, "datetime | None"], Any]


def _digits(n: int) -> ValueProvider:
    return lambda fk, rng, now=None: str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def _hex(n: int) -> ValueProvider:
    return lambda fk, rng, now=None: "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _base64(n: int) -> ValueProvider:
    """The base64 of ``n`` random bytes (AICP's authorisation token is 16: ``DU/mHOzoR4it4ljQFugDcA==``)."""
    return lambda fk, rng, now=None: base64.b64encode(rng.getrandbits(8 * n).to_bytes(n, "big")).decode("ascii")


def _feature(n: int) -> ValueProvider:
    """A face feature vector: the base64 of ``n`` little-endian float32 values of a unit-scale embedding."""
    def make(fk: Faker, rng: random.Random, now: datetime | None = None) -> str:
        values = [rng.gauss(0.0, 1.0 / n ** 0.5) for _ in range(n)]
        return base64.b64encode(struct.pack(f"<{n}f", *values)).decode("ascii")
    return make


def _int(lo: int, hi: int) -> ValueProvider:
    return lambda fk, rng, now=None: rng.randint(lo, hi)


def _float(lo: float, hi: float) -> ValueProvider:
    return lambda fk, rng, now=None: round(rng.uniform(lo, hi), 4)


def uuid_from(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def timestamp(rng: random.Random, now: datetime | None = None) -> datetime:
    """A stable pseudo-time: within the 90 days before ``now`` (the simulator clock) when given, else
    in 2026, so fake dates never read the wall clock."""
    if now is not None:
        return now - timedelta(seconds=rng.randint(0, 90 * 86400))
    return FIXED_EPOCH + timedelta(seconds=rng.randint(0, 300 * 86400))


def _moment(fmt: str) -> ValueProvider:
    return lambda fk, rng, now=None: timestamp(rng, now).strftime(fmt)


PROVIDERS: dict[str, ValueProvider] = {
    "url": lambda fk, rng, now=None: fk.url(),
    "word": lambda fk, rng, now=None: fk.word(),
    "sentence": lambda fk, rng, now=None: fk.sentence(),
    "paragraph": lambda fk, rng, now=None: fk.paragraph(),
    "confidence": _float(0.9, 1.0),
    "uuid": lambda fk, rng, now=None: str(uuid_from(rng)),
    "uuid_upper": lambda fk, rng, now=None: str(uuid_from(rng)).upper(),
    "uuid_hex": lambda fk, rng, now=None: uuid_from(rng).hex,
    "datetime": _moment("%Y-%m-%d %H:%M:%S"),
    "date": _moment("%Y-%m-%d"),
    "iso_datetime": _moment("%Y-%m-%dT%H:%M:%S.%fZ"),
    "timestamp_ms": lambda fk, rng, now=None: int(timestamp(rng, now).timestamp() * 1000),
    "timestamp": lambda fk, rng, now=None: int(timestamp(rng, now).timestamp()),
    "market_request_id": lambda fk, rng, now=None: (timestamp(rng, now).strftime("%Y%m%d%H%M%S") + "_"
                                                    + uuid_from(rng).hex),
    "ipv4_loopback": lambda fk, rng, now=None: "127.0.0.1",
}


def parametrised(name: str) -> ValueProvider | None:
    """``digits:N``, ``hex:N``, ``base64:N`` (bytes), ``feature:N`` (float32s), ``int:A-B``, ``float:A-B``,
    ``choice:a|b|c``."""
    kind, _, arg = name.partition(":")
    if not arg:
        return None
    if kind in ("digits", "hex", "base64", "feature"):
        return {"digits": _digits, "hex": _hex, "base64": _base64, "feature": _feature}[kind](int(arg))
    if kind in ("int", "float"):
        lo, _, hi = arg.partition("~") if "~" in arg else arg.partition("-")
        return _int(int(lo), int(hi)) if kind == "int" else _float(float(lo), float(hi))
    if kind == "choice":
        options = arg.split("|")
        return lambda fk, rng, now=None: rng.choice(options)
    return None


def known_provider(name: str) -> bool:
    return entity_provider(name) is not None or name in PROVIDERS or parametrised(name) is not None


def resolve(name: str) -> ValueProvider:
    """The value provider ``name`` names (entity providers are looked up with :func:`entity_provider`)."""
    found = PROVIDERS.get(name) or parametrised(name)
    if found is None:
        known = sorted([*PROVIDERS, *ENTITY_PROVIDERS, *ENTITY_ALIASES])
        raise KeyError(f"unknown x-faker provider {name!r}; known: {', '.join(known)}, "
                       "digits:N, hex:N, base64:N, feature:N, int:A-B, float:A-B, choice:a|b")
    return found
