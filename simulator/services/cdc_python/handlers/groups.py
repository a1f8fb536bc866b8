"""Face groups: created, changed and deleted by administrators (the contract's admin_only), read by all."""

from __future__ import annotations

from typing import Any

from simulator.pipeline.context import Context
from simulator.services.cdc_python.handlers._reply import ok
from simulator.services.cdc_python.models import faces, groups


def group_create(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    group = groups.create(ctx, data["group_name"], data.get("group_content") or "", "group_create")
    return ok({"group_id": group["group_id"]})


def group_delete(ctx: Context) -> dict[str, Any]:
    group = groups.resolve(ctx, ctx.body["data"], "group_delete")
    faces.delete_group(ctx, group["group_id"])  # 并同步删除里面所有的人脸数据
    groups.delete(ctx, group)
    return ok({})


def group_update(ctx: Context) -> dict[str, Any]:
    group = groups.resolve(ctx, ctx.body["data"], "group_update")
    groups.update_content(ctx, group, ctx.body["data"]["group_content"])
    return ok({})


def group_get(ctx: Context) -> dict[str, Any]:
    return ok(groups.resolve(ctx, ctx.body["data"], "group_get"))


def group_list(ctx: Context) -> dict[str, Any]:
    found = groups.all_groups(ctx)
    return ok({"num": len(found), "list": found})
