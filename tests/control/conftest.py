"""Fixtures for the control plane: one simulator per test behind Flask's test client, and a live
server (loopback, free ports) for the faults that only a real socket can show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from simulator.app import create_app
from simulator.config import SimulatorConfig
from simulator import Simulator

START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
OCR_HOST = "ocr.cn-north-4.myhuaweicloud.com"
OCR_PATH = "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"
IAM_HOST = "iam.cn-north-4.myhuaweicloud.com"
IAM_LOGIN = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
    "scope": {"project": {"name": "cn-north-4"}}}}


class Clock:
    """The simulator's clock, moved only by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Sim:
    """A simulator, its Flask test client and its clock."""

    simulator: Simulator
    client: Any
    clock: Clock

    @property
    def control(self):
        return self.simulator.control

    def ocr(self, body: Any = None, headers: dict[str, str] | None = None):
        """The Huawei quota-invoice operation (no credentials: faults act before authentication)."""
        return self.client.post(OCR_PATH, json=body if body is not None else {"url": "x"},
                                headers={"Host": OCR_HOST, **(headers or {})})

    def iam_token(self) -> str:
        answer = self.client.post("/v3/auth/tokens", json=IAM_LOGIN, headers={"Host": IAM_HOST})
        assert answer.status_code == 201, answer.data
        return answer.headers["X-Subject-Token"]

    def admin(self, method: str, path: str, **kwargs: Any):
        return self.client.open("/__apisim" + path, method=method, **kwargs)


@pytest.fixture(scope="session")
def all_contracts():
    """Contracts are read-only; loading them once keeps each test's simulator cheap."""
    from simulator.contracts import load_contracts

    return load_contracts()


@pytest.fixture
def make_sim(all_contracts):
    def make(*services: str, **config: Any) -> Sim:
        clock = config.pop("clock", None) or Clock()
        names = list(services) or ["huawei-ocr"]
        contracts = {name: all_contracts[name] for name in names}
        simulator = Simulator(SimulatorConfig(services=names, clock=clock, **config), contracts=contracts)
        return Sim(simulator, create_app(simulator=simulator).test_client(), clock)

    return make


@pytest.fixture
def sim(make_sim) -> Sim:
    return make_sim("huawei-ocr")
