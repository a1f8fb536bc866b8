"""OCR content: card kinds, tagged values winning, realistic stable fakes."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from PIL import Image

from simulator.faces.ocr import bank_of, card_has_valid_number, card_kind, holds_card, ocr_confidence, ocr_content
from simulator.fake.entities import checks
from simulator.fake.entities.cards import luhn_valid
from simulator.imaging.decode import inspect_image
from simulator.imaging.tags import write_tags


def image(tags: dict | None = None, shade: int = 0):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 30, 60)).save(out, "PNG")
    return inspect_image(write_tags(out.getvalue(), tags) if tags else out.getvalue())


def test_card_kind_comes_from_the_card_tag_or_the_keys_present():
    assert card_kind(image({"card": "business"})) == "business"
    assert card_kind(image({"bank_card": "6217003860002354304"})) == "bank"
    assert card_kind(image({"amount": "￥5.00"})) == "invoice"
    assert card_kind(image({"name": "张三"})) == "business"
    assert card_kind(image({"faces": 1, "person": "a"})) == "none"
    assert card_kind(image()) is None


def test_an_untagged_image_holds_whatever_card_the_service_reads_and_a_tagged_one_only_its_own():
    assert holds_card(image(), "bank") and holds_card(image(), "invoice")
    assert holds_card(image({"card": "bank"}), "bank")
    assert not holds_card(image({"card": "bank"}), "invoice")
    assert not holds_card(image({"faces": 1}), "business")


def test_tagged_values_win_and_the_rest_is_filled():
    content = ocr_content(image({"card": "bank", "valid": "01/30"}))
    assert content["valid"] == "01/30"
    assert luhn_valid(content["bank_card"]) and content["bank"] == bank_of(content["bank_card"])


def test_a_tagged_card_number_brings_its_own_bank():
    assert ocr_content(image({"bank_card": "6222021234567890128"}))["bank"] == "中国工商银行"
    assert ocr_content(image({"bank_card": "4000001234567899"}))["bank"] == ""  # unknown BIN: may be empty


@pytest.mark.parametrize("shade", range(0, 250, 25))
def test_untagged_fakes_are_stable_and_realistic(shade):
    img = image(shade=shade)
    now = datetime(2026, 12, 4)
    bank = ocr_content(img, "bank", now=now)
    assert bank == ocr_content(image(shade=shade), "bank", now=now)
    assert card_has_valid_number(bank["bank_card"])
    assert checks.bank_card_problems(bank["bank_card"], bank["bank"], bank["valid"], now) == []

    invoice = ocr_content(img, "invoice")
    assert checks.invoice_problems(invoice["invoice_number"], invoice["invoice_code"], invoice["location"],
                                   invoice["amount"]) == []

    card = ocr_content(img, "business")
    assert card["name"] and card["company"] and card["company"][0]
    assert checks.business_card_problems(card) == []
    assert re.fullmatch(r"1[3-9]\d{9}", card["tel_cell"][0])
    assert re.fullmatch(r"0\d{9,11}", card["tel_work"][0])
    assert re.fullmatch(r"[\w.+-]+@[\w-]+(\.[a-z]+)+", card["email"][0])


def test_an_untagged_bank_card_is_valid_after_the_clock_it_is_read_at():
    img = image(shade=3)
    for year in (2026, 2031, 2040):
        now = datetime(year, 6, 15)
        bank = ocr_content(img, "bank", now=now)
        assert checks.bank_card_problems(bank["bank_card"], bank["bank"], bank["valid"], now) == []


def test_invoice_code_follows_a_tagged_location():
    content = ocr_content(image({"card": "invoice", "location": "广东省深圳市"}))
    assert content["invoice_code"][1:5] == "4403"


def test_list_fields_of_business_cards_are_split_on_commas():
    content = ocr_content(image({"card": "business", "company": "甲公司,乙公司", "email": "a@x.cn"}))
    assert content["company"] == ["甲公司", "乙公司"] and content["email"] == ["a@x.cn"]


def test_asking_for_an_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        ocr_content(image())  # untagged: the caller must say which card it reads
    with pytest.raises(ValueError):
        ocr_content(image(), "passport")


def test_field_confidences_are_stable_and_high():
    conf = ocr_confidence(image(), ["number", "code"])
    assert conf == ocr_confidence(image(), ["number", "code"])
    assert all(0.95 <= v < 1 for v in conf.values())


def test_a_reading_changed_by_its_caller_does_not_change_the_next_reading():
    """Readings are kept per image (the same image text gives the same image object), so each
    caller gets its own copy to change."""
    card = image({"card": "business", "name": "张三", "company": "甲公司,乙公司"})
    first = ocr_content(card)
    first["name"] = "李四"
    first["company"].append("丙公司")
    again = ocr_content(card)
    assert again["name"] == "张三" and again["company"] == ["甲公司", "乙公司"]
