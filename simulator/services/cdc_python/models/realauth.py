"""Real-name records (实名认证), one per user, bound for good; the id number is unique."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.cdc_python.models import clock

REALAUTH_NS = "realauth"
ID_OWNERS_NS = "realauth_ids"
CORE_FIELDS = ("id_type", "id", "name", "gender", "birthday")
OPTIONAL_FIELDS = ("nation", "address", "organization", "date_start", "date_end")
# Column lengths from the document's tables; longer values make the database write fail (status 100).
MAX_LENGTH = {"id": 18, "name": 30, "gender": 6, "nation": 10, "address": 100, "organization": 30}
ID_TYPES = ("sfz",)
GENDERS = ("male", "female")
FIELD_ORDER = ("id_type", "id", "name", "gender", "nation", "birthday", "address", "organization", "date_start", "date_end")


def get(ctx: Context, username: str) -> dict[str, Any] | None:
    return ctx.store.get(REALAUTH_NS, username)


def _too_long(data: dict[str, Any]) -> str | None:
    for key, limit in MAX_LENGTH.items():
        value = data.get(key)
        if isinstance(value, str) and len(value) > limit:
            return f"{key} is longer than {limit} characters"
    return None


def _optional_dates(data: dict[str, Any], start_code: str, end_code: str) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, code in (("date_start", start_code), ("date_end", end_code)):
        if key in data:
            if data[key] is None:
                out[key] = None
                continue
            day = clock.day_timestamp(data[key])
            if day is None:
                raise ServiceError(code, detail=f"{key} {data[key]!r} is not a timestamp of a day in 1900-2100")
            out[key] = day
    return out


def create(ctx: Context, username: str, data: dict[str, Any]) -> dict[str, Any]:
    op = "realauth_create"
    if data["id_type"] not in ID_TYPES:
        raise ServiceError(f"{op}.200", detail="id_type must be sfz")
    if data["gender"] not in GENDERS:
        raise ServiceError(f"{op}.201", detail="gender must be male or female")
    birthday = clock.day_timestamp(data["birthday"])
    if birthday is None:
        raise ServiceError(f"{op}.202", detail=f"birthday {data['birthday']!r} is not a timestamp of a day in 1900-2100")
    dates = _optional_dates(data, f"{op}.203", f"{op}.204")
    empty = [key for key in ("id", "name") if not data[key].strip()]
    if empty:
        raise ServiceError(f"{op}.100", detail=f"{', '.join(empty)} cannot be empty")
    too_long = _too_long(data)
    if too_long:
        raise ServiceError(f"{op}.100", detail=too_long)
    if get(ctx, username) is not None:
        raise ServiceError(f"{op}.100", detail="this user already has a real-name record (it cannot be unbound)")
    if not ctx.store.add_if_absent(ID_OWNERS_NS, data["id"].upper(), username):
        raise ServiceError(f"{op}.100", detail="this id number is already bound to a user")
    record = {"id_type": data["id_type"], "id": data["id"], "name": data["name"], "gender": data["gender"],
              "birthday": birthday, **{key: data.get(key) for key in ("nation", "address", "organization")},
              "date_start": dates.get("date_start"), "date_end": dates.get("date_end")}
    ctx.store.put(REALAUTH_NS, username, record)
    return record


def update(ctx: Context, username: str, data: dict[str, Any]) -> dict[str, Any]:
    op = "realauth_update"
    record = get(ctx, username)
    if record is None:
        raise ServiceError(f"{op}.100", detail="this user has no real-name record")
    too_long = _too_long(data)
    if too_long:
        raise ServiceError(f"{op}.100", detail=too_long)
    dates = _optional_dates(data, f"{op}.200", f"{op}.200")
    record.update({key: data[key] for key in ("nation", "address", "organization") if key in data})
    record.update(dates)
    ctx.store.put(REALAUTH_NS, username, record)
    return record


def public_view(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record.get(key) for key in FIELD_ORDER}
