"""Done-when of issue #20: over 50 samples each, every business card, bank card, invoice, IAM token and
person the simulator answers with passes the coherence checks (simulator.fake.entities.checks).

Served answers, not just entities: what a client sees through each service, with the simulator clock
set far from the fixed fake-data epoch so anything dated by the wall clock or the epoch shows.
"""

from __future__ import annotations

import base64
import io
import random
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from simulator import Simulator
from simulator.app import create_app
from simulator.auth import appcode
from simulator.config import SimulatorConfig
from simulator.contracts import load_contracts
from simulator.fake import FakeData
from simulator.fake.entities import checks, places

SAMPLES = 50
CLOCK = datetime(2033, 7, 15, 9, 30, tzinfo=timezone.utc)  # years after the 2026 epoch of clock-less fakes


def photo(index: int) -> str:
    """An untagged photo: seeded noise, different bytes for every index."""
    rng = random.Random(index)
    image = Image.frombytes("RGB", (64, 48), bytes(rng.getrandbits(8) for _ in range(64 * 48 * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@pytest.fixture(scope="module")
def client():
    sim = Simulator(SimulatorConfig(services=["aliyun-market", "huawei-ocr"], clock=lambda: CLOCK))
    test_client = create_app(simulator=sim).test_client()
    test_client.simulator = sim
    return test_client


def market(client, op: str, image: str) -> dict:
    host = {"ocr_business_card": "dm-57.data.aliyun.com", "ocr_bank_card": "yhk.market.alicloudapi.com"}[op]
    path = f"/rest/160601/ocr/{op}.json"
    contract = client.simulator.contracts["aliyun-market"]
    code = next(c["AppCode"] for c in contract.credentials if "AppCode" in c and set(c) == {"AppCode", "label"})
    response = client.post(path, data='{"image": "%s"}' % image,
                           headers=appcode.sign({"Host": host, "Content-Type": "application/json"}, code))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_business_cards_hold_together(client):
    problems = {}
    for i in range(SAMPLES):
        card = market(client, "ocr_business_card", photo(i))
        assert card["success"] is True
        problems.update({i: found for found in [checks.business_card_problems(card)] if found})
    assert problems == {}


def test_bank_cards_are_real_cards_valid_after_the_simulator_clock(client):
    problems = {}
    for i in range(SAMPLES):
        card = market(client, "ocr_bank_card", photo(i))
        found = checks.bank_card_problems(card["card_num"], card["bank_name"], card["valid_date"], CLOCK)
        problems.update({i: found} if found else {})
    assert problems == {}


def test_quota_invoices_carry_the_region_of_their_location(client):
    iam = {"Host": "iam.cn-north-4.myhuaweicloud.com"}
    login = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}}
    token = client.post("/v3/auth/tokens", headers=iam, json=login).headers["X-Subject-Token"]
    headers = {"Host": "ocr.cn-north-4.myhuaweicloud.com", "X-Auth-Token": token}
    problems = {}
    for i in range(SAMPLES):
        result = client.post("/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice", headers=headers,
                             json={"image": photo(i)}).get_json()["result"]
        found = checks.invoice_problems(result["number"], result["code"], result["location"], result["amount"])
        problems.update({i: found} if found else {})
    assert problems == {}


def token_problems(token: dict, now: datetime) -> list[str]:
    problems = []
    if token["user"]["domain"] != token["project"]["domain"]:
        problems.append(f"user domain {token['user']['domain']} is not the project's {token['project']['domain']}")
    issued, expires = (datetime.strptime(token[k], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
                       for k in ("issued_at", "expires_at"))
    if issued != now or expires - issued != timedelta(hours=24):
        problems.append(f"issued {issued}, expires {expires}: not the clock ({now}) and 24 hours later")
    if token["user"]["password_expires_at"] not in ("",) and not token["user"]["password_expires_at"].endswith("Z"):
        problems.append(f"password_expires_at {token['user']['password_expires_at']!r} is neither an instant nor ''")
    if not token["catalog"] or any(not entry["endpoints"] for entry in token["catalog"]):
        problems.append(f"catalog {token['catalog']} lists no endpoints")
    return problems


def test_iam_tokens_have_one_domain_id_and_instants_of_the_simulator_clock():
    moments = iter(CLOCK + timedelta(minutes=37 * i) for i in range(SAMPLES))
    state = {"now": CLOCK}
    sim = Simulator(SimulatorConfig(services=["huawei-ocr"], clock=lambda: state["now"]))
    client = create_app(simulator=sim).test_client()
    login = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}}
    problems, users = {}, set()
    for i, moment in enumerate(moments):
        state["now"] = moment
        token = client.post("/v3/auth/tokens", headers={"Host": "iam.cn-north-4.myhuaweicloud.com"},
                            json=login).get_json()["token"]
        problems.update({i: found} if (found := token_problems(token, moment)) else {})
        users.add((token["user"]["id"], token["user"]["domain"]["id"]))
    assert problems == {} and len(users) == 1, "one account: the same user and domain ids in every token"


PERSON_SCHEMAS = [  # (contract, operation, path to one person object in the response body)
    ("aicp", "old_face_recognition", ("data", "personinfo")),
    ("cdc-python", "realauth_get", ("data",)),
]


@pytest.mark.parametrize("contract_name, op_id, path", PERSON_SCHEMAS)
def test_people_the_contracts_describe_are_one_person_each(contract_name, op_id, path):
    contract = load_contracts()[contract_name]
    schema = contract.operations[op_id].response["body"]
    fake, problems = FakeData(), {}
    for seed in range(SAMPLES):
        person = fake.generate(schema, seed, contract.defs, now=CLOCK)
        for key in path:
            person = person[key]
        problems.update({seed: found} if (found := person_problems(person)) else {})
    assert problems == {}


def person_problems(person: dict) -> list[str]:
    """An AICP personinfo or a CDC real-name record: ID number ↔ sex ↔ birthday ↔ home."""
    if "idIccid" in person:  # AICP: sex 1/2, sexCN, birthday yyyymmdd, province
        gender = {1: "male", 2: "female"}[person["sex"]]
        born = datetime.strptime(str(person["birthday"]), "%Y%m%d").date()
        problems = checks.resident_id_problems(person["idIccid"], gender=gender, born=born)
        if person["sexCN"] != {"male": "男", "female": "女"}[gender]:
            problems.append(f"sex {person['sex']} but sexCN {person['sexCN']}")
        province = places.lookup(person["idIccid"][:2] + "0000")
        if province is None or not str(person["province"]).startswith(province.name):
            problems.append(f"province {person['province']} is not where ID {person['idIccid']} was issued")
        return problems
    born = datetime.fromtimestamp(person["birthday"], timezone(timedelta(hours=8))).date()
    problems = checks.resident_id_problems(person["id"], gender=person["gender"], born=born)
    place = checks.place_in_address(person["address"] or "")
    if place is None or person["id"][:6] != place.region_code:
        problems.append(f"home {person['address']} is not the region of ID {person['id']}")
    return problems


def test_the_checks_catch_an_incoherent_person():
    """The guard of the test above: a person whose ID says a man born 1999-11-27 in 浙江."""
    good = {"idIccid": "33108219991127089X", "sex": 1, "sexCN": "男", "birthday": 19991127, "province": "浙江省台州市"}
    assert person_problems(good) == []
    assert person_problems({**good, "sex": 2, "sexCN": "女"})
    assert person_problems({**good, "sexCN": "女"})
    assert person_problems({**good, "birthday": 20010101})
    assert person_problems({**good, "province": "广东省深圳市"})
