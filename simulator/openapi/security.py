"""OpenAPI security schemes for the auth schemes contracts bind: each scheme describes itself
(:meth:`simulator.auth.base.AuthScheme.openapi_security`: what carries it, and its module's
docstring saying how it is computed, so the text cannot drift from the code that verifies it)."""

from __future__ import annotations

from typing import Any

from simulator.auth import AuthScheme


def security_scheme(name: str, scheme: AuthScheme | None, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The scheme as OpenAPI shows it (an unknown scheme: an ``Authorization`` header)."""
    if scheme is None:
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": f"apisim auth scheme {name}"}
    return scheme.openapi_security(options)
