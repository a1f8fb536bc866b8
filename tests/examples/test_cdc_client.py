"""The requests-based CDC-Python client against the live simulator (requests is not httpx: no respx)."""

from __future__ import annotations

import pytest

from examples.clients.cdc_client import CdcClient, CdcError

HOME = (30.22625, 120.03185)  # the document's Distance example, first point
TAIZHOU = (28.6756122, 121.362822)  # and its second


def client_for(apisim, username: str) -> CdcClient:
    user = next(c for c in apisim.all_credentials("cdc-python") if c["username"] == username)
    return CdcClient(user["token"], base_url=apisim.base_url("cdc-python"))


def test_distance_matches_the_documents_example(apisim):
    metres = CdcClient(base_url=apisim.base_url("cdc-python")).distance(*HOME, *TAIZHOU)
    assert metres == pytest.approx(215498.46, abs=0.01)
    assert apisim.calls("cdc-python")[0]["operation"] == "distance_calc"


def test_a_published_post_is_listed_nearby(apisim):
    wlc = client_for(apisim, "wlc")
    post_id = wlc.publish("楼下便利店今天打折", item_id=3990811)
    posts = wlc.nearby_posts(*HOME, distance=1000)
    assert posts[0]["community_id"] == post_id and posts[0]["content"] == "楼下便利店今天打折"
    assert posts[0]["user"]["username"] == "wlc"


def test_a_private_message_shows_up_as_unread_for_its_receiver(apisim):
    receiver = client_for(apisim, "13750687010")
    before = receiver.unread()["private"]
    client_for(apisim, "wlc").send_message("13750687010", "你好", "周末一起打球？")
    after = receiver.unread()
    assert after["private"] == before + 1 and after["private_detail"]["wlc"] >= 1


@pytest.mark.apisim(error={"cdc-python.msg_send": "-200"})
def test_a_forced_database_failure_reaches_the_client(apisim):
    with pytest.raises(CdcError) as raised:
        client_for(apisim, "wlc").send_message("13750687010", "你好", "在吗")
    assert (raised.value.status, raised.value.message) == (-200, "Failure to operate database")


@pytest.mark.apisim(strict=False)  # calling without a token on purpose
def test_calls_without_a_token_are_refused_with_the_documents_status(apisim):
    with pytest.raises(CdcError) as raised:
        CdcClient(base_url=apisim.base_url("cdc-python")).unread()
    assert (raised.value.status, raised.value.message) == (-100, "Missing necessary args")
