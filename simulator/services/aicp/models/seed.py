"""Demo state of a fresh (or reset) simulator: what the document's examples and a first look need."""

from __future__ import annotations

from simulator.pipeline.runtime import Runtime
from simulator.services.aicp.models import engine, ha_queue, stats
from simulator.store import ServiceStore


def seed_state(store: ServiceStore, runtime: Runtime) -> None:
    contract = runtime.contracts["aicp"]
    now = runtime.now()
    stats.seed_history(store, contract, now, runtime.config.seed)
    engine.seed_document_groups(store, contract.raw["x-behaviour"]["koala_app_id"])
    ha_queue.seed_history(store, runtime, now)
