"""What a request may consult: contracts, store, clock, credentials, fake data, faces, images, ports.

The pipeline's stages, the services' handlers and the control plane take what they need from
one :class:`Runtime`; none of them holds the :class:`~simulator.simulator.Simulator` (the
composition root that builds the runtime and wires the rest around it).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from simulator.config import SimulatorConfig
from simulator.contracts import Contract, Deployment
from simulator.fake import FakeData
from simulator.pipeline.clock import ClockOffset, shifted
from simulator.store import ServiceStore, Store, open_store

if TYPE_CHECKING:
    from simulator.faces.model import FaceModel
    from simulator.imaging.fixtures import FixtureUrls


class ScenarioSource(Protocol):
    """Where a handler learns the state of a multi-step flow (the control plane's scenarios)."""

    def advance(self, service: str, scenario: str, key: str | None = None) -> str | None: ...


class NoScenarios:
    """No scenario is ever set: every flow takes its natural course."""

    def advance(self, service: str, scenario: str, key: str | None = None) -> str | None:
        return None


class Runtime:
    def __init__(self, config: SimulatorConfig, contracts: dict[str, Contract], store: Store | None = None):
        self.config = config
        self.contracts = contracts
        self.store: Store = store if store is not None else open_store(config.store_url)
        self.clock_offset = ClockOffset(self.store)
        self.fake = FakeData()
        # The control plane plugs its scenarios in (simulator.simulator wires it).
        self.scenarios: ScenarioSource = NoScenarios()
        self._request = threading.local()  # the clock offset a request read when it started
        self._faces: FaceModel | None = None
        self._images: FixtureUrls | None = None

    # -- deployments and their ports -------------------------------------------------------------

    def deployments(self) -> list[Deployment]:
        return [d for c in self.contracts.values() for d in c.deployments]

    def port_of(self, dep: Deployment) -> int:
        return self.contracts[dep.service].port_of(dep, self.config.port_base)

    def ports(self) -> list[int]:
        """Every deployment's local port, each once, in order."""
        return sorted({self.port_of(d) for d in self.deployments()})

    def local_url(self, dep: Deployment) -> str:
        return f"http://{self.config.host}:{self.port_of(dep)}{dep.base_path}"

    # -- what services hold ----------------------------------------------------------------------

    def credentials(self, service: str) -> list[dict[str, Any]]:
        """The service's credentials: the configured ones (``--credentials``) first, then the contract's demo ones."""
        return [*self.config.credentials.get(service, []), *self.contracts[service].credentials]

    def service_store(self, service: str) -> ServiceStore:
        return ServiceStore(self.store, service)

    @property
    def faces(self) -> FaceModel:
        if self._faces is None:
            from simulator.faces.model import FaceModel
            from simulator.faces.registry import PersonRegistry

            # Who is in a photo is state (declared people, photo identities): in the store, so every
            # worker sharing it agrees. Where the faces are depends on the bytes alone.
            self._faces = FaceModel(registry=PersonRegistry(self.store))
        return self._faces

    @property
    def images(self) -> FixtureUrls:
        if self._images is None:
            from simulator.imaging.fixtures import FixtureUrls

            self._images = FixtureUrls.default()
        return self._images

    def reseed(self, seed: int) -> None:
        """Fake data from now on comes from ``seed``."""
        self.config.seed = seed
        self._faces = None

    # -- the clock -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulator clock: the configured clock, moved by the offset kept in the store.

        A request reads the offset once, when it starts, and the clock once, when it first needs it,
        and keeps that instant to the end: every time one request sees agrees."""
        request = self._request
        held = getattr(request, "instant", None)
        if held is not None:
            return held
        offset = getattr(request, "clock_offset", None)
        if offset is None:  # outside a request
            return shifted(self.config.clock(), self.clock_offset.seconds())
        instant = request.instant = shifted(self.config.clock(), offset)
        return instant

    def advance_clock(self, seconds: float) -> datetime:
        """Move the clock of this simulator, and of every worker sharing its store; the new time."""
        self.clock_offset.advance(seconds)
        return self.now()

    def set_clock(self, instant: datetime) -> datetime:
        """Make the clock read ``instant`` now (it goes on ticking with the configured clock)."""
        self.clock_offset.set_to(instant, self.config.clock())
        return self.now()

    # -- one request -----------------------------------------------------------------------------

    def begin_request(self) -> int:
        """A request starts: its sequence number. It sees the clock offset as it is now until
        :meth:`end_request`, and a store that keeps what it read (the Redis store) keeps it for the
        request, having checked, with the sequence number, that nothing was written since."""
        begin = getattr(self.store, "begin_request", None)
        seq = self.store.sequence() if begin is None else begin()
        try:
            self._request.clock_offset = self.clock_offset.seconds()
        except BaseException:
            self._end_store_request()
            raise
        self._request.instant = None
        return seq

    def end_request(self) -> None:
        self._request.clock_offset = self._request.instant = None
        self._end_store_request()

    def _end_store_request(self) -> None:
        end = getattr(self.store, "end_request", None)
        if end is not None:
            end()
