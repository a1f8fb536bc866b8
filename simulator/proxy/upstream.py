"""Where a proxied service's traffic goes, and one bounded round trip there.

An upstream off loopback is refused unless the user allows the network (``--allow-network``):
apisim is offline by default, and a proxy aimed at a vendor by mistake must not send a packet.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

from simulator.core import SimRequest
from simulator.core.net import is_loopback_address

# Hop-by-hop headers (RFC 9110 7.6.1) and what the connection to the upstream sets itself.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding"}


class UpstreamFailure(Exception):
    """The upstream did not answer within the bounds (refused, timed out, too large, broken)."""


@dataclass(frozen=True)
class Upstream:
    service: str
    url: str

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def base_path(self) -> str:
        return urlsplit(self.url).path.rstrip("/")

    @property
    def on_loopback(self) -> bool:
        return is_loopback_address(self.host)


def parse_proxy(spec: str) -> Upstream:
    """``SERVICE=URL`` (``--proxy``), checked for shape."""
    service, sep, url = spec.partition("=")
    parts = urlsplit(url.strip())
    if not sep or not service.strip() or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--proxy {spec!r}: expected SERVICE=URL, e.g. pet-store=http://127.0.0.1:8080")
    return Upstream(service.strip(), url.strip().rstrip("/"))


def check_network(upstreams: list[Upstream], allow_network: bool) -> None:
    """Refuse, before anything is sent, an upstream off loopback the user did not allow."""
    remote = [u for u in upstreams if not u.on_loopback]
    if remote and not allow_network:
        shown = ", ".join(f"{u.service}={u.url}" for u in remote)
        raise ValueError(f"--proxy {shown}: not on loopback; apisim sends nothing off this machine unless you "
                         "say so with --allow-network")


def forward(upstream: Upstream, request: SimRequest, timeout: float, max_bytes: int, base_path: str = ""
            ) -> tuple[int, list[tuple[str, str]], bytes]:
    """Send ``request`` to the upstream, whose URL stands for the deployment's base URL (``base_path``
    is replaced by the upstream's path); its status, headers and body (at most ``max_bytes``)."""
    connection_type = http.client.HTTPSConnection if upstream.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(upstream.host, upstream.port, timeout=timeout)
    path = request.path[len(base_path):] if base_path and request.path.startswith(base_path) else request.path
    target = (upstream.base_path + path or "/") + (f"?{request.raw_query}" if request.raw_query else "")
    headers = {name: value for name, value in request.headers.items() if name.lower() not in HOP_BY_HOP}
    headers["Accept-Encoding"] = "identity"  # the body is checked as it is: no compression to undo
    try:
        connection.request(request.method, target, body=request.body or None, headers=headers)
        response = connection.getresponse()
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise UpstreamFailure(f"the upstream's answer is {declared} bytes; the limit is {max_bytes}")
        body = response.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise UpstreamFailure(f"the upstream's answer is over {max_bytes} bytes")
        kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        return response.status, kept, body
    except UpstreamFailure:
        raise
    except (OSError, http.client.HTTPException) as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else (getattr(exc, "strerror", None) or type(exc).__name__)
        raise UpstreamFailure(f"{upstream.url}: {reason}") from None
    finally:
        connection.close()


__all__ = ["Upstream", "UpstreamFailure", "check_network", "forward", "parse_proxy"]
