"""Behaviour of each face_verify method (the function name is the contract's operation id).

init/initH5 open a verification; query/queryH5 poll it: 300 until it ends,
then 200 (passed) or the code it ended with. How it ends comes from, in
order: the ``X-Apisim-Outcome`` header (on init or on a query), the control
plane's ``verification`` scenario for the identity (``POST /__apisim/scenarios``,
one state per poll; declared in ``SERVICE.scenarios``), a scenario stored for the identity
(:func:`models.set_scenario`), or by default it passes once
``x-behaviour.complete_after_seconds`` of simulator clock have gone by.
match compares a photo's largest face with the identity's holder: the bound person, else the person
in the first untagged live photo matched against the identity (as a real service compares it with
the ID's own photo, and a client's first photo is its holder's). A photo tagged with another
person, a later photo of someone else, a photo of a photo (``live=0``) or ``X-Apisim-Outcome:
Z1146`` fails.
"""

from __future__ import annotations

import base64
from typing import Any

from simulator.core import ServiceError, SimResponse
from simulator.faces.identity import embedding_similarity, face_embedding
from simulator.imaging.decode import ImageError, decode_image
from simulator.imaging.synth import generate
from simulator.core.seeds import stable_seed
from simulator.pipeline.context import Context
from simulator.pipeline.service import Reply
from simulator.services.aliyun_saf import models
from simulator.services.aliyun_saf.models import checks, gateway
from simulator.services.aliyun_saf.codes import query_codes, raw_entry

OK = {"Code": 200, "Message": "OK"}
VERIFICATION_SCENARIO = "verification"
PLAIN_FORMAT_PREFIX = "接口调用失败，"  # the document's format line without an operation name


def init(ctx: Context) -> dict[str, Any] | Reply:
    return _start(ctx, kind="app", id_field="queryId")


def init_h5(ctx: Context) -> dict[str, Any] | Reply:
    return _start(ctx, kind="h5", id_field="zimId")


def query(ctx: Context) -> dict[str, Any] | Reply:
    return _poll(ctx, kind="app", id_field="queryId")


def query_h5(ctx: Context) -> dict[str, Any] | Reply:
    return _poll(ctx, kind="h5", id_field="zimId")


def match(ctx: Context) -> dict[str, Any] | Reply:
    _admit(ctx)
    params = ctx.params["ServiceParameters"]
    _name, cert_number = checks.require_identity(params, empty_code="400", today=ctx.clock())
    _refuse_identity(ctx, cert_number)
    try:
        image = decode_image(params["imgbase64"], **ctx.contract.limits.image_checks())
    except ImageError as exc:
        raise ServiceError("400", f"imgbase64不合法：{exc.reason}") from None
    outcome, refusal = _requested_outcome(ctx)
    if refusal is not None:
        return refusal
    face = ctx.faces.largest_face(image)
    if face is not None and face.live and outcome in (None, models.PASSED) and _is_holder(ctx, cert_number, face,
                                                                                         named="person" in image.tags):
        return dict(OK)
    models.record_failure(ctx.store, cert_number)
    code = outcome if outcome in ctx.operation.errors else "Z1146"
    raise ServiceError(code, _plain_format_message(ctx, code) if code == "Z1146" else None)


def _is_holder(ctx: Context, cert_number: str, face: Any, *, named: bool) -> bool:
    """Whether ``face`` is the identity's holder; an unnamed face (no ``person`` tag) claims an unheld identity."""
    if face.person == cert_number:  # tagged with the certNumber itself: the documented way to name the holder
        return True
    holder = models.claim_holder(ctx.store, cert_number, face.person) if not named else models.person_for(
        ctx.store, cert_number)
    threshold = float(_settings(ctx).get("match_threshold", 0.8))
    return embedding_similarity(face.embedding, face_embedding(holder, "saf-reference")) >= threshold


# --- init / initH5 --------------------------------------------------------------------------------

def _start(ctx: Context, *, kind: str, id_field: str) -> dict[str, Any] | Reply:
    _admit(ctx)
    params = ctx.params["ServiceParameters"]
    name, cert_number = checks.require_identity(params, empty_code="init.400", today=ctx.clock())
    checks.check_metainfo(params.get("metainfo"), _settings(ctx))
    _screen_attack(ctx, cert_number, name)
    scenario = _refuse_identity(ctx, cert_number)
    outcome, refusal = _requested_outcome(ctx)
    if refusal is not None:
        return refusal
    if outcome is None:
        outcome = scenario if scenario is not None and _is_outcome(ctx, scenario) else None
    now = ctx.clock()
    biz_id, query_id = models.new_ids(ctx.request_rng, now)
    models.create_verification(ctx.store, biz_id=biz_id, query_id=query_id, kind=kind, name=name,
                               cert_number=cert_number, access_key_id=ctx.identity.get("AccessKeyId", ""),
                               now=now, outcome=outcome, retention=models.Retention.of(_settings(ctx)))
    return {**OK, "Data": {id_field: query_id, "bizId": biz_id}}


def _screen_attack(ctx: Context, cert_number: str, name: str) -> None:
    """Risk control B110 (攻击次数过多): one certNumber tried with too many different names in a window
    of the simulator clock, as someone guessing whose number it is would."""
    rule = _settings(ctx).get("risk_control") or {}
    if not rule:
        return
    names = models.note_name_tried(ctx.store, cert_number, name, ctx.clock(), float(rule["window_seconds"]))
    if names > int(rule["max_names_per_identity"]):
        raise ServiceError("B110", detail=f"certNumber tried with {names} different names within "
                                          f"{rule['window_seconds']} s; {rule['max_names_per_identity']} allowed")


def _refuse_identity(ctx: Context, cert_number: str) -> str | None:
    """An identity with no reference photo (530), one a scenario marked (530, 540, B110...) or that
    failed too often (540). Otherwise the identity's scenario, read once for the whole request."""
    if cert_number in _settings(ctx).get("without_reference_photo", ()):
        raise ServiceError("530", detail="the identity has no reference photo (x-behaviour.without_reference_photo)")
    scenario = models.scenario_for(ctx.store, cert_number)
    if scenario is not None and scenario in ctx.operation.errors and raw_entry(ctx, scenario).get("x-table") == "init":
        raise ServiceError(scenario)
    if models.failures(ctx.store, cert_number) >= int(_settings(ctx).get("max_failures", 5)):
        raise ServiceError("540")
    return scenario


# --- query / queryH5 ------------------------------------------------------------------------------

def _poll(ctx: Context, *, kind: str, id_field: str) -> dict[str, Any] | Reply:
    _admit(ctx)
    params = ctx.params["ServiceParameters"]
    # An expired verification is as unknown as one never created: the document's Z8301.
    record = models.find_verification(ctx.store, str(params["bizId"]), ctx.clock(), models.Retention.of(_settings(ctx)))
    if (record is None or record["kind"] != kind or record["queryId"] != str(params[id_field])
            or record["accessKeyId"] != ctx.identity.get("AccessKeyId", record["accessKeyId"])):
        raise ServiceError("Z8301")
    outcome, refusal = _requested_outcome(ctx)
    if refusal is not None:
        return refusal
    if outcome is not None and not record.get("endedAt"):
        record = {**record, "outcome": outcome}
    outcome = _ending(ctx, record)
    if outcome is None:
        raise ServiceError("300")
    if outcome != models.PASSED:
        raise ServiceError(outcome)
    body = dict(OK)
    if checks.wants_image(params.get("returnImage", "")):
        person = models.person_for(ctx.store, record["certNumber"])
        body["Data"] = {"image": _face_jpeg_urlsafe_base64(person, record["bizId"])}
    return body


def _ending(ctx: Context, record: dict[str, Any]) -> str | None:
    """How the verification ended (fixing it on first sight), or None while it is still running."""
    if record.get("endedAt"):
        return record["outcome"]
    outcome = record.get("outcome")
    if outcome is None:
        # The control plane's "verification" scenario moves one state per poll (pending, pending, Z1146...).
        outcome = ctx.scenario(VERIFICATION_SCENARIO, record["certNumber"])
    if outcome is None:
        scenario = models.scenario_for(ctx.store, record["certNumber"])
        outcome = scenario if scenario is not None and _is_outcome(ctx, scenario) else None
    now = ctx.clock()
    if outcome is None and models.elapsed_seconds(record, now) >= float(_settings(ctx).get("complete_after_seconds", 5)):
        outcome = models.PASSED
    if outcome in (None, models.PENDING, "300"):
        return None
    models.end_verification(ctx.store, record, outcome, now, models.Retention.of(_settings(ctx)))
    return outcome


def _face_jpeg_urlsafe_base64(person: str, biz_id: str) -> str:
    """The face the client SDK captured: a JPEG of ``person`` (tagged, so the face model knows it)."""
    jpeg = generate({"faces": 1, "person": person}, fmt="JPEG", width=240, height=320, seed=stable_seed("saf", biz_id))
    return base64.urlsafe_b64encode(jpeg).decode("ascii")


# --- shared checks --------------------------------------------------------------------------------

def _admit(ctx: Context) -> None:
    """The gateway's protocol checks and per-user flow control (Throttling.User), then the account's:
    bought QPS (402), product opened (403)."""
    gateway.check_protocol(ctx)
    credential = ctx.identity.get("credential") or {}
    per_minute = credential.get("UserCallsPerMinute")
    if per_minute is not None:
        calls = models.count_user_call(ctx.store, credential["AccessKeyId"], ctx.clock())
        if calls > int(per_minute):
            raise ServiceError("Throttling.User", detail=f"call {calls} within one minute; the key's user may make "
                                                         f"{per_minute}")
    limit = credential.get("QpsLimit")
    if limit is not None and models.count_request(ctx.store, credential["AccessKeyId"], ctx.clock()) > int(limit):
        raise ServiceError("402")
    if credential.get("ProductOpened") is False:
        raise ServiceError(next((c for c in ("Z8102", "Z8302") if c in ctx.operation.errors), "403"))


def _requested_outcome(ctx: Context) -> tuple[str | None, Reply | None]:
    """The outcome the X-Apisim-Outcome header asks for; an unknown one is refused with the valid list."""
    header = _settings(ctx).get("outcome_header", "X-Apisim-Outcome")
    wanted = ctx.request.headers.get(header)
    if wanted is None:
        return None, None
    if _is_outcome(ctx, wanted):
        return wanted, None
    valid = [*models.OUTCOME_WORDS, *query_codes(ctx.contract)]
    refusal = SimResponse.json(400, {"apisim_error": f"{header}: {wanted!r} is not an outcome of a verification",
                                     "valid_outcomes": valid})
    return None, Reply(raw=refusal)


def _is_outcome(ctx: Context, value: str) -> bool:
    return value in models.OUTCOME_WORDS or value in query_codes(ctx.contract)


def _plain_format_message(ctx: Context, code: str) -> str:
    raw = raw_entry(ctx, code)
    return f"{PLAIN_FORMAT_PREFIX}{raw['x-resultCode']}：{raw['x-resultMsgSub']}（{raw['x-resultCodeSub']}）"


def _settings(ctx: Context) -> dict[str, Any]:
    return ctx.contract.raw.get("x-behaviour", {})
