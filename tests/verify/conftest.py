"""Fixtures for the verify tests: simulators on free loopback ports with a fixed clock, and verify runs."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from simulator.config import SimulatorConfig
from simulator.contracts import contracts_dir as shipped_contracts_dir
from simulator.server import SimulatorServer, free_port_base
from simulator.verify import Verifier, VerifyOptions

# The simulators' clock and the instant requests are signed at: the same, so signatures are always fresh.
NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)


def _start(*services: str, contracts_dir: str | None = None, wrap=None) -> SimulatorServer:
    config = SimulatorConfig(services=list(services) or None, clock=lambda: NOW,
                             port_base=free_port_base(), contracts_dir=contracts_dir)
    server = SimulatorServer(config)
    if wrap is not None:
        server.app.wsgi_app = wrap(server.app.wsgi_app)
    server.start()
    server.wait_until_accepting()
    return server


def _verify(server: SimulatorServer, service: str, **options):
    contract = server.simulator.contracts[service]
    urls = {d.name: server.base_url(service, d.name) for d in contract.deployments}
    options.setdefault("max_examples", 3)
    return Verifier(VerifyOptions(contract=service, base_urls=urls, now=NOW, **options)).run()


@pytest.fixture
def start_simulator():
    """``start_simulator(*services, contracts_dir=None, wrap=None)``: a running server, stopped after the test.

    ``wrap(wsgi_app) -> wsgi_app`` puts a fault between the simulator and the wire.
    """
    started: list[SimulatorServer] = []

    def start(*services: str, **kwargs) -> SimulatorServer:
        started.append(_start(*services, **kwargs))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def verify():
    """``verify(server, service, **options)``: apisim verify against every deployment the server serves."""
    return _verify


@pytest.fixture(scope="module")
def verified():
    """``verified(service) -> (contract, report)``: one verify run per contract per module, against a fresh simulator."""
    cache: dict[str, tuple] = {}

    def get(service: str):
        if service not in cache:
            server = _start(service)
            try:
                cache[service] = (server.simulator.contracts[service], _verify(server, service))
            finally:
                server.stop()
        return cache[service]

    return get


@pytest.fixture
def contracts_copy(tmp_path) -> Path:
    """A writable copy of the shipped contracts (to break one on purpose: :func:`edit_contract`)."""
    target = tmp_path / "contracts"
    shutil.copytree(Path(shipped_contracts_dir()), target)
    return target


@pytest.fixture
def edit_contract():
    """``edit_contract(contracts, service, change)``: ``change(raw)`` a copy's contract, written back as one file."""
    return _edit_contract


def _edit_contract(contracts: Path, service: str, change) -> None:
    from simulator.contracts import read_contract

    folder = contracts / service
    raw = read_contract(folder if folder.is_dir() else contracts / f"{service}.json")
    change(raw)
    if folder.is_dir():
        shutil.rmtree(folder)
    (contracts / f"{service}.json").write_text(json.dumps(raw, ensure_ascii=False), "utf-8")


@pytest.fixture
def signing_instant() -> datetime:
    return NOW
