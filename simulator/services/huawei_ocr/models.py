"""What the Huawei OCR simulator knows: credentials' flags, images, invoices."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from simulator.core import ServiceError
from simulator.faces.ocr import holds_card, ocr_confidence, ocr_content
from simulator.imaging.decode import (
    DataUriNotAllowed,
    DecodedImage,
    ImageError,
    ImageTooLarge,
    ImageTooSmall,
    NotAnImage,
    NotBase64,
    TruncatedImage,
    UnknownImageUrl,
    UnsupportedFormat,
    decode_image,
    inspect_image,
)
from simulator.imaging.remote import MissingImageUrl, fetch_image
from simulator.pipeline.context import Context
from simulator.store.buckets import count_in_period

PROJECT_ID = re.compile(r"^[0-9a-f]{32}$")
OBS_REGION_HOST = re.compile(r"\.obs\.(?P<region>[a-z0-9-]+)\.myhuaweicloud\.com$")
FLOW_NS = "flow"

# Typed decoding failures → this API's documented codes.
_IMAGE_ERRORS: list[tuple[type[ImageError], str]] = [
    (NotBase64, "AIS.0102"),
    (DataUriNotAllowed, "AIS.0102"),
    (NotAnImage, "AIS.0102"),
    (UnsupportedFormat, "AIS.0102"),
    (ImageTooLarge, "AIS.0103"),
    (ImageTooSmall, "AIS.0103"),
    (TruncatedImage, "AIS.0104"),
]


def image_error(exc: ImageError) -> ServiceError:
    for kind, code in _IMAGE_ERRORS:
        if isinstance(exc, kind):
            return ServiceError(code, detail=exc.reason)
    return ServiceError("AIS.0102", detail=exc.reason)


def credential_of(ctx: Context) -> dict[str, Any]:
    """The credential the caller authenticated with (AK/SK directly, or the token's user)."""
    if "credential" in ctx.identity:
        return ctx.identity["credential"]
    user = ctx.identity.get("user")
    return next((c for c in ctx.credentials() if c.get("user") == user), {})


def check_flow_control(ctx: Context) -> None:
    """API Gateway's flow control for the caller's account: ``calls_per_second`` of the simulator clock."""
    credential = credential_of(ctx)
    limit = credential.get("calls_per_second")
    if limit is None:
        return
    account = credential.get("ak") or credential.get("user", "")
    calls = count_in_period(ctx.store, FLOW_NS, account, ctx.clock(), 1)
    if calls > int(limit):
        raise ServiceError("APIGW.0308", detail=f"call {calls} within one second; the account may make {limit}")


def check_account(ctx: Context) -> None:
    """Path project, subscription and account flags, in the order the platform checks them."""
    project_id = ctx.path_params.get("project_id", "")
    if not PROJECT_ID.match(project_id):
        raise ServiceError("ModelArts.4202", detail=f"project_id {project_id!r} is not a 32-character hex project ID")
    own = ctx.identity.get("project_id")
    if own and own != project_id:
        raise ServiceError("ModelArts.4203", detail=f"the credential belongs to project {own}, not {project_id}")
    credential = credential_of(ctx)
    if credential.get("frozen"):
        raise ServiceError("ModelArts.6201")
    if credential.get("restricted"):
        raise ServiceError("ModelArts.4106")
    if credential.get("subscribed") is False:
        raise ServiceError("ModelArts.4204")


def image_from_request(ctx: Context) -> DecodedImage:
    body = ctx.body
    try:
        if "image" in body:
            return decode_image(body["image"], allow_data_uri=False, **ctx.contract.limits.image_checks())
        return inspect_image(download(ctx, body["url"]), **ctx.contract.limits.image_checks(encoded=False))
    except ImageError as exc:
        raise image_error(exc) from None


def download(ctx: Context, url: str) -> bytes:
    """The bytes behind ``url`` (simulator.imaging.remote): nothing is ever fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ServiceError("ModelArts.4601", detail=f"{url!r} is not an http(s) URL")
    is_obs = ".obs." in parts.netloc or parts.netloc.startswith("obs.")
    if is_obs and parts.path.strip("/") == "":
        raise ServiceError("ModelArts.4703")
    if is_obs and credential_of(ctx).get("obs_agency") is False:
        raise ServiceError("ModelArts.4702", detail="the account has not granted OCR an OBS agency (委托)")
    region = OBS_REGION_HOST.search(parts.netloc.lower())
    if region and region["region"] != ctx.deployment.name:  # the deployment is named after its region
        raise ServiceError("ModelArts.4704", detail=f"the bucket is in {region['region']}, the service in "
                                                    f"{ctx.deployment.name}: OBS paths across regions fail")
    try:
        data = fetch_image(url, ctx.images, kind="invoice")
    except MissingImageUrl as exc:  # the host answers: no such file
        raise ServiceError("ModelArts.4706", detail=exc.reason) from None
    except UnknownImageUrl as exc:  # the host does not answer (or the URL is no http(s) URL with a host)
        raise ServiceError("ModelArts.4603", detail=exc.reason) from None
    if is_obs and len(data) > ctx.contract.limits.image["max_bytes"]:
        raise ServiceError("ModelArts.4705")
    return data


# Face-model content keys → this API's result fields.
INVOICE_FIELDS = {"invoice_number": "number", "invoice_code": "code", "location": "location", "amount": "amount"}


def invoice_result(image: DecodedImage) -> dict[str, Any]:
    """The quota invoice in the image (tagged values, else stable ones from its bytes)."""
    if not holds_card(image, "invoice"):
        raise ServiceError("AIS.0104", detail="the image's apisim tags describe no quota invoice")
    content = ocr_content(image, "invoice")
    result: dict[str, Any] = {field: str(content[key]) for key, field in INVOICE_FIELDS.items()}
    result["confidence"] = ocr_confidence(image, list(INVOICE_FIELDS.values()))
    return result
