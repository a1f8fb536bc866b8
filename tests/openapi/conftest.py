"""Fixtures for the OpenAPI tests: exported documents (cached per session) and simulators on loopback."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulator.config import SimulatorConfig
from simulator.contracts import load_contracts
from simulator.openapi import openapi_document
from simulator.server import SimulatorServer, free_port_base

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def exported():
    """``exported(service, deployment, server_url=None) -> dict``, each document built once."""
    contracts = load_contracts()
    cache: dict[tuple, dict] = {}

    def get(service: str, deployment: str, server_url: str | None = None) -> dict:
        key = (service, deployment, server_url)
        if key not in cache:
            cache[key] = openapi_document(contracts[service], deployment, server_url=server_url)
        return cache[key]

    return get


@pytest.fixture
def start_simulator():
    """``start_simulator(service, wrap=None)``: a server on free loopback ports with a fixed clock."""
    started: list[SimulatorServer] = []

    def start(service: str, wrap=None) -> SimulatorServer:
        server = SimulatorServer(SimulatorConfig(services=[service], clock=lambda: NOW, port_base=free_port_base()))
        if wrap is not None:
            server.app.wsgi_app = wrap(server.app.wsgi_app)
        server.start()
        server.wait_until_accepting()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
