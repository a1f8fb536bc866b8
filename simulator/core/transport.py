"""Faults below HTTP: a reset connection, one closed without a byte, a hang, a body cut short.

The pipeline only makes responses, so for these it returns a :class:`TransportFault` and whoever
owns the connection carries it out (WireMock's ``FaultInjector``): one injector per transport,

* WSGI (``simulator.wsgi.WsgiFaultInjector``): on the socket werkzeug hands over;
* RSGI (``simulator.serving.rsgi.RsgiFaultInjector``): on a granian connection;
* httpx in-process (``simulator.testing.respx_route.HttpxFaultInjector``): the client error a real
  connection gives (``httpx.ReadError`` for a reset, ``httpx.ReadTimeout`` for a hang, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from simulator.core.http import SimResponse

RESET = "reset"
DISCONNECT = "disconnect"
HANG = "hang"
CUT = "cut"


@dataclass
class TransportFault(SimResponse):
    """A response that must not arrive whole. ``status`` is 0 unless a cut body has a real status line."""

    action: str = RESET
    max_seconds: float = 30.0  # hang: give up after this long even if the client is still waiting
    declared_length: int | None = None  # cut: the Content-Length announced for the full body


class FaultInjector(Protocol):
    """Carries a :class:`TransportFault` out on one transport's connection."""

    def carry_out(self, fault: TransportFault) -> Any: ...
