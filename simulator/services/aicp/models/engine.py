"""The Koala face engine's state: groups and user records.

The Koala API (section 9) manages it directly; the face micro-services (section 7) run on it:
a face base (7.1) is a Koala group that also has a name, a description and a 32-hex
``personDbLib``; a person added by 7.4 is a Koala user record whose user id is its 32-hex
``personNo``. So a base created by 7.1 is listed by 9.1.3, a user copied by 9.2.1 is
recognised by 7.5, and so on.

A user record is one registration: the same user id may have several (the document's 9.2.2
example lists user 123 twice in group3).
"""

from __future__ import annotations

import hashlib
from typing import Any

from simulator.pipeline.context import Context
from simulator.services.aicp.models import clock, ids

GROUPS_NS = "engine:groups"
USERS_NS = "engine:users"
RECORD_COUNTER = "koala-record"
BASE_COUNTER = "base"


def group(store: Any, group_id: str) -> dict[str, Any] | None:
    return store.get(GROUPS_NS, str(group_id))


def groups(store: Any) -> list[dict[str, Any]]:
    """Every group, in creation order."""
    return sorted((g for _, g in store.items(GROUPS_NS)), key=lambda g: g["id"])


def create_group(store: Any, group_id: str, ctime: str, app_id: str, *, db_name: str | None = None,
                 db_desc: str | None = None, person_db_lib: str | None = None) -> dict[str, Any] | None:
    """The new group, or None when ``group_id`` exists (atomically: two racing creates, one wins)."""
    record = {
        "group_id": str(group_id), "ctime": ctime, "app_id": app_id,
        "dbName": db_name if db_name is not None else str(group_id), "dbDesc": db_desc,
        "personDbLib": person_db_lib or hashlib.blake2b(f"personDbLib:{group_id}".encode(), digest_size=16).hexdigest(),
    }
    record["id"] = store.incr(ids.COUNTERS_NS, BASE_COUNTER)
    if not store.add_if_absent(GROUPS_NS, str(group_id), record):
        return None
    return record


def delete_group(store: Any, group_id: str) -> bool:
    if not store.delete(GROUPS_NS, str(group_id)):
        return False
    for key, user in store.items(USERS_NS):
        if user["groupId"] == str(group_id):
            store.delete(USERS_NS, key)
    return True


def users(store: Any, group_id: str | None = None, user_id: str | None = None) -> list[dict[str, Any]]:
    """User records of a group (all groups when None), optionally of one user id, in creation order."""
    found = [u for _, u in store.items(USERS_NS)
             if (group_id is None or u["groupId"] == str(group_id)) and (user_id is None or u["userId"] == str(user_id))]
    return sorted(found, key=lambda u: int(u["id"]))


def add_user(store: Any, group_id: str, user_id: str, create_time: str, *, user_name: str | None = None,
             user_info: str | None = None, face: dict[str, Any] | None = None, url: str | None = None,
             face_id: str | None = None, match_id: str | None = None) -> dict[str, Any]:
    record_id = str(store.incr(ids.COUNTERS_NS, RECORD_COUNTER))
    record = {"id": record_id, "groupId": str(group_id), "userId": str(user_id), "userName": user_name,
              "userInfo": user_info, "createTime": create_time, "face": face, "url": url, "faceId": face_id,
              "matchId": match_id}
    store.put(USERS_NS, record_id, record)
    return record


def remove_user(store: Any, group_id: str, user_id: str) -> int:
    """Delete every record of ``user_id`` in the group; how many there were."""
    gone = users(store, group_id, user_id)
    for record in gone:
        store.delete(USERS_NS, record["id"])
    return len(gone)


def public_user(record: dict[str, Any]) -> dict[str, Any]:
    """A user record as 9.2.2/9.2.3 show it."""
    return {key: record[key] for key in ("id", "groupId", "userId", "userName", "userInfo", "createTime")}


def stat(store: Any, group_id: str) -> dict[str, Any]:
    """9.1.5's numbers: distinct users, records with a face, and the creation time."""
    records = users(store, group_id)
    return {"user_num": len({u["userId"] for u in records}),
            "face_num": sum(1 for u in records if u.get("face")),
            "ctime": group(store, group_id)["ctime"]}


def seed_document_groups(store: Any, app_id: str) -> None:
    """The groups and users the document's Koala examples use, so they work on a fresh simulator."""
    create_group(store, "group2", "2020-05-27 14:37:23", app_id)
    create_group(store, "group3", "2020-05-27 14:37:23", app_id)
    add_user(store, "group3", "123", "2020-05-27 14:37:23", user_name="abc", user_info="abc")
    add_user(store, "group2", "234", "2020-05-29 15:24:54", user_name="acc", user_info="acc")
    add_user(store, "group3", "123", "2020-05-27 14:37:23", user_name="fdf", user_info="fdfs")


def now_stamp(ctx: Context) -> str:
    return clock.stamp(clock.now(ctx))
