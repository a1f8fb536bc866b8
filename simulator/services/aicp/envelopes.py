"""AICP's answer shapes.

- ``aicp-flag-code``: ``{flag, resultCode, message, data}`` (sections 2, 6, 7, 8, 10, 11);
- ``aicp-flag``: the same without ``resultCode`` (sections 3 and 5);
- ``spring``: Spring Boot's ``{timestamp, status, error, message, path}``, which sections 6 and 10
  show for exceptions the platform lets escape;
- ``koala``: the engine's Baidu-v3-style ``{error_code, error_msg, log_id, timestamp, cached, result}``;
- ``koala-bare``: statapp/statgroup, whose answers are a bare map but whose failures are Koala's.

Every envelope also counts the call for the statistics services (sections 5 and 8), so the
numbers they report are the calls the simulator really answered.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any

from simulator.contracts import ErrorEntry
from simulator.core import SimResponse
from simulator.pipeline.context import Context
from simulator.services.aicp.models import clock, stats


class FlagEnvelope:
    def __init__(self, result_code: bool):
        self.result_code = result_code

    def success(self, ctx: Context, body: Any) -> SimResponse:
        stats.record_call(ctx, ok=True)
        return SimResponse.json(ctx.operation.response.get("status", 200), body)

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        if is_spring_entry(entry):  # a Spring-level failure (unreadable body) on a flag deployment
            return SpringEnvelope().error(ctx, entry, message, data)
        stats.record_call(ctx, ok=False, code=entry.code)
        body: dict[str, Any] = {"flag": False}
        if self.result_code:
            body["resultCode"] = (entry.body or {}).get("resultCode", 1)
        body["message"] = message
        body["data"] = None
        return SimResponse.json(entry.http_status, body)


class SpringEnvelope:
    """Only failures use it: Spring Boot's DefaultErrorAttributes."""

    def success(self, ctx: Context, body: Any) -> SimResponse:  # pragma: no cover - no operation answers with it
        return SimResponse.json(200, body)

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        stats.record_call(ctx, ok=False, code=entry.code)
        body = {
            "timestamp": _spring_timestamp(ctx),
            "status": entry.http_status,
            "error": (entry.body or {}).get("error", "Internal Server Error"),
            "message": message,
            "path": ctx.request.path,
        }
        return SimResponse.json(entry.http_status, body)


def _spring_timestamp(ctx: Context) -> str:
    """Spring's Jackson default: UTC with millis and a +0000 offset, e.g. 2020-04-04T08:22:51.121+0000."""
    utc = ctx.clock().astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def is_spring_entry(entry: ErrorEntry) -> bool:
    return isinstance(entry.body, dict) and "error" in entry.body


class KoalaEnvelope:
    def __init__(self, bare: bool = False):
        self.bare = bare

    def success(self, ctx: Context, body: Any) -> SimResponse:
        if not self.bare:
            body = {**body, **koala_header(ctx), "error_code": 0, "error_msg": "SUCCESS"}
        return SimResponse.json(200, body)

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        if not entry.code.isdigit():
            # Only the platform-wide internal error gets here: the engine's own word for it.
            entry = ctx.contract.errors[KOALA_SYSTEM_ERROR]
            message = entry.message
        elif entry.code == KOALA_MISSING and isinstance(data, dict) and "validation_kind" in data:
            # The schema found the gap; name the parameter as the engine does.
            message = KOALA_MISSING_TEMPLATE.format(field=_missing_parameter(ctx) or "")
        body = {"error_code": int(entry.code), "error_msg": message, **koala_header(ctx), "result": None}
        return SimResponse.json(entry.http_status, body)


KOALA_SYSTEM_ERROR = "222302"
KOALA_MISSING = "222001"
KOALA_MISSING_TEMPLATE = "param[{field}] is null"


def _missing_parameter(ctx: Context) -> str | None:
    """The required parameter a schema failure is about (the catalogue's example names group_id)."""
    validator = ctx.operation.validators.get("body") if ctx.operation else None
    if validator is None or not isinstance(ctx.body, dict):
        return None
    for error in validator.iter_errors(ctx.body):
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            if missing:
                return missing[0]
    return None


def koala_header(ctx: Context) -> dict[str, Any]:
    """log_id is the request's yyyyMMddHHmmss, timestamp its arrival in ms, as the later examples show."""
    moment = clock.now(ctx)
    return {"log_id": int(moment.strftime("%Y%m%d%H%M%S")), "timestamp": clock.epoch_ms(moment), "cached": 0}


ENVELOPES = {
    "aicp-flag": FlagEnvelope(result_code=False),
    "aicp-flag-code": FlagEnvelope(result_code=True),
    "spring": SpringEnvelope(),
    "koala": KoalaEnvelope(),
    "koala-bare": KoalaEnvelope(bare=True),
}
