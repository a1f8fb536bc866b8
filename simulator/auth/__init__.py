"""Auth schemes, one module each (``simulator/auth/<scheme>.py``), discovered by their ``AUTH_SCHEME``.

Each is one :class:`~simulator.auth.base.AuthScheme`: it verifies (the pipeline), signs and
tampers (``apisim verify``, tests, users), names the credential a caller used (rate limits) and
describes itself to OpenAPI (``apisim export openapi``). The modules keep their vendor signing
helpers too (``aliyun_rpc.sign_request``, ``huawei_aksk.sign``...), so tests and users sign with
the same code the server verifies with.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from simulator.auth.base import AuthEnv, AuthScheme, SigningEnv

__all__ = ["KINDS", "AuthEnv", "AuthScheme", "SigningEnv", "discover_schemes"]

# Scheme-neutral failure kinds; a contract maps each to its service's own code.
KINDS = ("missing", "malformed", "unknown_key", "bad_signature", "expired", "replayed", "clock_skew", "forbidden")


def discover_schemes() -> dict[str, AuthScheme]:
    """Every scheme, by name (the modules are read once per process)."""
    return dict(_discovered())


@lru_cache(maxsize=1)
def _discovered() -> dict[str, AuthScheme]:
    schemes: dict[str, AuthScheme] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        scheme = getattr(module, "AUTH_SCHEME", None)
        if isinstance(scheme, AuthScheme):
            schemes[scheme.name] = scheme
    return schemes
