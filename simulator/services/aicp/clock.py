"""The platform's own time: it runs in China, so its dates are Beijing time (UTC+8)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from simulator.auth.aicp_token import PLATFORM_TZ

DATETIME = "%Y-%m-%d %H:%M:%S"
DATE = "%Y-%m-%d"


def now(ctx: Any) -> datetime:
    """The simulator's clock in Beijing time."""
    return ctx.clock().astimezone(PLATFORM_TZ)


def stamp(moment: datetime) -> str:
    return moment.astimezone(PLATFORM_TZ).strftime(DATETIME)


def parse(text: str) -> datetime:
    """``yyyy-MM-dd HH:mm:ss`` or ``yyyy-MM-dd`` in Beijing time; ``ValueError`` otherwise."""
    text = str(text).strip()
    for fmt in (DATETIME, DATE):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=PLATFORM_TZ)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not yyyy-MM-dd[ HH:mm:ss]")


def parse_bound(text: str | None, *, upper: bool) -> datetime | None:
    """A period bound: a bare date as upper bound means the end of that day (bounds are inclusive)."""
    if text is None or str(text).strip() == "":
        return None
    moment = parse(text)
    if upper and len(str(text).strip()) <= 10:
        moment += timedelta(days=1) - timedelta(microseconds=1)
    return moment


def epoch_ms(moment: datetime) -> int:
    return int(moment.astimezone(timezone.utc).timestamp() * 1000)
