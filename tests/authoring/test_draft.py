"""``apisim contract draft``: a document no seed resembles exactly, drafted into a contract that loads."""

from __future__ import annotations

import json

import pytest

from simulator.authoring import write_contract
from simulator.authoring.draft import draft_text
from simulator.cli import main
from simulator.contracts import load_contract

PARCEL_DOC = """# Parcel API

## 公共参数

| 参数 | 类型 | 是否必选 | 说明 |
|---|---|---|---|
| appId | String | 是 | 应用id |

## 错误码

| 错误码 | 错误信息 | 说明 |
|---|---|---|
| 0 | 成功 | 成功 |
| E100 | bad app | appId 不存在 |

## 1. Create parcel

**调用URL:**

`https://api.parcel.example/v1/parcels?token=`

**调用方法:**

`post`

**请求Header:**

| 参数名 | 类型 | 是否必选 | 参数说明 |
| --- | --- | --- | --- |
| X-Trace | String | 否 | 跟踪id |

**请求参数:**

| 参数名 | 类型 | 是否必选 | 长度 | 参数说明 |
| --- | --- | --- | --- | --- |
| weight | float | 是 | | 重量，单位千克 |
| receiver | String | 是 | 20 | 收件人 |
| tags | String数组 | 否 | | 标签 |

**请求报文示例:**

```json
{
  "appId": "a1",
  "weight": 1.5, // kilograms
  'receiver': 'Li Lei',
  "tags": ["fragile", ...],
}
```

**返回值描述:**

| 参数名 | 类型 | 参数说明 |
| --- | --- | --- |
| code | String | 返回码 |
| parcelId | String | 包裹id |

**成功返回示例:**

```json
{"code": 0, "data": {"parcelId": "P-1"}}
```

**失败返回示例:**

```json
{"code": "P201", "message": "too heavy"}
```

**返回码:**

| 返回码 | 信息 |
|---|---|
| P201 | too heavy |
| P202 | receiver missing |

## 2. Track parcel

GET https://api.parcel.example/v1/parcels/{parcelId}/track

| 参数 | 类型 | 说明 |
|---|---|---|
| 收件人 | String | 这一行没有字段名 |

**返回示例:**

```json
{"code": 0, "data": {"events": [{"at": "2026-01-01", "where": "Hangzhou"}]}}
```
"""


@pytest.fixture(scope="module")
def drafted():
    return draft_text(PARCEL_DOC, "parcel.md")


def test_operations_come_from_the_url_sections_with_their_section_and_lines(drafted):
    ops = drafted.contract["operations"]
    assert {k: (v["method"], v["path"]) for k, v in ops.items()} == {
        "create_parcel": ("POST", "/v1/parcels"), "track_parcel": ("GET", "/v1/parcels/{parcelId}/track")}
    assert ops["create_parcel"]["section"] == "Parcel API > 1. Create parcel"
    assert ops["create_parcel"]["x-doc-lines"] == [16, 76]
    assert drafted.contract["deployments"] == [{"name": "api-parcel-example", "base_url": "https://api.parcel.example"}]


def test_parameter_tables_give_types_requirement_lengths_and_descriptions(drafted):
    request = drafted.contract["operations"]["create_parcel"]["request"]
    body = request["body"]
    assert body["properties"]["weight"]["type"] == "number"
    assert body["properties"]["receiver"].items() >= {"type": "string", "maxLength": 20, "description": "收件人"}.items()
    assert body["properties"]["tags"]["type"] == "array" and body["properties"]["tags"]["items"]["type"] == "string"
    assert body["properties"]["appId"]["description"] == "应用id"  # the common parameters table
    assert set(body["required"]) == {"weight", "receiver", "appId"}
    assert request["headers"]["properties"]["x-trace"]["type"] == "string"
    assert "token" in request["query"]["properties"]
    track = drafted.contract["operations"]["track_parcel"]["request"]
    assert track["path_params"]["properties"]["parcelId"]["type"] == "string"


def test_examples_say_where_fields_sit_and_what_type_the_service_really_sends(drafted):
    body = drafted.contract["operations"]["create_parcel"]["response"]["body"]
    assert body["properties"]["data"]["properties"]["parcelId"]["description"] == "包裹id"
    assert body["properties"]["code"]["type"] == "integer"  # the table says String, the example sends 0
    assert any("the table types code as string; the example sends integer" in n for n in drafted.notes)
    events = drafted.contract["operations"]["track_parcel"]["response"]["body"]["properties"]["data"]
    assert events["properties"]["events"]["items"]["properties"]["where"]["type"] == "string"


def test_code_tables_become_the_catalogue_global_or_per_operation(drafted):
    errors = drafted.contract["errors"]
    assert errors["E100"].items() >= {"message": "bad app", "when": "appId 不存在", "x-code": "E100"}.items()
    assert "0" not in errors  # the success row is not an error
    op = drafted.contract["operations"]["create_parcel"]
    assert {"create_parcel.P201", "create_parcel.P202", "E100"} <= set(op["errors"])
    failure = next(e for e in op["examples"] if "error" in e.get("response", {}))
    assert failure["response"]["error"] == "create_parcel.P201"


def test_defects_in_examples_are_repaired_and_reported_by_line(drafted):
    example = next(e for e in drafted.contract["operations"]["create_parcel"]["examples"] if "request" in e)
    assert example["request"]["body"] == {"appId": "a1", "weight": 1.5, "receiver": "Li Lei", "tags": ["fragile"]}
    assert {"line 45: comment (// kilograms)", "line 46: single-quotes (strings in single quotes)",
            "line 47: ellipsis (...)", "line 47: trailing-comma (a comma before })"} <= set(example["x-repairs"])
    assert "- trailing-comma: 1" in drafted.report()


def test_the_report_lists_what_could_not_be_placed_with_line_numbers(drafted):
    report = drafted.report()
    assert "line 81: track_parcel: a table whose labels do not say request or response; not placed" in report
    assert "| `create_parcel` | POST `/v1/parcels` | Parcel API > 1. Create parcel | 16-76 |" in report


def test_operations_on_one_url_are_told_apart_by_the_values_their_requests_fix():
    doc = "# Multi\n\n" + "".join(
        f"## {kind.title()}\n\n`POST`\n\n`https://m.example/api/`\n\n**Request Example**\n\n```\n"
        f'{{"type": "{kind}", "id": 1, "data": {{}}}}\n```\n\n**Response Example**\n\n```\n{{"status": 0}}\n```\n\n'
        for kind in ("create", "delete"))
    ops = draft_text(doc, "multi.md").contract["operations"]
    assert {k: v.get("match") for k, v in ops.items()} == {"create": {"body.type": "create"},
                                                           "delete": {"body.type": "delete"}}


def test_headers_and_body_fields_sample_code_sends_are_drafted():
    doc = ("# Code\n\n## Upload\n\n调用地址：https://c.example/upload\n\n请求方式：POST\n\n**正常返回示例**\n\n"
           '```json\n{"ok": true}\n```\n\n```python\nheaders = {"Authorization": "APPCODE " + code, "X-Date": now}\n'
           "param = {}\nparam['image'] = img_base64\nbody = json.dumps(param)\n```\n")
    drafted = draft_text(doc, "code.md")
    request = drafted.contract["operations"]["upload"]["request"]
    assert set(request["headers"]["properties"]) == {"authorization", "x-date"}
    assert request["body"]["properties"]["image"]["type"] == "string"
    assert any("known from sample code only" in n for n in drafted.notes)


def test_the_draft_is_written_and_loads(drafted, tmp_path):
    written = write_contract(drafted.contract, tmp_path, drafted.report(), "draft")
    contract = load_contract(written.contract)
    assert set(contract.operations) == {"create_parcel", "track_parcel"}
    assert written.report.name == "parcel-api.draft-report.md"


def test_the_cli_drafts_and_measures_against_a_finished_contract(tmp_path, capsys):
    doc = tmp_path / "parcel.md"
    doc.write_text(PARCEL_DOC)
    out = tmp_path / "drafts"
    assert main(["contract", "draft", str(doc), "-o", str(out)]) == 0
    assert (out / "parcel-api.json").exists() and (out / "parcel-api.draft-report.md").exists()
    finished = json.loads((out / "parcel-api.json").read_text())
    (tmp_path / "finished.json").write_text(json.dumps(finished))
    assert main(["contract", "draft", str(doc), "-o", str(out), "--force", "--compare",
                 str(tmp_path / "finished.json")]) == 0
    printed = capsys.readouterr().out
    assert "operations            2      2  100.0%" in printed


def test_a_document_without_operations_is_a_one_line_error(tmp_path, capsys):
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nNothing here names a URL.\n")
    assert main(["contract", "draft", str(doc), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "no operation found" in err and "docs/adding-an-api.md" in err and "\n" not in err
