"""docs/services/<service>.md shows every code of its contract, as the contract says it today."""

from __future__ import annotations

import pytest

from simulator.contracts import load_contracts
from simulator.contracts.catalogue import REGENERATE, with_code_table

from .snippets import ROOT

CONTRACTS = load_contracts()


@pytest.mark.parametrize("service", sorted(CONTRACTS))
def test_the_service_page_lists_every_code_as_the_contract_does(service):
    page = ROOT / "docs" / "services" / f"{service}.md"
    text = page.read_text("utf-8")
    assert with_code_table(text, CONTRACTS[service], str(page)) == text, (
        f"docs/services/{service}.md's code table differs from contracts/{service}/errors.json: "
        f"run `{REGENERATE}` from the repository root and commit the page")
    for code in CONTRACTS[service].errors:
        assert f"`{code}`" in text
