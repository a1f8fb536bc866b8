"""Stage 2, authenticate: the contract's auth binding, verified by the bound schemes (``simulator/auth``)."""

from __future__ import annotations

from typing import Any

from simulator.auth import AuthEnv, AuthScheme
from simulator.config import utc_now
from simulator.core import AuthFailure, ServiceError
from simulator.pipeline.context import Context
from simulator.pipeline.exchange import AUTH


def authenticate(ctx: Context, schemes: dict[str, AuthScheme], credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the caller's identity (and note the credential it used on the exchange), or raise the
    service's own error for the failure."""
    binding = ctx.operation.binding(ctx.deployment, "auth") if ctx.operation else None
    if not binding:
        return {}
    names = binding["schemes"]
    options = binding.get("options", {})
    config = ctx.runtime.config
    env = AuthEnv(credentials=credentials, clock=ctx.clock, store=ctx.store, options=options,
                  service=ctx.service, params=ctx.params, seed=config.seed,
                  wall_clock=utc_now if config.accept_wall_clock_signatures and config.clock is not utc_now else None)
    used: str | None = None
    try:
        for name in names:
            scheme = schemes[name]
            if scheme.carried_by(ctx.request):  # api-key, told no carriers, counts every request as carried
                used = name
                identity = scheme.verify(ctx.request, env)
                ctx.exchange.credential_id = scheme.credential_id(identity)
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
