"""The coherence checks catch what the fidelity audit found (so a test using them can fail)."""

from __future__ import annotations

from datetime import datetime

from simulator.fake.entities import checks


def test_a_province_with_another_provinces_city_is_caught():
    assert checks.address_problems("澳门特别行政区杭州市南长杨街z座")
    assert checks.address_problems("贵州省南京县海港乌鲁木齐街d座")
    assert checks.address_problems("广东省深圳市南山区科技路1号") == []


def test_an_office_number_from_another_city_is_caught():
    card = {"name": "刘训志", "company": ["九州证券股份有限公司"], "title": ["投资顾问"], "tel_cell": ["13162913279"],
            "tel_work": ["057132130648"], "email": ["liuxunzhi@jzsec.com"], "addr": ["上海市浦东新区世纪大道1号"]}
    problems = checks.business_card_problems(card)
    assert any("杭州市" in p and "上海市" in p for p in problems)
    card["tel_work"] = ["02168813399"]
    assert checks.business_card_problems(card) == []


def test_odd_titles_unrelated_mail_and_repeated_words_are_caught():
    card = {"name": "陈桂英", "company": ["方正科技科技有限公司"], "title": ["铲车司机"], "email": ["sunqiang@pingli.net"],
            "addr": ["广东省深圳市南山区科技路1号"]}
    problems = " | ".join(checks.business_card_problems(card))
    assert "says a word twice" in problems and "铲车司机" in problems and "pinyin" in problems


def test_expired_cards_wrong_banks_and_bad_numbers_are_caught():
    now = datetime(2026, 12, 4)
    assert any("expired" in p for p in checks.bank_card_problems("6217003860002354304", "中国建设银行", "11/26", now))
    assert checks.bank_card_problems("6217003860002354304", "中国建设银行", "12/26", now) == []
    assert any("is a 中国建设银行 card" in p for p in checks.bank_card_problems("6217003860002354304", "招商银行", "01/30", now))
    assert any("Luhn" in p for p in checks.bank_card_problems("6217003860002354305", "中国建设银行", "01/30", now))


def test_id_numbers_that_contradict_the_record_are_caught():
    assert checks.resident_id_problems("33108219991127089X", gender="male") == []
    assert any("encodes male" in p for p in checks.resident_id_problems("33108219991127089X", gender="female"))
    assert any("check character" in p for p in checks.resident_id_problems("330103199001011234"))
    assert any("region" in p for p in checks.resident_id_problems("33108219991127089X", region="440305"))


def test_an_invoice_code_from_another_region_is_caught():
    assert checks.invoice_problems("91024561", "144031909311", "广东省深圳市", "￥50.00") == []
    assert checks.invoice_problems("91024561", "133011909311", "广东省深圳市", "￥50.00")
    assert checks.invoice_problems("91024561", "144031909311", "广东省深圳市", "￥3.00")
