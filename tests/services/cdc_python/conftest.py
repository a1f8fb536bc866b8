"""CDC-Python test helpers: a client that speaks the document's protocol, and face images."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from simulator.contracts import contracts_dir, load_contract

CONTRACT = load_contract(contracts_dir() / "cdc-python")
HOST = "guosai.zustmanong.cn"
TOKENS = {c["username"]: c["token"] for c in CONTRACT.credentials}
DOC_POINT = (30.2262500, 120.0318500)  # the document's Community - list coordinates


def path_of(type_: str, subtype: str) -> str:
    """The URL that serves (type, subtype), from the contract."""
    for op in CONTRACT.operations.values():
        if op.match == {"body.type": type_, "body.subtype": subtype}:
            return op.path
    raise KeyError((type_, subtype))


def op_for(op_id: str) -> tuple[str, str]:
    match = CONTRACT.operations[op_id].match
    return match["body.type"], match["body.subtype"]


@dataclass
class Answer:
    http_status: int
    body: dict[str, Any]
    headers: Any

    @property
    def status(self) -> int:
        return self.body["status"]

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def detail(self) -> str | None:
        return self.headers.get("X-Apisim-Detail")


class CdcClient:
    """``cdc.call("msg", "send", {...}, user="wlc")``: POSTs the envelope with the user's token."""

    def __init__(self, client):
        self.client = client
        self.simulator = client.simulator

    def raw(self, path: str, body: bytes | str | None = None, *, json_body: Any = None,
            query: str = "", headers: dict[str, str] | None = None) -> Answer:
        url = path + (f"?{query}" if query else "")
        kwargs: dict[str, Any] = {"json": json_body} if json_body is not None else {"data": body or b""}
        response = self.client.post(url, base_url=f"http://{HOST}", headers=headers or {}, **kwargs)
        return Answer(response.status_code, json.loads(response.get_data(as_text=True)), response.headers)

    def call(self, type_: str, subtype: str, data: Any = None, *, user: str | None = "wlc", token: str | None = None,
             id: Any = 1234, headers: dict[str, str] | None = None, path: str | None = None) -> Answer:
        token = token if token is not None else (TOKENS[user] if user else None)
        body = {"id": id, "type": type_, "subtype": subtype, "data": {} if data is None else data}
        return self.raw(path or path_of(type_, subtype), json_body=body,
                        query=f"token={token}" if token is not None else "", headers=headers)

    def op(self, op_id: str, data: Any = None, **kwargs: Any) -> Answer:
        return self.call(*op_for(op_id), data, **kwargs)


@pytest.fixture
def cdc(make_client) -> CdcClient:
    return CdcClient(make_client("cdc-python", validate_responses=True))


@pytest.fixture
def face_image(png_base64):
    """``face_image("faces=1 person=alice")``: base64 of a PNG carrying that apisim tag (None: no tag)."""

    def make(tag: str | None = "faces=1 person=alice", width: int = 320, height: int = 240) -> str:
        return png_base64(width, height, f"apisim: {tag}" if tag else None)

    return make


ALICE_ID = "33108219991127089X"


def real_name(cdc: CdcClient, user: str = "wlc", id_number: str = ALICE_ID, name: str = "王凌超") -> Answer:
    return cdc.op("realauth_create", {"id_type": "sfz", "id": id_number, "name": name, "gender": "male",
                                      "birthday": 943660000.0}, user=user)
