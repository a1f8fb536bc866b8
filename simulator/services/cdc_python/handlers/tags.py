"""Tags: keyword lists for texts, and keyword refresh for items."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.cdc_python.handlers._reply import ok
from simulator.services.cdc_python.models.keywords import keywords
from simulator.services.cdc_python.models import items


def tags_text(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    # text_list wins; text alone is [text]; neither is -3, as the notice says.
    if data.get("text_list") is not None:
        texts = data["text_list"]
    elif data.get("text") is not None:
        texts = [data["text"]]
    else:
        raise ServiceError("-3", detail="give text or text_list")
    return ok({"num": len(texts), "list": [keywords(text) for text in texts]})


def tags_item(ctx: Context) -> dict[str, Any]:
    wanted = ctx.body["data"].get("item_list") or []
    found = [items.find(ctx, item_id) for item_id in wanted]
    unknown = [item_id for item_id, item in zip(wanted, found) if item is None]
    if unknown:  # checked before any update, so a bad list changes nothing
        raise ServiceError("tags_item.100", detail=f"no item has id {unknown[0]!r}")
    for item in found:
        items.refresh_keywords(ctx, item)
    return ok({})
