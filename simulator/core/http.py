"""A transport-neutral request and response.

The pipeline never sees Flask or httpx objects: the WSGI app and the in-process
respx route both convert to :class:`SimRequest`, so every stage is testable on
plain data and the respx route skips the WSGI layer entirely.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit


# A response header built from request text is cut at this many characters: clients refuse long
# header lines (requests at 64 KiB, httpx sooner) and would never read the documented error.
HEADER_CAP = 1024
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def header_value(text: str, cap: int = HEADER_CAP) -> str:
    """``text`` fit for a response header: Latin-1 (anything else backslash-escaped), control
    characters turned to spaces, at most ``cap`` characters (a cut one ends with ``...``)."""
    text = _CONTROL.sub(" ", text.encode("latin-1", "backslashreplace").decode("latin-1"))
    return text if len(text) <= cap else text[:cap - 3] + "..."


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
DEFAULT_MAX_JSON_DEPTH = 100


def json_depth_over(text: str, limit: int) -> bool:
    """Whether JSON ``text`` nests arrays and objects more than ``limit`` deep (valid or not)."""
    if text.count("[") + text.count("{") <= limit:  # most bodies: one C-speed pass each, and done
        return False
    brackets = _JSON_STRING.sub("", text).encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


def loads(text: str | bytes, max_depth: int = DEFAULT_MAX_JSON_DEPTH) -> Any:
    """``json.loads`` for request text: ``ValueError`` for anything that is not JSON, including JSON
    nested deeper than ``max_depth`` (Python's parser would raise ``RecursionError`` near 1,000, at a
    depth that depends on how deep the caller's own stack is)."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")
    if json_depth_over(text, max_depth):
        raise ValueError(f"the JSON is nested more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply to parse") from None


class Headers:
    """Case-insensitive header mapping that keeps the sender's spelling."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()):
        # A list (the servers' case) skips the Mapping check: typing's isinstance costs microseconds.
        if not isinstance(items, list) and isinstance(items, Mapping):
            items = items.items()
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in items:
            self._items[name.lower()] = (name, value)

    def get(self, name: str, default: str | None = None) -> str | None:
        found = self._items.get(name.lower())
        return found[1] if found else default

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __setitem__(self, name: str, value: str) -> None:
        self._items[name.lower()] = (name, value)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items.values())

    def lower_items(self) -> dict[str, str]:
        return {key: value for key, (_, value) in self._items.items()}

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass
class SimRequest:
    """One HTTP request as the simulator sees it."""

    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    host: str = ""  # the Host header as sent, e.g. "ocr.cn-north-4.myhuaweicloud.com"
    local_port: int | None = None  # the loopback port the request arrived on, if any
    raw_query: str = ""
    # Set by the transport when the body was past the deployment's limit and left unread (``body``
    # is then empty): the size the client declared, or the bytes read before stopping.
    body_refused: int | None = None
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH  # the deployment's limit, set by the pipeline

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        local_port: int | None = None,
    ) -> "SimRequest":
        parts = urlsplit(url)
        hdrs = Headers(headers)
        host = hdrs.get("Host") or parts.netloc
        return cls(
            method=method.upper(),
            path=parts.path or "/",
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers=hdrs,
            body=body,
            host=host,
            local_port=local_port,
            raw_query=parts.query,
        )

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @cached_property
    def query_dict(self) -> dict[str, str]:
        """Query parameters, last value wins (what every documented API expects)."""
        return dict(self.query)

    @cached_property
    def form(self) -> list[tuple[str, str]]:
        if self.content_type != "application/x-www-form-urlencoded":
            return []
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            return []
        return parse_qsl(text, keep_blank_values=True)

    @cached_property
    def text(self) -> str | None:
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def json(self) -> Any:
        """The body parsed as JSON (this request's own copy: change it at will); raises
        ``ValueError`` when it is not JSON."""
        if "_json" not in self.__dict__:
            self.__dict__["_json"] = _parse_body(self)
        return self.__dict__["_json"]


# Load tests and users' suites send the same bodies again and again: what a body parsed to is kept
# (the last _PARSED_MAX bodies up to _PARSED_MAX_BYTES, at most about 8 MB), and each request gets
# a copy of its own. A body that is not JSON is not kept: its error is worked out every time.
_PARSED_MAX = 128
_PARSED_MAX_BYTES = 64 * 1024


def _parse_body(request: SimRequest) -> Any:
    body, depth = request.body, request.max_json_depth
    if type(body) is bytes and len(body) <= _PARSED_MAX_BYTES:
        return copy_json(_parsed_kept(body, depth))
    if request.text is None:
        raise ValueError("the body is not UTF-8")
    return loads(request.text, depth)


def _parse_bytes(body: bytes, depth: int) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the body is not UTF-8") from None
    return loads(text, depth)


_parsed_kept = lru_cache(maxsize=_PARSED_MAX)(_parse_bytes)


def copy_json(value: Any) -> Any:
    """A copy of a JSON value as JSON would read it back: new objects and arrays (a tuple becomes
    a list), the (immutable) scalars shared."""
    kind = type(value)
    if kind is dict:
        return {key: copy_json(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [copy_json(item) for item in value]
    return value


# json.dumps(payload, ensure_ascii=False), without building an encoder per answer. No circular check
# (a quarter of the encoding time): an answer that held a cycle would still fail, with RecursionError.
_encode_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


@dataclass
class SimResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> "SimResponse":
        body = _encode_json(payload).encode("utf-8")
        return cls(status, body, [("Content-Type", "application/json;charset=UTF-8"), *headers])

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))
