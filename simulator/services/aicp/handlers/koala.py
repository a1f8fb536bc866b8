"""Section 9: the Koala engine's group and user API (Baidu face API v3 conventions and codes)."""

from __future__ import annotations

import re
from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.aicp.models import engine, faces
from simulator.services.aicp.codes import fail, text

ID_PATTERN = re.compile(r"[A-Za-z0-9_]{1,48}")
APP_PATTERN = re.compile(r"[A-Za-z0-9_]{1,64}")
ALL_GROUPS = "@ALL"


def _required(ctx: Context, name: str) -> str:
    value = text(ctx.body.get(name)).strip()
    if not value:
        raise fail(ctx, "222001", field=name)
    return value


def _id(ctx: Context, name: str, code: str) -> str:
    value = _required(ctx, name)
    if not ID_PATTERN.fullmatch(value):
        raise ServiceError(code, detail=f"{name} must be letters, digits and underscores, at most 48 bytes")
    return value


def _existing_group(ctx: Context, name: str, missing_code: str = "223100") -> str:
    group_id = _id(ctx, name, "222006")
    if engine.group(ctx.store, group_id) is None:
        raise ServiceError(missing_code, detail=f"no group {group_id}")
    return group_id


def _page(ctx: Context) -> tuple[int, int]:
    def number(name: str, default: int, code: str, lo: int, hi: int) -> int:
        raw = ctx.body.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(text(raw).strip())
        except ValueError:
            raise ServiceError(code, detail=f"{name} must be an integer") from None
        if not lo <= value <= hi:
            raise ServiceError(code, detail=f"{name} must be between {lo} and {hi}")
        return value

    page_max = faces.behaviour(ctx, "koala_page_max")
    return number("start", 0, "222002", 0, 10**9), number("length", 100, "222003", 1, page_max)


def _apps(ctx: Context) -> list[str]:
    raw = text(ctx.body.get("op_app_id_list")).strip()
    if not raw:
        return [faces.behaviour(ctx, "koala_app_id")]
    apps = [a.strip() for a in raw.split(",")]
    if not all(APP_PATTERN.fullmatch(a) for a in apps):
        raise ServiceError("222004", detail="op_app_id_list is a comma-separated list of app ids")
    return apps


def koala_group_add(ctx: Context) -> dict[str, Any]:
    group_id = _id(ctx, "group_id", "222006")
    if engine.create_group(ctx.store, group_id, engine.now_stamp(ctx), faces.behaviour(ctx, "koala_app_id")) is None:
        raise ServiceError("223101", detail=f"group {group_id} exists")
    return {"result": None}


def koala_group_delete(ctx: Context) -> dict[str, Any]:
    engine.delete_group(ctx.store, _existing_group(ctx, "group_id"))
    return {"result": None}


def koala_group_list(ctx: Context) -> dict[str, Any]:
    start, length = _page(ctx)
    app_id = faces.behaviour(ctx, "koala_app_id")
    ids = [g["group_id"] for g in engine.groups(ctx.store) if g["app_id"] == app_id]
    return {"result": {"group_id_list": ids[start:start + length]}}


def koala_stat_app(ctx: Context) -> dict[str, Any]:
    groups = engine.groups(ctx.store)
    return {app: {"group_num": sum(1 for g in groups if g["app_id"] == app)} for app in _apps(ctx)}


def koala_stat_group(ctx: Context) -> dict[str, Any]:
    _apps(ctx)
    raw = _required(ctx, "group_id_list")
    wanted = [g.strip() for g in raw.split(",")]
    if not all(ID_PATTERN.fullmatch(g) for g in wanted):
        raise ServiceError("222005", detail="group_id_list is a comma-separated list of group ids")
    if len(wanted) > faces.behaviour(ctx, "statgroup_limit"):
        raise ServiceError("223104", detail=f"{len(wanted)} groups; at most {faces.behaviour(ctx, 'statgroup_limit')}")
    missing = [g for g in wanted if engine.group(ctx.store, g) is None]
    if missing:
        raise ServiceError("223100", detail=f"no group {', '.join(missing)}")
    return {g: engine.stat(ctx.store, g) for g in dict.fromkeys(wanted)}


def koala_user_copy(ctx: Context) -> dict[str, Any]:
    user_id = _id(ctx, "user_id", "222018")
    src = _existing_group(ctx, "src_group_id")
    dst = _existing_group(ctx, "dst_group_id", missing_code="223111")
    records = engine.users(ctx.store, src, user_id)
    if not records:
        raise ServiceError("223103", detail=f"user {user_id} is not in {src}")
    if engine.users(ctx.store, dst, user_id):
        raise ServiceError("223102", detail=f"user {user_id} is already in {dst}")
    for record in records:
        engine.add_user(ctx.store, dst, user_id, engine.now_stamp(ctx), user_name=record["userName"],
                        user_info=record["userInfo"], face=record.get("face"), url=record.get("url"),
                        face_id=record.get("faceId"), match_id=record.get("matchId"))
    return {"result": None}


def koala_user_get(ctx: Context) -> dict[str, Any]:
    user_id = _id(ctx, "user_id", "222018")
    group_id = _required(ctx, "group_id")
    if group_id != ALL_GROUPS:
        group_id = _existing_group(ctx, "group_id")
    records = engine.users(ctx.store, None if group_id == ALL_GROUPS else group_id, user_id)
    if not records:
        raise ServiceError("223103", detail=f"user {user_id} is not in {group_id}")
    return {"result": {"user_list": [engine.public_user(r) for r in records]}}


def koala_user_list(ctx: Context) -> dict[str, Any]:
    group_id = _existing_group(ctx, "group_id")
    start, length = _page(ctx)
    records = engine.users(ctx.store, group_id)[start:start + length]
    return {"result": {"user_id_list": [engine.public_user(r) for r in records]}}
