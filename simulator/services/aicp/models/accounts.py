"""Platform users (section 10): registered with a face photo, they log in by face."""

from __future__ import annotations

from typing import Any

from simulator.faces.model import Face
from simulator.pipeline.context import Context
from simulator.services.aicp.models import faces

ACCOUNTS_NS = "accounts"


def find(ctx: Context, username: str) -> dict[str, Any] | None:
    return ctx.store.get(ACCOUNTS_NS, username)


def register(ctx: Context, record: dict[str, Any]) -> bool:
    """False when the username is taken (atomic)."""
    return ctx.store.add_if_absent(ACCOUNTS_NS, record["username"], record)


def activate_face(ctx: Context, username: str, face: dict[str, Any]) -> None:
    """Give a registered account its face (at once, or when a queued engine operation is resumed)."""
    record = find(ctx, username)
    if record is not None:
        ctx.store.put(ACCOUNTS_NS, username, {**record, "face": face})


def best_match(ctx: Context, face: Face) -> tuple[dict[str, Any] | None, float]:
    best, best_score = None, 0.0
    for _, account in sorted(ctx.store.items(ACCOUNTS_NS)):
        if not account.get("face"):
            continue
        score = faces.similarity_to(face, account["face"])
        if score > best_score:
            best, best_score = account, score
    return best, best_score
