"""``apisim serve --server gunicorn``: the Flask app under gunicorn, gthread workers gathering each request first."""

from __future__ import annotations

import os
from typing import Any, Callable

from simulator.serving.process import (GRACE_SECONDS, check_ports_free, close_store, freeze_prepared_objects,
                                       raise_open_file_limit, read_limits)
from simulator.simulator import Simulator


def serve_gunicorn(simulator: Simulator, workers: int, ready: Callable[[], None] = lambda: None) -> None:
    from gunicorn.app.base import BaseApplication

    from simulator.app import create_app

    host = simulator.config.host
    ports = simulator.ports()
    check_ports_free(host, ports)
    app = create_app(simulator=simulator)
    close_store(simulator)
    freeze_prepared_objects()

    from simulator.serving.gunicorn_worker import GatheringThreadWorker

    limits = read_limits(simulator.config)
    # gthread, with each request gathered before a thread sees it (slow clients hold no thread)
    worker_class = type("ApisimGunicornWorker", (GatheringThreadWorker,), {
        "limits": limits, "max_body_bytes": max(c.limits.max_body_bytes for c in simulator.contracts.values())})

    class _Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": [f"{host}:{port}" for port in ports], "workers": max(1, workers),
                "worker_class": worker_class, "threads": 4, "keepalive": 5, "preload_app": True,
                "worker_connections": limits.max_connections,
                "graceful_timeout": int(GRACE_SECONDS), "accesslog": None, "loglevel": "warning",
                "when_ready": lambda server: ready(),
                "post_fork": lambda server, worker: (setattr(simulator.journal, "partition", f"pid-{os.getpid()}"),
                                                     raise_open_file_limit()),
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    _Application().run()
