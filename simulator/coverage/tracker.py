"""Following simulators' exchanges as they happen, so coverage survives resets and trimming.

The pytest fixtures reset the simulator (journal included) before every test, and a journal keeps
at most ``journal_limit`` entries: reading journals at the end of a session would miss most of it.
A tracker is a pipeline hook instead (``after_exchange``): every exchange a tracked simulator
records is also folded into one :class:`CoverageData`, tagged with the test that was running.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable

from simulator.coverage.data import CoverageData
from simulator.pipeline.exchange import Exchange
from simulator.pipeline.hooks import Hooks

if TYPE_CHECKING:
    from simulator.simulator import Simulator


class CoverageTracker(Hooks):
    """Collects the exchanges of every simulator it tracks (thread-safe: live servers answer on
    their own threads)."""

    def __init__(self, current_test: Callable[[], str | None] = lambda: None):
        self.data = CoverageData()
        # Weak: a fixture may build a simulator per test; tracking must not keep them all alive.
        self.simulators: weakref.WeakSet[Simulator] = weakref.WeakSet()
        self._contracts: dict[str, Any] = {}
        self._current_test = current_test
        self._lock = threading.Lock()

    def track(self, simulator: Simulator) -> None:
        """Start collecting ``simulator``'s exchanges (again tracking the same one is a no-op)."""
        if simulator in self.simulators:
            return
        simulator.add_hooks(self)
        self.simulators.add(simulator)
        for name, contract in simulator.contracts.items():
            self._contracts.setdefault(name, contract)

    def untrack_all(self) -> None:
        for simulator in list(self.simulators):
            simulator.remove_hooks(self)
        self.simulators.clear()

    def contracts(self) -> dict[str, Any]:
        """Every contract the tracked simulators served (the first one seen per service)."""
        return dict(self._contracts)

    def after_exchange(self, exchange: Exchange) -> None:
        assert exchange.record is not None
        with self._lock:
            self.data.add(exchange.record, self._current_test())
