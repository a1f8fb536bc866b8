"""Auth schemes, one module each, discovered by their ``SCHEME`` name.

A scheme module provides ``carried_by(request) -> bool`` (does the request
carry this scheme's credentials?), ``verify(request, env) -> dict`` (the
caller's identity, or :class:`~simulator.core.AuthFailure`) and signing
helpers, so tests and users sign with the same code the server verifies.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any, Callable

from simulator.store import ServiceStore

# Scheme-neutral failure kinds; a contract maps each to its service's own code.
KINDS = ("missing", "malformed", "unknown_key", "bad_signature", "expired", "replayed", "clock_skew", "forbidden")


@dataclass
class AuthEnv:
    """What a scheme may consult: the service's credentials, the clock, state."""

    credentials: list[dict[str, Any]]
    clock: Callable[[], datetime]
    store: ServiceStore
    options: dict[str, Any] = field(default_factory=dict)
    service: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # the service's parameter view (Aliyun RPC reads it)

    def remember_nonce(self, nonce: str, scope: str = "nonce") -> bool:
        """True the first time a nonce is seen, False on a replay (atomic across threads and workers)."""
        return self.store.add_if_absent(f"auth:{scope}", nonce, 1)


def discover_schemes() -> dict[str, ModuleType]:
    schemes: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "SCHEME", None)
        if name:
            schemes[name] = module
    return schemes
