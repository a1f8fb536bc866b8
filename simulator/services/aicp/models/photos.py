"""Stored photos and the URLs that point back at the simulator to fetch them.

The documented answers link to photos on file servers (``/person/...png``,
``/face/getimage?...``, ``/group1/default/...``); the simulator keeps each photo
it is given and serves it at the same path shape on the deployment that
answered, so the link works offline.
"""

from __future__ import annotations

import base64
from typing import Any

from simulator.core import ServiceError, SimResponse
from simulator.imaging.decode import DecodedImage
from simulator.pipeline.context import Context
from simulator.services.aicp.models import clock, ids

PHOTOS_NS = "photos"
LINKS_NS = "photo-links"  # (groupId, faceId) -> photo path, for /face/getimage
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "BMP": "image/bmp", "TIFF": "image/tiff",
                 "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "BMP": "bmp", "TIFF": "tif", "GIF": "gif", "WEBP": "webp"}


def origin(ctx: Context, deployment: Any = None) -> str:
    """The loopback origin of ``deployment`` (default: the one answering), never the document's host."""
    dep = deployment or ctx.deployment
    return f"http://{ctx.config.host}:{ctx.runtime.port_of(dep)}"


def keep(ctx: Context, path: str, image: DecodedImage) -> None:
    ctx.store.put(PHOTOS_NS, path, {"data": base64.b64encode(image.data).decode("ascii"), "format": image.format})


def person_photo(ctx: Context, person_id: str, image: DecodedImage) -> str:
    """2.2's imageUrl: ``/person/yyyyMMdd/<personID>.png``; returns the full URL."""
    path = f"/person/{clock.now(ctx).strftime('%Y%m%d')}/{person_id}.{EXTENSIONS.get(image.format, 'jpg')}"
    keep(ctx, path, image)
    return origin(ctx) + path


def file_server_photo(ctx: Context, image: DecodedImage) -> str:
    """7.4's url: ``/group1/default/yyyyMMdd/HH/mm/<n>/<epoch ms>?download=0``; returns the full URL."""
    moment = clock.now(ctx)
    n = ids.next_number(ctx, "file-server")
    path = f"/group1/default/{moment.strftime('%Y%m%d/%H/%M')}/{n}/{clock.epoch_ms(moment)}"
    keep(ctx, path, image)
    return origin(ctx) + path + "?download=0"


def link_face(ctx: Context, group_id: str, face_id: str, path: str) -> None:
    ctx.store.put(LINKS_NS, f"{group_id}/{face_id}", path)


def getimage_url(ctx: Context, group_id: str, face_id: str) -> str:
    """3.5/7.8's faceDBURL, with the document's own fixed app_id/app_secret query."""
    return f"{origin(ctx)}/face/getimage?app_id=system&app_secret=12345&groupId={group_id}&faceId={face_id}"


def path_of(url: str) -> str:
    """The stored key of a photo URL made here: its path, without origin and query."""
    without_origin = url.split("://", 1)[-1]
    path = "/" + without_origin.split("/", 1)[1] if "/" in without_origin else "/"
    return path.split("?", 1)[0]


def serve(ctx: Context, path: str) -> SimResponse:
    photo = ctx.store.get(PHOTOS_NS, path)
    if photo is None:
        raise ServiceError("SPRING_NOT_FOUND", detail=f"no stored photo at {path}")
    return SimResponse(200, base64.b64decode(photo["data"]),
                       [("Content-Type", CONTENT_TYPES.get(photo["format"], "application/octet-stream"))])


def serve_linked(ctx: Context, group_id: str, face_id: str) -> SimResponse:
    path = ctx.store.get(LINKS_NS, f"{group_id}/{face_id}")
    if path is None:
        raise ServiceError("SPRING_NOT_FOUND", detail=f"no photo for groupId={group_id} faceId={face_id}")
    return serve(ctx, path)
