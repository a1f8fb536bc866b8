"""Community posts: content as sent, an optional item, the author and where the author was."""

from __future__ import annotations

from typing import Any

from simulator.pipeline.context import Context
from simulator.services.cdc_python.models import clock, users

POSTS_NS = "posts"


def publish(ctx: Context, content: str, item_id: str | None) -> dict[str, Any]:
    author = users.caller(ctx)
    where = users.location(ctx, author)
    now = clock.now(ctx)
    post = {"community_id": ctx.store.incr("counters", "post"), "username": author, "content": content,
            "item_id": item_id, "add_time": now, "update_time": now,
            "latitude": where[0] if where else None, "longitude": where[1] if where else None}
    ctx.store.put(POSTS_NS, str(post["community_id"]), post)
    return post


def own_post(ctx: Context, community_id: int) -> dict[str, Any] | None:
    """The caller's post with this id; another user's post counts as unknown."""
    post = ctx.store.get(POSTS_NS, str(community_id))
    return post if post is not None and post["username"] == users.caller(ctx) else None


def save(ctx: Context, post: dict[str, Any]) -> None:
    ctx.store.put(POSTS_NS, str(post["community_id"]), post)


def delete(ctx: Context, post: dict[str, Any]) -> None:
    ctx.store.delete(POSTS_NS, str(post["community_id"]))


def newest_first(ctx: Context) -> list[dict[str, Any]]:
    posts = [post for _, post in ctx.store.items(POSTS_NS)]
    return sorted(posts, key=lambda p: (p["add_time"], p["community_id"]), reverse=True)
