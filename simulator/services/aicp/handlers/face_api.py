"""Sections 2 (old API) and 3 (new API): one face library on one back end, two URL sets."""

from __future__ import annotations

from typing import Any

from simulator.faces.identity import encode_feature
from simulator.pipeline.context import Context
from simulator.services.aicp.models import faces, photos, platform
from simulator.services.aicp.codes import fail, ok, text

ENTRY_OK = "人脸录入成功"


def _enrol(ctx: Context) -> dict[str, Any]:
    image = faces.decode(ctx, ctx.body.get("image"), "80018")
    face = faces.main_face(ctx, image, "80018")
    record = platform.enrol(ctx, ctx.body, image, face)
    return ok({"personID": record["personId"]}, ENTRY_OK)


def _recognise(ctx: Context) -> dict[str, Any]:
    image = faces.decode(ctx, ctx.body.get("image"), "IMAGE_INVALID")
    face = faces.main_face(ctx, image, "IMAGE_INVALID")
    best, score = platform.best_match(ctx, text(ctx.body["groupId"]), face)
    if best is not None and score >= faces.threshold(ctx):
        return ok({"personID": best["personId"], "faceFlag": "Y", "similarity": f"{score:.8f}",
                   "personinfo": platform.person_info(best)})
    # Nobody above the threshold: the answer still succeeds, with faceFlag N and no person.
    return ok({"personID": None, "faceFlag": "N", "similarity": f"{score:.8f}", "personinfo": None})


def _compare(ctx: Context, image_a: Any, image_b: Any) -> dict[str, Any]:
    face_a = faces.main_face(ctx, faces.decode(ctx, image_a, "IMAGE_INVALID"), "IMAGE_INVALID")
    face_b = faces.main_face(ctx, faces.decode(ctx, image_b, "IMAGE_INVALID"), "IMAGE_INVALID")
    score = faces.compare(face_a, face_b)
    return ok({"onePerson": "true" if score >= faces.threshold(ctx) else "false", "similarity": f"{score:.4f}"})


def old_face_entry(ctx: Context) -> dict[str, Any]:
    return _enrol(ctx)


def old_face_recognition(ctx: Context) -> dict[str, Any]:
    return _recognise(ctx)


def old_person_witness_ratio(ctx: Context) -> dict[str, Any]:
    first, second = ctx.body
    return _compare(ctx, first.get("image"), second.get("image"))


def new_face_add(ctx: Context) -> dict[str, Any]:
    return _enrol(ctx)


def new_face_recognition(ctx: Context) -> dict[str, Any]:
    return _recognise(ctx)


def new_face_couple(ctx: Context) -> dict[str, Any]:
    return _compare(ctx, ctx.body.get("imageA"), ctx.body.get("imageB"))


def new_face_remove(ctx: Context) -> dict[str, Any]:
    group_id, user_id = text(ctx.body["groupId"]), text(ctx.body["userId"])
    if not platform.remove(ctx, group_id, user_id):
        raise fail(ctx, "FACE_NOT_EXIST", groupId=group_id, userId=user_id)
    return ok({"personID": user_id})


def new_face_query(ctx: Context) -> dict[str, Any]:
    group_id, user_id = text(ctx.body["groupId"]), text(ctx.body["userId"])
    record = platform.find(ctx, group_id, user_id)
    if record is None:
        raise fail(ctx, "RECORD_NOT_FOUND", detail=f"no person {user_id} in group {group_id}")
    return ok({"faceDBURL": photos.getimage_url(ctx, group_id, record["faceId"]), "personID": user_id,
               "faceId": record["faceId"]})


def new_face_quality(ctx: Context) -> dict[str, Any]:
    image = faces.decode(ctx, ctx.body.get("image"), "80018")
    face = faces.main_face(ctx, image, "80018")
    passed = face.quality >= faces.behaviour(ctx, "quality_threshold")
    return ok({"qualityFlag": "Y" if passed else "N", "feature": encode_feature(face.embedding),
               "qualityScores": f"{face.quality:.4f}"})
