"""Fixtures for AICP tests: a client that addresses each deployment by its own local port."""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

import pytest

from simulator.app import create_app
from simulator.config import SimulatorConfig
from simulator.contracts import load_contracts
from simulator import Simulator
from simulator.services.aicp.models import ha_queue

ADMIN_TOKEN = "YXBpc2ltLWFkbWluLXRvaw=="  # the contract's demo admin credential
FIXTURE_IMAGES = Path(__file__).resolve().parents[3] / "fixtures" / "images"


def image(name: str) -> str:
    """A fixture image as base64 (alice_1/alice_2: one person; bob; two_faces; no_face; masked...)."""
    return base64.b64encode((FIXTURE_IMAGES / name).read_bytes()).decode("ascii")


class Aicp:
    """``post(deployment, path, body)`` over one fresh simulator, each deployment on its own port."""

    def __init__(self, client: Any):
        self.client = client
        self.sim = client.simulator
        self.contract = self.sim.contracts["aicp"]
        self.store = self.sim.service_store("aicp")

    def port(self, deployment: str) -> int:
        return self.sim.port_of(self.contract.deployment(deployment))

    def request(self, method: str, deployment: str, path: str, body: Any = None, *, data: str | bytes | None = None,
                token: str | None = None, code: str | None = None, headers: dict[str, str] | None = None,
                query: dict[str, str] | None = None):
        headers = dict(headers or {})
        if token is not None:
            headers["token"] = token
        if code is not None:
            headers["X-Apisim-Code"] = code
        kwargs: dict[str, Any] = {"headers": headers, "query_string": query,
                                  "environ_overrides": {"SERVER_PORT": str(self.port(deployment))}}
        if data is not None:
            kwargs["data"] = data
            headers.setdefault("Content-Type", "application/json")
        elif body is not None:
            kwargs["json"] = body
        return self.client.open(path, method=method, **kwargs)

    def post(self, deployment: str, path: str, body: Any = None, **kwargs: Any):
        return self.request("POST", deployment, path, body, **kwargs)

    def get(self, deployment: str, path: str, **kwargs: Any):
        return self.request("GET", deployment, path, **kwargs)

    # -- short cuts for multi-step tests ---------------------------------------------------------

    def micro(self, path: str, body: Any = None, token: str = ADMIN_TOKEN, **kwargs: Any):
        return self.post("micro", path, body, token=token, **kwargs)

    def add_base(self, group_id: str = "200000", name: str = "sitechTest2") -> dict[str, Any]:
        response = self.micro("/aicp/face/addBase", {"groupId": group_id, "dbName": name, "dbDesc": "This is sitechTest"})
        assert response.get_json()["flag"] is True, response.get_json()
        return response.get_json()["data"]

    def enrol_micro(self, name: str, group_id: str = "200000", who: str = "小明") -> str:
        response = self.micro("/aicp/face/add", {"groupId": group_id, "image": image(name), "name": who})
        assert response.get_json()["flag"] is True, response.get_json()
        return response.get_json()["data"]["personNo"]

    def engine_down(self, down: bool = True) -> None:
        ha_queue.set_engine_down(self.store, down)


@functools.lru_cache(maxsize=1)
def _contracts() -> dict[str, Any]:
    """Contracts are read-only once loaded: every test's simulator shares them (loading is the slow part)."""
    return load_contracts(services=["aicp"])


@pytest.fixture
def aicp(fixed_now) -> Aicp:
    """A fresh simulator (fixed clock, answers checked against their own schemas) and a client for it."""
    sim = Simulator(SimulatorConfig(services=["aicp"], clock=lambda: fixed_now, validate_responses=True),
                    contracts=_contracts())
    client = create_app(simulator=sim).test_client()
    client.simulator = sim
    return Aicp(client)
