"""Not documented operations: the stored photos the documented answers link to."""

from __future__ import annotations

from simulator.pipeline.context import Context
from simulator.pipeline.service import Reply
from simulator.services.aicp.models import photos


def photo_person(ctx: Context) -> Reply:
    return Reply(raw=photos.serve(ctx, f"/person/{ctx.path_params['day']}/{ctx.path_params['file']}"))


def photo_getimage(ctx: Context) -> Reply:
    query = ctx.request.query_dict
    return Reply(raw=photos.serve_linked(ctx, query["groupId"], query["faceId"]))


def photo_file_server(ctx: Context) -> Reply:
    p = ctx.path_params
    return Reply(raw=photos.serve(ctx, f"/group1/default/{p['day']}/{p['hour']}/{p['minute']}/{p['seq']}/{p['file']}"))
