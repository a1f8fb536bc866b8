"""The Flask app factory: one WSGI app serves every deployment.

Which deployment a request is for comes from its ``Host`` header (a
deployment's original host) or the loopback port it arrived on, so the same
app can listen on one port per deployment. No state exists at import time.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from simulator.config import SimulatorConfig
from simulator.control.admin import admin_blueprint
from simulator.coverage.dashboard import dashboard_blueprint
from simulator.pipeline.limits import ADMIN_MAX_BODY_BYTES
from simulator.simulator import Simulator
from simulator.wsgi import serve_simulator

ADMIN_PREFIX = "/__apisim"  # the control plane's admin API and dashboard: Flask blueprints


def create_app(config: SimulatorConfig | None = None, simulator: Simulator | None = None) -> Flask:
    sim = simulator or Simulator(config)
    app = Flask("apisim")
    app.config["MAX_CONTENT_LENGTH"] = ADMIN_MAX_BODY_BYTES  # the admin API's bodies (Flask answers 413)
    app.config["APISIM"] = sim
    app.extensions["apisim"] = sim

    @app.get(ADMIN_PREFIX + "/health")
    def health() -> Response:
        """Readiness for scripts and probes: this port answers. Cheap (no store access) and outside
        the admin API's token and loopback checks, since it tells nothing about the simulated state."""
        return Response('{"status": "ok"}', mimetype="application/json")

    app.register_blueprint(admin_blueprint(sim))  # /__apisim/: journal, reset, state, faults, scenarios
    app.register_blueprint(dashboard_blueprint(sim))  # /__apisim/dashboard/: the browser page (simulator/coverage)

    # Service traffic skips Flask's router: paths reach the pipeline exactly as sent (werkzeug
    # would answer "//x" or a missing trailing slash itself), and there is less to do per request.
    flask_wsgi = app.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            return flask_wsgi(environ, start_response)
        return serve_simulator(sim, environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]
    return app
