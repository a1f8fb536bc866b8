"""The draft's error catalogue: code tables, the codes operations say they use, and failure examples.

A code table outside any operation is global (a document's 错误码 or "Global
Status Table"); one inside an operation is that operation's own, keyed
``<operation>.<code>`` like the shipped contracts do. Each entry keeps the
code as the document writes it (``x-code``) and the line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CODE_FIELDS = ("error_code", "errorCode", "err_code", "errcode", "errno", "error", "code", "Code", "status",
               "resultCode", "result_code", "ret", "retcode", "returnCode")
MESSAGE_FIELDS = ("message", "msg", "Message", "error_msg", "errorMsg", "err_msg", "errmsg", "error_message",
                  "errorMessage")
_LEADING_CODE = re.compile(r"^\s*(\d{3,})\s*[,，:：]")
_SUCCESS_VALUES = {"0", "200", "success", "ok", "00000", "true"}


@dataclass
class Catalogue:
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    globals_by_value: dict[str, str] = field(default_factory=dict)
    locals_by_op: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # op -> value -> keys
    section_codes: dict[str, list[str]] = field(default_factory=dict)  # global code tables, by section path
    notes: list[tuple[int, str]] = field(default_factory=list)

    def add_global(self, value: str, message: str, line: int, *, when: str = "", status: int = 200,
                   section: str = "") -> str:
        value = value.strip()
        if value in self.globals_by_value:
            return self.globals_by_value[value]
        key = self._free(value)
        self.entries[key] = self._entry(value, message, line, when, status, section)
        self.globals_by_value[value] = key
        return key

    def add_local(self, op_id: str, value: str, message: str, line: int, *, when: str = "", status: int = 200,
                  section: str = "") -> str:
        value = value.strip()
        glob = self.globals_by_value.get(value)
        if glob and (not message or self.entries[glob]["message"] == message):
            return glob
        mine = self.locals_by_op.setdefault(op_id, {}).setdefault(value, [])
        for key in mine:
            if self.entries[key]["message"] == message or not message:
                return key
        key = self._free(f"{op_id}.{value or 'failure'}")  # no value: a failure the document shows uncoded
        self.entries[key] = self._entry(value, message, line, when, status, section)
        if not value:
            del self.entries[key]["x-code"]
        mine.append(key)
        return key

    def find(self, op_id: str, value: str) -> str | None:
        """The key a code value has for an operation: its own code first, then a global one."""
        mine = self.locals_by_op.get(op_id, {}).get(str(value).strip())
        return mine[0] if mine else self.globals_by_value.get(str(value).strip())

    def reference(self, value: str, line: int, section: str) -> str:
        """A code an operation says it uses: the global entry, created (and reported) when no table lists it."""
        key = self.globals_by_value.get(value.strip())
        if key is None:
            key = self.add_global(value, "", line, when="named by an operation, described nowhere in the document",
                                  section=section)
            self.notes.append((line, f"code {value} is named here but no code table describes it"))
        return key

    def _free(self, key: str) -> str:
        candidate, n = key, 2
        while candidate in self.entries:
            candidate, n = f"{key}.{n}", n + 1
        return candidate

    @staticmethod
    def _entry(value: str, message: str, line: int, when: str, status: int, section: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"http_status": status, "message": message or f"code {value}" or "failure",
                                 "when": when or message or f"the document lists code {value}", "x-code": value,
                                 "x-doc-line": line}
        if section:
            entry["x-doc-section"] = section
        return entry


def failure_code(body: Any) -> tuple[str | None, str]:
    """The code and message a failure example shows: a leading ``80018,`` in the message, else the first
    code field that is not a success value."""
    if not isinstance(body, dict):
        return None, ""
    message = next((str(body[k]) for k in MESSAGE_FIELDS if isinstance(body.get(k), str)), "")
    leading = _LEADING_CODE.match(message)
    if leading:
        return leading.group(1), message
    for name in CODE_FIELDS:
        value = body.get(name)
        if value is None or isinstance(value, (dict, list, bool)):
            continue
        if str(value).strip().lower() in _SUCCESS_VALUES:
            continue
        return str(value).strip(), message
    return None, message


def code_shapes(values: list[str]) -> list[re.Pattern[str]]:
    """Patterns for codes written like the given ones (``AIS.0103`` -> letters, a dot, four digits); only
    codes that mix letters and digits around a separator make a shape distinctive enough to look for."""
    shapes: dict[str, re.Pattern[str]] = {}
    for value in values:
        match = re.fullmatch(r"([A-Za-z]+)([._-])(\d+)", value)
        if match:
            source = rf"(?<![\w.])[A-Z][A-Za-z]*{re.escape(match.group(2))}\d{{{len(match.group(3))}}}(?![\w])"
            shapes[source] = re.compile(source)
    return list(shapes.values())


__all__ = ["Catalogue", "CODE_FIELDS", "MESSAGE_FIELDS", "code_shapes", "failure_code"]
