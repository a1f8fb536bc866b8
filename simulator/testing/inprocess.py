"""httpx and requests routed in-process into the simulator, together: no socket, no Flask.

::

    from simulator.testing import ApisimServer, apisim_inprocess

    with ApisimServer() as apisim, apisim_inprocess(apisim):
        ...  # httpx, requests and the SDKs built on them, against the vendors' real URLs

httpx goes through respx (:mod:`simulator.testing.respx_route`, composable with the user's own
respx routes), requests and the copy inside ``aliyun-python-sdk-core`` through their adapters
(:mod:`simulator.testing.requests_route`). Both share one :class:`ApisimRoute`, so the requests
no documented operation serves are in one ``unmatched`` list.
"""

from __future__ import annotations

from typing import Any

import respx

from simulator.simulator import Simulator
from simulator.testing.requests_route import RequestsRouter
from simulator.testing.respx_route import _Router
from simulator.testing.route import ApisimRoute


class InProcess:
    """A context manager; inside it, ``respx`` is the started respx router and ``route`` the shared route."""

    def __init__(self, simulator: Any, *, fail_unmatched: bool = True):
        sim: Simulator = getattr(simulator, "simulator", simulator)  # an ApisimServer or a Simulator
        self.route = ApisimRoute(sim, fail_unmatched=fail_unmatched)
        self._httpx = _Router(sim, fail_unmatched, route=self.route)
        self._requests = RequestsRouter(self.route)
        self.respx: respx.MockRouter | None = None

    @property
    def unmatched(self) -> list[str]:
        """Explanations of the requests no documented operation served (each also raised at its call site)."""
        return self.route.unmatched

    def __enter__(self) -> "InProcess":
        self.respx = self._httpx.__enter__()
        try:
            self._requests.__enter__()
        except BaseException:
            self._httpx.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self._requests.__exit__(*exc)
        finally:
            self._httpx.__exit__(*exc)
            self.respx = None


def apisim_inprocess(simulator: Any, *, fail_unmatched: bool = True) -> InProcess:
    """Route httpx and requests (both copies) into ``simulator`` (an ``ApisimServer`` or a ``Simulator``)
    inside the block; ``fail_unmatched=False`` gives unmatched requests the vendor's own not-found answer."""
    return InProcess(simulator, fail_unmatched=fail_unmatched)
