"""Msg: in-site messages, read and unread, system and private."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.cdc_python.handlers._reply import ok
from simulator.services.cdc_python.models import messages, users


def _require_system_user(ctx: Context, code: str) -> None:
    if users.system_user(ctx) is None:
        raise ServiceError(code, detail="the system user guosai is not among the configured users")


def _people(value: Any) -> str:
    """``people``: a user name, or "" for everyone (a wrong type counts as "")."""
    return value if isinstance(value, str) else ""


def _int_or(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def msg_has_new(ctx: Context) -> dict[str, Any]:
    me = users.caller(ctx)
    sys_new = [m for m in messages.system_for(ctx, me) if not messages.is_read(ctx, m, me)]
    detail: dict[str, int] = {}
    for m in messages.private_received(ctx, me):
        if not messages.is_read(ctx, m, me):
            detail[m["sender"]] = detail.get(m["sender"], 0) + 1
    return ok({"sys": len(sys_new), "private": sum(detail.values()), "private_detail": detail})


def msg_sys(ctx: Context) -> dict[str, Any]:
    _require_system_user(ctx, "msg_sys.100")
    me = users.caller(ctx)
    mode = messages.if_new_mode(ctx.body["data"].get("if_new"))
    chosen = [m for m in messages.system_for(ctx, me) if messages.keep(ctx, m, me, mode)]
    return ok({"num": len(chosen), "list": [messages.inbox_view(ctx, m, me) for m in chosen]})


def msg_private(ctx: Context) -> dict[str, Any]:
    _require_system_user(ctx, "msg_private.100")
    data = ctx.body["data"]
    me = users.caller(ctx)
    people = _people(data.get("people"))
    if people and users.find(ctx, people) is None:
        raise ServiceError("msg_private.101", detail=f"no user is named {people!r}")
    start = max(0, _int_or(data.get("start"), 0))
    limit = _int_or(data.get("limit"), -1)
    mine = [m for m in messages.private_involving(ctx, me) if not people or messages.counterpart(m, me) == people]
    # The notice: limit is applied first, then if_new.
    page = mine[start: start + limit if limit >= 0 else None]
    mode = messages.if_new_mode(data.get("if_new"))
    kept = [m for m in page if messages.keep(ctx, m, me, mode)]
    conversations: dict[str, list[dict[str, Any]]] = {}
    for m in kept:  # newest first, so conversations come out newest first
        conversations.setdefault(messages.counterpart(m, me), []).append(m)
    units = [{"people": other, "num": len(records),
              "records": [messages.record_view(ctx, m, me) for m in reversed(records)]}  # each oldest first
             for other, records in conversations.items()]
    return ok({"records_num": len(kept), "unit_num": len(units), "list": units})


def msg_msg_list(ctx: Context) -> dict[str, Any]:
    _require_system_user(ctx, "msg_msg_list.100")
    me = users.caller(ctx)
    last: dict[str, dict[str, Any]] = {}
    for m in messages.private_involving(ctx, me):  # newest first: the first seen per person is the last message
        last.setdefault(messages.counterpart(m, me), m)
    entries = [{"username": other, "nickname": users.nickname(ctx, other), "msg_id": m["msg_id"],
                "status": messages.status_flag(ctx, m, me), "add_time": m["add_time"], "title": m["title"],
                "content": m["content"], "type": m["type"], "subtype": m["subtype"], "extra": m.get("extra", "")}
               for other, m in last.items()]
    return ok({"num": len(entries), "list": entries})


def msg_sign(ctx: Context) -> dict[str, Any]:
    me = users.caller(ctx)
    msg_id = ctx.body["data"]["msg_id"]
    message = messages.get(ctx, msg_id) if isinstance(msg_id, int) and not isinstance(msg_id, bool) else None
    if message is None or not messages.received_by(message, me):
        raise ServiceError("msg_sign.100", detail="msg_id is not an integer naming a message this user received")
    messages.mark_read(ctx, message, me)
    return ok({})


def msg_sign_batch(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    me = users.caller(ctx)
    if _int_or(data.get("sys"), 0) == 1:
        _require_system_user(ctx, "msg_sign_batch.100")
        for m in messages.system_for(ctx, me):
            messages.mark_read(ctx, m, me)
    if _int_or(data.get("private"), 0) == 1:
        people = _people(data.get("people"))
        if people and users.find(ctx, people) is None:
            raise ServiceError("msg_sign_batch.101", detail=f"no user is named {people!r}")
        for m in messages.private_received(ctx, me):  # only messages the user received, never their own
            if not people or m["sender"] == people:
                messages.mark_read(ctx, m, me)
    return ok({})


def msg_filter(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    me = users.caller(ctx)
    mode = messages.if_new_mode(data.get("if_new"))
    subtype = data.get("subtype") or ""
    received = [m for m in messages.all_messages(ctx)
                if messages.received_by(m, me) and (messages.is_system(ctx, m) or m.get("receiver") == me)]
    chosen = [m for m in received if m["type"] == data["type"] and (not subtype or m["subtype"] == subtype)
              and messages.keep(ctx, m, me, mode)]
    return ok({"num": len(chosen), "list": [messages.inbox_view(ctx, m, me) for m in chosen]})


def msg_send(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    me = users.caller(ctx)
    if data["receiver"] == me or users.find(ctx, data["receiver"]) is None:
        raise ServiceError("msg_send.100", detail="the receiver is not another user")
    if len(data["title"]) > messages.TITLE_MAX:
        raise ServiceError("msg_send.101", detail=f"the title is longer than {messages.TITLE_MAX} characters")
    message = messages.send(ctx, me, data["receiver"], data["title"], data["content"])
    return ok({"msg_id": message["msg_id"]})
