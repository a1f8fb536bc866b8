"""What a table in a vendor document is, read from its column names (Chinese or English).

A table is one of:

- ``fields``: a parameter table (参数/名称/Field, 类型/Type, 是否必选/必选/Null,
  Length/长度, 默认值/Default, 说明/描述/Description, 示例值/举例/Example);
- ``codes``: an error-code table (错误码/返回码/Status/Code with 信息/Message
  or 说明); rows whose first cells are missing inherit them from the row above
  (a merged cell in the original);
- ``code-list``: a single column of codes (an operation naming the global codes
  it uses);
- ``http-status``: HTTP status codes (状态码 with 100-599 only);
- ``url``: URL, method and protocol columns (an endpoint declaration);
- ``unknown``: anything else (reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulator.authoring.draft.document import Block

PLACEHOLDERS = {"", "-", "—", "–", "null", "none", "无", "n/a", "na", "/"}
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("ignore", re.compile(r"(类别|区间|range|category|操作建议|suggest)", re.I)),
    ("type", re.compile(r"^(参数类型|数据类型|类型|type|data ?type)$", re.I)),
    ("required", re.compile(r"^(是否必选|是否必需|是否必须|是否必填|必选|必需|必须|必填|required|mandatory|optional|可选)$", re.I)),
    ("nullable", re.compile(r"^(null|nullable|可为空|允许为空|是否可空)$", re.I)),
    ("length", re.compile(r"^(length|长度|最大长度|max ?length|size)$", re.I)),
    ("default", re.compile(r"^(default|默认值|默认)$", re.I)),
    ("example", re.compile(r"^(举例|示例|示例值|样例|example|examples|sample)$", re.I)),
    ("caller", re.compile(r"^(caller|方向|调用方|使用方)$", re.I)),
    ("location", re.compile(r"^(位置|参数位置|location|in)$", re.I)),
    ("url", re.compile(r"^(url|uri|地址|调用地址|请求地址|接口地址|path)$", re.I)),
    ("method", re.compile(r"^(方法|method|请求方式|请求方法|http method)$", re.I)),
    ("protocol", re.compile(r"^(协议|protocol)$", re.I)),
    ("code", re.compile(r"^(错误码|错误代码|返回码|状态码|响应码|结果码|http ?状态码|status|status ?code|code|errno|"
                        r"err_?code|error_?code|result_?code(sub)?|ret_?code)", re.I)),
    ("message", re.compile(r"^(message|msg|信息|信息详情|错误信息|提示信息|返回信息|err_?msg|error_?msg)", re.I)),
    ("name", re.compile(r"^(参数|参数名|参数名称|名称|字段|字段名|field|name|key|属性|属性名|parameter|param)$", re.I)),
    ("description", re.compile(r"^(说明|描述|参数说明|参数描述|字段说明|description|desc|备注|含义|解释|remark|注释)", re.I)),
]
_REQUIRED_YES = re.compile(r"^(是|必选|必须|必需|必填|y|yes|true|required|mandatory|√|✓|\*)", re.I)
_REQUIRED_NO = re.compile(r"^(否|可选|非必选|非必须|n|no|false|optional)", re.I)
_FIELD_NAME = re.compile(r"^[A-Za-z_$@][\w.\-$\[\]]*$")
_CODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,3}\d{3,5}|\d{4,6})(?![A-Za-z0-9])")
_SUCCESS = re.compile(r"^(成功|successful|success|ok|请求正常|正常|函数处理正确)", re.I)


@dataclass
class FieldRow:
    name: str
    line: int
    type_text: str = ""
    required: bool | None = None
    length: str = ""
    default: str = ""
    description: str = ""
    example: str = ""
    caller: str = ""
    location: str = ""
    swapped: bool = False  # the type and required columns were swapped in the document


@dataclass
class CodeRow:
    code: str
    line: int
    message: str = ""
    description: str = ""
    from_message: bool = False  # the code was read from the message (the code cell was merged with the row above)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    kind: str
    block: Block
    roles: list[str]
    fields: list[FieldRow] = field(default_factory=list)
    codes: list[CodeRow] = field(default_factory=list)
    urls: list[tuple[str, str, int]] = field(default_factory=list)  # (method, url, line)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why) rows that could not be read


def column_roles(header: list[str]) -> list[str]:
    roles = []
    for cell in header:
        text = re.sub(r"[（(].*?[)）]", "", cell).strip() or cell.strip()
        role = next((name for name, pattern in _ROLES if pattern.search(text)), "other")
        if role == "other" and re.search(r"(code|码)", cell, re.I):
            role = "code"
        roles.append(role)
    return roles


def is_placeholder(value: str) -> bool:
    return value.strip().lower() in PLACEHOLDERS


def read_table(block: Block) -> Table:
    roles = column_roles(block.header)
    rows = _aligned_rows(block, len(roles))
    has = set(roles)
    if "url" in has:
        table = Table("url", block, roles)
        for cells, line, _ in rows:
            url = cells[roles.index("url")]
            method = cells[roles.index("method")] if "method" in has else ""
            if re.match(r"https?://", url):
                table.urls.append((method.upper(), url, line))
        return table
    if "code" in has and "type" not in has and ("name" not in has or "message" in has):
        values = [cells[roles.index("code")] for cells, _, _ in rows]
        if len(roles) == 1 or not ({"message", "description"} & has):
            return Table("code-list", block, roles, codes=[CodeRow(v, line) for v, (_, line, _) in zip(values, rows)
                                                           if not is_placeholder(v)])
        if re.search(r"(状态码|http|status ?code)", block.header[roles.index("code")], re.I) and values and \
                all(re.fullmatch(r"[1-5]\d\d", v) for v in values if v):
            return Table("http-status", block, roles, codes=[CodeRow(v, line) for v, (_, line, _) in zip(values, rows)])
        return _codes(block, roles, rows)
    if "name" in has and ({"type", "description", "required"} & has):
        return _fields(block, roles, rows)
    return Table("unknown", block, roles)


def _aligned_rows(block: Block, width: int) -> list[tuple[list[str], int, int]]:
    """Data rows padded to the header's width; a short row is aligned right and its first cells are taken
    from the row above (a merged cell). The third item is how many cells were inherited."""
    out: list[tuple[list[str], int, int]] = []
    previous = [""] * width
    for row in block.rows[1:]:
        cells = list(row.cells[:width])
        missing = width - len(cells)
        if missing > 0:
            cells = previous[:missing] + cells
        out.append((cells, row.line, max(missing, 0)))
        previous = cells
    return out


def _fields(block: Block, roles: list[str], rows: list[tuple[list[str], int, int]]) -> Table:
    table = Table("fields", block, roles)
    cell = {role: roles.index(role) for role in reversed(roles)}  # first column of each role
    for cells, line, _ in rows:
        def get(role: str) -> str:
            return cells[cell[role]].strip() if role in cell and cell[role] < len(cells) else ""

        name = get("name").strip("*").strip()
        if not _FIELD_NAME.match(name):
            if name:
                table.skipped.append((line, f"{name!r} is not a field name"))
            continue
        row = FieldRow(name=name, line=line, type_text=get("type"), length=get("length"), default=get("default"),
                       description=get("description"), example=get("example"), caller=get("caller"),
                       location=get("location"))
        required = get("required")
        if _REQUIRED_YES.match(row.type_text) or _REQUIRED_NO.match(row.type_text):
            if required and not (_REQUIRED_YES.match(required) or _REQUIRED_NO.match(required)):
                row.type_text, required, row.swapped = required, row.type_text, True
        if required:
            row.required = bool(_REQUIRED_YES.match(required)) if (_REQUIRED_YES.match(required)
                                                                   or _REQUIRED_NO.match(required)) else None
        if "nullable" in cell:  # a "Null" column: ticked means the field may be left out
            row.required = not bool(re.match(r"^(√|✓|y|yes|是|true)", get("nullable"), re.I))
        table.fields.append(row)
    return table


def _codes(block: Block, roles: list[str], rows: list[tuple[list[str], int, int]]) -> Table:
    table = Table("codes", block, roles)
    code_columns = [i for i, role in enumerate(roles) if role == "code"]
    message_at = roles.index("message") if "message" in roles else None
    description_at = roles.index("description") if "description" in roles else None
    for cells, line, inherited in rows:
        message = cells[message_at] if message_at is not None else ""
        description = cells[description_at] if description_at is not None else ""
        values = [(i, cells[i]) for i in code_columns if not is_placeholder(cells[i])]
        if not values:
            table.skipped.append((line, "a row without a code"))
            continue
        column, code = values[-1]
        from_message = False
        if column < inherited:  # the only code is the merged cell above: the row's own code is in its message
            found = _CODE_IN_TEXT.search(message or description)
            if not found:
                table.skipped.append((line, f"a row that repeats code {code} of the row above"))
                continue
            code, from_message = found.group(1), True
        if _is_success(code, message or description):
            continue
        extra = {block.header[i]: cells[i] for i, role in enumerate(roles)
                 if role in ("code", "other") and i != column and not is_placeholder(cells[i])}
        table.codes.append(CodeRow(code=code.strip(), line=line, message=message or description,
                                   description=description if message else "", from_message=from_message,
                                   extra=extra))
    return table


def _is_success(code: str, message: str) -> bool:
    return code.strip() in ("0", "200", "00000") and bool(_SUCCESS.match(message.strip())) or \
        code.strip() in ("0",) and not message


def json_type(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON Schema a type cell names (``int数组`` -> array of integers), and a named object type
    (``QuotaInvoiceResult object`` -> ``QuotaInvoiceResult``) a later table may describe."""
    raw = text.strip()
    low = re.sub(r"\s+", "", raw.lower())
    if not low:
        return None, None
    if "/" in low:  # "tuple/list": the first part that names a type
        for part in raw.split("/"):
            found = json_type(part)
            if found[0] is not None:
                return found
    if low in ("tuple", "set"):
        return {"type": "array"}, None
    named = re.match(r"^([A-Z][A-Za-z0-9_]*)\s*(?:[Oo]bject|对象)$", raw)
    generic = re.match(r"^(?:list|array|set)<\s*([A-Za-z0-9_]+)\s*>$", raw, re.I)
    if generic or low.endswith("数组") or low.endswith("[]") or low.startswith(("list", "array")):
        inner = generic.group(1) if generic else re.sub(r"(数组|\[\]|list|array)", "", low)
        items, name = json_type(inner) if inner and inner.lower() != raw.lower() else (None, None)
        if generic and items is None:
            items, name = {"type": "object"}, generic.group(1)
        return ({"type": "array", "items": items} if items else {"type": "array"}), name
    if named:
        return {"type": "object"}, named.group(1)
    for types, schema in _SCALARS:
        if low in types:
            return dict(schema), None
    if re.match(r"^(json|object|dict|map|struct|jsonobject|json对象|对象)", low):
        return {"type": "object"}, None
    if raw[:1].isupper() and re.fullmatch(r"[A-Za-z0-9_]+", raw):
        return {"type": "object"}, raw  # a class name: an object described elsewhere
    return None, None


_SCALARS: list[tuple[set[str], dict[str, Any]]] = [
    ({"string", "str", "varchar", "char", "text", "字符串", "字符", "date", "datetime", "time", "uuid", "url",
      "base64"}, {"type": "string"}),
    ({"int", "integer", "long", "short", "int32", "int64", "bigint", "整数", "整型", "长整型", "byte"},
     {"type": "integer"}),
    ({"float", "double", "decimal", "bigdecimal", "number", "numeric", "浮点", "浮点数", "数字"}, {"type": "number"}),
    ({"bool", "boolean", "布尔", "布尔值"}, {"type": "boolean"}),
    ({"file", "binary", "bytes", "stream"}, {"type": "string"}),
]


__all__ = ["CodeRow", "FieldRow", "Table", "column_roles", "is_placeholder", "json_type", "read_table"]
