"""Companies and business cards read like real ones."""

from __future__ import annotations

import re

import pytest

from simulator.fake.entities import checks, companies

SAMPLES = range(60)


@pytest.mark.parametrize("key", SAMPLES)
def test_every_company_holds_together(key):
    company = companies.company(key)
    assert checks.company_problems(company) == []
    assert not re.search(r"(.{1,4})\1", company.name)


@pytest.mark.parametrize("key", SAMPLES)
def test_every_business_card_holds_together(key):
    holder = companies.card_holder(key)
    card = {"name": holder.name, "company": [holder.company.name], "title": [holder.title],
            "tel_cell": [holder.person.mobile], "tel_work": [holder.office_phone], "email": [holder.email],
            "addr": [holder.company.address.text]}
    assert checks.business_card_problems(card) == []
    assert holder.email.endswith("@" + holder.company.domain)
    assert (holder.department, holder.title) in holder.company.industry.roles


def test_no_title_is_one_nobody_prints_on_a_business_card():
    titles = {t for i in companies.INDUSTRIES for t in i.titles}
    assert not titles & {"中专/职校生", "铲车司机", "安检员", "物业维修员", "其他"}
