"""RealAuth: the caller's real-name record, created once, partly updatable."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.cdc_python.handlers._reply import ok
from simulator.services.cdc_python.models import realauth, users


def realauth_create(ctx: Context) -> dict[str, Any]:
    record = realauth.create(ctx, users.caller(ctx), ctx.body["data"])
    return ok({"real_auth_id": record["id"]})


def realauth_update(ctx: Context) -> dict[str, Any]:
    realauth.update(ctx, users.caller(ctx), ctx.body["data"])
    return ok({})


def realauth_get(ctx: Context) -> dict[str, Any]:
    record = realauth.get(ctx, users.caller(ctx))
    if record is None:
        raise ServiceError("realauth_get.100", detail="this user has no real-name record")
    return ok(realauth.public_view(record))


def realauth_check(ctx: Context) -> dict[str, Any]:
    username = ctx.body["data"]["username"]
    if users.find(ctx, username) is None:
        raise ServiceError("realauth_check.100", detail=f"no user is named {username!r}")
    return ok({"result": realauth.get(ctx, username) is not None})
