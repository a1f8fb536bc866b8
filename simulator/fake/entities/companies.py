"""Companies and the people on their business cards.

A company has a registered-style name (city, brand, industry, legal form: 深圳星河科技有限公司), a
domain made from the brand's pinyin and the industry (xinghetech.com), an office address in its
city, and the departments and job titles of its industry, so a business card reads like one
(九州证券 → 投资顾问 at jzsec.com, not 铲车司机 at an unrelated domain).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulator.fake.entities import people, places
from simulator.core.seeds import stable_rng

# Brand words (字号) with their pinyin syllables; none repeats an industry word, so names never read 科技科技.
BRANDS = (
    ("星河", "xing he"), ("华信", "hua xin"), ("恒泰", "heng tai"), ("锦程", "jin cheng"), ("瑞达", "rui da"),
    ("博远", "bo yuan"), ("天成", "tian cheng"), ("宏图", "hong tu"), ("新锐", "xin rui"), ("汇通", "hui tong"),
    ("鼎盛", "ding sheng"), ("海纳", "hai na"), ("云帆", "yun fan"), ("启明", "qi ming"), ("九州", "jiu zhou"),
    ("正阳", "zheng yang"), ("中联", "zhong lian"), ("安泰", "an tai"), ("永信", "yong xin"), ("嘉禾", "jia he"),
    ("远景", "yuan jing"), ("万象", "wan xiang"), ("思远", "si yuan"), ("明德", "ming de"), ("金桥", "jin qiao"),
    ("长风", "chang feng"), ("立达", "li da"), ("创维", "chuang wei"), ("同舟", "tong zhou"), ("蓝海", "lan hai"),
    ("信诚", "xin cheng"), ("弘毅", "hong yi"), ("盛世", "sheng shi"), ("卓越", "zhuo yue"), ("融创", "rong chuang"),
    ("致远", "zhi yuan"), ("和润", "he run"), ("凯旋", "kai xuan"), ("德信", "de xin"), ("东升", "dong sheng"),
)


@dataclass(frozen=True)
class Industry:
    word: str  # what the company name says: 科技, 证券...
    domain_word: str  # what its domain says: tech, sec...
    roles: tuple[tuple[str, str], ...]  # (department, title) pairs that go together on a card

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(title for _, title in self.roles))


def _roles(text: str) -> tuple[tuple[str, str], ...]:
    """"部门:职位,职位; ..." → (部门, 职位) pairs."""
    return tuple((dept, title) for part in text.split(";") for dept, titles in [part.strip().split(":")]
                 for title in titles.split(","))


_MANAGEMENT = "总经理办公室:总经理,副总经理"
INDUSTRIES = (
    Industry("科技", "tech", _roles(f"技术部:软件工程师,高级软件工程师,技术总监; 产品部:产品经理; 市场部:市场经理,市场总监; "
                                    f"销售部:销售经理,大客户经理; 项目管理部:项目经理; {_MANAGEMENT}")),
    Industry("信息技术", "it", _roles(f"研发中心:系统架构师,软件工程师; 解决方案部:售前工程师,解决方案经理; "
                                      f"销售部:销售经理,销售总监; 项目管理部:项目经理; {_MANAGEMENT}")),
    Industry("网络科技", "net", _roles(f"运营部:运营经理,运营总监; 产品部:产品经理; 技术部:前端工程师,后端工程师; "
                                       f"市场部:市场经理,品牌经理; {_MANAGEMENT}")),
    Industry("电子", "elec", _roles(f"研发部:硬件工程师,电子工程师; 品质部:品质经理; 采购部:采购经理; "
                                    f"销售部:销售经理,区域销售经理; {_MANAGEMENT}")),
    Industry("贸易", "trade", _roles(f"业务部:业务经理,业务员; 进出口部:外贸经理,报关主管; 采购部:采购经理; "
                                     f"财务部:财务经理,会计; {_MANAGEMENT}")),
    Industry("证券", "sec", _roles("经纪业务部:投资顾问,客户经理; 财富管理部:理财经理,财富顾问; 研究所:证券分析师,研究员; "
                                   "投资银行部:投资银行经理,保荐代表人; 营业部:营业部总经理")),
    Industry("管理咨询", "consulting", _roles("咨询部:咨询顾问,高级顾问,项目总监; 客户部:客户经理; 合伙人办公室:合伙人")),
    Industry("建筑工程", "build", _roles(f"工程部:项目经理,工程师; 设计部:结构工程师,设计总监; 技术部:总工程师; "
                                         f"{_MANAGEMENT}")),
    Industry("生物医药", "bio", _roles(f"研发中心:研究员,高级研究员; 注册部:注册专员,注册经理; 医学部:医学经理; "
                                       f"销售部:医药代表,大区经理; {_MANAGEMENT}")),
    Industry("物流", "logistics", _roles(f"运营部:运营经理,调度主管; 客户服务部:客服经理; 销售部:客户经理,区域经理; "
                                         f"{_MANAGEMENT}")),
    Industry("文化传媒", "media", _roles(f"策划部:策划总监,策划经理; 创意部:创意总监,设计师; 客户部:客户经理; "
                                         f"{_MANAGEMENT}")),
)
LEGAL_FORMS = ("有限公司", "股份有限公司")
TOP_LEVEL_DOMAINS = ("com", "com.cn", "cn")


@dataclass(frozen=True)
class Company:
    key: str
    name: str  # 深圳星河科技有限公司
    brand: str  # 星河
    industry: Industry
    domain: str  # xinghetech.com
    address: places.Address
    switchboard: str  # area code of its city, "-", local number

    @property
    def city(self) -> places.City:
        return self.address.place.city


@dataclass(frozen=True)
class CardHolder:
    """One person's business card at a company: what a card OCR reads."""

    person: people.Person
    company: Company
    department: str
    title: str
    office_phone: str  # with the area code of the company's city, as cards print it: 075586012345
    email: str  # at the company's domain

    @property
    def name(self) -> str:
        return self.person.name


def company(key: object, *, seed: int = 0, place: places.Place | None = None) -> Company:
    """The company ``key`` names (deterministic for ``key`` and ``seed``); ``place`` pins its office."""
    rng = stable_rng("company", seed, key)
    brand, brand_py = rng.choice(BRANDS)
    # 华信 + 信息技术 would read 华信信息技术: a character said twice in a row, as no registrar would allow.
    industry = rng.choice([i for i in INDUSTRIES if i.word[0] != brand[-1]])
    place = place or places.pick_place(rng)
    prefix = place.city.short_name if rng.random() < 0.6 else ""
    name = f"{prefix}{brand}{industry.word}{rng.choice(LEGAL_FORMS)}"
    syllables = brand_py.split()
    # xinghe.com, or the initials and the industry as many firms do (jzsec.com for 九州证券).
    stem = "".join(syllables) if rng.random() < 0.5 else "".join(s[0] for s in syllables) + industry.domain_word
    return Company(
        key=str(key),
        name=name,
        brand=brand,
        industry=industry,
        domain=f"{stem}.{rng.choice(TOP_LEVEL_DOMAINS)}",
        address=places.street_address(rng, place, office=True),
        switchboard=people.landline_number(rng, place.city),
    )


def card_holder(key: object, *, seed: int = 0, employer: Company | None = None,
                person: people.Person | None = None) -> CardHolder:
    """A business card of ``person`` at ``employer`` (by default the person and company the key names)."""
    rng = stable_rng("card-holder", seed, key)
    employer = employer or company(key, seed=seed)
    person = person or people.person(key, seed=seed)
    department, title = rng.choice(employer.industry.roles)
    return CardHolder(
        person=person,
        company=employer,
        department=department,
        title=title,
        office_phone=people.landline_number(rng, employer.city).replace("-", ""),
        email=f"{people.mail_local_part(rng, person.surname_pinyin, person.given_pinyin)}@{employer.domain}",
    )
