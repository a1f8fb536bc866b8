"""The async Dataplus face client, tested offline with the apisim fixtures only."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from examples.clients.dataplus_face_client import DataplusFaceClient, FaceApiError

IMAGES = Path(__file__).parents[2] / "fixtures" / "images"


def image(name: str) -> bytes:
    return (IMAGES / name).read_bytes()


def face_client(apisim, **overrides) -> DataplusFaceClient:
    cred = next(c for c in apisim.all_credentials("aliyun-market") if "ak_id" in c)
    options = {"clock": apisim.now, **overrides}
    return DataplusFaceClient(cred["ak_id"], options.pop("secret", cred["ak_secret"]), **options)


def test_detect_finds_every_face_through_the_vendors_url(apisim_respx):
    rects = asyncio.run(face_client(apisim_respx).detect(image("two_faces.png")))
    assert len(rects) == 2 and all(w > 0 and h > 0 for _, _, w, h in rects)
    assert apisim_respx.calls("aliyun-market.face_detect")[0]["host"] == "dtplus-cn-shanghai.data.aliyuncs.com"


def test_compare_tells_the_same_person_from_another(apisim_respx):
    async def both():
        client = face_client(apisim_respx)
        return await asyncio.gather(client.compare(image("alice_1.jpg"), image("alice_2.png")),
                                    client.compare(image("alice_1.jpg"), image("bob.jpg")))

    same, different = asyncio.run(both())
    assert same.same_person and not different.same_person
    assert len(apisim_respx.calls(operation="face_verify")) == 2


def test_the_client_works_over_loopback_sockets_too(apisim):
    client = face_client(apisim, endpoint=apisim.base_url("aliyun-market", "dataplus-face"))
    assert len(asyncio.run(client.detect(image("alice_1.jpg")))) == 1


@pytest.mark.apisim(service="aliyun-market", error={"face_verify": "3001"})
def test_a_documented_service_error_surfaces_with_its_errno(apisim_respx):
    with pytest.raises(FaceApiError) as raised:
        asyncio.run(face_client(apisim_respx).compare(image("alice_1.jpg"), image("bob.jpg")))
    assert (raised.value.status, raised.value.code, raised.value.message) == (200, "3001", "远程服务不可用")


@pytest.mark.apisim(strict=False)  # deliberately bad signatures: the refusals are what is under test
def test_gateway_refusals_for_a_wrong_secret_and_a_stale_date(apisim_respx):
    wrong_secret = face_client(apisim_respx, secret="not-the-secret")
    stale = face_client(apisim_respx, clock=lambda: apisim_respx.now() - timedelta(minutes=20))
    for client, code in ((wrong_secret, "Invalid Signature"), (stale, "Timestamp Expired")):
        with pytest.raises(FaceApiError) as raised:
            asyncio.run(client.detect(image("alice_1.jpg")))
        assert (raised.value.status, raised.value.code) == (400, code)
    assert [c["failure"] for c in apisim_respx.calls()] == ["auth", "auth"]
