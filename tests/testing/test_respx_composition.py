"""A user's own respx routes for other hosts answer in the same test as ``apisim_respx`` and
``apisim_inprocess``, whichever router started first; the documents' hosts still reach apisim."""

from __future__ import annotations

import httpx
import pytest
import respx

from simulator.testing import UnmatchedRequest

IAM = "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens"
HOOK = "https://hooks.example.com/notify"


@pytest.mark.parametrize("fixture", ["apisim_respx", "apisim_inprocess"])
def test_the_respx_mock_fixture_set_up_first_answers_beside_apisim(respx_mock, fixture, request):
    apisim = request.getfixturevalue(fixture)  # after respx_mock: the user's router started first
    hook = respx_mock.post(HOOK).respond(204)
    assert httpx.post(HOOK).status_code == 204
    assert httpx.post(IAM, json={}).status_code == 400  # the simulated IAM's own answer to a bad body
    assert hook.call_count == 1 and [c["operation"] for c in apisim.calls()] == ["create_token"]


def test_a_respx_mock_block_started_inside_the_test_answers_beside_apisim(apisim_respx):
    with respx.mock(assert_all_called=True) as mock:
        mock.get(url__startswith="https://weather.example.com/").respond(json={"sunny": True})
        assert httpx.get("https://weather.example.com/today").json() == {"sunny": True}
        assert httpx.post(IAM, json={}).status_code == 400
    assert len(apisim_respx.calls()) == 1


@respx.mock
def test_the_respx_decorator_works_beside_apisim(apisim_respx):
    respx.post(HOOK).respond(202)
    assert httpx.post(HOOK).status_code == 202
    assert httpx.post(IAM, json={}).status_code == 400


@pytest.mark.apisim(strict=False)  # the path below is documented nowhere: the vendor's own not-found answer
def test_a_users_catch_all_route_does_not_take_the_documents_hosts(apisim_respx, respx_mock):
    everything_else = respx_mock.route().respond(418)
    assert httpx.get("https://elsewhere.example.com/").status_code == 418
    assert httpx.post(IAM, json={}).status_code == 400
    cdc = apisim_respx.original_url("aicp")  # a document's host with a port: http://172.18.x.x:8090/...
    assert httpx.get(cdc + "/nothing-documented-here").status_code != 418
    assert everything_else.call_count == 1


def test_a_host_no_router_answers_is_still_apisims_unmatched_request(pytester):
    pytester.makepyfile(test_user='''
import httpx
import pytest
from simulator.testing import UnmatchedRequest

def test_typo(apisim_respx, respx_mock):
    respx_mock.post("https://hooks.example.com/notify").respond(204)
    with pytest.raises(UnmatchedRequest, match="no documented operation"):
        httpx.get("https://typo.myhuaweicloud.com/v2/p/ocr/quota-invoice")
''')
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)  # raised at the call site, and the test fails for it even if caught
    result.stdout.fnmatch_lines(["*sent requests no documented operation serves*",
                                 "*GET typo.myhuaweicloud.com/v2/p/ocr/quota-invoice: no documented operation*"])


pytest_plugins = ["pytester"]
