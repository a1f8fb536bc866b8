"""requests routed in-process into the simulator, no socket: the way the ``responses`` library does
it, by replacing ``HTTPAdapter.send``, for every copy of requests installed (requests itself and the
copy ``aliyun-python-sdk-core`` vendors as ``aliyunsdkcore.vendored.requests``).

So the official SDKs built on requests (``huaweicloudsdkcore``, ``aliyun-python-sdk-core``) run
unchanged against the vendors' real URLs. Each copy answers with its own classes: its urllib3's
``HTTPResponse`` through the adapter's ``build_response`` (cookies, encoding, redirects as usual), and
for a fault its own ``ConnectionError``/``ReadTimeout``; a cut body is a short body under the full
``Content-Length``, which the client meets while reading, as from a real connection.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import threading
from http import HTTPStatus
from http.client import RemoteDisconnected
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

from simulator.core import SimRequest, SimResponse
from simulator.core.transport import CUT, DISCONNECT, HANG, TransportFault
from simulator.testing.guard import is_loopback_host
from simulator.testing.route import ApisimRoute

# The adapters modules of the copies of requests, and the package that must be installed for each.
ADAPTER_MODULES = (("requests", "requests.adapters"),
                   ("aliyunsdkcore", "aliyunsdkcore.vendored.requests.adapters"))


def installed_adapter_modules() -> list[ModuleType]:
    """The adapters modules of the copies of requests this environment has."""
    found = []
    for package, module in ADAPTER_MODULES:
        if importlib.util.find_spec(package) is not None:
            found.append(importlib.import_module(module))
    return found


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(part.encode("utf-8") if isinstance(part, str) else bytes(part) for part in body)


def to_sim_request(prepared: Any) -> SimRequest:
    """A ``requests.PreparedRequest`` (either copy) as the pipeline sees requests."""
    parts = urlsplit(prepared.url)
    port = parts.port if is_loopback_host(parts.hostname) else None
    sim_request = SimRequest.from_url(prepared.method or "GET", prepared.url, headers=list(prepared.headers.items()),
                                      body=_body_bytes(prepared.body), local_port=port)
    sim_request.path = unquote(parts.path) or "/"  # percent-decoded, as Flask's request.path
    return sim_request


class _AdapterPatch:
    """``HTTPAdapter.send`` of one copy of requests, answering from the route."""

    def __init__(self, module: ModuleType, route: ApisimRoute):
        self.module = module
        self.route = route
        self.adapter = module.HTTPAdapter
        self.original = None
        urllib3 = module.ProtocolError.__module__.rsplit(".", 1)[0]  # this copy's urllib3 (vendored or not)
        urllib3_response = importlib.import_module(urllib3 + ".response")
        self.http_response = urllib3_response.HTTPResponse
        self.header_dict = urllib3_response.HTTPHeaderDict

    def start(self) -> None:
        self.original = self.adapter.__dict__["send"]
        patch = self

        def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            return patch.send(adapter, request)

        self.adapter.send = send

    def stop(self) -> None:
        if self.original is not None:
            self.adapter.send = self.original
            self.original = None

    def send(self, adapter: Any, request: Any) -> Any:
        response = self.route.answer(to_sim_request(request), lambda fault: self.fault_error(fault, request))
        return adapter.build_response(request, self.raw(response))

    def raw(self, response: SimResponse) -> Any:
        headers = self.header_dict()
        for name, value in response.headers:
            headers.add(name, value)
        if isinstance(response, TransportFault) and response.action == CUT and response.declared_length is not None:
            headers["Content-Length"] = str(response.declared_length)
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        return self.http_response(body=io.BytesIO(response.body), headers=headers, status=response.status,
                                  reason=reason, preload_content=False, decode_content=False,
                                  enforce_content_length=True)

    def fault_error(self, fault: TransportFault, request: Any) -> BaseException | None:
        """What this copy of requests raises when a real connection misbehaves that way."""
        module = self.module
        if fault.action == CUT:
            return None  # a short body: the client finds out while reading it
        if fault.action == HANG:
            return module.ReadTimeout("Read timed out. (apisim fault: hang)", request=request)
        if fault.action == DISCONNECT:
            cause: Exception = RemoteDisconnected("Remote end closed connection without response (apisim fault)")
        else:
            cause = ConnectionResetError(104, "Connection reset by peer (apisim fault)")
        return module.ConnectionError(module.ProtocolError("Connection aborted.", cause), request=request)


class RequestsRouter:
    """``with RequestsRouter(route):``: every copy of requests answers from the route in the block."""

    _lock = threading.Lock()

    def __init__(self, route: ApisimRoute):
        self.route = route
        self.patches: list[_AdapterPatch] = []

    def __enter__(self) -> "RequestsRouter":
        with self._lock:
            self.patches = [_AdapterPatch(module, self.route) for module in installed_adapter_modules()]
            for patch in self.patches:
                patch.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        with self._lock:
            for patch in reversed(self.patches):
                patch.stop()
            self.patches = []
