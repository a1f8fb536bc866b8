"""What ``apisim verify`` sends: a draft of the request view, encoded for the wire, and sent.

A :class:`Draft` holds the parts a contract describes (``path_params``,
``query``, ``headers``, ``body``, ``params``); :func:`encode` turns it into the
:class:`~simulator.core.SimRequest` the signers sign, and :class:`Target`
sends that to the server under test and records the exchange. Every
exchange can be shown as a ``curl`` line that repeats it.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from simulator.contracts import Deployment, Operation
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.core.net import is_loopback_address

ABSENT: Any = object()  # a draft without a body (distinct from a JSON null body)
FORM = "application/x-www-form-urlencoded"


@dataclass
class Draft:
    """A request as the contract sees it, before encoding and signing."""

    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = ABSENT
    params: dict[str, Any] | None = None
    raw_body: bytes | None = None  # sent as is instead of the encoded body (malformed JSON, empty body)

    def copy(self) -> "Draft":
        return replace(self, path_params=dict(self.path_params), query=dict(self.query), headers=dict(self.headers),
                       body=json.loads(json.dumps(self.body)) if self.body is not ABSENT else ABSENT,
                       params=json.loads(json.dumps(self.params)) if self.params is not None else None)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in (("path_params", self.path_params), ("query", self.query),
                                                   ("headers", self.headers)) if v}
        if self.body is not ABSENT:
            out["body"] = self.body
        if self.params is not None:
            out["params"] = self.params
        if self.raw_body is not None:
            out["raw_body"] = self.raw_body.decode("utf-8", "replace")
        return out


def body_format(op: Operation) -> str:
    return op.request.get("body_format", "json" if "body" in op.request else "none")


def encode(draft: Draft, op: Operation, host: str) -> SimRequest:
    """The request the server will see (path decoded, as servers present it); ``host`` is the target's."""
    headers = Headers(draft.headers.items())
    body = b""
    fmt = body_format(op)
    if draft.params is not None:
        # A parameter view (Aliyun RPC) travels as a form; objects inside it as JSON strings.
        body = urlencode([(k, _param_text(v)) for k, v in draft.params.items()], quote_via=quote).encode()
        _default_header(headers, "Content-Type", FORM)
    elif draft.body is not ABSENT and fmt == "form":
        body = urlencode([(k, _param_text(v)) for k, v in (draft.body or {}).items()], quote_via=quote).encode()
        _default_header(headers, "Content-Type", FORM)
    elif draft.body is not ABSENT and fmt != "none":
        body = json.dumps(draft.body, ensure_ascii=False).encode("utf-8")
    if draft.raw_body is not None:
        body = draft.raw_body
    if fmt in ("json", "any") and "body" in op.request and draft.params is None:
        _default_header(headers, "Content-Type", (op.request.get("content_types") or ["application/json"])[0])
    query = [(k, str(v)) for k, v in draft.query.items()]
    return SimRequest(method=op.method, path=fill_path(op.path, draft.path_params), query=query, headers=headers,
                      body=body, host=host, raw_query=urlencode(query, quote_via=quote))


def fill_path(template: str, values: dict[str, str], quoted: bool = False) -> str:
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe="") if quoted else str(value))
    return path


def _param_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _default_header(headers: Headers, name: str, value: str) -> None:
    if name not in headers:
        headers[name] = value


@dataclass
class Received:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self) -> Any:
        """The body as JSON; raises ``ValueError`` when it is not."""
        return json.loads(self.body.decode("utf-8"))

    def describe(self, limit: int = 2000) -> str:
        text = self.body.decode("utf-8", "replace")
        if len(text) > limit:
            text = text[:limit] + f"... ({len(self.body)} bytes)"
        headers = "\n".join(f"  {k}: {v}" for k, v in self.headers)
        return f"HTTP {self.status}\n{headers}\n\n  {text}"


@dataclass
class Exchange:
    """One request sent and what came back (``received`` is None when the transport failed)."""

    url: str
    request: SimRequest
    received: Received | None
    transport_error: str | None = None

    def curl(self, limit: int = 20000) -> str:
        parts = ["curl", "-sS", "-i", "-X", self.request.method, self.url]
        for name, value in self.request.headers.items():
            if name.lower() in ("host", "content-length"):
                continue  # curl sets them from the URL and the body
            parts += ["-H", f"{name}: {value}"]
        if self.request.body:
            parts += ["--data-binary", self.request.body.decode("utf-8", "replace")]
        line = " ".join(shlex.quote(p) for p in parts)
        return line if len(line) <= limit else line[:limit] + " ... (cut: the body is too long to show)"

    def describe_request(self, limit: int = 2000) -> str:
        body = self.request.body.decode("utf-8", "replace")
        if len(body) > limit:
            body = body[:limit] + f"... ({len(self.request.body)} bytes)"
        headers = "\n".join(f"  {k}: {v}" for k, v in self.request.headers.items())
        return f"{self.request.method} {self.url}\n{headers}\n\n  {body}"


class Target:
    """One deployment of the server under test, at ``base_url``."""

    def __init__(self, deployment: Deployment, base_url: str, client: Any, timeout: float = 10.0):
        self.deployment = deployment
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.netloc
        self.hostname = (parts.hostname or "").lower()
        # The document's paths include its own base path: keep only the prefix the target adds in front of it.
        path = parts.path.rstrip("/")
        doc_base = deployment.base_path
        self.prefix = path[: len(path) - len(doc_base)] if doc_base and path.endswith(doc_base) else path
        self.client = client
        self.timeout = timeout

    @property
    def is_loopback(self) -> bool:
        return is_loopback_address(self.hostname)

    def url_for(self, request: SimRequest) -> str:
        path = quote(request.path, safe="/:@!$&'()*+,;=~")
        return f"{self.origin}{self.prefix}{path}" + (f"?{request.raw_query}" if request.raw_query else "")

    def send(self, request: SimRequest) -> Exchange:
        url = self.url_for(request)
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "content-length"]
        if "host" not in {k.lower() for k, _ in headers}:
            headers.append(("Host", self.host))
        try:
            response = self.client.request(request.method, url, headers=headers, content=request.body,
                                           timeout=self.timeout)
        except Exception as exc:  # the transport failed: the report says so instead of crashing the run
            return Exchange(url, request, None, f"{type(exc).__name__}: {exc}")
        received = Received(response.status_code, list(response.headers.multi_items()), response.content)
        return Exchange(url, request, received)
