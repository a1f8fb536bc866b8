"""The POP gateway's checks of the protocol parameters, before the service sees ServiceParameters.

The accepted values come from the contract's ``x-behaviour`` (versions,
action, service), so the contract stays the one place that says them.
"""

from __future__ import annotations

from simulator.auth.aliyun_rpc import MSG_MISSING
from simulator.core import ServiceError
from simulator.pipeline.context import Context

FORMATS = ("JSON", "XML")


def protocol_problem(ctx: Context) -> tuple[str, str | None] | None:
    """``(catalogue code, message or None for the catalogue's)`` for the first wrong protocol parameter."""
    settings = ctx.contract.raw.get("x-behaviour", {})
    if ctx.request.method not in settings.get("http_methods", ("POST",)):
        return "UnsupportedHTTPMethod", None
    params = ctx.params if isinstance(ctx.params, dict) else {}
    fmt = params.get("Format")
    if fmt and str(fmt).upper() not in FORMATS:
        return "InvalidParameter.Format", None
    for name in ("Version", "Action"):
        if not params.get(name):
            return "MissingParameter", MSG_MISSING.format(name=name)
    if params["Version"] not in settings.get("versions", ()):
        return "InvalidVersion", None
    if params["Action"] != settings.get("action"):
        return "InvalidAction.NotFound", None
    if params.get("Service") != settings.get("service"):
        return "404", None
    return None


def check_protocol(ctx: Context) -> None:
    problem = protocol_problem(ctx)
    if problem is not None:
        raise ServiceError(problem[0], problem[1])
