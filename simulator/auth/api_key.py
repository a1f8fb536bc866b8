"""A generic API key: one shared secret sent in a header, a query parameter or a cookie.

This is what an imported OpenAPI document's ``apiKey`` and ``http`` bearer
schemes become (``apisim contract import openapi``). Where the key travels is
the binding's auth option ``carriers``, a list of
``{"in": "header" | "query" | "cookie", "name": ..., "prefix": ...}``; the key
may come in any one of them (``prefix`` is a scheme word such as ``Bearer``
before the key, as in ``Authorization: Bearer <key>``). Without options the key
is read from an ``X-API-Key`` header. The valid keys are the credentials'
``api_key`` values (the contract's demo credentials and ``--credentials FILE``).

Failure kinds, mapped to codes by the contract's ``auth.errors``: no key in any
carrier (or an empty one) is ``missing``; a carrier whose prefix word is wrong
is ``malformed``; a key no credential holds is ``unknown_key``.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv, set_query
from simulator.core import AuthFailure, SimRequest
from simulator.core.http import Headers

SCHEME = "api-key"
CREDENTIAL_FIELD = "api_key"
DEFAULT_CARRIERS: tuple[dict[str, str], ...] = ({"in": "header", "name": "X-API-Key"},)


def carriers(options: dict[str, Any] | None) -> list[dict[str, str]]:
    """The places a key may travel, from the binding's options (``X-API-Key`` when none are given)."""
    found = [c for c in (options or {}).get("carriers") or [] if isinstance(c, dict) and c.get("name")]
    return found or [dict(c) for c in DEFAULT_CARRIERS]


def presented_key(request: SimRequest, options: dict[str, Any] | None) -> str:
    """The key the request presents, or :class:`AuthFailure` (``missing`` or ``malformed``)."""
    malformed: str | None = None
    for carrier in carriers(options):
        raw = _raw_value(request, carrier)
        if raw is None or not raw.strip():
            continue
        prefix = carrier.get("prefix")
        if not prefix:
            return raw.strip()
        word, _, rest = raw.strip().partition(" ")
        if word.lower() == prefix.lower() and rest.strip():
            return rest.strip()
        malformed = f"{carrier['name']} must be '{prefix} <key>'"
    if malformed:
        raise AuthFailure("malformed", malformed)
    raise AuthFailure("missing", "no API key in " + " or ".join(_describe(c) for c in carriers(options)))


def sign(url: str, headers: dict[str, str] | None, key: str,
         options: dict[str, Any] | None = None) -> tuple[str, dict[str, str]]:
    """``(url, headers)`` carrying ``key`` in the binding's first carrier, as a client sends it."""
    carrier = carriers(options)[0]
    value = f"{carrier['prefix']} {key}" if carrier.get("prefix") else key
    out = dict(headers or {})
    if carrier.get("in") == "query":
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != carrier["name"]]
        query.append((carrier["name"], value))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment)), out
    if carrier.get("in") == "cookie":
        out["Cookie"] = "; ".join(filter(None, [out.get("Cookie"), f"{carrier['name']}={value}"]))
        return url, out
    out[carrier["name"]] = value
    return url, out


def _raw_value(request: SimRequest, carrier: dict[str, str]) -> str | None:
    where, name = carrier.get("in", "header"), carrier["name"]
    if where == "query":
        return request.query_dict.get(name)
    if where == "cookie":
        return _cookies(request.headers.get("Cookie") or "").get(name)
    return request.headers.get(name)


def _cookies(header: str) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _describe(carrier: dict[str, str]) -> str:
    return f"{carrier.get('in', 'header')} {carrier['name']}"


class ApiKey(AuthScheme):
    name = SCHEME
    credential_fields = (CREDENTIAL_FIELD,)
    tamper_kind = "unknown_key"

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        """Does the request carry a key in one of the binding's carriers?

        Callers that do not pass the binding's options cannot know where the key
        travels; then every request counts as carried and :meth:`verify` (which
        reads the options from its environment) answers ``missing`` when there is
        no key. A binding that lists this scheme therefore lists it alone.
        """
        if options is None:
            return True
        return any(_raw_value(request, carrier) is not None for carrier in carriers(options))

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        """The caller's identity ``{"api_key", "credential"}``, or :class:`AuthFailure`."""
        key = presented_key(request, env.options)
        credential = next((c for c in env.credentials if str(c.get(CREDENTIAL_FIELD, "")) == key), None)
        if credential is None:
            raise AuthFailure("unknown_key", "no credential has this API key")
        return {"api_key": key, "credential": credential}

    def credential_id(self, identity: dict[str, Any]) -> str | None:
        """The credential's ``name`` when it has one (the key is a secret), else the key."""
        credential = identity.get("credential") or {}
        return str(credential.get("name") or identity.get("api_key") or "") or None

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        return _with_key(request, str(credential[CREDENTIAL_FIELD]), options)

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        return _with_key(request, signing.hex(32), options)

    def strip(self, request: SimRequest, options: Options | None = None) -> SimRequest:
        found = carriers(options)
        headers = {c["name"].lower() for c in found if c.get("in", "header") == "header"}
        query = {c["name"] for c in found if c.get("in") == "query"}
        cookies = {c["name"] for c in found if c.get("in") == "cookie"}
        kept = []
        for name, value in request.headers.items():
            if name.lower() in headers:
                continue
            if name.lower() == "cookie" and cookies:
                value = "; ".join(f"{k}={v}" for k, v in _cookies(value).items() if k not in cookies)
                if not value:
                    continue
            kept.append((name, value))
        request.headers = Headers(kept)
        if query:
            set_query(request, [(k, v) for k, v in request.query if k not in query])
        return request

    def openapi_security(self, options: Options | None = None) -> dict[str, Any]:
        """The OpenAPI security scheme of the binding's first carrier."""
        carrier = carriers(options)[0]
        if carrier.get("in", "header") == "header" and carrier["name"].lower() == "authorization" \
                and str(carrier.get("prefix", "")).lower() == "bearer":
            described = {"type": "http", "scheme": "bearer"}
        else:
            described = {"type": "apiKey", "in": carrier.get("in", "header"), "name": carrier["name"]}
        return {**described, "description": self.description}


def _with_key(request: SimRequest, key: str, options: Options | None) -> SimRequest:
    """``request`` carrying ``key`` in the binding's first carrier (as :func:`sign` writes it)."""
    before = f"{request.path}?{request.raw_query}"
    url, headers = sign(before, dict(request.headers.items()), key, options)
    request.headers = Headers(headers)
    if url != before:  # a query carrier
        set_query(request, parse_qsl(urlsplit(url).query, keep_blank_values=True))
    return request


AUTH_SCHEME = ApiKey()

__all__ = ["AUTH_SCHEME", "SCHEME", "carriers", "presented_key", "sign"]
