"""Behaviour of each operation; the function name is the contract's operation id."""

from __future__ import annotations

from typing import Any

from simulator.faces.model import Face, dataplus_confidence
from simulator.faces.ocr import holds_card, ocr_content
from simulator.pipeline.context import Context
from simulator.services.aliyun_market import models

# Market field <- face-model OCR key.
BUSINESS_FIELDS = {"name": "name", "company": "company", "department": "department", "title": "title",
                   "tel_cell": "tel_cell", "tel_work": "tel_work", "addr": "addr", "email": "email"}
BANK_FIELDS = {"bank_name": "bank", "card_num": "bank_card", "valid_date": "valid"}
LIST_FIELDS = ("company", "department", "title", "tel_cell", "tel_work", "addr", "email")  # "结果数组"


def ocr_business_card(ctx: Context) -> dict[str, Any]:
    return _market_ocr(ctx, "business", BUSINESS_FIELDS)


def ocr_bank_card(ctx: Context) -> dict[str, Any]:
    return _market_ocr(ctx, "bank", BANK_FIELDS)


def _market_ocr(ctx: Context, kind: str, fields: dict[str, str]) -> dict[str, Any]:
    models.admit_market_call(ctx)
    models.check_configure(ctx.body)
    image = models.market_image(ctx, ctx.body)
    models.bill_call(ctx)
    if image is None or not holds_card(image, kind):
        # "可能为空": no card found leaves every field empty, with success false.
        return {**{field: _empty(field) for field in fields}, "success": False}
    content = ocr_content(image, kind, now=ctx.clock())  # a bank card is valid after the simulator clock
    return {**{field: content.get(key, _empty(field)) for field, key in fields.items()}, "success": True}


def _empty(field: str) -> Any:
    return [] if field in LIST_FIELDS else ""


def face_detect(ctx: Context) -> dict[str, Any]:
    (image,) = models.dataplus_images(ctx)
    return _detection(ctx.faces.faces_in(image))


def face_attribute(ctx: Context) -> dict[str, Any]:
    (image,) = models.dataplus_images(ctx)
    faces = ctx.faces.faces_in(image)
    return {
        **_detection(faces),
        "gender": [1 if f.is_male else 0 for f in faces],
        "age": [max(0, min(100, f.age)) for f in faces],
        "expression": [0 if f.expression == "none" else 1 for f in faces],
        "glass": [0 if f.glasses == "none" else 1 for f in faces],
        "dense_fea": [value for f in faces for value in f.embedding],
    }


def face_verify(ctx: Context) -> dict[str, Any]:
    first, second = models.dataplus_images(ctx)
    a, b = ctx.faces.largest_face(first), ctx.faces.largest_face(second)
    return {
        # "如某张图片中没有人脸，返回置信度为0", and that picture's rectangle is all zeros.
        "confidence": dataplus_confidence(a, b) if a and b else 0.0,
        "rectA": list(a.box) if a else [0, 0, 0, 0],
        "rectB": list(b.box) if b else [0, 0, 0, 0],
    }


def _detection(faces: list[Face]) -> dict[str, Any]:
    # landmark_num and dense_fea_len are constants of the contract's schema (105, 1024).
    return {
        "face_num": len(faces),
        "face_rect": [v for f in faces for v in f.box],
        "face_prob": [f.prob for f in faces],
        "pose": [v for f in faces for v in f.pose],
        "landmark": [v for f in faces for v in f.landmarks],
        "iris": [v for f in faces for v in f.iris],
    }
