"""Demo state of a fresh (or reset) simulator: what the document's examples and a first look need."""

from __future__ import annotations

from typing import Any

from simulator.services.aicp import engine, ha_queue, stats


def seed_state(store: Any, sim: Any) -> None:
    contract = sim.contracts["aicp"]
    now = sim.now()
    stats.seed_history(store, contract, now, sim.config.seed)
    engine.seed_document_groups(store, contract.raw["x-behaviour"]["koala_app_id"])
    ha_queue.seed_history(store, sim, now)
