"""Registered faces: one per user (re-registering replaces it), in one face group.

The face's embedding is stored (as the face model's feature string), so a
later find or verify compares against exactly what was registered.
"""

from __future__ import annotations

from typing import Any

from simulator.faces.identity import decode_feature, embedding_similarity, encode_feature
from simulator.faces.model import Face
from simulator.imaging.decode import DecodedImage, ImageError, decode_image
from simulator.pipeline.context import Context

FACES_NS = "faces"


def decode(ctx: Context, text: str) -> DecodedImage | None:
    """The image in a ``base64`` field, or None when it is not base64 of an image (or is past the limits)."""
    try:
        return decode_image(text, **ctx.contract.limits.image_checks())
    except ImageError:
        return None


def rules(ctx: Context) -> dict[str, float]:
    return ctx.contract.raw.get("x-face-rules", {"match_threshold": 0.8, "recognition_min_quality": 0.5})


def recognisable(ctx: Context, face: Face) -> bool:
    """识别失败: the model cannot read a face whose image quality is too low."""
    return face.quality >= rules(ctx)["recognition_min_quality"]


def register(ctx: Context, username: str, face: Face, realauth: dict[str, Any], group_id: int, content: str) -> dict[str, Any]:
    # The real-name record's identity goes with the face: a later find or verify that matches it answers
    # this person's name, ID number and gender, never what the photo alone suggests.
    record = {"face_id": realauth["id"], "name": realauth["name"], "gender": realauth["gender"], "group_id": group_id,
              "content": content, "person": face.person, "feature": encode_feature(face.embedding)}
    ctx.store.put(FACES_NS, username, record)
    return record


def of_user(ctx: Context, username: str) -> dict[str, Any] | None:
    return ctx.store.get(FACES_NS, username)


def in_group(ctx: Context, group_id: int) -> list[dict[str, Any]]:
    """Faces registered in a group; -1 means every group."""
    return [record for _, record in ctx.store.items(FACES_NS) if group_id == -1 or record["group_id"] == group_id]


def delete_group(ctx: Context, group_id: int) -> None:
    for username, record in ctx.store.items(FACES_NS):
        if record["group_id"] == group_id:
            ctx.store.delete(FACES_NS, username)


def similarity(face: Face, record: dict[str, Any]) -> float:
    return embedding_similarity(face.embedding, decode_feature(record["feature"]))


def threshold(ctx: Context, score: float) -> float:
    """Rounded to two decimals; 0.0 when below the match threshold (一律返回0.00)."""
    return round(score, 2) if score >= rules(ctx)["match_threshold"] else 0.0


def corners(face: Face) -> dict[str, list[int]]:
    x, y, w, h = face.box
    return {"top_left": [x, y], "top_right": [x + w, y], "bottom_left": [x, y + h], "bottom_right": [x + w, y + h]}


def gender_word(face: Face) -> str:
    return "male" if face.is_male else "female"


def identity(face: Face, record: dict[str, Any] | None) -> dict[str, Any]:
    """``age`` and ``gender`` of a found face. The document: age is 人脸预测年龄（非人脸真实年龄）, the face
    model's estimate; gender is 用户性别, so a face that matched a registered user answers that user's
    real-name gender, and only a stranger's comes from the photo."""
    gender = (record or {}).get("gender") or gender_word(face)
    return {"age": face.age, "gender": gender}
