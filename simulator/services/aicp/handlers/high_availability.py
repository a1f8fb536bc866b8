"""Section 11: the high-availability queue of failed engine operations."""

from __future__ import annotations

from typing import Any

from simulator.pipeline.context import Context
from simulator.services.aicp.models import clock, ha_queue
from simulator.services.aicp.codes import fail, ok, text

RESUMED = "异常数据恢复成功"


def ha_get_all(ctx: Context) -> dict[str, Any]:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    try:
        before = clock.parse_bound(body.get("timeBefore"), upper=False)
        after = clock.parse_bound(body.get("timeAfter"), upper=True)
    except ValueError as exc:
        raise fail(ctx, "RUNTIME_ERROR", detail=str(exc)) from None
    solved = text(body.get("issolved")).strip()
    found = []
    for item in ha_queue.items(ctx.store):
        created = clock.parse(item["createTime"])
        if solved and str(item["issolved"]) != solved:
            continue
        if (before and created < before) or (after and created > after):
            continue
        found.append(item)
    return ok({"total": len(found), "totalPage": 1 if found else 0, "items": found})


def ha_resume_data(ctx: Context) -> dict[str, Any]:
    wanted = [text(entry.get("id")) for entry in ctx.body["asynchronyDataList"]]
    unknown = [item_id for item_id in wanted if ha_queue.find(ctx.store, item_id) is None]
    if unknown:
        raise fail(ctx, "RUNTIME_ERROR", detail=f"no queued operation {', '.join(unknown)}")
    for item_id in wanted:
        ha_queue.resume(ctx, item_id)
    return ok(None, RESUMED)
