"""ServedSimulator: ``apisim serve`` in a child process, for tests of the served simulator."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from simulator.contracts import load_contracts
from simulator.server import free_port_base
from simulator.testing import served as served_module
from simulator.testing.served import ServedSimulator

ARGS = ["--server", "httptools", "--workers", "1", "--service", "cdc-python"]


def cdc_port(port_base: int) -> int:
    """The first port apisim serve binds for cdc-python at this port base."""
    return port_base + 10 * load_contracts(services=["cdc-python"])["cdc-python"].port_block


def test_a_port_block_taken_before_the_bind_is_swapped_for_another(monkeypatch):
    """Parallel tests can take a port between the free-block check and apisim serve's bind: the
    served simulator picks another block instead of failing the test."""
    taken, spare = free_port_base(), free_port_base()
    picks = iter([taken, spare])
    monkeypatch.setattr(served_module, "free_port_base", lambda: next(picks))
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", cdc_port(taken)))
        squatter.listen()
        with ServedSimulator(ARGS) as served:
            assert served.config.port_base == spare
            entry = served.urls()["cdc-python"]
            local = entry[next(d for d in entry if d != "credentials")]["local"]
            assert int(local.rsplit(":", 1)[1]) == cdc_port(spare)
            with urllib.request.urlopen(local + "/", timeout=10) as response:
                assert response.status == 200


def test_an_explicit_port_base_that_is_taken_is_an_error_naming_it():
    base = free_port_base()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", cdc_port(base)))
        squatter.listen()
        server = ServedSimulator(ARGS, port_base=base)
        with pytest.raises(RuntimeError, match=f"127.0.0.1:{cdc_port(base)}.*Address already in use"):
            server.start()
        server.stop()
