"""The Dataplus errno table: each code reached by the request that causes it, and by X-Apisim-Code."""

from __future__ import annotations

import pytest

from simulator.contracts import contracts_dir, load_contract

from .conftest import b64, fixture_b64, fixture_bytes

CONTRACT = load_contract(contracts_dir() / "aliyun-market")
ALICE = fixture_b64("alice_1.jpg")
FIXTURE_URL = "http://apisim.fixtures/images/"


def assert_errno(answer, errno: int, err_msg: str | None = None) -> None:
    assert answer.status == 200
    body = answer.json()
    assert list(body) == ["errno", "err_msg", "request_id"]
    assert body["errno"] == errno
    assert body["err_msg"] == (err_msg or CONTRACT.errors[str(errno)].message)


@pytest.mark.parametrize("op", ["face_detect", "face_attribute", "face_verify"])
@pytest.mark.parametrize("body", [{}, {"type": 2}, {"type": "x"}, {"type": None}, {"type": [1]}, {"type": 1.5},
                                  {"type": True}])
def test_a_missing_or_invalid_type_is_1030(api, op, body):
    assert_errno(api.face(op, body), 1030)


@pytest.mark.parametrize("url", [None, "", "ftp://a.com/a.jpg", "a.jpg", 12])
def test_type_0_with_a_bad_image_url_is_1031_with_the_documents_err_msg(api, url):
    body = {"type": 0} if url is None else {"type": 0, "image_url": url}
    assert_errno(api.face("face_detect", body), 1031, "参数错误：无效的image url")


def test_verify_needs_both_urls(api):
    answer = api.face("face_verify", {"type": "0", "image_url_1": FIXTURE_URL + "alice_1.jpg"})
    assert_errno(answer, 1031, "参数错误：无效的image url")


@pytest.mark.parametrize("url", ["https://photos.example.invalid/a.jpg", "https://apisim.fixtures/unreachable/a.jpg",
                                 "https://apisim.fixtures/missing/a.jpg"])
def test_an_image_url_that_cannot_be_downloaded_is_1002(api, url):
    # The simulator never downloads: the reserved URLs fail the way a download fails.
    assert_errno(api.face("face_detect", {"type": "0", "image_url": url}), 1002)
    answer = api.face("face_verify", {"type": "0", "image_url_1": FIXTURE_URL + "alice_1.jpg",
                                      "image_url_2": FIXTURE_URL + "nobody.jpg"})  # a misspelt fixture
    assert_errno(answer, 1002)


@pytest.mark.parametrize("url", ["http://a.com/a.jpg",
                                 "http://dingyue.ws.126.net/QLwy6VtqdO4A6F=e7K5itvAIWcvEAYVulq4oSN1foJamH1503048856418.jpg"])
def test_the_documents_example_urls_show_one_stable_face(api, url):
    first = api.face("face_detect", {"type": "0", "image_url": url}).json()
    assert (first["errno"], first["face_num"]) == (0, 1)
    verify = api.face("face_verify", {"type": "0", "image_url_1": url, "image_url_2": url}).json()
    assert verify["confidence"] > 75  # the same URL is the same picture, so the same person


@pytest.mark.parametrize("content", [None, "", "not base64!", 42, "data:image/jpeg;base64," + ALICE])
def test_type_1_with_bad_content_or_a_data_prefix_is_1032(api, content):
    body = {"type": "1"} if content is None else {"type": "1", "content": content}
    assert_errno(api.face("face_attribute", body), 1032)


def test_verify_checks_both_contents_before_reading_either_image(api):
    answer = api.face("face_verify", {"type": 1, "content_1": b64(b"not an image"), "content_2": "%%%"})
    assert_errno(answer, 1032)


@pytest.mark.parametrize("data", [fixture_bytes("not_an_image.txt"), fixture_bytes("truncated.jpg"), b"\x00" * 64])
def test_content_that_is_not_a_whole_image_is_2000(api, data):
    assert_errno(api.face("face_detect", {"type": "1", "content": b64(data)}), 2000)


def test_a_fixture_url_that_is_not_an_image_is_2000(api):
    assert_errno(api.face("face_detect", {"type": "0", "image_url": FIXTURE_URL + "not_an_image.txt"}), 2000)


@pytest.mark.parametrize("body", ["[1, 2]", "\"type\"", "3"])
def test_a_json_body_that_is_not_an_object_is_3002(api, body):
    assert_errno(api.face("face_detect", body), 3002)


def test_a_body_that_is_not_json_is_the_gateways_invalid_request_body(api):
    answer = api.face("face_detect", "type=1&content=abc")
    assert answer.status == 400 and answer.header("X-Ca-Error-Message") == "Invalid Request Body"
    assert answer.raw == b""


def test_an_empty_body_is_the_gateways_empty_request_body(api):
    answer = api.face("face_detect", "")
    assert answer.status == 400 and answer.header("X-Ca-Error-Message") == "Empty Request Body"


@pytest.mark.parametrize("op", ["face_detect", "face_attribute", "face_verify"])
@pytest.mark.parametrize("code", ["1001", "1002", "1030", "1031", "1032", "2000", "3000", "3001", "3002"])
def test_x_apisim_code_forces_each_errno(api, op, code):
    body = {"type": "1", "content": ALICE, "content_1": ALICE, "content_2": ALICE}
    answer = api.face(op, body, headers={"X-Apisim-Code": code})
    assert_errno(answer, int(code), CONTRACT.errors[code].body["err_msg"] if CONTRACT.errors[code].body else None)


@pytest.mark.parametrize("code", [c for c in CONTRACT.operations["face_detect"].errors if not c.isdigit()])
def test_x_apisim_code_forces_each_gateway_error_on_the_face_host(api, code):
    entry = CONTRACT.errors[code]
    answer = api.face("face_detect", {"type": "1", "content": ALICE}, headers={"X-Apisim-Code": code})
    assert answer.status == entry.http_status
    # The catalogue's %s placeholder takes the request's real StringToSign.
    assert answer.header("X-Ca-Error-Message").startswith(entry.message.replace("%s", ""))
