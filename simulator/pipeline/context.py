"""The per-request context a handler sees."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from simulator.core import ServiceError, SimRequest
from simulator.store import ServiceStore

if TYPE_CHECKING:
    from simulator.contracts import Contract, Deployment, Operation
    from simulator.pipeline.simulator import Simulator


@dataclass
class Context:
    sim: "Simulator"
    request: SimRequest
    contract: "Contract"
    deployment: "Deployment"
    store: ServiceStore
    seed: int
    seq: int
    operation: "Operation | None" = None
    path_params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)
    envelope_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # scratch space for envelopes (e.g. SAF's Format)

    @property
    def service(self) -> str:
        return self.contract.service

    @property
    def config(self):
        return self.sim.config

    @property
    def rng(self) -> random.Random:
        if "_rng" not in self.extra:
            self.extra["_rng"] = random.Random(self.seed)
        return self.extra["_rng"]

    @property
    def request_rng(self) -> random.Random:
        """Seeded by content and sequence number: differs between identical requests, stable across replays."""
        if "_request_rng" not in self.extra:
            self.extra["_request_rng"] = random.Random(f"{self.seed}:{self.seq}")
        return self.extra["_request_rng"]

    def clock(self) -> datetime:
        return self.sim.now()

    @property
    def faces(self):
        return self.sim.faces

    @property
    def images(self):
        return self.sim.images

    def fail(self, code: str, message: str | None = None, **data: Any) -> None:
        raise ServiceError(code, message, data=data or None)

