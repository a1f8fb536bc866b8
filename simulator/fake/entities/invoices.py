"""Quota invoices (定额发票): a number, a code whose region digits match the printed location, an amount.

The 12-digit invoice code is: category (1), tax region (4: the GB/T 2260 city code's first four
digits, ``xx00`` for a municipality), year (2), batch (5). The fixture ``quota_invoice.png``
(144031909311, 广东省深圳市) reads that way: 1 / 4403 / 19 / 09311.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulator.fake.entities import places
from simulator.core.seeds import stable_rng

# Real quota-invoice denominations, in yuan.
QUOTA_DENOMINATIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


@dataclass(frozen=True)
class QuotaInvoice:
    number: str  # 8 digits
    code: str  # 12 digits
    amount: str  # ￥50.00
    location: str  # 广东省深圳市


def tax_region(location: str) -> str | None:
    """The 4-digit region of a province+city text (广东省深圳市 → 4403, 北京市 → 1100), if the table knows it."""
    found = places.city_named(location)
    if found is None:
        return None
    province, city = found
    return province.code[:2] + "00" if province.is_municipality else city.code[:4]


def invoice_code(rng: random.Random, location: str) -> str:
    """12 digits whose region part matches ``location`` (a random real region when it is unknown)."""
    region = tax_region(location)
    if region is None:
        region = tax_region(places.pick_place(rng).province_city) or "1100"
    return f"{rng.choice('12')}{region}{rng.randint(15, 25)}{rng.randint(0, 99999):05d}"


def quota_amount(rng: random.Random) -> str:
    return f"￥{rng.choice(QUOTA_DENOMINATIONS)}.00"


def quota_invoice(key: object, *, seed: int = 0, location: str | None = None) -> QuotaInvoice:
    """The invoice ``key`` names; ``location`` pins where it was issued (its code follows)."""
    rng = stable_rng("quota-invoice", seed, key)
    location = location or places.pick_place(rng).province_city
    return QuotaInvoice(
        number=str(rng.randint(10_000_000, 99_999_999)),
        code=invoice_code(rng, location),
        amount=quota_amount(rng),
        location=location,
    )
