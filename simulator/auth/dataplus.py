"""Aliyun 数加 (Dataplus) signature: ``Authorization: Dataplus <ak_id>:<signature>``.

Exactly as the document's sample computes it::

    StringToSign = METHOD \\n Accept \\n base64(md5(body)) \\n Content-Type \\n Date \\n path
    signature    = base64(HMAC-SHA1(ak_secret, StringToSign))

The body MD5 is the empty string when the body is empty; ``Accept`` and
``Content-Type`` are the header values as sent; ``path`` excludes the query.
``Date`` is an RFC 1123 date; one further than ``max_skew_seconds`` (15 min by
default) from the server clock is stale.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv, flip_first
from simulator.core import AuthFailure, SimRequest

SCHEME = "dataplus"
PREFIX = "Dataplus"
DEFAULT_MAX_SKEW = timedelta(minutes=15)


def body_md5(body: bytes | str) -> str:
    """``getcode()`` of the document: base64 of the MD5 digest; '' for an empty body."""
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if not data:
        return ""
    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


def string_to_sign(method: str, accept: str, md5: str, content_type: str, date: str, path: str) -> str:
    return "\n".join([method.upper(), accept, md5, content_type, date, path])


def signature(ak_secret: str, to_sign: str) -> str:
    """``to_sha1_base64()`` of the document."""
    digest = hmac.new(ak_secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def http_date(moment: datetime) -> str:
    """``get_current_date()`` of the document, for a given moment: ``Tue, 15 Oct 2019 08:12:31 GMT``."""
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def sign(method: str, path: str, body: bytes | str, ak_id: str, ak_secret: str, date: str,
         accept: str = "application/json", content_type: str = "application/json") -> dict[str, str]:
    """The four request headers the document's demo sends, signed."""
    to_sign = string_to_sign(method, accept, body_md5(body), content_type, date, path)
    return {
        "Content-Type": content_type,
        "Authorization": f"{PREFIX} {ak_id}:{signature(ak_secret, to_sign)}",
        "Date": date,
        "Accept": accept,
    }


def _parse_date(value: str | None) -> datetime:
    if not value or not value.strip():
        raise AuthFailure("malformed", "the Date header is missing")
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        raise AuthFailure("malformed", f"Date {value!r} is not an RFC 1123 date like 'Tue, 15 Oct 2019 08:12:31 GMT'")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def server_string_to_sign(request: SimRequest) -> str:
    """What the server signs for ``request``, from the headers as received."""
    return string_to_sign(
        request.method,
        request.headers.get("Accept") or "",
        body_md5(request.body),
        request.headers.get("Content-Type") or "",
        request.headers.get("Date") or "",
        request.path,
    )


class Dataplus(AuthScheme):
    name = SCHEME
    credential_fields = ("ak_id", "ak_secret")
    id_field = "ak_id"
    carrier_headers = ("Authorization", "Date")

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        header = (request.headers.get("Authorization") or "").strip()
        return header.split(" ", 1)[0].lower() == PREFIX.lower()

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        return _verify(request, env)

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        accept = request.headers.get("Accept") or "application/json"
        content_type = request.headers.get("Content-Type") or "application/json"
        signed = sign(request.method, request.path, request.body, credential["ak_id"], credential["ak_secret"],
                      http_date(signing.clock()), accept=accept, content_type=content_type)
        for name, value in signed.items():
            request.headers[name] = value
        return request

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        self.sign(request, credential, signing)
        ak, _, sig = request.headers["Authorization"].rpartition(":")
        request.headers["Authorization"] = f"{ak}:{flip_first(sig, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
        return request


def _verify(request: SimRequest, env: AuthEnv) -> dict[str, Any]:
    """The caller's identity ``{"ak_id", "credential"}``, or :class:`AuthFailure`."""
    header = (request.headers.get("Authorization") or "").strip()
    word, _, rest = header.partition(" ")
    if word.lower() != PREFIX.lower():
        raise AuthFailure("missing", "no 'Authorization: Dataplus <ak_id>:<signature>' header")
    ak_id, colon, given = rest.strip().rpartition(":")
    if not colon or not given:
        raise AuthFailure("missing", "the Dataplus Authorization header carries no <ak_id>:<signature>")
    signed_at = _parse_date(request.headers.get("Date"))
    skew = timedelta(seconds=env.options.get("max_skew_seconds", DEFAULT_MAX_SKEW.total_seconds()))
    if abs(env.nearest_now(signed_at) - signed_at) > skew:
        raise AuthFailure("expired", f"Date {request.headers.get('Date')} is more than {int(skew.total_seconds() // 60)} "
                                     "minutes from the server time")
    credential = next((c for c in env.credentials if c.get("ak_id") == ak_id and ak_id), None)
    if credential is None:
        raise AuthFailure("unknown_key", f"AccessKey {ak_id!r} does not exist")
    to_sign = server_string_to_sign(request)
    if not hmac.compare_digest(signature(credential["ak_secret"], to_sign), given):
        # The gateway shows its StringToSign, line breaks as '#' (headers cannot hold them).
        shown = to_sign.replace("\n", "#")
        raise AuthFailure("bad_signature", f"signature mismatch; server StringToSign {shown!r}",
                          message=f"Invalid Signature, Server StringToSign:`{shown}`")
    return {"ak_id": ak_id, "credential": credential}


AUTH_SCHEME = Dataplus()
