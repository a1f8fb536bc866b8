"""The platform's own time: it runs in China, so its dates are Beijing time (UTC+8)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from simulator.core.clock import BEIJING as PLATFORM_TZ
from simulator.core.clock import DATE_TIME_FORMAT as DATETIME
from simulator.core.clock import parse_beijing_time as parse
from simulator.pipeline.context import Context


def now(ctx: Context) -> datetime:
    """The simulator's clock in Beijing time."""
    return ctx.clock().astimezone(PLATFORM_TZ)


def stamp(moment: datetime) -> str:
    return moment.astimezone(PLATFORM_TZ).strftime(DATETIME)


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
