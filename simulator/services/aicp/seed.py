"""Demo state of a fresh (or reset) simulator."""

from __future__ import annotations

from typing import Any

from simulator.services.aicp import stats


def seed_state(store: Any, sim: Any) -> None:
    contract = sim.contracts["aicp"]
    stats.seed_history(store, contract, sim.config.clock(), sim.config.seed)
