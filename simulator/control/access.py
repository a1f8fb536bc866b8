"""Who may call the admin API and the dashboard (``/__apisim/``).

With an admin token (``--admin-token``) every call carries it, and that is the whole rule. Without
one, the caller must be on loopback, and since any web page the developer has open can make the
browser send requests to loopback, a call must also look like it comes from a tool or from the
dashboard, not from another site:

* ``Host`` is a loopback name or address, a deployment's original host, or a name configured with
  ``admin_hosts`` (``--admin-host``): a DNS-rebinding page reaches 127.0.0.1 under its own name.
* ``Origin``, when sent, is loopback or configured, and ``Sec-Fetch-Site`` is not ``cross-site``:
  browsers send them, tools do not.
* A request with a body says ``Content-Type: application/json``: a cross-site form or a "simple"
  ``fetch`` can send ``text/plain`` or a form without asking first, never JSON.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from simulator.core.net import is_loopback_host

if TYPE_CHECKING:
    from simulator.contracts import Contract
    from simulator.control.plane import Control

TOKEN_HEADER = "X-Apisim-Admin-Token"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def check_admin_call(control: "Control", contracts: dict[str, "Contract"], request: Any, *,
                     query_token: bool = False) -> None:
    """Raise :class:`Refusal` unless ``request`` (a werkzeug request) may use the admin API.

    ``query_token``: the dashboard's pages also take ``?token=`` (a browser cannot add a header to
    a page it navigates to)."""
    token = control.admin_token
    if token:
        given = request.headers.get(TOKEN_HEADER) or _bearer(request.headers.get("Authorization", ""))
        if not given and query_token:
            given = request.args.get("token")
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            where = "open /__apisim/dashboard/?token=TOKEN" if query_token else \
                f"send Authorization: Bearer TOKEN or {TOKEN_HEADER}"
            raise Refusal(401, f"the admin API needs its token: {where}")
        return
    if not is_loopback_host(request.remote_addr or ""):
        raise Refusal(403, "the admin API answers loopback callers only unless apisim runs with --admin-token")
    host = request.headers.get("Host")
    if host and not _known_host(control, contracts, _host_of(host)):
        raise Refusal(403, f"Host {host[:200]!r} is not a loopback name: the admin API refuses it (a web page "
                           f"may have renamed 127.0.0.1); add the name with --admin-host if it is yours")
    origin = request.headers.get("Origin")
    if origin is not None and not _known_host(control, contracts, urlsplit(origin).hostname or ""):
        raise Refusal(403, f"a call from the web page at {origin[:200]!r} is refused: the admin API is for tools "
                           f"and for its own dashboard (add the page's host with --admin-host if it is yours)")
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        raise Refusal(403, "a cross-site browser request is refused: the admin API is for tools and its own dashboard")
    if request.method not in _SAFE_METHODS and _has_body(request) and not _is_json(request):
        raise Refusal(415, "send the body as JSON with Content-Type: application/json "
                           "(curl --json '{...}', or -H 'Content-Type: application/json')")


def _known_host(control: "Control", contracts: dict[str, "Contract"], host: str) -> bool:
    host = host.rstrip(".").lower()
    if is_loopback_host(host):
        return True
    configured = control.settings.get("admin_hosts") or ()
    originals = {urlsplit(d.base_url).hostname for c in contracts.values() for d in c.deployments}
    return host in {name.lower() for name in configured} or host in originals


def _host_of(value: str) -> str:
    """``Host: name:port`` or ``[::1]:port`` → the name or address."""
    value = value.strip()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rpartition(":")[0] if value.count(":") == 1 else value


def _has_body(request: Any) -> bool:
    return bool(request.content_length) or "chunked" in (request.headers.get("Transfer-Encoding") or "").lower()


def _is_json(request: Any) -> bool:
    kind = (request.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def _bearer(value: str) -> str | None:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None
