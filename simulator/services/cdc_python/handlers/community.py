"""Community: posts published, listed by distance from the caller, updated and deleted by their author."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.cdc_python.models.geo import distance_m
from simulator.services.cdc_python.handlers._reply import ok
from simulator.services.cdc_python.models import clock, items, posts, users

DEFAULT_DISTANCE_M = 500.0


def _item_id(ctx: Context, value: Any, code: str) -> str | None:
    """The item a post names (None for none); an unknown one is the operation's item error."""
    wanted = items.normalise_id(value)
    if wanted is None:
        return None
    if items.find(ctx, wanted) is None:
        raise ServiceError(code, detail=f"no item has id {value!r}")
    return wanted


def community_publish(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    item_id = _item_id(ctx, data.get("item_id"), "community_publish.100")
    post = posts.publish(ctx, data["content"], item_id)
    return ok({"community_id": post["community_id"]})


def community_list(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    lat, lng = data["latitude"], data["longitude"]
    users.remember_location(ctx, users.caller(ctx), lat, lng)
    radius = data.get("distance")
    radius = DEFAULT_DISTANCE_M if radius is None else radius
    near = [p for p in posts.newest_first(ctx)
            if p["latitude"] is not None and distance_m(lat, lng, p["latitude"], p["longitude"]) <= radius]
    start = data.get("start") or 0
    limit = data.get("limit")
    page = near[start: start + limit if limit is not None else None]
    return ok({"num": len(page), "list": [_post_view(ctx, p) for p in page]})


def _post_view(ctx: Context, post: dict[str, Any]) -> dict[str, Any]:
    return {"community_id": post["community_id"],
            "user": {"username": post["username"], "nickname": users.nickname(ctx, post["username"])},
            "content": post["content"], "item": items.as_post_item(items.find(ctx, post["item_id"])),
            "add_time": post["add_time"], "update_time": post["update_time"]}


def community_update(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    post = posts.own_post(ctx, data["community_id"])
    if post is None:
        raise ServiceError("community_update.100", detail="the caller has no post with this id")
    if "item_id" in data:
        post["item_id"] = _item_id(ctx, data["item_id"], "community_update.101")
    if data.get("content") is not None:
        post["content"] = data["content"]
    post["update_time"] = clock.now(ctx)
    posts.save(ctx, post)
    return ok({})


def community_delete(ctx: Context) -> dict[str, Any]:
    post = posts.own_post(ctx, ctx.body["data"]["community_id"])
    if post is None:
        raise ServiceError("community_delete.100", detail="the caller has no post with this id")
    posts.delete(ctx, post)
    return ok({})
