"""The item catalogue (the Java back end's products), from the contract's ``x-seed.items``.

Items are read-only here; Tag-item re-extracts an item's keywords and stores
them, and recommendations read the stored keywords first.
"""

from __future__ import annotations

from typing import Any

from simulator.pipeline.context import Context
from simulator.services.cdc_python.models.keywords import keywords as extract_keywords

KEYWORDS_NS = "item_keywords"
NO_ITEM = object()  # marks an item_id that is not even shaped like one


def catalogue(ctx: Context) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if not k.startswith("x-")}
            for item in ctx.contract.raw.get("x-seed", {}).get("items", [])]


def normalise_id(value: Any) -> Any:
    """``3990811`` and ``"3990811"`` name the same item; None/"" name none; anything else is NO_ITEM."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return NO_ITEM
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return NO_ITEM


def find(ctx: Context, item_id: Any) -> dict[str, Any] | None:
    wanted = normalise_id(item_id)
    if wanted is None or wanted is NO_ITEM:
        return None
    return next((item for item in catalogue(ctx) if item["id"] == wanted), None)


def keywords_of(ctx: Context, item: dict[str, Any]) -> list[str]:
    stored = ctx.store.get(KEYWORDS_NS, item["id"])
    return stored if stored is not None else extract_keywords(item["name"])


def refresh_keywords(ctx: Context, item: dict[str, Any]) -> list[str]:
    words = extract_keywords(item["name"])
    ctx.store.put(KEYWORDS_NS, item["id"], words)
    return words


def as_recommendation(item: dict[str, Any]) -> dict[str, Any]:
    """Yanxuan's list entry."""
    return {"type": 1, "id": item["id"], "categoryItem": {
        "id": item["id"], "listPicUrl": item["listPicUrl"], "simpleDesc": item.get("simpleDesc"),
        "simpleDescClose": False, "name": item["name"], "retailPrice": item.get("retailPrice"),
        "activityPrice": item.get("activityPrice")}}


def as_post_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The Json-item of a community post; missing fields are null, as the document says."""
    if item is None:
        return None
    return {key: item.get(key) for key in ("id", "name", "simpleDesc", "listPicUrl", "retailPrice", "activityPrice")}
