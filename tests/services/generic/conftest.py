"""An OpenAPI 3.1 file written here, imported with ``apisim contract import openapi``, served by the
generic service (no Python of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from simulator import Simulator
from simulator.cli import main
from simulator.config import SimulatorConfig
from simulator.contracts import Contract
from simulator.core import SimRequest
from tests.authoring.specs import PETS_31

BASE = "https://api.pets.example/v1"


@dataclass
class Served:
    contracts_dir: Path
    simulator: Simulator

    @property
    def contract(self) -> Contract:
        return self.simulator.contracts["pet-store"]

    @property
    def key(self) -> str:
        return self.simulator.credentials("pet-store")[0]["api_key"]

    def send(self, method: str, path: str, body: bytes = b"", *, key: str | None = "", **headers: str):
        sent = {"Content-Type": "application/json", **headers} if body else dict(headers)
        if key is not None:
            sent["X-API-Key"] = key or self.key
        return self.simulator.exchange(SimRequest.from_url(method, BASE + path, sent, body))


def import_pets(folder: Path, into: str = "contracts") -> Path:
    """The pet store written to ``folder/pets.yaml`` and imported into ``folder/<into>``, as a user
    would: with the command. The contracts folder."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "pets.yaml"
    spec.write_text(yaml.safe_dump(PETS_31, sort_keys=False), "utf-8")
    assert main(["contract", "import", "openapi", str(spec), "-o", str(folder / into)]) == 0
    return folder / into


@pytest.fixture(scope="module")
def pets_dir(tmp_path_factory) -> Path:
    """The imported contract's folder (imported once per module)."""
    return import_pets(tmp_path_factory.mktemp("pets"))


@pytest.fixture
def pets(pets_dir) -> Served:
    return Served(pets_dir, Simulator(SimulatorConfig(contracts_dir=str(pets_dir))))
