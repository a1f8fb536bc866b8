"""The composition root: load the contracts, discover services and auth schemes, build the runtime,
the journal, the control plane and the pipeline, and wire them. Reset and reseed live here only.

    from simulator import Simulator

    sim = Simulator(SimulatorConfig(seed=1))
    response = sim.handle(SimRequest.from_url("POST", url, headers, body))
    exchange = sim.exchange(request)          # the response plus what happened to the request
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.auth import discover_schemes
from simulator.config import SimulatorConfig
from simulator.contracts import Contract, Deployment, load_contracts
from simulator.control import Control
from simulator.core import SimRequest, SimResponse
from simulator.fake import FakeData
from simulator.faces import registry as faces_registry
from simulator.pipeline.clock import ClockOffset
from simulator.pipeline.exchange import Exchange
from simulator.pipeline.hooks import Hooks
from simulator.pipeline.journal import Journal
from simulator.pipeline.match import Router
from simulator.pipeline.run import Pipeline
from simulator.pipeline.runtime import Runtime
from simulator.pipeline.service import ServiceDefinition
from simulator.services import discover_services
from simulator.services.generic import generic_service
from simulator.store import ServiceStore, Store

SEEDED_NS = "apisim:seeded"  # services whose demo state a shared store already holds
PARTS = ("state", "faults", "journal")  # what a reset can cover


class Simulator:
    def __init__(self, config: SimulatorConfig | None = None, contracts: dict[str, Contract] | None = None):
        self.config = config or SimulatorConfig()
        contracts = contracts or load_contracts(self.config.contracts_dir, self.config.services,
                                              with_shipped=self.config.with_shipped)
        self.services = _services_for(contracts)
        self.runtime = Runtime(self.config, contracts)
        self.journal = Journal(self.runtime.store, limit=self.config.journal_limit)
        # faults, rate limits, scenarios (simulator/control): the pipeline's first hooks
        self.control = Control(self.runtime, self.services, self.config.control)
        self.runtime.scenarios = self.control.scenarios
        self.pipeline = Pipeline(self.runtime, self.services, discover_schemes(), self.journal, (self.control,))
        for name in contracts:  # a shared store (SQLite, Redis) is seeded once, by whoever opens it first
            if self.store.add_if_absent(SEEDED_NS, name, True):
                self._seed_state(name)
        self.control.install_configured()
        for extension in self.config.extensions:  # after the control plane: its faults fire first
            hooks = extension(self)
            if hooks is not None:
                self.add_hooks(hooks)

    # -- what the simulator is made of --------------------------------------------------------

    @property
    def contracts(self) -> dict[str, Contract]:
        return self.runtime.contracts

    @property
    def store(self) -> Store:
        return self.runtime.store

    @property
    def fake(self) -> FakeData:
        return self.runtime.fake

    @property
    def clock_offset(self) -> ClockOffset:
        return self.runtime.clock_offset

    @property
    def router(self) -> Router:
        return self.pipeline.router

    @property
    def schemes(self) -> dict[str, Any]:
        return self.pipeline.schemes

    @property
    def faces(self) -> Any:
        return self.runtime.faces

    @property
    def images(self) -> Any:
        return self.runtime.images

    def port_of(self, dep: Deployment) -> int:
        return self.runtime.port_of(dep)

    def local_url(self, dep: Deployment) -> str:
        return self.runtime.local_url(dep)

    def ports(self) -> list[int]:
        return self.runtime.ports()

    def credentials(self, service: str) -> list[dict[str, Any]]:
        return self.runtime.credentials(service)

    def service_store(self, service: str) -> ServiceStore:
        return self.runtime.service_store(service)

    def now(self) -> datetime:
        return self.runtime.now()

    def advance_clock(self, seconds: float) -> datetime:
        return self.runtime.advance_clock(seconds)

    def listen_on(self, port_base: int) -> None:
        """Serve the deployments from ``port_base`` on (the local ports the router maps)."""
        self.config.port_base = port_base
        self.pipeline.rebuild_router()

    # -- hooks ----------------------------------------------------------------------------------

    def add_hooks(self, hooks: Hooks) -> None:
        """Call ``hooks`` at the pipeline's extension points, after those already added."""
        if hooks not in self.pipeline.hooks:
            self.pipeline.set_hooks((*self.pipeline.hooks, hooks))

    def remove_hooks(self, hooks: Hooks) -> None:
        self.pipeline.set_hooks(tuple(h for h in self.pipeline.hooks if h is not hooks))

    # -- requests -------------------------------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        """The answer to one request (a ``TransportFault`` when the connection itself must misbehave)."""
        return self.pipeline.handle(request)

    def exchange(self, request: SimRequest) -> Exchange:
        """One request through the pipeline: its answer and its record (operation, code, stage, faults)."""
        return self.pipeline.exchange(request)

    # -- reset ----------------------------------------------------------------------------------

    def reset(self, service: str | None = None, parts: tuple[str, ...] | list[str] = PARTS) -> None:
        """Back to how the simulator started, in the parts asked (of one service, or all).

        ``state``: forget the services' records and seed their demo state again (plus the configured
        state); ``faults``: faults, rate limits and scenarios back to the configured ones; ``journal``:
        forget the requests. A full reset also puts the clock back."""
        unknown = set(parts) - set(PARTS)
        if unknown:
            raise ValueError(f"parts: {', '.join(sorted(unknown))} unknown; use {', '.join(PARTS)}")
        if service is None and set(parts) >= set(PARTS):
            self.store.clear()  # everything at once: state, control, journal, clock, sequence
            for name in self.contracts:
                self._seed_state(name)
            self.control.install_configured()
            return
        names = [service] if service else list(self.contracts)
        if "faults" in parts:
            self.control.clear(service)
            self.control.install_configured(service, with_state=False)
        if "state" in parts:
            if service is None:
                self.store.clear(faces_registry.PREFIX)  # declared people and photo identities: every service's
            for name in names:
                self.service_store(name).clear()
                self._seed_state(name)
                self.control.install_state(name)
        if "journal" in parts:
            self.journal.clear(service)

    def reseed(self, seed: int) -> None:
        """Change the seed of all fake data (the pytest marker's ``seed=``), then reset everything."""
        self.runtime.reseed(seed)
        self.reset()

    def _seed_state(self, name: str) -> None:
        self.store.put(SEEDED_NS, name, True)
        seeder = self.services[name].seed_state
        if seeder is not None:
            seeder(self.service_store(name), self.runtime)


def _services_for(contracts: dict[str, Contract]) -> dict[str, ServiceDefinition]:
    """The service package of each contract, else the generic service (``simulator/services/generic``:
    a contract served with no Python); a handler for an undocumented operation stops the start."""
    found = discover_services()
    services: dict[str, ServiceDefinition] = {}
    for name, contract in contracts.items():
        if name not in found:
            services[name] = generic_service(contract)
            continue
        unknown = set(found[name].handlers) - set(contract.operations)
        if unknown:
            raise LookupError(f"{name}: handlers for undocumented operations: {', '.join(sorted(unknown))}")
        services[name] = found[name]
    return services
