"""Face: register the caller's face, find people in a photo, verify the caller, check for masks."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.faces.model import Face
from simulator.pipeline.context import Context
from simulator.services.cdc_python.handlers._reply import ok
from simulator.services.cdc_python.models import faces, groups, realauth, users

DEFAULT_REGISTER_GROUP = 1
ALL_GROUPS = -1


def face_register(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    me = users.caller(ctx)
    record = realauth.get(ctx, me)
    if record is None:
        raise ServiceError("face_register.100.realauth", detail="real-name auth comes first (RealAuth Create)")
    group_id = data.get("db", DEFAULT_REGISTER_GROUP)
    if groups.get(ctx, group_id) is None:
        raise ServiceError("face_register.100", detail=f"no face group {group_id}")
    image = faces.decode(ctx, data["base64"])
    if image is None:
        raise ServiceError("face_register.101", detail="base64 is not base64 text of an image")
    found = ctx.faces.faces_in(image)
    if not found:
        raise ServiceError("face_register.102")
    if len(found) > 1:
        raise ServiceError("face_register.103", detail=f"{len(found)} faces; register one")
    if found[0].mask:
        raise ServiceError("face_register.104")
    saved = faces.register(ctx, me, found[0], record, group_id, data.get("content", ""))
    return ok({"face_id": saved["face_id"]})


def face_find(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    image = faces.decode(ctx, data["base64"])
    found = ctx.faces.faces_in(image) if image is not None else []
    if not found:
        raise ServiceError("face_find.100", detail="no face in the image" if image else "base64 is not an image")
    candidates = faces.in_group(ctx, data.get("db", ALL_GROUPS))
    full = data.get("ret_type", 0) == 1
    return ok({"num": len(found), "list": [_find_entry(ctx, face, candidates, full) for face in found]})


def _find_entry(ctx: Context, face: Face, candidates: list[dict[str, Any]], full: bool) -> dict[str, Any]:
    if not faces.recognisable(ctx, face):  # 识别失败: everything empty but the position
        entry: dict[str, Any] = {"ID": "", "name": "", "liveness": False, "threshold": 0.0}
        return {**entry, "age": None, "gender": "", **faces.corners(face), "mask": None} if full else entry
    best, score = None, 0.0
    for record in candidates:
        s = faces.similarity(face, record)
        if s > score:
            best, score = record, s
    matched = best is not None and faces.threshold(ctx, score) > 0
    entry = {"ID": best["face_id"] if matched else "", "name": best["name"] if matched else "",
             "liveness": face.live, "threshold": faces.threshold(ctx, score)}
    if not full:
        return entry
    return {**entry, **faces.identity(face, best if matched else None), **faces.corners(face), "mask": face.mask}


def face_verify(ctx: Context) -> dict[str, Any]:
    data = ctx.body["data"]
    me = users.caller(ctx)
    registered = faces.of_user(ctx, me)
    if registered is None:
        raise ServiceError("face_verify.100", detail="this user has registered no face")
    image = faces.decode(ctx, data["base64"])
    found = ctx.faces.faces_in(image) if image is not None else []
    if not found:
        raise ServiceError("face_verify.101", detail="no face in the image" if image else "base64 is not an image")
    if len(found) > 1:
        raise ServiceError("face_verify.102", detail=f"{len(found)} faces; verify one")
    face = found[0]
    full = data.get("ret_type", 0) == 1
    if not faces.recognisable(ctx, face):
        short = {"result": False, "liveness": False, "threshold": 0.0}
        return ok({**short, "ID": "", "age": None, "gender": "", **faces.corners(face), "mask": None} if full else short)
    threshold = faces.threshold(ctx, faces.similarity(face, registered))
    result = threshold > 0
    short = {"result": result, "liveness": face.live, "threshold": threshold}
    if not full:
        return ok(short)
    return ok({**short, "ID": registered["face_id"] if result else "",
               **faces.identity(face, registered if result else None), **faces.corners(face), "mask": face.mask})


def face_mask(ctx: Context) -> dict[str, Any]:
    image = faces.decode(ctx, ctx.body["data"]["base64"])
    if image is None:  # no local status: a base64 value that is no image is a wrong value
        raise ServiceError("-2", detail="base64 is not base64 text of an image")
    found = ctx.faces.faces_in(image)
    return ok({"num": len(found), "list": [{**faces.corners(face), "result": face.mask} for face in found]})
