"""The fixtures serve an imported contract (``apisim contract import openapi``) as ``apisim serve
--contracts-dir`` does: from the TOML file's ``contracts_dir`` (relative to the file), ini
``apisim_contracts_dir`` (relative to the ini file) or ``--apisim-contracts-dir``, with the shipped
contracts beside it on ``with_shipped``."""

from __future__ import annotations

import pytest

from tests.services.generic.conftest import import_pets

pytest_plugins = ["pytester"]

# A user's tests of a pet-store client: through loopback ports, respx and requests, one simulator.
USES_THE_PET_STORE = '''
import httpx
import pytest
import requests

def key(server):
    return {"X-API-Key": server.credentials("pet-store")["api_key"]}

def test_over_loopback(apisim):
    reply = httpx.post(apisim.base_url("pet-store") + "/pets", json={"name": "Rex"}, headers=key(apisim))
    assert reply.status_code == 201 and isinstance(reply.json()["id"], int)
    assert apisim.calls("pet-store.create_pet")[0]["status"] == 201

def test_through_respx_at_the_documents_url(apisim_respx):
    assert apisim_respx.original_url() == "https://api.pets.example/v1"   # the only service served
    reply = httpx.get("https://api.pets.example/v1/pets/7", headers=key(apisim_respx))
    assert reply.json() == {"id": 1, "name": "Rex"}                         # the operation's example

@pytest.mark.apisim(strict=False)
def test_a_broken_request_gets_the_documents_error(apisim_respx):
    reply = httpx.post("https://api.pets.example/v1/pets", json={"tag": "dog"}, headers=key(apisim_respx))
    assert (reply.status_code, reply.json()["code"]) == (400, "400")

@pytest.mark.apisim(error={"pet-store.get_pet": "PET_NOT_FOUND"})
def test_requests_in_process_with_a_forced_error(apisim_inprocess):
    reply = requests.get("https://api.pets.example/v1/pets/7", headers=key(apisim_inprocess))
    assert (reply.status_code, reply.json()["code"]) == (404, "PET_NOT_FOUND")
'''

SERVES_ONLY = '''
def test_served(apisim_session):
    assert sorted(apisim_session.simulator.contracts) == {services!r}
'''


def test_the_config_files_contracts_dir_is_served_by_every_fixture_relative_to_the_file(pytester):
    import_pets(pytester.path / "setup", into="imported")
    (pytester.path / "setup" / "apisim.toml").write_text('contracts_dir = "imported"\n', "utf-8")
    pytester.makepyfile(test_client=USES_THE_PET_STORE)
    pytester.runpytest_inprocess("--apisim-config", "setup/apisim.toml", "-p", "no:randomly").assert_outcomes(
        passed=4)


def test_the_ini_key_names_the_folder_relative_to_the_ini_file(pytester):
    import_pets(pytester.path / "setup", into="imported")
    pytester.makeini("[pytest]\napisim_contracts_dir = setup/imported\n")
    pytester.makepyfile(test_client=USES_THE_PET_STORE)
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=4)


def test_with_shipped_serves_the_shipped_contracts_beside_the_imported_one(pytester):
    imported = import_pets(pytester.path / "setup", into="imported")
    pytester.makeini("[pytest]\napisim_with_shipped = true\n")
    everything = ["aicp", "aliyun-market", "aliyun-saf", "cdc-python", "huawei-ocr", "pet-store"]
    pytester.makepyfile(test_served=SERVES_ONLY.format(services=everything))
    pytester.runpytest_inprocess("--apisim-contracts-dir", str(imported)).assert_outcomes(passed=1)


@pytest.mark.parametrize("ini, options, message", [
    ("", ["--apisim-contracts-dir", "nowhere"], "*apisim: contracts folder */nowhere: no such folder*"),
    ("apisim_with_shipped = true\n", [], "*apisim: --with-shipped adds the shipped contracts*"),
])
def test_a_missing_folder_or_with_shipped_alone_is_a_usage_error(pytester, ini, options, message):
    pytester.makeini(f"[pytest]\n{ini}")
    pytester.makepyfile(test_served=SERVES_ONLY.format(services=[]))
    result = pytester.runpytest_inprocess(*options)
    result.stdout.fnmatch_lines([message])
