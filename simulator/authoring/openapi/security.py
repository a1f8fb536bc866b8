"""OpenAPI security requirements as apisim auth bindings.

Every scheme OpenAPI can describe by where a token travels maps onto apisim's
generic ``api-key`` scheme (``simulator/auth/api_key.py``):

==========================  ==============================================
OpenAPI                     apisim
==========================  ==============================================
``apiKey`` (header, query,  ``api-key``, carrier ``{in, name}``
cookie)
``http`` ``bearer``         ``api-key``, ``Authorization: Bearer <key>``
``oauth2``,                 ``api-key``, ``Authorization: Bearer <key>``
``openIdConnect``           (closest fit: the access token is checked as an
                            opaque key; no flows, scopes or discovery)
``http`` ``basic``          ``api-key``, ``Authorization: Basic <key>``
                            (the key is base64 of ``user:password``)
``mutualTLS``, other        not mapped (reported)
==========================  ==============================================

Alternatives (a list of requirements) become carriers of one binding: a key in
any of them is accepted. A requirement that needs several schemes at once is
checked on its first one, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.auth.api_key import SCHEME as API_KEY

BEARER = {"in": "header", "name": "Authorization", "prefix": "Bearer"}


@dataclass
class AuthMapping:
    binding: dict[str, Any] | None  # the contract's auth binding, None for no auth
    notes: list[str] = field(default_factory=list)


def carrier_of(name: str, scheme: dict[str, Any], notes: list[str]) -> dict[str, str] | None:
    """Where the scheme's credential travels, or None when apisim cannot check it."""
    kind = str(scheme.get("type", "")).lower()
    if kind == "apikey":
        where = scheme.get("in", "header")
        if where not in ("header", "query", "cookie") or not scheme.get("name"):
            notes.append(f"security scheme {name}: apiKey in {where!r} without a usable name is not mapped")
            return None
        return {"in": where, "name": str(scheme["name"])}
    if kind == "http":
        word = str(scheme.get("scheme", "")).lower()
        if word == "bearer":
            return dict(BEARER)
        if word == "basic":
            notes.append(f"security scheme {name}: HTTP basic is checked as 'Authorization: Basic <key>', the key "
                         "being base64 of user:password in the credential's api_key")
            return {"in": "header", "name": "Authorization", "prefix": "Basic"}
        notes.append(f"security scheme {name}: HTTP {word or '(no scheme)'} is not mapped")
        return None
    if kind in ("oauth2", "openidconnect"):
        notes.append(f"security scheme {name}: {scheme.get('type')} is checked as a bearer token "
                     "(Authorization: Bearer <key>); flows and scopes are not simulated")
        return dict(BEARER)
    notes.append(f"security scheme {name}: type {scheme.get('type')!r} is not mapped (apisim has no scheme for it)")
    return None


def map_requirements(requirements: list[dict[str, Any]], schemes: dict[str, Any], where: str) -> AuthMapping:
    """The binding for one ``security`` list (``[]`` means no auth)."""
    notes: list[str] = []
    found: list[dict[str, str]] = []
    optional = False
    for requirement in requirements:
        names = list(requirement or {})
        if not names:
            optional = True
            continue
        if len(names) > 1:
            notes.append(f"{where}: the requirement {' + '.join(names)} needs all of them; apisim checks {names[0]} only")
        scheme = schemes.get(names[0])
        if scheme is None:
            notes.append(f"{where}: security scheme {names[0]!r} is not in components/securitySchemes")
            continue
        carrier = carrier_of(names[0], scheme, notes)
        if carrier is not None and carrier not in found:
            found.append(carrier)
    if optional:
        notes.append(f"{where}: authentication is optional (an empty requirement); apisim does not check it")
        return AuthMapping(None, notes)
    if not found:
        return AuthMapping(None, notes)
    return AuthMapping({"schemes": [API_KEY], "options": {"carriers": found}}, notes)


__all__ = ["AuthMapping", "carrier_of", "map_requirements"]
