"""A settable clock for tests: the simulator's notion of "now", fixed unless a test moves it.

Signatures (Huawei AK/SK, Dataplus), token lifetimes and timestamps all depend
on the clock; a fixed one makes every answer reproducible. Client code under
test should sign with the same instant: pass ``apisim.now`` as its clock.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

# The instant every test starts at (the repository's test suite uses the same one).
DEFAULT_NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


class FixedClock:
    """Callable like ``SimulatorConfig.clock``; moves only when told to."""

    def __init__(self, start: datetime = DEFAULT_NOW):
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware datetime (e.g. tzinfo=timezone.utc)")
        self.start = start
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return self._now

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock needs an aware datetime (e.g. tzinfo=timezone.utc)")
        with self._lock:
            self._now = moment

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**parts)`` (``advance(minutes=20)``); returns the new now."""
        step = delta if delta is not None else timedelta(**parts)
        with self._lock:
            self._now += step
            return self._now

    def reset(self) -> None:
        with self._lock:
            self._now = self.start
