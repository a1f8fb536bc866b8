"""What the aliyun-market simulator knows and keeps.

State lives in ``ctx.store`` only (JSON values, namespaced per service), so it
survives a multi-worker store: purchased calls used per AppCode (``quota``)
and calls per clock second (``flow``): per AppCode, per account (``user:``) and per API (``api:``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.core import ServiceError
from simulator.core.http import loads as load_json
from simulator.imaging.decode import DecodedImage, ImageError, decode_base64, decode_image, inspect_image
from simulator.imaging.remote import fetch_image
from simulator.pipeline.context import Context
from simulator.store.buckets import count_in_period

QUOTA_NS = "quota"
FLOW_NS = "flow"


# --- the market gateway, after authentication ---------------------------------------------------


def admit_market_call(ctx: Context) -> dict[str, Any]:
    """The gateway's checks on an authenticated AppCode, in its order: authorised API, account in
    arrears, flow control (the API's, the account's, the AppCode's), purchased calls (expired, used up).

    Credential fields (all optional): ``apis`` (operation ids the AppCode has bought), ``arrears``
    (its account owes money), ``user`` (the account owning it; default: the AppCode), ``user_qps``
    (the account's calls per second), ``qps`` (the AppCode's calls per second), ``quota``
    (purchased calls) and ``quota_expires`` (when they lapse). Seconds are the simulator clock's;
    the API's own limit is the contract's ``x-behaviour.api_qps``.
    """
    credential = ctx.identity.get("credential") or {}
    code = ctx.identity.get("AppCode", "")
    apis = credential.get("apis")
    if apis is not None and ctx.operation.id not in apis:
        raise ServiceError("Unauthorized", detail=f"AppCode {code} is not authorised for {ctx.operation.id} "
                                                  f"(it may call: {', '.join(apis) or 'nothing'})")
    if credential.get("arrears"):
        raise ServiceError("User Arrears", detail=f"the account owning AppCode {code} is in arrears")
    api_qps = (ctx.contract.raw.get("x-behaviour") or {}).get("api_qps", {}).get(ctx.operation.id)
    _flow_control(ctx, "Throttled by API Flow Control", f"api:{ctx.operation.id}", api_qps, f"API {ctx.operation.id}")
    user = str(credential.get("user") or code)
    _flow_control(ctx, "Throttled by USER Flow Control", f"user:{user}", credential.get("user_qps"), f"account {user}")
    _flow_control(ctx, "Throttled by APP Flow Control", code, credential.get("qps"), f"AppCode {code}")
    expires = credential.get("quota_expires")
    if expires is not None and datetime.fromisoformat(expires) <= ctx.clock():
        raise ServiceError("Quota Expired", detail=f"AppCode {code}'s purchased calls expired at {expires}")
    quota = credential.get("quota")
    if quota is not None and calls_used(ctx, code) >= int(quota):
        raise ServiceError("Quota Exhausted", detail=f"AppCode {code} has used all {quota} purchased calls")
    return credential


def _flow_control(ctx: Context, error: str, counter: str, limit: Any, who: str) -> None:
    """Count this call in the current second of the simulator clock; ``error`` past ``limit`` (None: no limit)."""
    if limit is None:
        return
    calls = count_in_period(ctx.store, FLOW_NS, counter, ctx.clock(), 1)
    if calls > int(limit):
        raise ServiceError(error, detail=f"call {calls} within one second; {who} may make {limit} per second")


def calls_used(ctx: Context, code: str) -> int:
    return int(ctx.store.get(QUOTA_NS, code, 0))


def bill_call(ctx: Context) -> None:
    """Count one purchased call ("正常请求计费"): every answer the backend gives, success true or false."""
    ctx.store.incr(QUOTA_NS, ctx.identity.get("AppCode", ""))


# --- market OCR requests ----------------------------------------------------------------------------


def check_configure(body: dict[str, Any]) -> None:
    """``configure`` is optional; when sent it is ``json.dumps`` of an object (the document's predict())."""
    if "configure" not in body:
        return
    try:
        parsed = load_json(body["configure"]) if isinstance(body["configure"], (str, bytes)) else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ServiceError("Invalid Param Location", detail="$.body.configure: not the JSON text of an object")


def market_image(ctx: Context, body: dict[str, Any]) -> DecodedImage | None:
    """The decoded image, or None when it is not one (the backend then finds no card: success false)."""
    try:
        return decode_image(body["image"], **ctx.contract.limits.image_checks())
    except ImageError:
        return None


# --- Dataplus face requests -----------------------------------------------------------------------


def field_spec(ctx: Context) -> dict[str, Any]:
    """The operation's field schema (``x-fields``, a ``$defs`` reference) with its errno per field."""
    ref = ctx.operation.raw["x-fields"]["$ref"]
    return ctx.contract.defs[ref.rsplit("/", 1)[-1]]


def dataplus_images(ctx: Context) -> list[DecodedImage]:
    """The request's image(s), checked as the errno table orders it: 3002, 1030, 1031/1032, 1002, 2000."""
    body = ctx.body
    if not isinstance(body, dict):
        raise ServiceError("3002", detail="the body is JSON but not an object")
    spec = field_spec(ctx)
    errors = spec["x-field-errors"]
    kind = body.get("type")
    _check_field(ctx, spec, "type", kind, errors["type"])
    # The schema's enum admits 1.0 as 1 (JSON numbers compare by value); name the source by that value.
    fields = spec["x-source-field"][str(int(kind)) if isinstance(kind, float) else str(kind)]
    fields = [fields] if isinstance(fields, str) else fields
    for name in fields:  # every parameter is checked before any image is fetched or decoded
        _check_field(ctx, spec, name, body.get(name), errors[name])
    raw = {name: _base64(name, body[name], errors[name]) for name in fields if not _is_url(name)}
    raw.update({name: _download(ctx, body[name]) for name in fields if _is_url(name)})
    return [_inspect(ctx, name, raw[name]) for name in fields]


def _check_field(ctx: Context, spec: dict[str, Any], name: str, value: Any, code: str) -> None:
    if value is None:
        raise ServiceError(code, detail=f"$.body.{name}: missing")
    problems = list(ctx.contract.validator(spec["properties"][name]).iter_errors(value))
    if problems:
        raise ServiceError(code, detail=f"$.body.{name}: {problems[0].message}")


def _is_url(name: str) -> bool:
    return name.startswith("image_url")


def _base64(name: str, text: str, code: str) -> bytes:
    try:
        return decode_base64(text, allow_data_uri=False)  # the document: strip data:image/jpeg;base64 first
    except ImageError as exc:
        raise ServiceError(code, detail=f"$.body.{name}: {exc.reason}") from None


def _download(ctx: Context, url: str) -> bytes:
    """Nothing is downloaded (simulator.imaging.remote): a fixture URL is its file, any other URL a
    stable picture made from the URL; the reserved unreachable and missing URLs fail as downloads do."""
    try:
        return fetch_image(url, ctx.images, kind="face")
    except ImageError as exc:
        raise ServiceError("1002", detail=exc.reason) from None


def _inspect(ctx: Context, name: str, data: bytes) -> DecodedImage:
    try:
        return inspect_image(data, **ctx.contract.limits.image_checks(encoded=False))
    except ImageError as exc:
        raise ServiceError("2000", detail=f"{name}: {exc.reason}") from None
