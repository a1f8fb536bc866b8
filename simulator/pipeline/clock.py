"""Moving the simulator clock: an offset kept in the store, so every worker sees it.

Tests of time-dependent behaviour (a verification that completes after a few seconds, a token
that expires) move the clock instead of sleeping. A ``clock=`` callable passed in the config
does that for an in-process simulator; the offset does it for ``apisim serve``, whose workers
are other processes, through ``POST /__apisim/clock`` or :meth:`Simulator.advance_clock`.
A full reset (``store.clear()``) puts the clock back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

CLOCK_NS = "apisim:control:clock"
OFFSET_KEY = "offset_ms"  # whole milliseconds, so moving the clock is the store's atomic ``incr``


class ClockOffset:
    def __init__(self, store: Any):
        self._store = store

    def seconds(self) -> float:
        return int(self._store.get(CLOCK_NS, OFFSET_KEY, 0) or 0) / 1000

    def advance(self, seconds: float) -> float:
        """Move the clock forward (or back, if negative); the new offset. Two workers moving it at
        once both count."""
        return self._store.incr(CLOCK_NS, OFFSET_KEY, round(float(seconds) * 1000)) / 1000

    def set_to(self, instant: datetime, base_now: datetime) -> float:
        """Make the clock read ``instant`` now (it goes on ticking with the base clock)."""
        offset_ms = round((instant - base_now).total_seconds() * 1000)
        self._store.put(CLOCK_NS, OFFSET_KEY, offset_ms)
        return offset_ms / 1000

    def reset(self) -> None:
        self._store.delete(CLOCK_NS, OFFSET_KEY)


def shifted(now: datetime, offset_seconds: float) -> datetime:
    return now + timedelta(seconds=offset_seconds) if offset_seconds else now
