"""Section 7: the face micro-services, running on the Koala engine's groups and users."""

from __future__ import annotations

from typing import Any

from simulator.faces.model import Face
from simulator.pipeline.context import Context
from simulator.services.aicp.models import engine, faces, ha_queue, ids, photos
from simulator.services.aicp.codes import fail, ok, text


def _base(ctx: Context, group_id: str) -> dict[str, Any]:
    base = engine.group(ctx.store, group_id)
    if base is None:
        raise fail(ctx, "SERVER_ERROR", detail=f"no face base for groupId {group_id}")
    return base


def _page_number(ctx: Context, name: str) -> int:
    try:
        value = int(text(ctx.body[name]).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise fail(ctx, "SERVER_ERROR", detail=f"{name} must be a positive number")
    return value


def _matches(ctx: Context, face: Face, group_id: str | None) -> list[dict[str, Any]]:
    """Every enrolled face above the threshold, best first, as 7.5's records."""
    found = []
    for user in engine.users(ctx.store, group_id):
        if not user.get("face"):
            continue
        score = faces.similarity_to(face, user["face"])
        if score >= faces.threshold(ctx):
            found.append((score, user))
    found.sort(key=lambda pair: (-pair[0], int(pair[1]["id"])))
    return [{"score": round(100.0 * score, 5), "id": user.get("matchId") or user["id"],
             "faceId": f"koala-{user['userId']}-", "personNo": user["userId"], "url": user.get("url")}
            for score, user in found]


def ms_add_base(ctx: Context) -> dict[str, Any]:
    group_id, name = text(ctx.body["groupId"]), text(ctx.body["dbName"])
    desc = ctx.body.get("dbDesc")
    created = engine.create_group(ctx.store, group_id, engine.now_stamp(ctx), faces.behaviour(ctx, "koala_app_id"),
                                  db_name=name, db_desc=None if desc is None else text(desc),
                                  person_db_lib=ids.hex32(ctx))
    if created is None:
        raise fail(ctx, "SERVER_ERROR", detail=f"groupId {group_id} already has a face base")
    return ok({"dbDesc": created["dbDesc"], "dbName": created["dbName"], "personDbLib": created["personDbLib"]})


def ms_delete_base(ctx: Context) -> dict[str, Any]:
    group_id = text(ctx.body["groupId"])
    if not engine.delete_group(ctx.store, group_id):
        raise fail(ctx, "SERVER_ERROR", detail=f"no face base for groupId {group_id}")
    return ok({"message": "ok"})


def ms_query_base_all(ctx: Context) -> dict[str, Any]:
    page, size = _page_number(ctx, "pageNo"), _page_number(ctx, "pageSize")
    bases = engine.groups(ctx.store)[(page - 1) * size: page * size]
    return ok({"records": [{"dbDesc": b["dbDesc"], "dbName": b["dbName"], "id": b["id"], "personDbLib": b["personDbLib"]}
                           for b in bases]})


def ms_face_add(ctx: Context) -> dict[str, Any]:
    group_id = text(ctx.body["groupId"])
    base = _base(ctx, group_id)
    image = faces.decode(ctx, ctx.body.get("image"), "80018")
    face = faces.main_face(ctx, image, "80018")
    person_no = ids.hex32(ctx)
    url = photos.file_server_photo(ctx, image)
    face_id = str(ids.next_number(ctx, "face"))
    photos.link_face(ctx, group_id, face_id, photos.path_of(url))
    user = {"groupId": group_id, "userId": person_no, "userName": ctx.body.get("name") or ctx.body.get("cust_name"),
            "userInfo": ctx.body.get("remark"), "face": faces.face_key(face, image), "url": url, "faceId": face_id,
            "matchId": ids.nano_id(ctx), "createTime": engine.now_stamp(ctx)}
    if ha_queue.engine_down(ctx):
        # Accepted now, enrolled when resumedata replays it (section 11).
        ha_queue.queue(ctx, person_db_lib=base["personDbLib"], image=image, replay={"kind": "engine-user", **user})
    else:
        engine.add_user(ctx.store, group_id, person_no, user["createTime"], user_name=user["userName"],
                        user_info=user["userInfo"], face=user["face"], url=url, face_id=face_id,
                        match_id=user["matchId"])
    return ok({"personNo": person_no, "url": url})


def ms_face_recognition(ctx: Context) -> dict[str, Any]:
    group_id = text(ctx.body["groupId"])
    _base(ctx, group_id)
    face = faces.main_face(ctx, faces.decode(ctx, ctx.body.get("image"), "IMAGE_INVALID"), "IMAGE_INVALID")
    return ok({"records": _matches(ctx, face, group_id)})


def ms_face_couple(ctx: Context) -> dict[str, Any]:
    face_a = faces.main_face(ctx, faces.decode(ctx, ctx.body.get("imageA"), "IMAGE_INVALID"), "IMAGE_INVALID")
    face_b = faces.main_face(ctx, faces.decode(ctx, ctx.body.get("imageB"), "IMAGE_INVALID"), "IMAGE_INVALID")
    score = faces.compare(face_a, face_b)
    return ok({"msg": "ok" if score >= faces.threshold(ctx) else "no", "score": f"{100.0 * score:.5f}"})


def ms_face_remove(ctx: Context) -> dict[str, Any]:
    group_id, user_id = text(ctx.body["groupId"]), text(ctx.body["userId"])
    if not engine.remove_user(ctx.store, group_id, user_id):
        raise fail(ctx, "FACE_NOT_EXIST", groupId=group_id, userId=user_id)
    return ok({"request": "Request successful"})


def ms_face_query(ctx: Context) -> dict[str, Any]:
    group_id, user_id = text(ctx.body["groupId"]), text(ctx.body["userId"])
    with_photo = [u for u in engine.users(ctx.store, group_id, user_id) if u.get("faceId")]
    if not with_photo:
        raise fail(ctx, "RECORD_NOT_FOUND", detail=f"no face of {user_id} in group {group_id}")
    face_id = with_photo[-1]["faceId"]
    return ok({"faceDBURL": photos.getimage_url(ctx, group_id, face_id), "personID": user_id, "faceId": face_id})


def ms_face_quality(ctx: Context) -> dict[str, Any]:
    image = faces.decode(ctx, ctx.body.get("image"), "80018")
    found = ctx.faces.faces_in(image)
    face = faces.main_face(ctx, image, "80018")
    large_enough = min(face.box[2], face.box[3]) >= faces.behaviour(ctx, "min_face_side_px")
    sharp = face.quality >= faces.behaviour(ctx, "quality_threshold")
    # [face found, large enough, occluded, more than one face, blurred]
    qualities = [1, int(large_enough), int(face.mask), int(len(found) > 1), int(not sharp)]
    return ok({"qualityFlag": "Y" if qualities == [1, 1, 0, 0, 0] else "N", "qualities": qualities})


def ms_face_detect(ctx: Context) -> dict[str, Any]:
    image = faces.decode(ctx, ctx.body.get("image"), "80018")
    faces.main_face(ctx, image, "80018")  # no face at all: no feature, the documented failure
    boxes = [{"width": int(f.box[2]), "x": int(f.box[0]), "y": int(f.box[1]), "height": int(f.box[3])}
             for f in ctx.faces.faces_in(image)]
    return ok({"records": [boxes]})


def ms_face_recognition_mn(ctx: Context) -> dict[str, Any]:
    group_id = ctx.body.get("groupId")
    if group_id not in (None, ""):
        group_id = text(group_id)
        _base(ctx, group_id)
    else:
        group_id = None
    image = faces.decode(ctx, ctx.body.get("image"), "80018")
    faces.main_face(ctx, image, "80018")
    return ok({"records": [_matches(ctx, face, group_id) for face in ctx.faces.faces_in(image)]})
