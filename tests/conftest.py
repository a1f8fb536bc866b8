"""Shared test fixtures: simulators built per test, a live server per session."""

from __future__ import annotations

import base64
import io
import os
from datetime import datetime, timezone

import pytest
from hypothesis import settings

from simulator.app import create_app
from simulator.config import SimulatorConfig
from simulator import Simulator

# Hypothesis's deadline fails a test that runs slow once: a timed assertion, flaky on a shared CI box.
# Speed is measured by the benchmark, never asserted in a test.
settings.register_profile("apisim", deadline=None)
settings.load_profile("apisim")

FIXED_NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


def _png_base64(width: int = 120, height: int = 80, text: str | None = None) -> str:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text is not None:
        info.add_text("apisim", text)
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, "PNG", pnginfo=info)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def png_base64():
    """``png_base64(width, height, text=None)``: a small real PNG, optionally carrying an ``apisim:`` tag."""
    return _png_base64


@pytest.fixture
def fixed_now() -> datetime:
    """The instant the test simulators' clock shows."""
    return FIXED_NOW


@pytest.fixture
def make_simulator():
    def make(*services: str, **config) -> Simulator:
        config.setdefault("clock", lambda: FIXED_NOW)
        return Simulator(SimulatorConfig(services=list(services) or None, **config))

    return make


@pytest.fixture
def make_client(make_simulator):
    """A Flask test client over a fresh simulator (no sockets)."""

    def make(*services: str, **config):
        sim = make_simulator(*services, **config)
        client = create_app(simulator=sim).test_client()
        client.simulator = sim
        return client

    return make


@pytest.fixture(scope="session")
def live_server():
    """Every service on free loopback ports for the whole session (real clients need real sockets).

    ``APISIM_LIVE_SERVE="--workers 4"`` runs these tests against ``apisim serve`` with those options.
    """
    from simulator.server import SimulatorServer, free_port_base

    served = os.environ.get("APISIM_LIVE_SERVE")
    if served is not None:
        from simulator.testing.served import ServedSimulator

        with ServedSimulator(served.split()) as external:
            yield external
        return
    server = SimulatorServer(SimulatorConfig(port_base=free_port_base())).start()
    server.wait_until_accepting()
    yield server
    server.stop()
