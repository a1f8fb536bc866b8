"""What a document's sample code says about requests: headers, body fields, parameters built up in a map.

Sample code is documentation too. Three shapes are read, in any language
(commented-out lines included: they are the document's alternatives):

- header maps: ``headers = {'Authorization': ..., 'Date': ...}``, ``'headers': {...}``,
  and ``Request Header:`` blocks of ``Name: value`` lines;
- body maps: a map literal or item assignments (``param['image'] = ...``)
  on a variable that names a body (``payload``, ``param``, ``body``, ``data``)
  or is serialised (``json.dumps(param)``, ``json=payload``);
- put sequences: ``serviceParams.put("method", "init")`` calls, and where the
  map goes (``putQueryParameter("ServiceParameters", JSON.toJSONString(serviceParams))``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulator.authoring.draft.document import Block

_BODY_NAMES = re.compile(r"^(payload|params?|body|data|json_?data|req(uest)?_?body|form|post_?data|request_?data)$",
                         re.I)
_KEY = re.compile(r"""['"]([A-Za-z_][\w\-]*)['"]\s*:""")
_ITEM = re.compile(r"""\b([A-Za-z_]\w*)\[['"]([A-Za-z_][\w\-]*)['"]\]\s*=\s*(.+)""")
_PUT = re.compile(r"""\b([A-Za-z_]\w*)\.put\(\s*"([A-Za-z_][\w\-]*)"\s*,\s*(.+?)\)\s*;""")
_LITERAL = re.compile(r"""\b([A-Za-z_]\w*)\s*=\s*\{""")
_HEADER_MAP = re.compile(r"""['"]?\bheaders['"]?\s*[=:]\s*\{""", re.I)


@dataclass
class Assignment:
    key: str
    value: str  # the expression, as written
    line: int


@dataclass
class Samples:
    headers: list[tuple[str, int]] = field(default_factory=list)
    bodies: list[list[Assignment]] = field(default_factory=list)
    puts: dict[str, list[Assignment]] = field(default_factory=dict)  # variable -> its puts, in order
    nesting: dict[str, str] = field(default_factory=dict)  # variable -> the parameter it is sent as


def read_samples(block: Block) -> Samples:
    text = _uncomment(block.body)
    first = block.line + 1
    out = Samples()
    for match in _HEADER_MAP.finditer(text):
        for key, offset in _top_keys(text, match.end() - 1):
            out.headers.append((key, first + text.count("\n", 0, offset)))
    out.headers += _header_block(text, first)
    serialised = set(re.findall(r"(?:\b(?:dumps|toJSONString|stringify)\(\s*|[(,]\s*(?:json|data|body)\s*=\s*)"
                                r"([A-Za-z_]\w*)\s*[,)]", text))
    items: dict[str, list[Assignment]] = {}
    for match in _ITEM.finditer(text):
        items.setdefault(match.group(1), []).append(
            Assignment(match.group(2), match.group(3).strip(), first + text.count("\n", 0, match.start())))
    for match in _LITERAL.finditer(text):
        name = match.group(1)
        if name.lower() == "headers":
            continue
        keys = [Assignment(k, _value_after(text, off), first + text.count("\n", 0, off))
                for k, off in _top_keys(text, match.end() - 1)]
        if keys:
            items.setdefault(name, []).extend(keys)
    for name, assignments in items.items():
        if _BODY_NAMES.match(name) or name in serialised:
            out.bodies.append(assignments)
    for match in _PUT.finditer(text):
        out.puts.setdefault(match.group(1), []).append(
            Assignment(match.group(2), match.group(3).strip(), first + text.count("\n", 0, match.start())))
    for name in out.puts:
        sent = re.search(r'"([A-Za-z_]\w*)"\s*,\s*[\w.]*\(?\s*' + re.escape(name) + r"\b", text)
        if sent:
            out.nesting[name] = sent.group(1)
    return out


def value_schema(expression: str) -> tuple[dict[str, Any], Any]:
    """A schema for a value written in code, and the value itself when it is a literal (else None)."""
    expr = expression.strip().rstrip(",;").strip()
    quoted = re.fullmatch(r"""(['"])(.*)\1""", expr)
    if quoted:
        return {"type": "string"}, quoted.group(2)
    if re.fullmatch(r"[+-]?\d+", expr):
        return {"type": "integer"}, int(expr)
    if re.fullmatch(r"[+-]?\d*\.\d+", expr):
        return {"type": "number"}, float(expr)
    if expr in ("True", "False", "true", "false"):
        return {"type": "boolean"}, expr.lower() == "true"
    return {"type": "string"}, None


def _uncomment(text: str) -> str:
    """Commented-out code as code: ``# payload = ...`` and ``/* serviceParams.put(...) */`` are alternatives."""
    text = text.replace("/*", "  ").replace("*/", "  ")
    return "\n".join(re.sub(r"^(\s*)(#|//)\s?", r"\1", line) for line in text.split("\n"))


def _top_keys(text: str, brace: int) -> list[tuple[str, int]]:
    """The keys directly inside the map literal opening at ``brace`` (not those of nested maps)."""
    depth, i, keys = 0, brace, []
    while i < len(text):
        c = text[i]
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                break
        elif c in "'\"" and depth == 1:
            match = _KEY.match(text, i)
            if match:
                keys.append((match.group(1), i))
                i = match.end()
                continue
        i += 1
    return keys


def _value_after(text: str, offset: int) -> str:
    match = _KEY.match(text, offset)
    rest = text[match.end():] if match else ""
    return re.split(r"[,}\n]", rest, maxsplit=1)[0]


def _header_block(text: str, first: int) -> list[tuple[str, int]]:
    """``Request Header:`` followed by ``Name: value`` lines (as HTTP examples show them)."""
    out: list[tuple[str, int]] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if re.match(r"^\s*(request\s+)?headers?\s*[:：]?\s*$", line, re.I):
            for j in range(i + 1, min(i + 30, len(lines))):
                found = re.match(r"^\s*([A-Za-z][\w\-]*)\s*:\s*\S", lines[j])
                if not found or re.match(r"^\s*request\s+body", lines[j], re.I):
                    break
                out.append((found.group(1), first + j))
    return out


__all__ = ["Assignment", "Samples", "read_samples", "value_schema"]
