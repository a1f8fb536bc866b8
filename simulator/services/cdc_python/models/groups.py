"""Face groups (人员库): id, unique name, description; group 1 is the default one."""

from __future__ import annotations

import re
from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context

GROUPS_NS = "groups"
COUNTERS_NS = "counters"
NAME_MAX = 20
_INT_TEXT = re.compile(r"[+-]?\d+")


def seed(store: Any, groups: list[dict[str, Any]]) -> None:
    for group in groups:
        record = {k: v for k, v in group.items() if not k.startswith("x-")}
        store.put(GROUPS_NS, str(record["group_id"]), record)
    top = max((int(g["group_id"]) for g in groups), default=0)
    current = store.get(COUNTERS_NS, "group", 0)
    if current < top:
        store.incr(COUNTERS_NS, "group", top - current)


def get(ctx: Context, group_id: int) -> dict[str, Any] | None:
    return ctx.store.get(GROUPS_NS, str(group_id))


def all_groups(ctx: Context) -> list[dict[str, Any]]:
    return sorted((g for _, g in ctx.store.items(GROUPS_NS)), key=lambda g: g["group_id"])


def by_name(ctx: Context, name: str) -> dict[str, Any] | None:
    return next((g for g in all_groups(ctx) if g["group_name"] == name), None)


def create(ctx: Context, name: str, content: str, op: str) -> dict[str, Any]:
    if not name.strip() or len(name) > NAME_MAX:
        raise ServiceError(f"{op}.101", detail=f"group_name must be 1-{NAME_MAX} characters")
    # Names are unique: claim the name atomically before taking an id.
    if by_name(ctx, name) is not None or not ctx.store.add_if_absent("group_names", name, True):
        raise ServiceError(f"{op}.100", detail=f"a group named {name!r} exists")
    group = {"group_id": ctx.store.incr(COUNTERS_NS, "group"), "group_name": name, "group_content": content}
    ctx.store.put(GROUPS_NS, str(group["group_id"]), group)
    return group


def group_id_of(value: Any, op: str) -> int:
    """``group_id`` as an int: an integer or an integer string (the document: 会自动转为int类型), else 100."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    raise ServiceError(f"{op}.100", detail=f"group_id {value!r} is not an integer")


def resolve(ctx: Context, data: dict[str, Any], op: str) -> dict[str, Any]:
    """The group ``group_id`` (preferred) or ``group_name`` names: 100 / 101 / 102 as documented."""
    if data.get("group_id") is not None:
        group = get(ctx, group_id_of(data["group_id"], op))
    elif data.get("group_name") is not None:
        group = by_name(ctx, data["group_name"])
    else:
        raise ServiceError(f"{op}.101", detail="give group_id or group_name")
    if group is None:
        raise ServiceError(f"{op}.102")
    return group


def update_content(ctx: Context, group: dict[str, Any], content: str) -> None:
    ctx.store.put(GROUPS_NS, str(group["group_id"]), {**group, "group_content": content})


def delete(ctx: Context, group: dict[str, Any]) -> None:
    ctx.store.delete(GROUPS_NS, str(group["group_id"]))
    ctx.store.delete("group_names", group["group_name"])
