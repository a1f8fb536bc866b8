"""Time as the back end writes it: Unix seconds as floats, days at midnight in China (UTC+8)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from simulator.core.clock import BEIJING as CHINA
from simulator.pipeline.context import Context

CHINA_OFFSET_S = 8 * 3600
DAY_S = 86400
# Dates accepted as a birthday or an ID card's validity: 1900-01-01 to 2100-12-31, China time.
EARLIEST = datetime(1900, 1, 1, tzinfo=CHINA).timestamp()
LATEST = datetime(2101, 1, 1, tzinfo=CHINA).timestamp()


def now(ctx: Context) -> float:
    return ctx.clock().timestamp()


def day_timestamp(value: Any) -> float | None:
    """A timestamp (number or numeric string) truncated to its day; None when it is not a usable date.

    The document: 精确到日，时分秒信息将被忽略. Its example 943632000.0 is 1999-11-27 00:00 in China.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or not EARLIEST <= value < LATEST:
        return None
    return float((int(value) + CHINA_OFFSET_S) // DAY_S * DAY_S - CHINA_OFFSET_S)
