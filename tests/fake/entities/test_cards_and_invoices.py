"""Bank cards and quota invoices: real BINs and lengths, Luhn, validity after the clock, region codes."""

from __future__ import annotations

from datetime import datetime

import pytest

from simulator.fake.entities import cards, checks, invoices

SAMPLES = range(60)
NOW = datetime(2026, 12, 4)


@pytest.mark.parametrize("key", SAMPLES)
def test_every_bank_card_is_real_looking_and_still_valid(key):
    card = cards.bank_card(key, now=NOW)
    assert checks.bank_card_problems(card.number, card.bank, card.valid_date, NOW) == []
    assert cards.bin_of(card.number).kind == card.kind


def test_validity_follows_the_clock_it_is_made_at():
    for year in (2024, 2030, 2045):
        now = datetime(year, 3, 1)
        assert all(cards.bank_card(k, now=now).valid_thru > (year, 3) for k in SAMPLES)


def test_bank_and_kind_can_be_pinned():
    for key in range(20):
        card = cards.bank_card(key, now=NOW, bank="招商银行", kind=cards.DEBIT)
        assert card.bank == "招商银行" and len(card.number) == 16 and cards.luhn_valid(card.number)
    with pytest.raises(KeyError, match="known banks"):
        cards.bank_card(1, bank="不存在银行")


def test_the_audit_sample_bins_map_to_their_banks():
    assert cards.bank_of("6217003860002354304") == "中国建设银行"
    assert cards.bank_of("6228480000000000000") == "中国农业银行"
    assert cards.bank_of("4000001234567899") == ""


@pytest.mark.parametrize("key", SAMPLES)
def test_every_invoice_code_carries_the_region_of_its_location(key):
    invoice = invoices.quota_invoice(key)
    assert checks.invoice_problems(invoice.number, invoice.code, invoice.location, invoice.amount) == []


def test_the_fixture_invoice_reads_as_the_scheme_says():
    assert invoices.tax_region("广东省深圳市") == "4403" == "144031909311"[1:5]
    assert invoices.tax_region("北京市") == "1100"
    assert invoices.tax_region("火星市") is None
