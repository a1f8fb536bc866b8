"""OpenAPI security schemes for the auth schemes contracts bind.

OpenAPI cannot express request signatures; each scheme is shown as what
carries it (a header or a query parameter) with a description of how it is
computed, taken from the scheme module's own docstring, so the text cannot
drift from the code that verifies it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

# Where each scheme's credential travels: (in, name).
CARRIERS: dict[str, tuple[str, str]] = {
    "huawei-token": ("header", "X-Auth-Token"),
    "huawei-aksk": ("header", "Authorization"),
    "aliyun-rpc": ("query", "Signature"),
    "appcode": ("header", "Authorization"),
    "dataplus": ("header", "Authorization"),
    "cdc-token": ("query", "token"),
    "aicp-token": ("header", "token"),
}


def security_scheme(name: str, module: ModuleType | None, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The scheme as OpenAPI shows it; a scheme module that knows its carriers from the binding's
    options (``openapi_security_scheme(options)``, e.g. ``api-key``) describes itself."""
    doc = (module.__doc__ or "").strip() if module is not None else ""
    describe = getattr(module, "openapi_security_scheme", None)
    if describe is not None:
        return {**describe(options), "description": doc or f"apisim auth scheme {name}"}
    where, carrier = CARRIERS.get(name, ("header", "Authorization"))
    return {
        "type": "apiKey",
        "in": where,
        "name": carrier,
        "description": doc or f"apisim auth scheme {name}",
    }
