"""Aliyun POP RPC signatures: signature v1 (HMAC-SHA1) and ACS3-HMAC-SHA256.

Signature v1 is what ``aliyun-python-sdk-core`` and the document's Java sample
send: every parameter except ``Signature`` (query string and form body
together, blank values kept: the SDK signs an empty ``SignatureType=``) is
percent-encoded per RFC 3986 (``~`` unreserved, space ``%20``, ``*`` ``%2A``),
sorted by name and joined as ``k=v&k=v``; the StringToSign is
``METHOD&%2F&<that string percent-encoded again>`` and the signature is
base64(HMAC-SHA1(secret + "&", StringToSign)).

ACS3-HMAC-SHA256 is what the Tea-based SDKs (``alibabacloud-tea-openapi``)
send by default: ``Action``/``Version`` travel as ``x-acs-action``/
``x-acs-version`` headers, and ``Authorization: ACS3-HMAC-SHA256
Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,Signature=<hex>`` signs a
canonical request (method, path, sorted query, signed headers, hex SHA-256 of
the body) through ``ACS3-HMAC-SHA256\\n<hex sha256 of canonical request>``.

Failures raise :class:`AuthFailure` with Aliyun's own wording as ``message``.
Besides the scheme-neutral kinds, two finer kinds let a contract map Aliyun's
own codes: ``malformed_timestamp`` (InvalidTimeStamp.Format) and
``unsupported_method`` (InvalidSignatureMethod); a contract that does not map
them falls back to its ``bad_signature`` code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from simulator.auth.base import AuthEnv, AuthScheme, Credential, Options, SigningEnv, flip_first
from simulator.core import AuthFailure, SimRequest

SCHEME = "aliyun-rpc"
SIGNATURE_METHOD = "HMAC-SHA1"
SIGNATURE_VERSION = "1.0"
ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
DEFAULT_TOLERANCE_SECONDS = 900  # Aliyun: "more than 15 minutes" between Timestamp and the server clock
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# The common parameters a v1 request must carry, in the order the gateway reports the first one missing.
REQUIRED_V1 = ("AccessKeyId", "Signature", "SignatureMethod", "Timestamp", "SignatureVersion", "SignatureNonce")
REQUIRED_ACS3_HEADERS = ("x-acs-date", "x-acs-signature-nonce")
# Parameters whose presence says "this request speaks Aliyun RPC".
_RPC_MARKERS = ("AccessKeyId", "Signature", "SignatureNonce", "SignatureMethod", "Timestamp", "Action", "Version")

MSG_MISSING = 'The input parameter "{name}" that is mandatory for processing this request is not supplied.'
MSG_SIGNATURE = "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
MSG_NOT_FOUND = "Specified access key is not found."
MSG_INACTIVE = "Specified access key is disabled."
MSG_TS_FORMAT = "Specified time stamp or date value is not well formatted."
MSG_TS_EXPIRED = "Specified time stamp or date value is expired."
MSG_NONCE = "Specified signature nonce was used already."
MSG_METHOD = "Specified signature method is not valid."
MSG_INCOMPLETE = "The request signature does not conform to Aliyun standards."

# 2014-7-29T12:00:00Z (the document's own example is not zero-padded) and fractional seconds are accepted.
_TIMESTAMP_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?Z$")
_ACS3_RE = re.compile(
    r"^ACS3-HMAC-SHA256\s+Credential=(?P<ak>[^,\s]+)\s*,\s*SignedHeaders=(?P<headers>[^,\s]+)\s*,"
    r"\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


# --- signature v1 ---------------------------------------------------------------------------------

_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
# Byte -> its encoding: joining table lookups is several times faster than urllib's quote, which
# calls back into Python for every byte (the signature check percent-encodes every parameter twice).
_PERCENT = tuple(chr(b) if _UNRESERVED.fullmatch(chr(b)) else f"%{b:02X}" for b in range(256))


def percent_encode(text: str) -> str:
    """RFC 3986 percent-encoding of UTF-8, ``~`` unreserved (so space is %20 and ``*`` is %2A);
    exactly ``urllib.parse.quote(text, safe="~")``."""
    text = str(text)
    if _UNRESERVED.fullmatch(text):
        return text
    return "".join(map(_PERCENT.__getitem__, text.encode("utf-8")))


def canonicalized_query(params: Mapping[str, Any]) -> str:
    """Parameters sorted by name (as the SDK sorts them), each ``name=value`` encoded; ``Signature`` left out."""
    pairs = sorted((str(k), "" if v is None else str(v)) for k, v in params.items() if k != "Signature")
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in pairs)


def string_to_sign(method: str, params: Mapping[str, Any]) -> str:
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonicalized_query(params))}"


def sign_params(method: str, params: Mapping[str, Any], secret: str) -> str:
    """The v1 ``Signature`` of ``params`` sent with ``method``: base64(HMAC-SHA1(secret + "&", StringToSign))."""
    return sign_string(string_to_sign(method, params), secret)


def sign_string(to_sign: str, secret: str) -> str:
    digest = hmac.new(f"{secret}&".encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def sign_request(params: Mapping[str, Any], access_key_id: str, secret: str, *, method: str = "POST",
                 timestamp: datetime | str, nonce: str | None = None, fmt: str | None = "JSON") -> dict[str, str]:
    """``params`` completed with the common signature parameters and ``Signature``, as the SDK sends them.

    ``timestamp`` is required (a datetime or the literal string) so signed requests never depend on the
    clock by accident; ``nonce`` defaults to a fresh UUID, as the SDK's.
    """
    signed = {str(k): "" if v is None else str(v) for k, v in params.items() if k != "Signature"}
    signed.update({
        "AccessKeyId": access_key_id,
        "SignatureMethod": SIGNATURE_METHOD,
        "SignatureVersion": SIGNATURE_VERSION,
        "SignatureNonce": nonce or str(uuid.uuid4()),
        "SignatureType": "",
        "Timestamp": timestamp if isinstance(timestamp, str) else format_timestamp(timestamp),
    })
    if fmt is not None:
        signed.setdefault("Format", fmt)
    signed["Signature"] = sign_params(method, signed, secret)
    return signed


def encode_params(params: Mapping[str, Any]) -> str:
    """A query string or form body the way the SDK writes it (%20 for spaces, ``~`` kept)."""
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())


def request_params(request: SimRequest) -> dict[str, str]:
    """Query string and form body merged (the body wins a name both carry, as the SDK signs them)."""
    merged = dict(request.query)
    merged.update(request.form)
    return merged


def sign(request: SimRequest, credential: Mapping[str, Any], *, timestamp: datetime | str,
         nonce: str | None = None) -> SimRequest:
    """Sign ``request`` in place with v1: common parameters go into the query string, the form body is signed as is."""
    form = dict(request.form)
    query = {k: v for k, v in request.query if k not in form}
    signed = sign_request({**query, **form}, credential["AccessKeyId"], credential["AccessKeySecret"],
                          method=request.method, timestamp=timestamp, nonce=nonce, fmt=query.get("Format", "JSON"))
    in_query = {k: v for k, v in signed.items() if k not in form}
    request.query = list(in_query.items())
    request.raw_query = encode_params(in_query)
    request.__dict__.pop("query_dict", None)
    return request


# --- ACS3-HMAC-SHA256 -----------------------------------------------------------------------------

def acs3_canonical_request(method: str, path: str, query: Iterable[tuple[str, str]],
                           headers: Mapping[str, str], signed_headers: list[str], body: bytes) -> str:
    lowered = {k.lower(): str(v).strip() for k, v in headers.items()}
    canonical_uri = "/".join(percent_encode(segment) for segment in (path or "/").split("/")) or "/"
    canonical_query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(query))
    canonical_headers = "".join(f"{name}:{lowered.get(name, '')}\n" for name in signed_headers)
    return "\n".join([method.upper(), canonical_uri, canonical_query, canonical_headers,
                      ";".join(signed_headers), hashlib.sha256(body).hexdigest()])


def acs3_string_to_sign(canonical_request: str) -> str:
    return f"{ACS3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()}"


def acs3_signature(secret: str, to_sign: str) -> str:
    return hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def acs3_sign(method: str, path: str, query: Iterable[tuple[str, str]], headers: Mapping[str, str], body: bytes,
              access_key_id: str, secret: str, *, action: str, version: str, timestamp: datetime | str,
              nonce: str | None = None) -> dict[str, str]:
    """``headers`` (which must include ``host``) plus the x-acs-* headers and ``Authorization``, as the Tea SDKs sign."""
    out = {k.lower(): str(v) for k, v in headers.items()}
    out.update({
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": timestamp if isinstance(timestamp, str) else format_timestamp(timestamp),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    })
    signed = sorted(name for name in out if name in ("host", "content-type") or name.startswith("x-acs-"))
    canonical = acs3_canonical_request(method, path, list(query), out, signed, body)
    signature = acs3_signature(secret, acs3_string_to_sign(canonical))
    out["authorization"] = f"{ACS3_ALGORITHM} Credential={access_key_id},SignedHeaders={';'.join(signed)},Signature={signature}"
    return out


# --- verification ---------------------------------------------------------------------------------

class AliyunRpc(AuthScheme):
    name = SCHEME
    credential_fields = ("AccessKeyId", "AccessKeySecret")
    id_field = "AccessKeyId"
    carrier_query = ("AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce",
                     "SignatureType", "Timestamp")
    carrier_headers = ("Authorization",)
    openapi_carrier = ("query", "Signature")
    # The SDK asks for JSON; without it the gateway answers XML, which no JSON Schema describes.
    client_params = {"Format": "JSON"}

    def carried_by(self, request: SimRequest, options: Options | None = None) -> bool:
        if _is_acs3(request):
            return True
        params = request_params(request)
        return any(name in params for name in _RPC_MARKERS)

    def verify(self, request: SimRequest, env: AuthEnv) -> dict[str, Any]:
        """The caller's identity (``AccessKeyId``, ``credential``, ``signature``), or :class:`AuthFailure`."""
        if _is_acs3(request):
            return _verify_acs3(request, env)
        return _verify_v1(request, env)

    def sign(self, request: SimRequest, credential: Credential, signing: SigningEnv,
             options: Options | None = None) -> SimRequest:
        return sign(request, credential, timestamp=signing.clock(), nonce=signing.nonce())

    def tamper(self, request: SimRequest, credential: Credential, signing: SigningEnv,
               options: Options | None = None) -> SimRequest:
        self.sign(request, credential, signing)
        query = [(k, flip_first(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef") if k == "Signature" else v)
                 for k, v in request.query]
        request.query = query
        request.raw_query = encode_params(dict(query))
        request.__dict__.pop("query_dict", None)
        return request


AUTH_SCHEME = AliyunRpc()


def _verify_v1(request: SimRequest, env: Any) -> dict[str, Any]:
    params = request_params(request)
    options = getattr(env, "options", {}) or {}
    for name in (*REQUIRED_V1, *options.get("required", ())):
        if not params.get(name):
            raise AuthFailure("missing", f"{name} is missing", message=MSG_MISSING.format(name=name))
    if params["SignatureMethod"] != SIGNATURE_METHOD:
        raise AuthFailure("unsupported_method", f"SignatureMethod {params['SignatureMethod']!r}", message=MSG_METHOD)
    if params["SignatureVersion"] != SIGNATURE_VERSION:
        raise AuthFailure("malformed", f"SignatureVersion {params['SignatureVersion']!r}", message=MSG_INCOMPLETE)
    signed_at = _check_timestamp(params["Timestamp"], env)
    credential = _credential(params["AccessKeyId"], env)
    expected_sts = string_to_sign(request.method, params)
    expected = sign_string(expected_sts, str(credential["AccessKeySecret"]))
    if not hmac.compare_digest(expected.encode(), params["Signature"].encode("utf-8", "surrogatepass")):
        raise AuthFailure("bad_signature", "v1 signature differs",
                          message=MSG_SIGNATURE.format(string_to_sign=expected_sts))
    _check_nonce(params["AccessKeyId"], params["SignatureNonce"], env, signed_at)
    return {"AccessKeyId": credential["AccessKeyId"], "credential": dict(credential), "signature": "v1"}


def _verify_acs3(request: SimRequest, env: Any) -> dict[str, Any]:
    m = _ACS3_RE.match(request.headers.get("Authorization") or "")
    if not m:
        raise AuthFailure("malformed", "Authorization is not 'ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...'",
                          message=MSG_INCOMPLETE)
    headers = request.headers.lower_items()
    options = getattr(env, "options", {}) or {}
    required = [*REQUIRED_ACS3_HEADERS, *(f"x-acs-{name.lower()}" for name in options.get("required", ()))]
    for name in required:
        if not headers.get(name):
            raise AuthFailure("missing", f"{name} header is missing", message=MSG_MISSING.format(name=name))
    signed_at = _check_timestamp(headers["x-acs-date"], env)
    credential = _credential(m.group("ak"), env)
    signed = m.group("headers").lower().split(";")
    if "host" in signed and "host" not in headers:
        headers["host"] = request.host
    canonical = acs3_canonical_request(request.method, request.path, request.query, headers, signed, request.body)
    to_sign = acs3_string_to_sign(canonical)
    if not hmac.compare_digest(acs3_signature(str(credential["AccessKeySecret"]), to_sign), m.group("sig").lower()):
        raise AuthFailure("bad_signature", "ACS3 signature differs", message=MSG_SIGNATURE.format(string_to_sign=to_sign))
    _check_nonce(credential["AccessKeyId"], headers["x-acs-signature-nonce"], env, signed_at)
    return {"AccessKeyId": credential["AccessKeyId"], "credential": dict(credential), "signature": "acs3"}


def parse_timestamp(text: str) -> datetime | None:
    m = _TIMESTAMP_RE.match(text)
    if not m:
        return None
    try:
        return datetime(*(int(part) for part in m.groups()[:6]), tzinfo=timezone.utc)
    except ValueError:
        return None


def _tolerance(env: Any) -> timedelta:
    return timedelta(seconds=(getattr(env, "options", {}) or {}).get("timestamp_tolerance_seconds", DEFAULT_TOLERANCE_SECONDS))


def _check_timestamp(text: str, env: Any) -> datetime:
    moment = parse_timestamp(text)
    if moment is None:
        raise AuthFailure("malformed_timestamp", f"Timestamp {text!r}", message=MSG_TS_FORMAT)
    tolerance = _tolerance(env)
    now = env.nearest_now(moment)
    if moment < now - tolerance:
        raise AuthFailure("expired", f"Timestamp {text} is older than {tolerance} before {format_timestamp(now)}", message=MSG_TS_EXPIRED)
    if moment > now + tolerance:
        raise AuthFailure("clock_skew", f"Timestamp {text} is more than {tolerance} after {format_timestamp(now)}", message=MSG_TS_EXPIRED)
    return moment


def _credential(access_key_id: str, env: Any) -> Mapping[str, Any]:
    credential = next((c for c in env.credentials if c.get("AccessKeyId") == access_key_id), None)
    if credential is None:
        raise AuthFailure("unknown_key", f"unknown AccessKeyId {access_key_id!r}", message=MSG_NOT_FOUND)
    if credential.get("Disabled"):
        raise AuthFailure("forbidden", f"AccessKeyId {access_key_id!r} is disabled", message=MSG_INACTIVE)
    return credential


def _check_nonce(access_key_id: str, nonce: str, env: Any, signed_at: datetime) -> None:
    # Checked only after the signature holds, so an unsigned request cannot burn someone's nonce;
    # remembered while its timestamp is acceptable (past that the timestamp refuses a replay).
    if not env.remember_nonce(f"{access_key_id}:{nonce}", signed_at=signed_at, window=_tolerance(env)):
        raise AuthFailure("replayed", f"SignatureNonce {nonce!r} was used already", message=MSG_NONCE)


def _is_acs3(request: SimRequest) -> bool:
    return (request.headers.get("Authorization") or "").startswith(ACS3_ALGORITHM)


__all__ = [
    "AUTH_SCHEME", "SCHEME", "sign", "sign_request", "sign_params", "string_to_sign", "canonicalized_query",
    "percent_encode", "encode_params", "request_params", "acs3_sign", "acs3_canonical_request", "acs3_string_to_sign",
    "parse_timestamp", "format_timestamp",
]
