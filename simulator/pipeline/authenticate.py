"""Stage 2, authenticate: the contract's auth binding, verified by the scheme modules."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from simulator.auth import AuthEnv
from simulator.core import AuthFailure, ServiceError
from simulator.pipeline.context import Context
from simulator.pipeline.exchange import AUTH


def authenticate(ctx: Context, schemes: dict[str, ModuleType], credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the caller's identity, or raise the service's own error for the failure."""
    binding = ctx.operation.binding(ctx.deployment, "auth") if ctx.operation else None
    if not binding:
        return {}
    names = binding["schemes"]
    env = AuthEnv(credentials=credentials, clock=ctx.clock, store=ctx.store,
                  options=binding.get("options", {}), service=ctx.service, params=ctx.params)
    used: str | None = None
    try:
        for name in names:
            scheme = schemes[name]
            if scheme.carried_by(ctx.request):
                used = name
                identity = scheme.verify(ctx.request, env)
                return {"scheme": name, **identity}
        raise AuthFailure("missing", f"no credentials for {' or '.join(names)}")
    except AuthFailure as failure:
        raise ServiceError(auth_error_code(binding, failure.kind, used), failure.message, detail=failure.detail,
                           data={"auth_kind": failure.kind}, stage=AUTH) from failure


def auth_error_code(binding: dict[str, Any], kind: str, scheme: str | None = None) -> str:
    """``auth.errors`` keys are ``scheme:kind`` or plain ``kind``; the most specific wins."""
    mapping = binding.get("errors") or {}
    candidates = [f"{scheme}:{kind}", kind, f"{scheme}:bad_signature", "bad_signature", "missing"] if scheme \
        else [kind, "bad_signature", "missing"]
    for candidate in candidates:
        if candidate in mapping:
            return mapping[candidate]
    raise LookupError(f"the contract maps no auth failure kinds (needed {kind!r})")
