"""The JSON examples vendor documents really contain, parsed, with every repair reported by line.

Documents show examples with defects a strict parser refuses. Each of these is
accepted and recorded as a :class:`Repair`, so the draft report can tell a
person what was fixed where:

- comments: ``// ...``, ``# ...``, ``/* ... */``
- trailing commas, and missing commas between members or elements
- single-quoted strings, unquoted keys, Python's ``True``/``False``/``None``
- ellipses standing for more members or elements: ``...``, ``…``, ``……``
- bare words where a value should be (``BASE64``, ``xxx``): kept as strings
- a key given twice (the last one wins, as in JSON)
- brackets still open where the text ends
- prose standing for members shown elsewhere (``{ 返回数据见上方example }``), and
  an object nested without a key (its members are taken as the outer object's)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_$][\w$.\-]*")
_LITERALS = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_ELLIPSIS_CHARS = ".…"


class _Ellipsis:
    """What ``...`` stands for: more of the same, shown as nothing."""


ELLIPSIS = _Ellipsis()


@dataclass(frozen=True)
class Repair:
    line: int
    kind: str  # comment, trailing-comma, missing-comma, single-quotes, unquoted-key, python-literal, ellipsis,
    #            bare-word, duplicate-key, unclosed, newline-in-string, missing-key, placeholder
    detail: str


@dataclass
class Parsed:
    value: Any
    start: int  # offsets into the text
    end: int
    repairs: list[Repair] = field(default_factory=list)


class LenientJSONError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


def parse(text: str, first_line: int = 1) -> Parsed:
    """The one value ``text`` holds (surrounding whitespace and comments allowed)."""
    parser = _Parser(text, first_line)
    parsed = parser.parse_at(0)
    parser.skip()
    if parser.pos < len(text):
        raise LenientJSONError(parser.line(parser.pos), f"unexpected text after the value: {text[parser.pos:][:20]!r}")
    return parsed


def find_values(text: str, first_line: int = 1) -> tuple[list[Parsed], list[LenientJSONError]]:
    """Every object or array that starts a line of ``text`` (a code block may show several, between prose
    such as ``Result:``), and the ones that could not be parsed at all."""
    parser = _Parser(text, first_line)
    found: list[Parsed] = []
    failures: list[LenientJSONError] = []
    pos = 0
    for match in re.finditer(r"^[ \t]*([\[{])", text, re.MULTILINE):
        start = match.start(1)
        if start < pos:
            continue
        try:
            parsed = parser.parse_at(start)
        except LenientJSONError as exc:
            failures.append(exc)
            continue
        if isinstance(parsed.value, (dict, list)):
            found.append(parsed)
            pos = parsed.end
    return found, failures


class _Parser:
    def __init__(self, text: str, first_line: int):
        self.text = text
        self.first_line = first_line
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.pos = 0
        self.repairs: list[Repair] = []

    def line(self, pos: int) -> int:
        return self.first_line + bisect.bisect_right(self.newlines, pos - 1)

    def repair(self, kind: str, detail: str, pos: int | None = None) -> None:
        self.repairs.append(Repair(self.line(self.pos if pos is None else pos), kind, detail))

    def parse_at(self, start: int) -> Parsed:
        self.pos, self.repairs = start, []
        value = self.value()
        if value is ELLIPSIS:
            raise LenientJSONError(self.line(start), "an ellipsis is not a value")
        return Parsed(value, start, self.pos, self.repairs)

    # -- lexing --------------------------------------------------------------------------

    def skip(self) -> None:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t\r\n\ufeff\u3000":
                self.pos += 1
            elif c == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.repair("comment", text[self.pos:end if end >= 0 else len(text)].strip()[:40])
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.repair("comment", "/* ... */")
                self.pos = len(text) if end < 0 else end + 2
            else:
                return

    def peek(self) -> str:
        self.skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def at_ellipsis(self) -> bool:
        text, pos = self.text, self.pos
        return text.startswith("...", pos) or text.startswith("…", pos) or text.startswith("..…", pos)

    def ellipsis(self) -> _Ellipsis:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _ELLIPSIS_CHARS:
            self.pos += 1
        self.repair("ellipsis", self.text[start:self.pos], start)
        return ELLIPSIS

    # -- values --------------------------------------------------------------------------

    def value(self) -> Any:
        c = self.peek()
        if not c:
            raise LenientJSONError(self.line(self.pos), "the text ends where a value should be")
        if c == "{":
            return self.obj()
        if c == "[":
            return self.arr()
        if c in "\"'":
            return self.string()
        if self.at_ellipsis():
            return self.ellipsis()
        number = _NUMBER.match(self.text, self.pos)
        if number and not re.match(r"[\w$]", self.text[number.end():number.end() + 1]):
            raw = number.group(0)
            self.pos = number.end()
            if raw.endswith(".") and self.text[self.pos:self.pos + 1] in tuple(_ELLIPSIS_CHARS):
                raw, self.pos = raw[:-1], self.pos - 1
            if self.at_ellipsis():  # 185551654... : a number cut short
                self.ellipsis()
            return float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        word = _WORD.match(self.text, self.pos)
        if word and word.group(0) in _LITERALS:
            self.pos = word.end()
            if word.group(0)[0].isupper():
                self.repair("python-literal", word.group(0), word.start())
            return _LITERALS[word.group(0)]
        return self.bare_word()

    def bare_word(self) -> str:
        match = re.compile(r"[^,\]}\n]+").match(self.text, self.pos)
        if not match or not match.group(0).strip() or match.group(0).strip()[0] in ":{[":
            raise LenientJSONError(self.line(self.pos), f"unexpected {self.text[self.pos:self.pos + 12]!r}")
        raw = re.split(r"\s+(?:#|//)", match.group(0))[0].strip()
        self.repair("bare-word", raw[:40])
        self.pos += len(match.group(0)) - len(match.group(0).lstrip()) + len(raw)
        return raw

    def string(self) -> str:
        quote = self.text[self.pos]
        start = self.pos
        if quote == "'":
            self.repair("single-quotes", "strings in single quotes")
        self.pos += 1
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == quote:
                self.pos += 1
                return "".join(out)
            if c == "\\" and self.pos + 1 < len(text):
                nxt = text[self.pos + 1]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[self.pos + 2:self.pos + 6]):
                    out.append(chr(int(text[self.pos + 2:self.pos + 6], 16)))
                    self.pos += 6
                    continue
                out.append(_ESCAPES.get(nxt, "\\" + nxt))
                self.pos += 2
                continue
            if c == "\n":
                self.repair("newline-in-string", "a string runs over a line end")
            out.append(c)
            self.pos += 1
        raise LenientJSONError(self.line(start), "a string is never closed")

    def key(self) -> str:
        c = self.peek()
        if c in "\"'":
            return self.string()
        match = re.compile(r"[^\s:,{}\[\]\"']+").match(self.text, self.pos)
        if not match:
            raise LenientJSONError(self.line(self.pos), f"expected a key, found {self.text[self.pos:self.pos + 12]!r}")
        self.repair("unquoted-key", match.group(0))
        self.pos = match.end()
        return match.group(0)

    def obj(self) -> dict[str, Any]:
        self.pos += 1
        out: dict[str, Any] = {}
        while True:
            c = self.peek()
            if c == "}":
                self.pos += 1
                return out
            if not c:
                self.repair("unclosed", "an object is never closed; closed at the end")
                return out
            if self.at_ellipsis():
                self.ellipsis()
                self._separator("}")
                continue
            if c in "{[":  # a value without a key: its members stand for the object's own
                inner = self.value()
                self.repair("missing-key", "a nested value without a key; its members are taken as the object's")
                if isinstance(inner, dict):
                    out.update(inner)
                self._separator("}")
                continue
            key_pos = self.pos
            quoted = c in "\"'"
            key = self.key()
            if self.peek() != ":":
                if quoted:
                    raise LenientJSONError(self.line(self.pos), f"expected ':' after key {key!r}")
                self._placeholder(key_pos)
                continue
            self.pos += 1
            value = self.value()
            if value is ELLIPSIS:
                self._separator("}")
                continue
            if key in out:
                self.repair("duplicate-key", f"{key} (the last value is kept)", key_pos)
            out[key] = value
            self._separator("}")

    def arr(self) -> list[Any]:
        self.pos += 1
        out: list[Any] = []
        while True:
            c = self.peek()
            if c == "]":
                self.pos += 1
                return out
            if not c:
                self.repair("unclosed", "an array is never closed; closed at the end")
                return out
            value = self.value()
            if value is not ELLIPSIS:
                out.append(value)
            self._separator("]")

    def _placeholder(self, start: int) -> None:
        """Prose where members should be (``{ 返回数据见上方example }``): skipped to the line's end."""
        if self.repairs and self.repairs[-1].kind == "unquoted-key":
            self.repairs.pop()  # it was not a key after all
        end = self.text.find("\n", start)
        end = len(self.text) if end < 0 else end
        stop = min([i for i in (self.text.find("}", start, end), self.text.find(",", start, end)) if i >= 0]
                   or [end])
        self.repair("placeholder", self.text[start:stop].strip()[:40], start)
        self.pos = stop
        if self.peek() == ",":
            self.pos += 1

    def _separator(self, close: str) -> None:
        """After a member or element: a comma, the closing bracket, or a missing comma (repaired)."""
        end = self.pos
        c = self.peek()
        if c == ",":
            comma = self.pos
            self.pos += 1
            if self.peek() == close:
                self.repair("trailing-comma", f"a comma before {close}", comma)
            return
        if c == close or not c:
            return
        if c in "\"'{[" or c.isalnum() or c in "-_.…":
            self.repair("missing-comma", "a comma is missing after this item", end)
            return
        raise LenientJSONError(self.line(self.pos), f"expected ',' or {close!r}, found {c!r}")


__all__ = ["ELLIPSIS", "LenientJSONError", "Parsed", "Repair", "find_values", "parse"]
