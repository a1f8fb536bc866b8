"""One request of an in-process client through the simulator: the part every in-process route
shares (httpx through respx, requests through its adapter), whatever the HTTP library.

A request no documented operation serves raises :class:`UnmatchedRequest` at the call site, naming
the closest known operation, and is remembered (``unmatched``) so a test whose code swallowed the
error still fails. A control-plane fault below HTTP (reset, disconnect, hang) raises the error the
client's library raises when a real connection misbehaves that way; the library's route says which.
"""

from __future__ import annotations

import threading
from typing import Callable

from simulator.core import SimRequest, SimResponse
from simulator.core.transport import CUT, TransportFault
from simulator.simulator import Simulator
from simulator.testing.explain import explain


class UnmatchedRequest(AssertionError):
    """The code under test sent a request no documented operation serves."""


# What a library raises for a fault; ``None`` for a cut body, which the library meets while reading.
FaultError = Callable[[TransportFault], "BaseException | None"]


class ApisimRoute:
    """Answers requests from the simulator; unmatched ones refused loudly unless ``fail_unmatched`` is off."""

    def __init__(self, simulator: Simulator, *, fail_unmatched: bool = True):
        self.simulator = simulator
        self.fail_unmatched = fail_unmatched
        self.unmatched: list[str] = []  # explanations, kept so a test that swallowed the error still fails
        self._lock = threading.Lock()
        self.hosts = frozenset(dep.original_host.lower() for contract in simulator.contracts.values()
                               for dep in contract.deployments)

    def serves_host(self, host: str, port: int | None = None) -> bool:
        """Whether ``host`` (and ``port``) is one of the documents' own hosts: those always reach the simulator."""
        host = host.lower()
        return host in self.hosts or (port is not None and f"{host}:{port}" in self.hosts)

    def answer(self, request: SimRequest, fault_error: FaultError) -> SimResponse:
        """The simulator's answer; a transport fault raised as ``fault_error`` makes it (a cut body returned)."""
        exchange = self.simulator.exchange(request)
        response = exchange.response
        if isinstance(response, TransportFault):
            error = fault_error(response)
            if error is not None:
                raise error
            assert response.action == CUT
            return response
        if self.fail_unmatched and exchange.operation is None:
            assert exchange.record is not None
            message = "apisim: " + explain(self.simulator, exchange.record)
            with self._lock:
                self.unmatched.append(message)
            raise UnmatchedRequest(message)
        assert response is not None
        return response
