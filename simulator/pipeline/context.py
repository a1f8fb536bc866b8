"""The per-request context a handler (and an envelope, and a hook) sees."""

from __future__ import annotations

import hashlib
import random
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from simulator.config import SimulatorConfig
from simulator.core import ServiceError, SimRequest
from simulator.core.view import request_view
from simulator.pipeline.exchange import Exchange
from simulator.pipeline.runtime import Runtime
from simulator.store import ServiceStore

if TYPE_CHECKING:
    from simulator.contracts import Contract, Deployment, Operation
    from simulator.faces.model import FaceModel
    from simulator.imaging.fixtures import FixtureUrls


@dataclass(eq=False, slots=True)
class Context:
    runtime: Runtime
    request: SimRequest
    contract: Contract
    deployment: Deployment
    store: ServiceStore
    seed: int
    seq: int
    exchange: Exchange
    operation: Operation | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)
    envelope_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # the service's scratch space (e.g. SAF's Format)
    # Made on first use (most requests need none of them).
    _view: dict[str, Any] | None = field(default=None, init=False, repr=False)
    _rng: random.Random | None = field(default=None, init=False, repr=False)
    _request_rng: random.Random | None = field(default=None, init=False, repr=False)

    @property
    def service(self) -> str:
        return self.contract.service

    @property
    def config(self) -> SimulatorConfig:
        return self.runtime.config

    @property
    def view(self) -> dict[str, Any]:
        """The request as ``match`` predicates and fault ``where`` filters see it (built once, after
        ``params``): see :mod:`simulator.core.view`."""
        if self._view is None:
            self._view = request_view(self.request, self.params)
        return self._view

    @property
    def rng(self) -> random.Random:
        """Seeded by the simulator seed and the request's content: identical requests, identical answers."""
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng

    @property
    def request_rng(self) -> random.Random:
        """Seeded by content and sequence number: differs between identical requests, stable across replays."""
        if self._request_rng is None:
            self._request_rng = random.Random(f"{self.seed}:{self.seq}")
        return self._request_rng

    def request_bits(self, purpose: str = "") -> int:
        """128 bits for an id (a request id, say), like ``request_rng``'s: different between identical
        requests, stable across replays, one value per ``purpose``; one hash, where seeding a
        ``Random`` costs several times as much on every request."""
        data = b"%d:%d:%s" % (self.seed, self.seq, purpose.encode())
        return int.from_bytes(hashlib.blake2b(data, digest_size=16).digest(), "big")

    def clock(self) -> datetime:
        return self.runtime.now()

    @property
    def faces(self) -> FaceModel:
        return self.runtime.faces

    @property
    def images(self) -> FixtureUrls:
        return self.runtime.images

    def credentials(self) -> list[dict[str, Any]]:
        """This service's credentials: configured ones first, then the contract's demo ones."""
        return self.runtime.credentials(self.service)

    def scenario(self, name: str, key: str | None = None) -> str | None:
        """The state of this service's scenario ``name`` for ``key`` at this step (moving it on), or
        None when none is set: see ``ServiceDefinition.scenarios``."""
        return self.runtime.scenarios.advance(self.service, name, key)

    @property
    def sim(self) -> Runtime:
        """Deprecated: use ``ctx.runtime`` (or ``ctx.credentials()``, ``ctx.scenario()``)."""
        warnings.warn("ctx.sim is deprecated: use ctx.runtime", DeprecationWarning, stacklevel=2)
        return self.runtime

    def fail(self, code: str, message: str | None = None, **data: Any) -> None:
        raise ServiceError(code, message, data=data or None)
