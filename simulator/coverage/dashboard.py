"""The live dashboard: ``/__apisim/`` in a browser (loopback only, like the admin API).

The page (``/__apisim/dashboard``) shows the request journal as it happens (filterable), each
service's contract (operations, schemas, examples, error catalogue), the coverage matrix of the
traffic so far, and buttons to reset the simulator and to add or remove faults. It is static HTML
and JavaScript with no network assets; everything it does goes through the control plane's admin
JSON API (``/__apisim/requests``, ``/reset``, ``/faults``, ``/contracts``) plus two read-only
endpoints of its own:

    GET /__apisim/dashboard/coverage            per service: numbers, matrix and chart (HTML fragments)
    GET /__apisim/dashboard/contract/<service>  the contract as loaded (schemas, examples, errors)

``GET /__apisim/`` stays the admin API's JSON index for API clients; a browser (which prefers
HTML) is sent on to the dashboard.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, redirect, request

from simulator.control.access import Refusal, check_admin_call
from simulator.control.admin import Administered
from simulator.coverage.compute import compute, display_percent
from simulator.coverage.data import CoverageData
from simulator.coverage.html import ASSETS, chart_svg, legend, matrix_html, missing_html

PREFIX = "/__apisim/dashboard"
ADMIN_ROOTS = ("/__apisim", "/__apisim/")
_FILES = {"dashboard.js": "application/javascript", "report.css": "text/css", "dashboard.css": "text/css"}


def dashboard_blueprint(sim: Administered) -> Blueprint:
    bp = Blueprint("apisim_dashboard", __name__, url_prefix=PREFIX)
    contracts = sim.runtime.contracts

    @bp.before_app_request
    def browsers_to_the_dashboard() -> Response | None:
        """A browser asking for ``/__apisim/`` gets the dashboard; API clients keep the JSON index."""
        if request.method == "GET" and request.path in ADMIN_ROOTS and _prefers_html():
            refused = _guard(sim)
            if refused is not None:
                return refused
            query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
            return redirect(PREFIX + "/" + query, code=302)
        return None

    @bp.before_request
    def guard() -> Response | None:
        return _guard(sim)

    @bp.get("/")
    def page() -> Response:
        return Response((ASSETS / "dashboard.html").read_text("utf-8"), mimetype="text/html")

    @bp.get("/<name>")
    def asset(name: str) -> Response:
        if name not in _FILES:
            return _problem(404, f"no dashboard file {name!r}")
        return Response((ASSETS / name).read_text("utf-8"), mimetype=_FILES[name])

    @bp.get("/coverage")
    def coverage() -> Response:
        """The coverage of every served service by the journal so far, ready to show."""
        data = CoverageData().add_all(sim.journal.entries())
        # Every operation of every served service: the dashboard is a view of everything, not a gate.
        report = compute(contracts, data, list(contracts), measure="all")
        services = []
        for svc in report.services:
            catalogue = contracts[svc.service].errors
            services.append({
                "service": svc.service, "title": svc.title, "calls": svc.calls,
                "operations": len(svc.operations), "operations_called": svc.operations_called,
                "errors": svc.errors_total, "errors_covered": svc.errors_covered,
                "outcomes": svc.outcomes_total, "outcomes_covered": svc.outcomes_covered,
                "percent": round(svc.percent, 2), "display": display_percent(svc.percent),
                "chart_svg": chart_svg(svc),
                # answered cells lead to the journal filtered on them (the page's script does that)
                "matrix_html": legend() + matrix_html(svc, catalogue, link=lambda *_: "#journal"),
                "missing_html": missing_html(svc),
            })
        return jsonify({"display": display_percent(report.percent), "percent": round(report.percent, 2),
                        "requests": len(data), "unrouted": data.unrouted, "services": services})

    @bp.get("/contract/<service>")
    def contract(service: str) -> Response:
        found = contracts.get(service)
        if found is None:
            return _problem(404, f"no service {service!r}; known: {', '.join(contracts)}")
        # Not jsonify: it sorts keys, and operations and error codes read best in the document's order.
        return Response(json.dumps(found.raw, ensure_ascii=False), mimetype="application/json")

    return bp


def _prefers_html() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def _guard(sim: Administered) -> Response | None:
    """The admin API's rule (simulator/control/access.py); the pages also take ``?token=``."""
    try:
        check_admin_call(sim.control, sim.runtime.contracts, request, query_token=True)
    except Refusal as refusal:
        return _problem(refusal.status, refusal.message)
    return None


def _problem(status: int, message: str) -> Response:
    response = jsonify({"apisim_error": message})
    response.status_code = status
    return response
