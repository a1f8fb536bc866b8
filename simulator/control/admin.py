"""The admin API: JSON under ``/__apisim/`` on every deployment's port.

    GET    /__apisim/                     what is here
    GET    /__apisim/requests             the journal (?service= &operation= &status= &code= &outcome=
                                          &since= &until= (ISO, simulator clock) &after_seq= &limit=)
    DELETE /__apisim/requests             forget it (?service=)
    POST   /__apisim/reset                {"service"?: ..., "parts"?: ["state", "faults", "journal"]}
    GET    /__apisim/contracts            services, deployments (original and local URL), operations, codes
    GET    /__apisim/state/<service>      what the service holds
    POST   /__apisim/state/<service>      seed it: {namespace: {key: record}} (?replace=1 forgets first)
    GET    /__apisim/faults               POST one (JSON or {"spec": "svc:op:action,..."}); DELETE all (?service=)
    GET    /__apisim/faults/<id>          DELETE one
    GET    /__apisim/rate-limits          POST one; DELETE all (?service=); DELETE /rate-limits/<id>
    GET    /__apisim/scenarios            the catalogue and what is set; POST one; DELETE all (?service=)
    GET    /__apisim/clock                the simulator's time; POST {"advance_seconds": N} or {"now": ISO}
    POST   /__apisim/faces/same-person    {"images": [base64, ...], "person"?: id, "gender"?: "f"|"m"}: one person
                                          moves it for every worker; DELETE puts it back

Without an admin token only loopback callers are served, and nothing a foreign web page can send
(simulator/control/access.py: ``Host``, ``Origin``, JSON bodies); with one (``--admin-token``),
every call must carry it (``Authorization: Bearer TOKEN`` or ``X-Apisim-Admin-Token: TOKEN``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from flask import Blueprint, Response, jsonify, request

from simulator.contracts import Contract
from simulator.control.access import Refusal, check_admin_call
from simulator.control.errors import FaultError
from simulator.control.fault_definition import parse_instant
from simulator.control.plane import Control
from simulator.control.state import dump_state, load_state
from simulator.imaging.decode import ImageError, decode_base64
from simulator.pipeline.journal import Journal
from simulator.pipeline.runtime import Runtime

PREFIX = "/__apisim"
# Stages that refuse a request before its body is checked against the contract.
_REFUSED_BEFORE_VALIDATION = {"match", "forced", "auth", "fault", "rate_limit"}


class Administered(Protocol):
    """What the admin API works on (a :class:`~simulator.simulator.Simulator` is one)."""

    runtime: Runtime
    journal: Journal
    control: Control

    def reset(self, service: str | None = None, parts: tuple[str, ...] = ...) -> None: ...


def admin_blueprint(sim: Administered) -> Blueprint:
    bp = Blueprint("apisim_admin", __name__, url_prefix=PREFIX)
    control, runtime, journal = sim.control, sim.runtime, sim.journal

    @bp.before_request
    def guard() -> Response | None:
        try:
            check_admin_call(control, runtime.contracts, request)  # the token, or loopback and not another site
        except Refusal as refusal:
            return _problem(refusal.status, refusal.message)
        return None

    @bp.errorhandler(FaultError)
    def refused(exc: FaultError) -> Response:
        return _problem(400, str(exc))

    @bp.get("/")
    def index() -> Response:
        return jsonify({"endpoints": [line.strip() for line in (__doc__ or "").splitlines() if "/__apisim/" in line]})

    # -- the journal ------------------------------------------------------------------------

    @bp.get("/requests")
    def requests_() -> Response:
        entries = [_with_validation(e) for e in journal.entries(request.args.get("service"),
                                                                    request.args.get("operation"))]
        entries = [e for e in entries if _journal_filter(e, request.args)]
        limit = request.args.get("limit", type=int)
        if limit is not None:
            entries = entries[-limit:] if limit > 0 else []
        return jsonify({"count": len(entries), "requests": entries})

    @bp.delete("/requests")
    def clear_requests() -> Response:
        return jsonify({"removed": journal.clear(_service_arg())})

    # -- reset, contracts, state ------------------------------------------------------------

    @bp.post("/reset")
    def reset() -> Response:
        body = _json_body(required=False)
        service = body.get("service") or request.args.get("service")
        if service is not None:
            _known_service(service)
        parts = body.get("parts") or ["state", "faults", "journal"]
        if not isinstance(parts, list) or not set(parts) <= {"state", "faults", "journal"}:
            raise FaultError("parts: a list of state, faults, journal")
        sim.reset(service, tuple(parts))
        return jsonify({"reset": service or "all", "parts": parts})

    @bp.get("/clock")
    def clock() -> Response:
        return _clock_answer()

    @bp.post("/clock")
    def move_clock() -> Response:
        body = _json_body()
        if "advance_seconds" in body and isinstance(body["advance_seconds"], (int, float)) \
                and not isinstance(body["advance_seconds"], bool):
            runtime.advance_clock(body["advance_seconds"])
        elif isinstance(body.get("now"), str):
            runtime.set_clock(parse_instant(body["now"], "now"))
        else:
            raise FaultError('send {"advance_seconds": N} or {"now": "2026-03-01T08:00:00Z"}')
        return _clock_answer()

    @bp.delete("/clock")
    def reset_clock() -> Response:
        runtime.clock_offset.reset()
        return _clock_answer()

    def _clock_answer() -> Response:
        return jsonify({"now": runtime.now().isoformat(), "offset_seconds": runtime.clock_offset.seconds()})

    @bp.post("/faces/same-person")
    def same_person() -> Response:
        body = _json_body()
        images = body.get("images") if isinstance(body, dict) else None
        if not isinstance(images, list) or not images or not all(isinstance(i, str) for i in images):
            raise FaultError('send {"images": ["<base64>", ...]} (PNG or JPEG, base64 as the services take it)')
        try:
            raw = [decode_base64(text) for text in images]
            person = runtime.faces.declare_same_person(raw, body.get("person"), body.get("gender"))
        except (ImageError, ValueError) as exc:
            raise FaultError(f"images: {getattr(exc, 'reason', exc)}") from None
        return jsonify({"person": person, "images": len(raw)})

    @bp.get("/contracts")
    def contracts() -> Response:
        return jsonify({name: _contract_summary(runtime, c) for name, c in runtime.contracts.items()})

    @bp.get("/state/<service>")
    def state(service: str) -> Response:
        _known_service(service)
        return jsonify({"service": service, "state": dump_state(runtime, service)})

    @bp.post("/state/<service>")
    def seed_state(service: str) -> Response:
        _known_service(service)
        replace = request.args.get("replace", "").lower() in ("1", "true", "yes")
        return jsonify({"service": service, "written": load_state(runtime, service, _json_body(), replace=replace)})

    # -- faults -----------------------------------------------------------------------------

    @bp.get("/faults")
    def list_faults() -> Response:
        return jsonify({"faults": control.faults.list(_service_arg())})

    @bp.post("/faults")
    def add_fault() -> tuple[Response, int]:
        body = _json_body()
        if isinstance(body, dict) and set(body) == {"spec"}:
            fault = control.faults.inject(str(body["spec"]))
        else:
            fault = control.faults.add(body)
        return jsonify(fault), 201

    @bp.delete("/faults")
    def clear_faults() -> Response:
        return jsonify({"removed": control.faults.clear(_service_arg())})

    @bp.get("/faults/<fault_id>")
    def get_fault(fault_id: str) -> Response:
        fault = control.faults.get(fault_id)
        return jsonify(fault) if fault else _problem(404, f"no fault {fault_id!r}")

    @bp.delete("/faults/<fault_id>")
    def remove_fault(fault_id: str) -> Response:
        return jsonify({"removed": fault_id}) if control.faults.remove(fault_id) else _problem(404, f"no fault {fault_id!r}")

    # -- rate limits ------------------------------------------------------------------------

    @bp.get("/rate-limits")
    def list_limits() -> Response:
        return jsonify({"rate_limits": control.rate_limits.list(_service_arg())})

    @bp.post("/rate-limits")
    def add_limit() -> tuple[Response, int]:
        return jsonify(control.rate_limits.add(_json_body())), 201

    @bp.delete("/rate-limits")
    def clear_limits() -> Response:
        return jsonify({"removed": control.rate_limits.clear(_service_arg())})

    @bp.delete("/rate-limits/<limit_id>")
    def remove_limit(limit_id: str) -> Response:
        if control.rate_limits.remove(limit_id):
            return jsonify({"removed": limit_id})
        return _problem(404, f"no rate limit {limit_id!r}")

    # -- scenarios --------------------------------------------------------------------------

    @bp.get("/scenarios")
    def list_scenarios() -> Response:
        return jsonify({"available": control.scenarios.catalogue(), "active": control.scenarios.list(_service_arg())})

    @bp.post("/scenarios")
    def set_scenario() -> tuple[Response, int]:
        return jsonify(control.scenarios.add(_json_body())), 201

    @bp.delete("/scenarios")
    def clear_scenarios() -> Response:
        body = _json_body(required=False)
        if body.get("scenario"):
            removed = control.scenarios.remove(str(body.get("service")), str(body["scenario"]), str(body.get("key") or "*"))
            return jsonify({"removed": int(removed)})
        return jsonify({"removed": control.scenarios.clear(_service_arg())})

    def _known_service(service: str) -> None:
        if service not in runtime.contracts:
            raise FaultError(f"no service {service!r}; known: {', '.join(runtime.contracts)}")

    def _service_arg() -> str | None:
        service = request.args.get("service")
        if service is not None:
            _known_service(service)
        return service

    return bp


def _problem(status: int, message: str) -> Response:
    response = jsonify({"apisim_error": message})
    response.status_code = status
    return response


def _json_body(required: bool = True) -> Any:
    if not request.get_data():
        if required:
            raise FaultError("send a JSON body")
        return {}
    try:
        return request.get_json(force=True)
    except Exception:  # werkzeug raises its own BadRequest; the caller needs our wording
        raise FaultError("the body is not JSON") from None


def _with_validation(entry: dict[str, Any]) -> dict[str, Any]:
    """The journal entry plus whether the request met its contract (as far as the pipeline checked)."""
    failure = entry.get("failure")
    if entry.get("operation") is None:
        validation = {"checked": False, "valid": None, "reason": "no documented operation matched"}
    elif failure == "validation":
        validation = {"checked": True, "valid": False, "detail": entry.get("detail")}
    elif failure in _REFUSED_BEFORE_VALIDATION:
        validation = {"checked": False, "valid": None, "reason": f"refused before validation ({failure})"}
    else:
        validation = {"checked": True, "valid": True}
    return {**entry, "validation": validation}


def _journal_filter(entry: dict[str, Any], args: Any) -> bool:
    status = args.get("status")
    if status:
        value = entry.get("status")
        if status.lower().endswith("xx"):
            if value is None or str(value)[:1] != status[0]:
                return False
        elif str(value) != status:
            return False
    for key in ("code", "outcome", "deployment", "failure"):
        if args.get(key) is not None and str(entry.get(key)) != args.get(key):
            return False
    if args.get("after_seq") is not None and int(entry.get("seq", 0)) <= args.get("after_seq", type=int):
        return False
    when = entry.get("time")
    for key, keep in (("since", lambda t, b: t >= b), ("until", lambda t, b: t <= b)):
        bound = args.get(key)
        if bound:
            if when is None:
                return False
            try:
                if not keep(datetime.fromisoformat(when), datetime.fromisoformat(bound.replace("Z", "+00:00"))):
                    return False
            except (TypeError, ValueError):
                raise FaultError(f"{key}: an ISO 8601 instant with a time zone") from None
    return True


def _contract_summary(runtime: Runtime, contract: Contract) -> dict[str, Any]:
    return {
        "title": contract.title,
        "source": contract.source,
        "deployments": [{"name": d.name, "original": d.base_url, "local": runtime.local_url(d),
                         "throttling_error": d.throttling_error} for d in contract.deployments],
        "operations": {op.id: {"method": op.method, "path": op.path, "summary": op.summary,
                               "deployments": op.deployments, "errors": op.errors}
                       for op in contract.operations.values()},
        "errors": {code: {"http_status": e.http_status, "message": e.message} for code, e in contract.errors.items()},
    }
