"""Test-side tools: the pytest plugin, a live server wrapper and the in-process respx route.

Importable without pytest::

    from simulator.testing import ApisimServer, apisim_inprocess, apisim_router, offline_guard

- :class:`ApisimServer`: one simulator (optionally on loopback ports) with ``base_url``,
  ``credentials``, ``calls``, ``fail_next`` and ``reset``.
- :func:`apisim_router`: a respx router sending every httpx request into a simulator in-process.
- :func:`apisim_inprocess`: the same for httpx and requests (and the SDKs built on them) together.
- :func:`offline_guard`: refuse every non-loopback connection and DNS lookup inside a block.
"""

from simulator.testing.clock import DEFAULT_NOW, FixedClock
from simulator.testing.explain import closest_operation, contract_violations, explain
from simulator.testing.guard import NetworkBlocked, OfflineGuard, SocketLayer, is_loopback_host, offline_guard
from simulator.testing.live import ApisimServer
from simulator.testing.route import ApisimRoute, UnmatchedRequest

__all__ = [
    "DEFAULT_NOW", "FixedClock", "ApisimRoute", "ApisimServer", "InProcess", "apisim_inprocess", "NetworkBlocked", "OfflineGuard", "SocketLayer",
    "UnmatchedRequest", "apisim_router", "closest_operation", "contract_violations", "explain",
    "is_loopback_host", "offline_guard", "to_sim_request",
]


def __getattr__(name: str):
    # The respx route needs httpx and respx (test extras); import them only when asked for.
    if name in ("apisim_router", "to_sim_request"):
        from simulator.testing import respx_route

        return getattr(respx_route, name)
    if name in ("apisim_inprocess", "InProcess"):
        from simulator.testing import inprocess

        return getattr(inprocess, name)
    raise AttributeError(f"module 'simulator.testing' has no attribute {name!r}")
