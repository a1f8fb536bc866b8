"""Distance: the great-circle distance between two points."""

from __future__ import annotations

from typing import Any

from simulator.auth import cdc_token
from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.services.cdc_python.models.geo import distance_m, valid_point
from simulator.services.cdc_python.handlers._reply import ok


def distance_calc(ctx: Context) -> dict[str, Any]:
    # No token is needed, but the document lists -101: a token that is sent must be someone's.
    token = ctx.request.query_dict.get(cdc_token.PARAM)
    if token and cdc_token.find_by_token(token, ctx.credentials(), ctx.store) is None:
        raise ServiceError("-101", detail="no user has this token (the token is optional here)")
    d = ctx.body["data"]
    if not (valid_point(d["lat1"], d["lng1"]) and valid_point(d["lat2"], d["lng2"])):
        raise ServiceError("distance_calc.100", detail="latitudes are within ±90 and longitudes within ±180")
    return ok({"distance": distance_m(d["lat1"], d["lng1"], d["lat2"], d["lng2"])})
