"""What each section of a document says on its own: URLs, methods, tables and examples, each in context.

The *context* of a table or an example is what a reader uses to know what it
is: the section's title, the last label above it (``**请求参数:**``,
``> **Response Data Param**``, ``**表 4** 响应Body参数``) and the prose between
that label and the block. From it comes the block's *role*: request or
response, success or failure, and, for request fields, where they travel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from simulator.authoring.draft.document import Block, Section
from simulator.authoring.draft.lenient_json import LenientJSONError, Parsed, find_values
from simulator.authoring.draft.tables import Table, read_table

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_PREFIX = r"^(?:[-*+]\s+)?(?:[^\s:：]{0,14}[:：]\s*)?"
_URL_LINE = re.compile(_PREFIX + r"(?:(" + "|".join(METHODS) + r")\s+)?(https?://\S+)\s*$", re.I)
_METHOD_LINE = re.compile(_PREFIX + r"(" + "|".join(METHODS) + r")\s*$", re.I)
_RESPONSE = re.compile(r"(响应|返回|应答|出参|输出|response|result|output|reply)", re.I)
_REQUEST = re.compile(r"(请求|输入|入参|调用|request|input|param|参数|header|body|payload)", re.I)
_FAILURE = re.compile(r"(失败|错误|异常|fail|error|exception)", re.I)
_STATUS_LABEL = re.compile(r"(?:状态码|status\s*code|http\s*status)\s*[:：]?\s*([1-5]\d\d)\b", re.I)
_HEADER = re.compile(r"(header|请求头|消息头)", re.I)
_PATH = re.compile(r"(路径参数|path\s*param|uri\s*param|path\b)", re.I)
_QUERY = re.compile(r"(url\s*param|query|查询参数|url参数|querystring)", re.I)


@dataclass
class Endpoint:
    method: str | None
    url: str
    line: int


@dataclass
class Placed:
    """A table or an example, with what its context says it is."""
    context: str
    role: str  # request, response, failure, codes, unknown
    line: int
    status: int | None = None  # the HTTP status a label above names (状态码： 400)
    location: str | None = None  # path, query, header (request fields); None: body or unknown
    table: Table | None = None
    example: Parsed | None = None
    of_table: "Placed | None" = None  # an example of the fields table just above it (its object)


@dataclass
class Facts:
    section: Section
    endpoints: list[Endpoint] = field(default_factory=list)
    methods: list[tuple[str, int]] = field(default_factory=list)
    tables: list[Placed] = field(default_factory=list)
    examples: list[Placed] = field(default_factory=list)
    code: list[Block] = field(default_factory=list)  # code samples (fences without a JSON value)
    broken: list[LenientJSONError] = field(default_factory=list)

    def has(self, role: str) -> bool:
        return any(p.role == role for p in [*self.tables, *self.examples])


def section_facts(section: Section) -> Facts:
    facts = Facts(section)
    label = ""  # the last label, and the prose since
    prose: list[str] = []
    status: int | None = None
    previous: Block | None = None
    for block in section.blocks:
        if block.kind == "text" and not block.text:
            continue  # a blank quote line (">") between a label and what it labels
        after_label = previous is not None and previous.kind == "label" and block.line - previous.end <= 2
        previous = block
        if block.kind == "label":
            label, prose = (f"{label} {block.text}" if after_label else block.text), []
            found = _STATUS_LABEL.search(block.text)
            status = int(found.group(1)) if found else (status if re.search(r"^表\s*\d", block.text) else None)
            continue
        if block.kind == "text":
            if (url := _URL_LINE.match(block.text)) is not None:
                facts.endpoints.append(Endpoint(url.group(1).upper() if url.group(1) else None,
                                                url.group(2), block.line))
            elif (method := _METHOD_LINE.match(block.text)) is not None:
                facts.methods.append((method.group(1).upper(), block.line))
            else:
                prose.append(block.text)
            continue
        context = " | ".join(part for part in (section.title, label, " ".join(prose[-2:])) if part)
        if block.kind == "table":
            _table(facts, block, context, label, prose, status)
        elif block.kind == "fence":
            _fence(facts, block, context, label, status)
    return facts


def _table(facts: Facts, block: Block, context: str, label: str, prose: list[str], status: int | None) -> None:
    table = read_table(block)
    if table.kind == "url":
        facts.endpoints += [Endpoint(m or None, u, line) for m, u, line in table.urls]
        for method, _, line in table.urls:
            if method:
                facts.methods.append((method, line))
        return
    if table.kind in ("codes", "code-list", "http-status"):
        facts.tables.append(Placed(context, "codes", block.line, status=status, table=table))
        return
    near = f"{label} {' '.join(prose[-2:])}" if label or prose else facts.section.title
    role = _role(near) or _role(context) or "unknown"
    if role == "response" and status is not None and status >= 300:
        role = "failure"
    location = None
    if role == "request":
        location = "header" if _HEADER.search(near) else "path" if _PATH.search(near) else \
            "query" if _QUERY.search(near) else None
    facts.tables.append(Placed(context, role, block.line, status=status, location=location, table=table))


def _fence(facts: Facts, block: Block, context: str, label: str, status: int | None) -> None:
    values, failures = find_values(block.body, block.line + 1)
    facts.broken += failures
    if not values:
        facts.code.append(block)
        return
    role_here = _role(f"{label} {' '.join(context.split(' | ')[2:])}") or _role(context) or "unknown"
    of_table = None
    if role_here == "unknown" and facts.tables and facts.tables[-1].table.kind == "fields" \
            and facts.tables[-1].role in ("request", "response"):
        of_table = facts.tables[-1]  # "Example" right after a parameter table shows that table's object
        role_here = of_table.role
    if role_here == "response" and (_FAILURE.search(label or context) or (status or 200) >= 300):
        role_here = "failure"
    labelled: list[str | None] = []
    previous_end = 0
    for parsed in values:  # prose just above each value inside the block ("Result:", "Request Body:")
        above = "\n".join(block.body[previous_end:parsed.start].split("\n")[-3:])
        labelled.append(_role(above))
        previous_end = parsed.end
    if any(r in ("response", "failure") for r in labelled):  # "Result:" inside the block marks the answer
        roles = [r or "request" for r in labelled]
    else:
        roles = [role_here if role_here != "unknown" else (r or "unknown") for r in labelled]
    for parsed, role in zip(values, roles):
        line = block.line + 1 + block.body.count("\n", 0, parsed.start)
        facts.examples.append(Placed(context, role, line, status=status, example=parsed, of_table=of_table))
    if len(values) == 1 and _code_like(block.body, values[0]):
        facts.code.append(block)


def _code_like(body: str, parsed: Parsed) -> bool:
    """A program that happens to hold an object literal (it is also read as code)."""
    outside = body[:parsed.start] + body[parsed.end:]
    return bool(re.search(r"(\bdef |\bimport |\bclass |;\s*$|=\s*\{)", outside, re.M))


def _role(text: str) -> str | None:
    """request, response or failure, from a context text; None when it says nothing."""
    if not text:
        return None
    if _RESPONSE.search(text):
        return "failure" if _FAILURE.search(text) else "response"
    if _FAILURE.search(text) and re.search(r"(示例|example)", text, re.I):
        return "failure"
    if _REQUEST.search(text):
        return "request"
    return None


__all__ = ["Endpoint", "Facts", "METHODS", "Placed", "section_facts"]
