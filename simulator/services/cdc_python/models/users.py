"""Users: configured ones (contract demo users, --credentials) and ones registered at run time.

Run-time users live in the store under ``cdc_token.USERS_NS``, so the token
scheme accepts them too. A user's position (for community distances) is the
last one they listed posts from, else their configured home.
"""

from __future__ import annotations

from typing import Any

from simulator.auth import cdc_token
from simulator.pipeline.context import Context

LOCATIONS_NS = "locations"


def all_users(ctx: Context) -> list[dict[str, Any]]:
    return cdc_token.all_users(ctx.credentials(), ctx.store)


def find(ctx: Context, username: Any) -> dict[str, Any] | None:
    if not isinstance(username, str) or not username:
        return None
    return next((u for u in all_users(ctx) if u["username"] == username), None)


def caller(ctx: Context) -> str:
    return ctx.identity["username"]


def nickname(ctx: Context, username: str) -> str:
    user = find(ctx, username) or {}
    return str(user.get("nickname") or username)


def system_user(ctx: Context) -> str | None:
    """The user whose messages are system messages (guosai), if it exists."""
    name = ctx.contract.raw.get("x-system-user", "guosai")
    return name if find(ctx, name) is not None else None


def is_system_sender(ctx: Context, sender: str | None) -> bool:
    """System messages are those sent by the system user or by nobody."""
    return not sender or sender == ctx.contract.raw.get("x-system-user", "guosai")


def register(store: Any, username: str, token: str, *, nickname: str = "", admin: bool = False,
             latitude: float | None = None, longitude: float | None = None) -> dict[str, Any]:
    """Add a user at run time (tests, the admin API); the token is accepted at once."""
    if len(token) != cdc_token.TOKEN_LENGTH:
        raise ValueError(f"a CDC token is {cdc_token.TOKEN_LENGTH} characters")
    record = {"token": token, "nickname": nickname or username, "admin": admin,
              "latitude": latitude, "longitude": longitude}
    store.put(cdc_token.USERS_NS, username, record)
    return {"username": username, **record}


def location(ctx: Context, username: str) -> tuple[float, float] | None:
    stored = ctx.store.get(LOCATIONS_NS, username)
    if stored is not None:
        return stored[0], stored[1]
    user = find(ctx, username) or {}
    if isinstance(user.get("latitude"), (int, float)) and isinstance(user.get("longitude"), (int, float)):
        return float(user["latitude"]), float(user["longitude"])
    return None


def remember_location(ctx: Context, username: str, lat: float, lng: float) -> None:
    ctx.store.put(LOCATIONS_NS, username, [lat, lng])
