"""CDC-Python's state, one module per kind of record; everything lives in the service's store."""

from __future__ import annotations

from simulator.pipeline.runtime import Runtime
from simulator.services.cdc_python.models import groups, messages
from simulator.store import ServiceStore

SERVICE = "cdc-python"


def seed_state(store: ServiceStore, runtime: Runtime) -> None:
    """Demo state from the contract's ``x-seed``: the default face group and the document's system notice."""
    seed = runtime.contracts[SERVICE].raw.get("x-seed", {})
    groups.seed(store, seed.get("groups", []))
    messages.seed(store, seed.get("messages", []))
