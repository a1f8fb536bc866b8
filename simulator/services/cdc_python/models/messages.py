"""In-site messages (站内信): system messages and private messages, with read flags per receiver.

A message is ``{msg_id, sender, receiver, type, subtype, title, content,
add_time, extra}``; ``receiver`` None is a broadcast to everyone. A system
message is one sent by the system user (guosai) or by nobody; a private
message is one from anyone else to one receiver (the document's definitions,
independent of the message's own ``type``). Read flags are per receiver, so
a broadcast notice is read or unread for each user separately.
"""

from __future__ import annotations

from typing import Any, Iterable

from simulator.pipeline.context import Context
from simulator.services.cdc_python.models import clock, users

MESSAGES_NS = "messages"
READS_NS = "message_reads"
NEW, READ, ALL = 0, 1, 2
TITLE_MAX = 100


def seed(store: Any, messages: list[dict[str, Any]]) -> None:
    for message in messages:
        record = {k: v for k, v in message.items() if not k.startswith("x-")}
        store.put(MESSAGES_NS, str(record["msg_id"]), record)
    top = max((int(m["msg_id"]) for m in messages), default=0)
    current = store.get("counters", "msg", 0)
    if current < top:
        store.incr("counters", "msg", top - current)


def if_new_mode(value: Any) -> int:
    """0 new, 1 read, 2 all; anything else (another number, a wrong type) is 0, as the document says."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value in (NEW, READ, ALL) else NEW


def send(ctx: Context, sender: str, receiver: str, title: str, content: str) -> dict[str, Any]:
    message = {"msg_id": ctx.store.incr("counters", "msg"), "sender": sender, "receiver": receiver,
               "type": "private", "subtype": "default", "title": title, "content": content,
               "add_time": clock.now(ctx), "extra": ""}
    ctx.store.put(MESSAGES_NS, str(message["msg_id"]), message)
    return message


def get(ctx: Context, msg_id: int) -> dict[str, Any] | None:
    return ctx.store.get(MESSAGES_NS, str(msg_id))


def _newest_first(messages: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(messages, key=lambda m: (m["add_time"], m["msg_id"]), reverse=True)


def all_messages(ctx: Context) -> list[dict[str, Any]]:
    return _newest_first(m for _, m in ctx.store.items(MESSAGES_NS))


def is_system(ctx: Context, message: dict[str, Any]) -> bool:
    return users.is_system_sender(ctx, message.get("sender"))


def received_by(message: dict[str, Any], username: str) -> bool:
    return message.get("receiver") in (None, username)


def is_read(ctx: Context, message: dict[str, Any], username: str) -> bool:
    return bool(ctx.store.get(READS_NS, f"{message['msg_id']}:{username}", False))


def mark_read(ctx: Context, message: dict[str, Any], username: str) -> None:
    ctx.store.put(READS_NS, f"{message['msg_id']}:{username}", True)


def system_for(ctx: Context, username: str) -> list[dict[str, Any]]:
    """System messages the user receives (sent to them or to everyone), newest first."""
    return [m for m in all_messages(ctx) if is_system(ctx, m) and received_by(m, username)]


def private_received(ctx: Context, username: str) -> list[dict[str, Any]]:
    return [m for m in all_messages(ctx) if not is_system(ctx, m) and m.get("receiver") == username]


def private_involving(ctx: Context, username: str) -> list[dict[str, Any]]:
    """Private messages the user sent or received, newest first."""
    return [m for m in all_messages(ctx)
            if not is_system(ctx, m) and m.get("receiver") is not None and username in (m["sender"], m["receiver"])]


def counterpart(message: dict[str, Any], username: str) -> str:
    return message["receiver"] if message["sender"] == username else message["sender"]


def read_for(ctx: Context, message: dict[str, Any], username: str) -> bool:
    """Read from the user's point of view: their own sent messages count as read (the notice on if_new 0)."""
    return message["sender"] == username or is_read(ctx, message, message["receiver"] or username)


def keep(ctx: Context, message: dict[str, Any], username: str, mode: int) -> bool:
    if mode == ALL:
        return True
    return read_for(ctx, message, username) == (mode == READ)


def status_flag(ctx: Context, message: dict[str, Any], username: str) -> bool:
    """The message's read flag: the receiver's (for a broadcast, this user's)."""
    return is_read(ctx, message, message.get("receiver") or username)


def inbox_view(ctx: Context, message: dict[str, Any], username: str) -> dict[str, Any]:
    """The shape Msg - sys and Msg - filter answer."""
    return {"msg_id": message["msg_id"], "type": message["type"], "subtype": message["subtype"],
            "title": message["title"], "content": message["content"], "add_time": message["add_time"],
            "status": status_flag(ctx, message, username), "extra": message.get("extra", "")}


def record_view(ctx: Context, message: dict[str, Any], username: str) -> dict[str, Any]:
    """The shape of a Msg - private record: ``source`` 1 when the user sent it."""
    return {"source": 1 if message["sender"] == username else 0, **inbox_view(ctx, message, username)}
