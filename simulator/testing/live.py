"""``ApisimServer``: one simulator for a whole test session, reset between tests.

A thin wrapper over :class:`simulator.server.SimulatorServer` (in the manner of
pytest-httpserver; the URLs, the readiness wait and start/stop are the
:class:`~simulator.server.LoopbackServer` every way of running apisim shares),
usable with or without pytest::

    with ApisimServer(seed=1) as apisim:          # starts on free loopback ports
        url = apisim.base_url("huawei-ocr")
        apisim.fail_next("huawei-ocr.recognize_quota_invoice", "ModelArts.4204")
        ...                                       # your client against url
        assert apisim.calls(operation="recognize_quota_invoice")[0]["code"] == "ModelArts.4204"

The same simulator also serves the in-process respx route (``apisim_router``),
so journal, forced errors and state are shared by both ways in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from simulator.config import SimulatorConfig
from simulator.contracts import Contract
from simulator.server import LoopbackServer, SimulatorServer, free_port_base, taken_port
from simulator.simulator import Simulator
from simulator.testing.clock import FixedClock
from simulator.testing.explain import contract_violations, report
from simulator.testing.images import Image, image_bytes

_PORT_ATTEMPTS = 5


class ApisimServer(LoopbackServer):
    def __init__(self, *, seed: int = 0, services: list[str] | None = None, clock: Any = None,
                 config: SimulatorConfig | None = None):
        """``clock``: a :class:`FixedClock` (the default, reproducible) or any ``() -> datetime``."""
        if config is not None:
            self.config, self.clock = config, config.clock
        else:
            self.clock = clock if clock is not None else FixedClock()
            self.config = SimulatorConfig(seed=seed, services=services, clock=self.clock)
        self.session_seed = self.config.seed
        # The credentials every test starts from (a test's marker may put its own first).
        self.session_credentials: dict[str, list[dict[str, Any]]] = self.config.credentials
        self.simulator = Simulator(self.config)
        self.default_service: str | None = None
        self._server: SimulatorServer | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._server is not None

    def start(self) -> ApisimServer:
        """Listen on a free block of loopback ports (chosen now, so nothing is bound until needed)."""
        if self._server is not None:
            return self
        # The span covers every served port block, an imported contract's (--port-block 12) too.
        span = 1 + max((c.port_of(d, 0) for c in self.simulator.contracts.values() for d in c.deployments), default=0)
        for attempt in range(_PORT_ATTEMPTS):
            self.simulator.listen_on(free_port_base(self.config.host, span=max(span, 100)))
            try:
                server = SimulatorServer(self.config, simulator=self.simulator).start()
                break
            except OSError as exc:  # another process (a parallel test) took a port of the block since the check
                if taken_port(str(exc)) is None or attempt + 1 == _PORT_ATTEMPTS:
                    raise
        server.wait_until_accepting()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def reset(self, seed: int | None = None) -> None:
        """Forget state, journal and faults, re-seed demo state, put the clock back to its start.

        ``seed``: change the fake-data seed too (``None`` keeps the current one)."""
        wanted = self.config.seed if seed is None else seed
        if wanted != self.config.seed:
            self.simulator.reseed(wanted)
        else:
            self.simulator.reset()
        if hasattr(self.clock, "reset"):
            self.clock.reset()

    # -- where and who --------------------------------------------------------------------------

    def contract(self, service: str | None = None) -> Contract:
        """A service's contract: ``service``, else the test's default (the marker's), else the only one."""
        name = service or self.default_service
        if name is None:
            if len(self.simulator.contracts) == 1:
                name = next(iter(self.simulator.contracts))
            else:
                raise ValueError("name the service (or set one with @pytest.mark.apisim(service=...)); "
                                 f"known: {', '.join(sorted(self.simulator.contracts))}")
        try:
            return self.simulator.contracts[name]
        except KeyError:
            raise ValueError(f"unknown service {name!r}; known: {', '.join(sorted(self.simulator.contracts))}") from None

    def original_url(self, service: str | None = None, deployment: str | None = None) -> str:
        """The vendor's own base URL from the document (reachable only through the respx fixture)."""
        return self.contract(service).deployment(deployment).base_url

    def credentials(self, service: str | None = None) -> dict[str, Any]:
        """The service's first demo credential (keys as the document names them)."""
        contract = self.contract(service)
        found = self.simulator.credentials(contract.service)
        if not found:
            raise LookupError(f"{contract.service} has no credentials")
        return dict(found[0])

    def all_credentials(self, service: str | None = None) -> list[dict[str, Any]]:
        return [dict(c) for c in self.simulator.credentials(self.contract(service).service)]

    def now(self) -> datetime:
        """The simulator's current instant: sign requests with it."""
        return self.clock()

    # -- what happened --------------------------------------------------------------------------

    def calls(self, service: str | None = None, operation: str | None = None) -> list[dict[str, Any]]:
        """Journal entries since the last reset, oldest first. ``operation`` may be ``service.op``.

        Each entry: seq, service, deployment, operation, method, path, query, host, status, code,
        outcome ("success"/"error"), forced, failure (match/auth/validation/forced/behaviour),
        detail, elapsed_ms, request_body, response_body (both cut at 4 KiB). ``calls("service.op")`` works too."""
        if service and "." in service:  # calls("huawei-ocr.recognize_quota_invoice")
            service, operation = service.split(".", 1)
        if operation and "." in operation:
            service, operation = operation.split(".", 1)
        return self.simulator.journal.entries(service=service, operation=operation)

    def violations(self) -> list[dict[str, Any]]:
        """Requests since the last reset that broke the contract (what strict mode fails a test for)."""
        return contract_violations(self.calls())

    def explain_violations(self) -> str:
        found = self.violations()
        return report(self.simulator, found, "requests that break the contract") if found else ""

    # -- forcing errors -------------------------------------------------------------------------

    def _operation(self, operation: str, service: str | None) -> tuple[str, str]:
        if "." in operation:
            service, operation = operation.split(".", 1)
        if service is None and self.default_service is None:
            owners = [name for name, c in self.simulator.contracts.items() if operation in c.operations]
            if len(owners) != 1:
                where = f"in {', '.join(owners)}" if owners else "in no service"
                raise ValueError(f"operation {operation!r} is {where}: write it as 'service.{operation}'")
            service = owners[0]
        contract = self.contract(service)
        if operation not in contract.operations:
            raise ValueError(f"{contract.service} has no operation {operation!r}; known: "
                             f"{', '.join(sorted(contract.operations))}")
        return contract.service, operation

    @property
    def faults(self) -> Any:
        """The control plane's fault registry (``simulator.control.Faults``): delays, resets, hangs..."""
        return self.simulator.control.faults

    def fail_next(self, operation: str, code: str, times: int | None = 1, *, service: str | None = None) -> dict[str, Any]:
        """The next ``times`` calls of ``operation`` answer documented error ``code`` (``None``: every call).

        A control-plane fault (``apisim.faults``); faults are tried in the order they were added, so
        ``fail_next(op, "A"); fail_next(op, "B", 2)`` answers A, B, B, then normally. Returns the fault."""
        from simulator.control import FaultError

        service, operation = self._operation(operation, service)
        budget = {} if times is None else {"times": times}
        try:
            return self.faults.error(service, operation, code, **budget)
        except FaultError as exc:
            raise ValueError(str(exc)) from None

    def fail_always(self, operation: str, code: str, *, service: str | None = None) -> dict[str, Any]:
        """Every call of ``operation`` answers ``code`` until the next reset."""
        return self.fail_next(operation, code, None, service=service)

    # -- what images show -----------------------------------------------------------------------

    def declare_same_person(self, images: Iterable[Image], *, person: str | None = None,
                            gender: str | None = None) -> str:
        """These untagged images show one person on every face API (the largest face of each), until
        the next reset; returns the person's id (``person``, else one made from the first image).

        Images are bytes, paths, or base64 text as the services take it; ``gender`` ("f" or "m") is
        what face attributes then say. Tags still win. The admin API's ``POST
        /__apisim/faces/same-person`` does the same for a served simulator."""
        raw = [image_bytes(image) for image in images]
        return self.simulator.faces.declare_same_person(raw, person, gender)
