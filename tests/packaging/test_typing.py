"""Users' type checkers see apisim's types: the package is marked (PEP 561) and the public testing
API (ApisimServer, the fixtures, the in-process routes, the control plane's faults) is annotated."""

from __future__ import annotations

import inspect
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest

import simulator
from simulator.control import Faults
from simulator.testing import ApisimServer, FixedClock, InProcess, OfflineGuard, apisim_inprocess, offline_guard
from simulator.testing import plugin

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_ships_its_py_typed_marker():
    assert (Path(simulator.__file__).parent / "py.typed").is_file()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    assert "py.typed" in package_data["simulator"]


def _public_callables(cls: type) -> list[tuple[str, object]]:
    return [(name, member) for name, member in vars(cls).items()
            if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))]


@pytest.mark.parametrize("cls", [ApisimServer, FixedClock, InProcess, OfflineGuard, Faults])
def test_every_public_method_of_the_testing_api_says_what_it_returns(cls):
    missing = []
    for name, member in _public_callables(cls):
        function = member.fget if isinstance(member, property) else member
        if "return" not in function.__annotations__:
            missing.append(name)
    assert missing == []


@pytest.mark.parametrize("function", [apisim_inprocess, offline_guard, plugin.apisim, plugin.apisim_respx,
                                      plugin.apisim_inprocess, plugin.apisim_session])
def test_the_fixtures_and_factories_are_annotated(function):
    wrapped = getattr(function, "__wrapped__", function)
    assert "return" in wrapped.__annotations__
