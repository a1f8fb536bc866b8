"""Every service package has the same few files (docs/ARCHITECTURE.md), so each reads like the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.services import discover_services

SERVICES = Path(__file__).resolve().parents[2] / "simulator" / "services"
PACKAGES = sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists())
REQUIRED = ("handlers", "envelopes", "models")  # each a module, or a package of them
OPTIONAL = ("codes", "params")  # which documented code an outcome gets; the service's parameter view


def _entries(package: str) -> set[str]:
    return {p.stem for p in (SERVICES / package).iterdir() if p.name != "__pycache__" and p.name != "__init__.py"}


GENERIC = "generic"  # the service of every contract without a package: built per contract, not discovered


def test_every_package_is_a_discovered_service_but_the_generic_one():
    assert len(PACKAGES) - 1 == len(discover_services())
    assert GENERIC in PACKAGES


@pytest.mark.parametrize("package", PACKAGES)
def test_a_service_package_holds_handlers_envelopes_models_and_nothing_else_but_codes_and_params(package):
    entries = _entries(package)
    assert set(REQUIRED) <= entries, f"{package}: missing {sorted(set(REQUIRED) - entries)}"
    assert entries <= {*REQUIRED, *OPTIONAL}, (f"{package}: {sorted(entries - {*REQUIRED, *OPTIONAL})} belong in "
                                               f"models/ (state and domain rules) or handlers/")


@pytest.mark.parametrize("package", PACKAGES)
def test_handlers_and_models_take_a_typed_context(package):
    untyped = [f"{path.relative_to(SERVICES)}:{number}" for path in (SERVICES / package).rglob("*.py")
               for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if "ctx: Any" in line]
    assert not untyped, f"type ctx as simulator.pipeline.context.Context: {untyped}"
