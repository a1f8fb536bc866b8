"""Market OCR: business card and bank card results, from the image's content."""

from __future__ import annotations

import json
import re

import pytest

from simulator.faces.ocr import ocr_content
from simulator.fake.entities.cards import bin_of, luhn_valid
from simulator.imaging.decode import inspect_image

from .conftest import b64, fixture_b64, fixture_bytes, tagged_png

REQUEST_ID = re.compile(r"^[0-9]{14}_[0-9a-f]{32}$")
BUSINESS_KEYS = ["name", "company", "department", "title", "tel_cell", "tel_work", "addr", "email", "request_id", "success"]
BANK_KEYS = ["bank_name", "card_num", "valid_date", "request_id", "success"]


def test_a_business_card_reads_its_tagged_content_in_the_documents_shape(api):
    answer = api.market("ocr_business_card", {"image": fixture_b64("business_card.png")})
    assert answer.status == 200
    body = answer.json()
    assert list(body) == BUSINESS_KEYS
    assert body["name"] == "张伟"
    assert body["company"] == ["深圳市星河科技有限公司"]
    assert body["tel_cell"] == ["13812345678"]
    assert body["email"] == ["zhangwei@xinghe-tech.com.cn"]
    assert body["success"] is True


def test_a_bank_card_reads_its_tagged_number_bank_and_validity(api):
    body = api.market("ocr_bank_card", {"image": fixture_b64("bank_card.jpg")}).json()
    assert list(body) == BANK_KEYS
    assert (body["bank_name"], body["card_num"], body["valid_date"], body["success"]) == (
        "中国建设银行", "6217003860002354304", "09/22", True)


def test_an_untagged_photo_gets_a_stable_realistic_bank_card(api):
    image = tagged_png({}, colour="#224466")
    first = api.market("ocr_bank_card", {"image": b64(image)}).json()
    again = api.market("ocr_bank_card", {"image": b64(image)}).json()
    assert first["success"] is True
    assert luhn_valid(first["card_num"]) and len(first["card_num"]) == bin_of(first["card_num"]).length
    assert first["bank_name"] == bin_of(first["card_num"]).bank and re.fullmatch(r"[0-9]{2}/[0-9]{2}", first["valid_date"])
    assert {k: v for k, v in first.items() if k != "request_id"} == {k: v for k, v in again.items() if k != "request_id"}
    assert first["request_id"] != again["request_id"]  # every call has its own id


def test_an_untagged_photo_of_a_business_card_matches_the_face_models_reading(api):
    image = tagged_png({}, colour="#eeeeee")
    body = api.market("ocr_business_card", {"image": b64(image)}).json()
    expected = ocr_content(inspect_image(image), "business")
    assert body["name"] == expected["name"] and body["company"] == expected["company"]
    assert re.fullmatch(r"1[3-9][0-9]{9}", body["tel_cell"][0])


def test_a_business_card_tagged_with_several_values_returns_arrays(api):
    image = tagged_png({"card": "business", "name": "刘训志", "company": "九州证券股份有限公司,九州证券",
                        "addr": "上海浦东新区杨高南路799号,陆家嘴世纪金融广场3号楼22层", "title": ""})
    body = api.market("ocr_business_card", {"image": b64(image)}).json()
    assert body["company"] == ["九州证券股份有限公司", "九州证券"]
    assert body["addr"] == ["上海浦东新区杨高南路799号", "陆家嘴世纪金融广场3号楼22层"]
    assert body["title"] == []  # "数组可能为空"


@pytest.mark.parametrize("op, image", [
    ("ocr_business_card", "alice_1.jpg"),   # a face photo holds no card
    ("ocr_bank_card", "business_card.png"),  # the wrong kind of card
    ("ocr_business_card", "quota_invoice.png"),
    ("ocr_bank_card", "no_face.png"),
])
def test_an_image_without_the_card_answers_success_false_with_empty_fields(api, op, image):
    answer = api.market(op, {"image": fixture_b64(image)})
    assert answer.status == 200
    body = answer.json()
    assert body["success"] is False
    assert all(value in ("", []) for key, value in body.items() if key not in ("success", "request_id"))
    assert REQUEST_ID.fullmatch(body["request_id"])


@pytest.mark.parametrize("image", [b64(fixture_bytes("not_an_image.txt")), "%%% not base64 %%%", b64(fixture_bytes("truncated.jpg"))])
def test_an_image_that_does_not_decode_holds_no_card(api, image):
    body = api.market("ocr_bank_card", {"image": image}).json()
    assert body["success"] is False and body["card_num"] == ""


def test_request_ids_have_the_backends_time_and_32_hex_digits_and_the_gateway_adds_its_own(api):
    answer = api.market("ocr_bank_card", {"image": fixture_b64("bank_card.jpg")})
    request_id = answer.json()["request_id"]
    assert REQUEST_ID.fullmatch(request_id)
    assert request_id.startswith("20260301160000_")  # 08:00 UTC is 16:00 in Beijing
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", answer.header("X-Ca-Request-Id"))


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/json", "text/plain", None])
def test_the_body_is_json_whatever_content_type_says(api, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    answer = api.market("ocr_bank_card", json.dumps({"image": fixture_b64("bank_card.jpg")}), headers=headers)
    assert answer.status == 200 and answer.json()["success"] is True


def test_a_valid_configure_string_is_accepted(api):
    configure = json.dumps({"min_size": 16, "output_prob": True})
    answer = api.market("ocr_business_card", {"image": fixture_b64("business_card.png"), "configure": configure})
    assert answer.status == 200 and answer.json()["success"] is True


def test_success_answers_are_json_utf8(api):
    answer = api.market("ocr_business_card", {"image": fixture_b64("business_card.png")})
    assert answer.header("Content-Type").startswith("application/json")
    assert "张伟".encode("utf-8") in answer.raw


def test_the_same_request_with_the_same_seed_gives_the_same_content(app, clock):
    from .conftest import Api
    from simulator.app import create_app
    from simulator.config import SimulatorConfig

    image = b64(tagged_png({}, colour="#010203"))
    one = Api(create_app(SimulatorConfig(services=["aliyun-market"], clock=clock)).test_client(), clock)
    two = Api(create_app(SimulatorConfig(services=["aliyun-market"], clock=clock)).test_client(), clock)
    assert one.market("ocr_business_card", {"image": image}).json() == two.market("ocr_business_card", {"image": image}).json()
