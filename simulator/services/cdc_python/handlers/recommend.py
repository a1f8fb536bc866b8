"""Recommend: similar items for an item, and home-page items for a user, by shared keywords."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.cdc_python.handlers._reply import ok
from simulator.services.cdc_python.models.keywords import keywords
from simulator.services.cdc_python.models import items, posts, users


def recommend_item(ctx: Context) -> dict[str, Any]:
    item = items.find(ctx, ctx.body["data"]["item_id"])
    if item is None:
        raise ServiceError("recommend_item.100", detail="no item has this id")
    mine = set(items.keywords_of(ctx, item))
    scored = [(len(mine & set(items.keywords_of(ctx, other))), i, other)
              for i, other in enumerate(items.catalogue(ctx)) if other["id"] != item["id"]]
    similar = [other for score, _, other in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0]
    if not similar:
        raise ServiceError("recommend_item.101", detail="no other item shares a keyword with this one")
    return ok({"rcmdItemList": [items.as_recommendation(other) for other in similar]})


def recommend_index(ctx: Context) -> dict[str, Any]:
    """Every item, those closest to the user's interests first (keywords of what they posted about)."""
    catalogue = items.catalogue(ctx)
    if not catalogue:
        raise ServiceError("recommend_index.100", detail="the item catalogue is empty")
    interests = _interests(ctx, users.caller(ctx))
    ranked = sorted(enumerate(catalogue),
                    key=lambda pair: (-len(interests & set(items.keywords_of(ctx, pair[1]))), pair[0]))
    limit = ctx.body["data"].get("limit")
    chosen = [item for _, item in ranked][: limit if limit is not None else None]
    return ok({"rcmdItemList": [items.as_recommendation(item) for item in chosen]})


def _interests(ctx: Context, username: str) -> set[str]:
    words: set[str] = set()
    for post in posts.newest_first(ctx):
        if post["username"] != username:
            continue
        words.update(keywords(post["content"]))
        item = items.find(ctx, post["item_id"])
        if item is not None:
            words.update(items.keywords_of(ctx, item))
    return words
