"""Section 10: user register (with a face photo) and face login."""

from __future__ import annotations

import hashlib
from typing import Any

from simulator.pipeline.context import Context
from simulator.services.aicp.models import accounts, engine, faces, ha_queue, ids, photos
from simulator.services.aicp.codes import fail, ok, text

HOME_PAGE = "/pages/index.html"
# The engine library registered users' faces live in (the platform's own, not a 7.1 base).
ACCOUNTS_LIBRARY = hashlib.blake2b(b"aicp-user-accounts", digest_size=16).hexdigest()


def user_register(ctx: Context) -> dict[str, Any]:
    username = text(ctx.body["username"])
    if accounts.find(ctx, username) is not None:
        raise fail(ctx, "USERNAME_EXISTS", detail=f"{username} is registered")
    image = faces.decode(ctx, ctx.body.get("image"), "80018")
    face = faces.main_face(ctx, image, "80018")
    person_no = ids.hex32(ctx)
    url = photos.file_server_photo(ctx, image)
    face_key = faces.face_key(face, image)
    queued = ha_queue.engine_down(ctx)
    record = {"username": username, "password": text(ctx.body["password"]), "telephone": text(ctx.body["telephone"]),
              "mail": text(ctx.body["mail"]), "deptId": text(ctx.body["deptId"]), "personNo": person_no, "url": url,
              "face": None if queued else face_key, "createTime": engine.now_stamp(ctx)}
    if not accounts.register(ctx, record):
        raise fail(ctx, "USERNAME_EXISTS", detail=f"{username} is registered")
    if queued:
        ha_queue.queue(ctx, person_db_lib=ACCOUNTS_LIBRARY, image=image,
                           replay={"kind": "account-face", "username": username, "face": face_key})
    return ok({"personNo": person_no, "url": url})


def user_face_login(ctx: Context) -> dict[str, Any]:
    # Any failure to recognise (bad image, no face, nobody close enough) is the same refusal.
    image = faces.decode(ctx, ctx.body.get("image"), "FACE_LOGIN_FAILED")
    face = faces.main_face(ctx, image, "FACE_LOGIN_FAILED")
    account, score = accounts.best_match(ctx, face)
    if account is None or score < faces.threshold(ctx):
        raise fail(ctx, "FACE_LOGIN_FAILED", detail=f"best similarity {score:.4f}")
    return ok(HOME_PAGE)
