"""The platform's own face library, shared by the old API (section 2) and the new API (section 3).

Both APIs run on one back end (one host and port in the document), so a person enrolled through one is found
through the other. Groups need no creating: enrolment into a groupId creates it. A person
record keeps the documented fields, its 19-digit personID, a row id, a faceId, the stored
photo's path and the key of its face (so recognition can rebuild the embedding).
"""

from __future__ import annotations

from typing import Any

from simulator.faces.model import Face
from simulator.fake.entities.people import id_birth_date, id_gender, resident_id_valid
from simulator.imaging.decode import DecodedImage
from simulator.pipeline.context import Context
from simulator.services.aicp.models import faces, ids, photos

PERSONS_NS = "platform:persons"
SEX_CN = {1: "男", 2: "女"}
TYPE_CN = {1: "运营商", 2: "客户", 3: "内部人员", 4: "陌生人"}
# The curl samples spell some fields in snake case; the Java controller binds both spellings.
ALIASES = {"cust_name": "name", "id_iccid": "idIccid", "cust_id": "custId"}
TEXT_FIELDS = ("name", "idIccid", "custId", "company", "duty", "province", "remark")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _key(group_id: str, person_id: str) -> str:
    return f"{group_id}\x1f{person_id}"


def enrol(ctx: Context, body: dict[str, Any], image: DecodedImage, face: Face) -> dict[str, Any]:
    fields = dict(body)
    for alias, name in ALIASES.items():
        if alias in fields and name not in fields:
            fields[name] = fields[alias]
    group_id = str(fields["groupId"])
    person_id = ids.snowflake(ctx)
    sex, birthday = _int_or_none(fields.get("sex")), _int_or_none(fields.get("birthday"))
    if fields.get("idIccid") is not None and resident_id_valid(str(fields["idIccid"])):
        # A resident ID encodes its holder's birth date and sex: a person enrolled with one and without
        # those fields is stored with them, so the record never contradicts its own ID number.
        number = str(fields["idIccid"])
        sex = sex if sex is not None else (1 if id_gender(number) == "male" else 2)
        birthday = birthday if birthday is not None else int(f"{id_birth_date(number):%Y%m%d}")
    kind = _int_or_none(fields.get("type"))
    face_id = str(ids.next_number(ctx, "face"))
    image_url = photos.person_photo(ctx, person_id, image)
    photos.link_face(ctx, group_id, face_id, photos.path_of(image_url))
    record = {
        "id": ids.next_number(ctx, "platform-row"),
        "personId": person_id,
        "groupId": group_id,
        **{name: (str(fields[name]) if fields.get(name) is not None else None) for name in TEXT_FIELDS},
        "sex": sex, "sexCN": SEX_CN.get(sex), "birthday": birthday,
        "type": kind, "typeCN": TYPE_CN.get(kind),
        "imageUrl": image_url,
        "faceId": face_id,
        "face": faces.face_key(face, image),
    }
    ctx.store.put(PERSONS_NS, _key(group_id, person_id), record)
    return record


def find(ctx: Context, group_id: str, person_id: str) -> dict[str, Any] | None:
    return ctx.store.get(PERSONS_NS, _key(str(group_id), str(person_id)))


def remove(ctx: Context, group_id: str, person_id: str) -> bool:
    return ctx.store.delete(PERSONS_NS, _key(str(group_id), str(person_id)))


def best_match(ctx: Context, group_id: str, face: Face) -> tuple[dict[str, Any] | None, float]:
    """The most similar person of the group and the similarity (0 when the group is empty)."""
    best, best_score = None, 0.0
    for _, record in ctx.store.items(PERSONS_NS):
        if record["groupId"] != str(group_id):
            continue
        score = faces.similarity_to(face, record["face"])
        if best is None or score > best_score or (score == best_score and record["id"] < best["id"]):
            best, best_score = record, score
    return best, best_score


def person_info(record: dict[str, Any]) -> dict[str, Any]:
    """2.2's personinfo object."""
    keys = ("id", "personId", "name", "sex", "sexCN", "birthday", "idIccid", "custId", "company", "duty",
            "province", "imageUrl", "type", "typeCN", "remark")
    return {key: record.get(key) for key in keys}
