"""httpx routed in-process into the simulator with respx: no Flask, no socket.

Every httpx request (sync or async) made while the router is active goes to
:meth:`Simulator.handle`: requests to a vendor's real base URL reach that
deployment by its host, requests to the simulator's local URLs by their port.
A request that reaches no documented operation raises :class:`UnmatchedRequest`
at the call site, naming the closest known operation (:mod:`simulator.testing.route`); one for
another host that a user's own respx router answers is left to that router. Control-plane faults below
HTTP (reset, disconnect, hang, a cut body) raise the httpx error a real
connection would give (:class:`HttpxFaultInjector`).
"""

from __future__ import annotations

from typing import Any, Callable, NoReturn

import httpx
import respx
from respx.models import AllMockedAssertionError

from simulator.core import SimRequest, SimResponse
from simulator.core.transport import CUT, DISCONNECT, HANG, TransportFault
from simulator.simulator import Simulator
from simulator.testing.guard import is_loopback_host
from simulator.testing.route import ApisimRoute, UnmatchedRequest


def to_sim_request(request: httpx.Request) -> SimRequest:
    """An ``httpx.Request`` as the pipeline sees requests (what the Flask app builds from WSGI)."""
    url = request.url
    port = url.port if is_loopback_host(url.host) else None
    raw_query = url.query.decode("ascii", "replace")
    sim_request = SimRequest.from_url(request.method, str(url), headers=request.headers.multi_items(),
                                      body=request.content, local_port=port)
    sim_request.path = url.path  # percent-decoded, as Flask's request.path
    sim_request.raw_query = raw_query
    return sim_request


class HttpxFaultInjector:
    """Carries a fault out for an in-process httpx request: raises what httpx raises when a real
    connection misbehaves that way (usable with any ``httpx.MockTransport`` too)."""

    def __init__(self, request: httpx.Request):
        self.request = request

    def carry_out(self, fault: TransportFault) -> NoReturn:
        raise self.error(fault)

    def error(self, fault: TransportFault) -> httpx.TransportError:
        request = self.request
        if fault.action == HANG:
            return httpx.ReadTimeout("timed out (apisim fault: hang)", request=request)
        if fault.action == DISCONNECT:
            return httpx.RemoteProtocolError("Server disconnected without sending a response. (apisim fault)",
                                             request=request)
        if fault.action == CUT:
            return httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body: received "
                f"{len(fault.body)} bytes, expected {fault.declared_length} (apisim fault)", request=request)
        return httpx.ReadError("[Errno 104] Connection reset by peer (apisim fault)", request=request)


def to_httpx_response(response: SimResponse, request: httpx.Request) -> httpx.Response:
    headers = [(k, v) for k, v in response.headers if k.lower() not in ("content-length", "transfer-encoding")]
    return httpx.Response(response.status, headers=headers, content=response.body, request=request)


class HttpxRoute:
    """The respx side effect: one httpx request through the simulator.

    A request for another host than the documents' that a router of the user's own would answer
    (``respx_mock``, ``respx.mock``) is left to that router: respx tries its next router when one
    raises ``AllMockedAssertionError``. The documents' hosts always reach the simulator."""

    def __init__(self, route: ApisimRoute, router: respx.MockRouter):
        self.route = route
        self.router = router

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.route.serves_host(request.url.host, request.url.port) and self._another_router_answers(request):
            raise AllMockedAssertionError(f"apisim: {request.method} {request.url} is left to another respx router")
        response = self.route.answer(to_sim_request(request), HttpxFaultInjector(request).error)
        return to_httpx_response(response, request)

    def _another_router_answers(self, request: httpx.Request) -> bool:
        mocker = getattr(self.router, "Mocker", None)
        others = [r for r in (getattr(mocker, "routers", None) or ()) if r is not self.router]
        return any(route.pattern.match(request) for other in others for route in other.routes)


class _Router:
    """``with apisim_router(sim) as router:``: a started respx router whose one route is the simulator."""

    def __init__(self, simulator: Simulator, fail_unmatched: bool, route: ApisimRoute | None = None):
        self.route = route or ApisimRoute(simulator, fail_unmatched=fail_unmatched)
        self.mock = respx.mock(assert_all_called=False, assert_all_mocked=True)
        self.mock.route(name="apisim").mock(side_effect=HttpxRoute(self.route, self.mock))

    def __enter__(self) -> respx.MockRouter:
        self.mock.__enter__()
        _first_in_line(self.mock)
        self.mock.apisim = self.route  # type: ignore[attr-defined]  # the route, for its `unmatched` list
        return self.mock

    def __exit__(self, *exc: Any) -> None:
        self.mock.__exit__(*exc)


def _first_in_line(router: respx.MockRouter) -> None:
    """Ask apisim's router first, also when a user's router was started before it (the ``respx_mock``
    fixture set up first): it hands what is not the documents' to the others (:class:`HttpxRoute`)."""
    routers = getattr(getattr(router, "Mocker", None), "routers", None)
    if isinstance(routers, list) and router in routers:
        routers.remove(router)
        routers.insert(0, router)


def apisim_router(simulator: Simulator, *, fail_unmatched: bool = True) -> _Router:
    """Route every httpx request in the block into ``simulator``; yields the respx ``MockRouter``."""
    return _Router(simulator, fail_unmatched)


def sim_transport_handler(simulator: Simulator) -> Callable[[httpx.Request], httpx.Response]:
    """For ``httpx.MockTransport(...)``, when a client takes a transport and respx is not wanted."""
    def handle(request: httpx.Request) -> httpx.Response:
        response = simulator.handle(to_sim_request(request))
        if isinstance(response, TransportFault):
            HttpxFaultInjector(request).carry_out(response)
        return to_httpx_response(response, request)

    return handle
