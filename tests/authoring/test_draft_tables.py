"""Tables are told apart by their column names (Chinese or English), including the ones real documents break."""

from __future__ import annotations

import pytest

from simulator.authoring.draft.document import parse_document
from simulator.authoring.draft.tables import json_type, read_table


def table(text: str):
    root = parse_document(text)
    blocks = [b for s in root.subtree() for b in s.blocks if b.kind == "table"]
    assert len(blocks) == 1
    return read_table(blocks[0])


def test_a_chinese_parameter_table_gives_names_types_requirement_lengths_and_descriptions():
    t = table("| 参数名 | 类型 | 是否必选 | 长度 | 参数说明 |\n| --- | --- | --- | --- | --- |\n"
              "| groupId | String | 是 | 32 | 人员分组id |\n| sex | integer | 否 | | 性别 |\n")
    assert t.kind == "fields"
    assert [(f.name, f.type_text, f.required, f.length, f.description, f.line) for f in t.fields] == [
        ("groupId", "String", True, "32", "人员分组id", 3), ("sex", "integer", False, "", "性别", 4)]


def test_a_null_column_ticked_means_the_field_may_be_left_out():
    t = table("| Field | Type | Length | Null | Default | Description |\n| :-: | :-: | :-: | :-: | :-: | :-: |\n"
              "| item_id | string | 10 | | | 商品id |\n| limit | int | 10 | √ | all | 数量 |\n")
    assert [(f.name, f.required) for f in t.fields] == [("item_id", True), ("limit", False)]


def test_type_and_required_columns_given_the_wrong_way_round_are_read_swapped():
    t = table("| 参数名 | 类型 | 是否必选 | 参数说明 |\n| --- | --- | --- | --- |\n| start | 否 | int | 起始序号 |\n")
    field = t.fields[0]
    assert (field.type_text, field.required, field.swapped) == ("int", False, True)


def test_a_row_that_runs_over_several_lines_is_one_row():
    t = table("|名称|类型|是否必需|描述|\n|--|--|----|--|\n|Timestamp|String|是|请求的时间戳。\n\n |\n"
              "|Action|String|是|取值必须是ExecuteRequest。|\n")
    assert [(f.name, f.line) for f in t.fields] == [("Timestamp", 3), ("Action", 6)]


def test_a_code_table_row_whose_code_cell_is_merged_with_the_row_above_takes_the_code_in_its_message():
    t = table("|返回码（Code）|信息详情（Message）|resultCodeSub|说明|\n|---|---|---|--|\n"
              "|200|OK|-|请求正常。|\n|500|init接口调用失败，返回空|-|服务器内部错误。|\n"
              "|init失败，B110，请稍后再试|-|攻击次数过多。|\n|SYSTEM|Z8199|系统出错了|\n")
    assert t.kind == "codes"
    assert [(c.code, c.from_message) for c in t.codes] == [("500", False), ("B110", True), ("Z8199", False)]


def test_a_single_status_column_lists_codes_used_and_an_http_status_table_is_not_a_catalogue():
    assert table("| Status |\n| ------ |\n| -101 |\n| -3 |\n").kind == "code-list"
    assert table("| 状态码 | 描述 |\n| --- | --- |\n| 200 | 成功响应。 |\n| 400 | 失败响应。 |\n").kind == "http-status"


def test_html_tables_from_documentation_portals_are_read_with_their_lines():
    t = table('<table><thead><tr><th><p>参数</p></th><th><p>是否必选</p></th><th><p>参数类型</p></th>\n'
              '<th><p>描述</p></th></tr></thead>\n<tbody><tr><td><p>image</p>\n</td><td><p>否</p></td>'
              '<td><p>String</p></td><td><p>图像数据，</p><p>base64编码。</p></td></tr>\n</tbody></table>\n')
    assert [(f.name, f.type_text, f.required, f.description, f.line) for f in t.fields] == [
        ("image", "String", False, "图像数据， base64编码。", 3)]


def test_a_url_table_declares_an_endpoint():
    t = table("| 协议 | URL | 方法 | 参数 |\n| :-- | :-- | :-- | :-- |\n| HTTPS | https://h.example/face/detect | POST | JSON |\n")
    assert t.urls == [("POST", "https://h.example/face/detect", 3)]


@pytest.mark.parametrize(("text", "schema", "name"), [
    ("String", {"type": "string"}, None),
    ("Integer", {"type": "integer"}, None),
    ("long", {"type": "integer"}, None),
    ("BigDecimal", {"type": "number"}, None),
    ("boolean", {"type": "boolean"}, None),
    ("json对象", {"type": "object"}, None),
    ("int数组", {"type": "array", "items": {"type": "integer"}}, None),
    ("float数组", {"type": "array", "items": {"type": "number"}}, None),
    ("List<AsynchronyData>", {"type": "array", "items": {"type": "object"}}, "AsynchronyData"),
    ("QuotaInvoiceResult object", {"type": "object"}, "QuotaInvoiceResult"),
    ("tuple/list", {"type": "array"}, None),
    ("否", None, None),
])
def test_type_cells_name_json_schema_types(text, schema, name):
    assert json_type(text) == (schema, name)
