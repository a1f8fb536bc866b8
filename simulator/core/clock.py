"""Beijing time: the documents' platforms run in China and write their instants in UTC+8."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8))
DATE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def parse_beijing_time(text: Any) -> datetime:
    """``yyyy-MM-dd HH:mm:ss`` or a bare ``yyyy-MM-dd``, in Beijing time; ``ValueError`` otherwise."""
    text = str(text).strip()
    for fmt in (DATE_TIME_FORMAT, DATE_FORMAT):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=BEIJING)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not yyyy-MM-dd[ HH:mm:ss]")
