"""Records that expire kept in one map namespace per period of time, so the expired ones are
forgotten a whole period at a time: one store call per period, whatever the number of records.

A record made at instant ``t`` lives in the namespace of period ``floor(t / seconds)``
(``<name>@<period>``). A small registry (``<name>@periods``) names the periods holding anything;
:meth:`TimeBuckets.forget_all_but` deletes the periods no longer needed, each with one
``delete_map``. Looking through the registry costs one read of a few keys, never a scan of the
records, so what a request pays to keep the records bounded does not grow with how many there are.

Whoever writes a record calls :meth:`TimeBuckets.note` after the write: the registry entry is
made then if it is missing, so a sweep that deletes a period at the same moment (registry entry
first, then the namespace) never leaves a namespace nobody knows of.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Iterable

from simulator.store.base import ServiceStore


class TimeBuckets:
    """The periods of ``seconds`` one kind of record (``name``) is split into, on a service store."""

    def __init__(self, store: ServiceStore, name: str, seconds: float):
        if seconds <= 0:
            raise ValueError(f"a period of {seconds} s cannot hold anything")
        self.store = store
        self.name = name
        self.seconds = float(seconds)
        self.registry = f"{name}@periods"

    def period(self, instant: datetime) -> int:
        """The period ``instant`` falls in."""
        return math.floor(instant.timestamp() / self.seconds)

    def namespace(self, period: int) -> str:
        """Where the records of ``period`` are kept."""
        return f"{self.name}@{period}"

    def note(self, period: int) -> bool:
        """Make sure the registry names ``period`` (call it after writing a record there); True when
        this call added it: a new period has begun, the time to forget the old ones."""
        if self.store.get(self.registry, str(period)) is not None:  # a read: most writes land in a known period
            return False
        return self.register(period)

    def register(self, period: int) -> bool:
        """Name ``period`` in the registry; True when it was not named yet (one write, always)."""
        return self.store.add_if_absent(self.registry, str(period), True)

    def periods(self) -> list[int]:
        """The periods that may hold records, oldest first."""
        return sorted(int(key) for key, _ in self.store.items(self.registry))

    def forget_all_but(self, live: Iterable[int]) -> int:
        """Forget every period not in ``live``, each with one store call; how many went."""
        keep = set(live)
        forgotten = 0
        for period in self.periods():
            if period not in keep:
                # The registry entry first: a writer that lands in this period now registers it again.
                self.store.delete(self.registry, str(period))
                self.store.delete_map(self.namespace(period))
                forgotten += 1
        return forgotten


def count_in_period(store: ServiceStore, name: str, key: str, instant: datetime, seconds: float) -> int:
    """Count one more for ``key`` in the current period of ``seconds`` (a rate limit's second or
    minute); how many it has now. Only the current period is ever read, so the first count of a
    new period forgets every other one whole, however long the gap since the last count."""
    periods = TimeBuckets(store, name, seconds)
    period = periods.period(instant)
    count = store.incr(periods.namespace(period), key)
    if count == 1 and periods.note(period):
        periods.forget_all_but((period,))
    return count
