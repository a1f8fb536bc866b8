"""Section 6: capability authorisation. Grants are the tokens the ``token`` header carries."""

from __future__ import annotations

from typing import Any

from simulator.auth import aicp_token
from simulator.pipeline.context import Context
from simulator.services.aicp.codes import fail, ok, text


def _due_time(ctx: Context) -> str:
    due = text(ctx.body["dueTime"]).strip()
    try:
        aicp_token.parse_due_time(due)
    except ValueError as exc:
        raise fail(ctx, "RUNTIME_ERROR", detail=str(exc)) from None
    return due


def _java_list(items: list[str]) -> str:
    """How Java's List.toString prints, as the document's existAuthorize shows."""
    return "[" + ", ".join(items) + "]"


def _configured(ctx: Context, app_id: str) -> bool:
    return any(c.get("appId") == app_id for c in ctx.credentials())


def grant_authorize(ctx: Context) -> dict[str, Any]:
    app_id, due = text(ctx.body["appId"]), _due_time(ctx)
    capabilities = aicp_token.split_capabilities(ctx.body["capabilityIdArray"])
    record = None if _configured(ctx, app_id) else aicp_token.grant(ctx.store, app_id, due, capabilities, only_if_new=True)
    if record is None:
        raise fail(ctx, "AUTH_USER_EXISTS", detail=f"{app_id} is already authorised")
    return ok({"appId": app_id, "dueTime": due, "token": record["token"]})


def update_authorize(ctx: Context) -> dict[str, Any]:
    app_id, due = text(ctx.body["appId"]), _due_time(ctx)
    held = aicp_token.authorisation_of(ctx.store, app_id)
    if held is None:
        # The platform dereferences the missing authorisation and ends in its catch-all.
        raise fail(ctx, "RUNTIME_ERROR", detail=f"{app_id} holds no authorisation to update")
    requested = aicp_token.split_capabilities(ctx.body["capabilityIdArray"])
    existing = [c for c in requested if c in held["capabilities"]]
    added = [c for c in requested if c not in held["capabilities"]]
    record = aicp_token.grant(ctx.store, app_id, due, requested)
    return ok({"existAuthorize": _java_list(existing), "addAuthorize": _java_list(added), "appId": app_id,
               "token": record["token"]})


def delete_authorized_user(ctx: Context) -> dict[str, Any]:
    app_id = text(ctx.body["appId"])
    if not aicp_token.revoke(ctx.store, app_id):
        raise fail(ctx, "USER_NOT_EXIST", detail=f"{app_id} holds no authorisation")
    return ok({"appId": app_id})
