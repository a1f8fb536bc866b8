"""Images in, faces out: decoding with the document's 2 MB limit and finding the face to use.

Each operation family names its own image failure (80018 for enrolment, quality and detection;
IMAGE_INVALID for recognition and comparison), so callers pass the code to raise.
"""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.faces.identity import embedding_similarity, face_embedding
from simulator.faces.model import Face, similarity
from simulator.imaging.decode import DecodedImage, ImageError, decode_image
from simulator.pipeline.context import Context


def behaviour(ctx: Context, key: str) -> Any:
    return ctx.contract.raw["x-behaviour"][key]


def decode(ctx: Context, text: Any, error_code: str) -> DecodedImage:
    if not isinstance(text, str) or not text.strip():
        raise ServiceError(error_code, detail="the image is empty")
    try:
        return decode_image(text, **ctx.contract.limits.image_checks())
    except ImageError as exc:
        raise ServiceError(error_code, detail=exc.reason) from None


def main_face(ctx: Context, image: DecodedImage, error_code: str) -> Face:
    """The largest face: no face means no feature, which the platform reports as the image error."""
    face = ctx.faces.largest_face(image)
    if face is None:
        raise ServiceError(error_code, detail="no face found in the image")
    return face


def face_key(face: Face, image: DecodedImage) -> dict[str, Any]:
    """What state keeps of a face: enough to rebuild its embedding (JSON, unlike the embedding tuple)."""
    return {"person": face.person, "digest": image.digest, "index": face.index}


def similarity_to(face: Face, key: dict[str, Any]) -> float:
    return embedding_similarity(face.embedding, face_embedding(key["person"], key["digest"], key["index"]))


def compare(a: Face, b: Face) -> float:
    return similarity(a, b)


def threshold(ctx: Context) -> float:
    return float(behaviour(ctx, "similarity_threshold"))
