"""Named value providers for ``x-faker`` hints.

Each provider takes the seeded ``Faker`` and ``random.Random`` of the current
request and returns one value. Providers that take an argument are written
``name:arg`` in a contract (``digits:12``, ``int:1-100``, ``hex:32``).
"""

from __future__ import annotations

import random
import string
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from faker import Faker

# Real quota-invoice (定额发票) denominations, in yuan.
QUOTA_DENOMINATIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

# Province-level divisions with a few of their real cities.
PROVINCE_CITIES = {
    "广东省": ["广州市", "深圳市", "珠海市", "佛山市", "东莞市"],
    "浙江省": ["杭州市", "宁波市", "温州市", "绍兴市"],
    "江苏省": ["南京市", "苏州市", "无锡市", "常州市"],
    "北京市": ["北京市"],
    "上海市": ["上海市"],
    "四川省": ["成都市", "绵阳市", "宜宾市"],
    "湖北省": ["武汉市", "宜昌市", "襄阳市"],
    "山东省": ["济南市", "青岛市", "烟台市"],
    "福建省": ["福州市", "厦门市", "泉州市"],
    "河南省": ["郑州市", "洛阳市", "开封市"],
}

# Real issuer BIN prefixes (6 digits) with their bank names; card numbers are completed to pass Luhn.
BANK_BINS = {
    "621700": "中国建设银行",
    "436742": "中国建设银行",
    "622202": "中国工商银行",
    "621226": "中国工商银行",
    "622848": "中国农业银行",
    "621660": "中国银行",
    "622588": "招商银行",
    "622262": "交通银行",
    "621483": "招商银行",
    "622155": "平安银行",
}

FIXED_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to ``prefix``."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_complete(number[:-1]) == number


def bank_card(fk: Faker, rng: random.Random, length: int = 19) -> str:
    prefix = rng.choice(sorted(BANK_BINS))
    body = "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return luhn_complete(prefix + body)


def resident_id(fk: Faker, rng: random.Random) -> str:
    """An 18-digit resident ID number with a real region prefix, birth date and check digit."""
    region = rng.choice(["110101", "310104", "330103", "440305", "510107", "420106", "320102"])
    birth = FIXED_EPOCH - timedelta(days=rng.randint(18 * 365, 70 * 365))
    seq = f"{rng.randint(0, 999):03d}"
    return with_id_check_digit(region + birth.strftime("%Y%m%d") + seq)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_id_check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def resident_id_valid(number: str) -> bool:
    """Region, birth date and check digit, as the resident ID standard (GB 11643) defines them."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789Xx":
        return False
    try:
        born = datetime.strptime(number[6:14], "%Y%m%d")
    except ValueError:
        return False
    if born.year < 1900 or number[:2] not in _REGION_PREFIXES:
        return False
    return with_id_check_digit(number[:17]) == number[:17] + number[17].upper()


_REGION_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
}


def province_city(fk: Faker, rng: random.Random) -> str:
    province = rng.choice(sorted(PROVINCE_CITIES))
    city = rng.choice(PROVINCE_CITIES[province])
    return province if province == city else province + city


def quota_amount(fk: Faker, rng: random.Random) -> str:
    return f"￥{rng.choice(QUOTA_DENOMINATIONS)}.00"


def _digits(n: int) -> Callable[[Faker, random.Random], str]:
    return lambda fk, rng: str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def _hex(n: int) -> Callable[[Faker, random.Random], str]:
    return lambda fk, rng: "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _int(lo: int, hi: int) -> Callable[[Faker, random.Random], int]:
    return lambda fk, rng: rng.randint(lo, hi)


def _float(lo: float, hi: float) -> Callable[[Faker, random.Random], float]:
    return lambda fk, rng: round(rng.uniform(lo, hi), 4)


def uuid_from(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def timestamp(rng: random.Random) -> datetime:
    """A stable pseudo-time in 2026, so fake dates never read the clock."""
    return FIXED_EPOCH + timedelta(seconds=rng.randint(0, 300 * 86400))


PROVIDERS: dict[str, Callable[..., Any]] = {
    "name": lambda fk, rng: fk.name(),
    "first_name": lambda fk, rng: fk.first_name(),
    "phone_number": lambda fk, rng: fk.phone_number(),
    "landline": lambda fk, rng: f"0{rng.choice(['10', '21', '571', '755', '20', '28'])}-{rng.randint(2000000, 89999999)}",
    "company": lambda fk, rng: fk.company(),
    "department": lambda fk, rng: rng.choice(["技术部", "市场部", "销售部", "财务部", "人力资源部", "研发中心", "客户服务部"]),
    "job": lambda fk, rng: fk.job(),
    "address": lambda fk, rng: fk.address(),
    "email": lambda fk, rng: fk.email(),
    "url": lambda fk, rng: fk.url(),
    "word": lambda fk, rng: fk.word(),
    "sentence": lambda fk, rng: fk.sentence(),
    "paragraph": lambda fk, rng: fk.paragraph(),
    "resident_id": resident_id,
    "province_city": province_city,
    "city": lambda fk, rng: rng.choice(PROVINCE_CITIES[rng.choice(sorted(PROVINCE_CITIES))]),
    "bank_card": bank_card,
    "bank_name": lambda fk, rng: rng.choice(sorted(set(BANK_BINS.values()))),
    "card_valid_date": lambda fk, rng: f"{rng.randint(1, 12):02d}/{rng.randint(24, 35)}",
    "invoice_number": _digits(8),
    "invoice_code": _digits(12),
    "quota_amount": quota_amount,
    "confidence": _float(0.9, 1.0),
    "uuid": lambda fk, rng: str(uuid_from(rng)),
    "uuid_upper": lambda fk, rng: str(uuid_from(rng)).upper(),
    "uuid_hex": lambda fk, rng: uuid_from(rng).hex,
    "datetime": lambda fk, rng: timestamp(rng).strftime("%Y-%m-%d %H:%M:%S"),
    "date": lambda fk, rng: timestamp(rng).strftime("%Y-%m-%d"),
    "iso_datetime": lambda fk, rng: timestamp(rng).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    "timestamp_ms": lambda fk, rng: int(timestamp(rng).timestamp() * 1000),
    "timestamp": lambda fk, rng: int(timestamp(rng).timestamp()),
    "market_request_id": lambda fk, rng: timestamp(rng).strftime("%Y%m%d%H%M%S") + "_" + uuid_from(rng).hex,
    "ipv4_loopback": lambda fk, rng: "127.0.0.1",
}


def parametrised(name: str) -> Callable[..., Any] | None:
    """``digits:N``, ``hex:N``, ``int:A-B``, ``float:A-B``, ``choice:a|b|c``."""
    kind, _, arg = name.partition(":")
    if not arg:
        return None
    if kind == "digits":
        return _digits(int(arg))
    if kind == "hex":
        return _hex(int(arg))
    if kind in ("int", "float"):
        lo, _, hi = arg.partition("~") if "~" in arg else arg.partition("-")
        return _int(int(lo), int(hi)) if kind == "int" else _float(float(lo), float(hi))
    if kind == "choice":
        options = arg.split("|")
        return lambda fk, rng: rng.choice(options)
    return None


def resolve(name: str) -> Callable[..., Any]:
    found = PROVIDERS.get(name) or parametrised(name)
    if found is None:
        raise KeyError(f"unknown x-faker provider {name!r}; known: {', '.join(sorted(PROVIDERS))}, digits:N, hex:N, int:A-B, float:A-B, choice:a|b")
    return found
