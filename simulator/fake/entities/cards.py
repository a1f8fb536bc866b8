"""Bank cards: a real issuer BIN of the named bank, its real length, Luhn, and a validity after "now".

The BINs (first six digits), card kinds and lengths are those the banks issue under China UnionPay
(and Visa/Mastercard for some credit cards): debit cards of the big state banks are 19 digits,
China Merchants Bank's 一卡通 16, credit cards 16. ``now`` is the simulator clock: a card is always
valid for between one and eight more years when it is made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from simulator.core.seeds import stable_rng

DEBIT = "借记卡"
CREDIT = "贷记卡"


@dataclass(frozen=True)
class Bin:
    prefix: str  # 6 digits
    bank: str
    kind: str  # 借记卡 or 贷记卡
    length: int


BINS = (
    Bin("622202", "中国工商银行", DEBIT, 19), Bin("621226", "中国工商银行", DEBIT, 19),
    Bin("625330", "中国工商银行", CREDIT, 16),
    Bin("621700", "中国建设银行", DEBIT, 19), Bin("436742", "中国建设银行", DEBIT, 19),
    Bin("622700", "中国建设银行", DEBIT, 19), Bin("628266", "中国建设银行", CREDIT, 16),
    Bin("622848", "中国农业银行", DEBIT, 19), Bin("621282", "中国农业银行", DEBIT, 19),
    Bin("520082", "中国农业银行", CREDIT, 16),
    Bin("621660", "中国银行", DEBIT, 19), Bin("625908", "中国银行", CREDIT, 16),
    Bin("622262", "交通银行", DEBIT, 19), Bin("621069", "交通银行", DEBIT, 19), Bin("622250", "交通银行", CREDIT, 16),
    Bin("622588", "招商银行", DEBIT, 16), Bin("621483", "招商银行", DEBIT, 16),
    Bin("622575", "招商银行", CREDIT, 16), Bin("439188", "招商银行", CREDIT, 16),
    Bin("621095", "中国邮政储蓄银行", DEBIT, 19), Bin("625919", "中国邮政储蓄银行", CREDIT, 16),
    Bin("621771", "中信银行", DEBIT, 16), Bin("622689", "中信银行", CREDIT, 16),
    Bin("622908", "兴业银行", DEBIT, 18), Bin("451289", "兴业银行", CREDIT, 16),
    Bin("621792", "上海浦东发展银行", DEBIT, 16), Bin("622276", "上海浦东发展银行", CREDIT, 16),
    Bin("622617", "中国民生银行", DEBIT, 16), Bin("622600", "中国民生银行", CREDIT, 16),
    Bin("621489", "中国光大银行", DEBIT, 16), Bin("622655", "中国光大银行", CREDIT, 16),
    Bin("623058", "平安银行", DEBIT, 19), Bin("622155", "平安银行", CREDIT, 16),
    Bin("621462", "广发银行", DEBIT, 19), Bin("520152", "广发银行", CREDIT, 16),
    Bin("622630", "华夏银行", DEBIT, 16), Bin("622636", "华夏银行", CREDIT, 16),
)
BANKS = tuple(dict.fromkeys(b.bank for b in BINS))
DEFAULT_NOW = datetime(2026, 1, 1)  # when no clock is given: the simulator's default epoch


@dataclass(frozen=True)
class BankCard:
    number: str
    bank: str
    kind: str  # 借记卡 or 贷记卡
    valid_thru: tuple[int, int]  # (year, month): valid to the end of that month

    @property
    def valid_date(self) -> str:
        """MM/YY, as printed on the card and as the Aliyun OCR answers ``valid_date``."""
        year, month = self.valid_thru
        return f"{month:02d}/{year % 100:02d}"


def luhn_complete(prefix: str) -> str:
    """``prefix`` with its Luhn check digit appended."""
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


def bin_of(number: str) -> Bin | None:
    """The issuer BIN ``number`` starts with, if it is one of :data:`BINS`."""
    return next((b for b in BINS if number.startswith(b.prefix)), None)


def bank_of(number: str) -> str:
    """The issuing bank of a card number by its BIN, or "" when the BIN is not known."""
    found = bin_of(number)
    return found.bank if found else ""


def card_number(rng: random.Random, issuer: Bin) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(issuer.length - len(issuer.prefix) - 1))
    return luhn_complete(issuer.prefix + body)


def valid_thru_after(rng: random.Random, now: date | datetime) -> tuple[int, int]:
    """A month one to eight years after ``now``'s month."""
    months = now.year * 12 + (now.month - 1) + rng.randint(12, 96)
    return months // 12, months % 12 + 1


def bank_card(key: object, *, seed: int = 0, now: date | datetime | None = None,
              bank: str | None = None, kind: str | None = None) -> BankCard:
    """The card ``key`` names; ``bank``/``kind`` (借记卡, 贷记卡) pin the issuer; ``now`` is the clock."""
    rng = stable_rng("bank-card", seed, key)
    issuers = [b for b in BINS if bank in (None, b.bank) and kind in (None, b.kind)]
    if not issuers:
        raise KeyError(f"no BIN for bank {bank!r} and kind {kind!r}; known banks: {', '.join(BANKS)}")
    issuer = rng.choice(issuers)
    return BankCard(card_number(rng, issuer), issuer.bank, issuer.kind, valid_thru_after(rng, now or DEFAULT_NOW))
