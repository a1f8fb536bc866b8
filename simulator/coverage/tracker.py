"""Following simulators' journals as they are written, so coverage survives resets and trimming.

The pytest fixtures reset the simulator (journal included) before every test, and a journal keeps
at most ``journal_limit`` entries: reading journals at the end of a session would miss most of it.
A tracker taps each simulator's journal instead: every entry recorded is also folded into one
:class:`CoverageData`, tagged with the test that was running.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable

from simulator.coverage.data import CoverageData


class _JournalTap:
    """Stands in for a simulator's journal: records through it, then tells the listeners."""

    def __init__(self, inner: Any):
        self._inner = inner
        self.listeners: list[Callable[[dict[str, Any]], None]] = []

    def record(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        entry = self._inner.record(*args, **kwargs)
        for listener in list(self.listeners):
            listener(entry)
        return entry

    def __getattr__(self, name: str) -> Any:  # entries(), clear() and the rest: the journal's own
        return getattr(self._inner, name)


class CoverageTracker:
    """Collects the journal entries of every simulator it tracks (thread-safe: live servers answer
    on their own threads)."""

    def __init__(self, current_test: Callable[[], str | None] = lambda: None):
        self.data = CoverageData()
        # Weak: a fixture may build a simulator per test; tracking must not keep them all alive.
        self.simulators: weakref.WeakSet[Any] = weakref.WeakSet()
        self._contracts: dict[str, Any] = {}
        self._current_test = current_test
        self._lock = threading.Lock()

    def track(self, simulator: Any) -> None:
        """Start collecting ``simulator``'s journal entries (again tracking the same one is a no-op)."""
        if simulator in self.simulators:
            return
        tap = simulator.journal if isinstance(simulator.journal, _JournalTap) else _JournalTap(simulator.journal)
        simulator.journal = tap
        tap.listeners.append(self._add)
        self.simulators.add(simulator)
        for name, contract in simulator.contracts.items():
            self._contracts.setdefault(name, contract)

    def untrack_all(self) -> None:
        for simulator in list(self.simulators):
            tap = simulator.journal
            if isinstance(tap, _JournalTap) and self._add in tap.listeners:
                tap.listeners.remove(self._add)
        self.simulators.clear()

    def contracts(self) -> dict[str, Any]:
        """Every contract the tracked simulators served (the first one seen per service)."""
        return dict(self._contracts)

    def _add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.data.add(entry, self._current_test())
