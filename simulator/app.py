"""The Flask app factory: one WSGI app serves every deployment.

Which deployment a request is for comes from its ``Host`` header (a
deployment's original host) or the loopback port it arrived on, so the same
app can listen on one port per deployment. No state exists at import time.
"""

from __future__ import annotations

from flask import Flask, Response, request

from simulator.config import SimulatorConfig
from simulator.control.admin import admin_blueprint
from simulator.control.transport import TransportFault, wsgi_response
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.pipeline import Simulator

_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def create_app(config: SimulatorConfig | None = None, simulator: Simulator | None = None) -> Flask:
    sim = simulator or Simulator(config)
    app = Flask("apisim")
    app.config["APISIM"] = sim
    app.extensions["apisim"] = sim
    app.register_blueprint(admin_blueprint(sim))  # /__apisim/: journal, reset, state, faults, scenarios

    @app.route("/", defaults={"path": ""}, methods=_METHODS)
    @app.route("/<path:path>", methods=_METHODS)
    def dispatch(path: str) -> Response:
        try:
            port = int(request.environ.get("SERVER_PORT") or 0) or None
        except ValueError:
            port = None
        sim_request = SimRequest(
            method=request.method,
            path=request.path,
            query=list(request.args.items(multi=True)),
            headers=Headers(request.headers.items()),
            body=request.get_data(cache=False),
            host=request.host,
            local_port=port,
            raw_query=request.query_string.decode("latin-1"),
        )
        result = sim.handle(sim_request)
        if isinstance(result, TransportFault):  # a reset, hang or cut body happens on the socket itself
            return wsgi_response(result, request.environ)
        return Response(result.body, status=result.status, headers=result.headers)

    return app
