"""One drafted operation: its URL and method, request and response schemas, codes and examples."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from simulator.authoring.draft.catalogue import Catalogue, failure_code
from simulator.authoring.draft.document import Section
from simulator.authoring.draft.facts import Facts, Placed
from simulator.authoring.draft.lenient_json import Parsed
from simulator.authoring.draft.samples import read_samples, value_schema
from simulator.authoring.draft.schema_builder import ITEMS, SchemaBuilder
from simulator.authoring.draft.tables import FieldRow
from simulator.authoring.draft.operations import Span
from simulator.authoring.naming import snake_id

PARTS = ("path_params", "query", "headers", "body")
_LOCATION_PART = {"path": "path_params", "query": "query", "header": "headers", None: "body"}
_RESPONSE_ONLY = re.compile(r"(返回|响应|response)", re.I)
_REQUEST_TOO = re.compile(r"(请求|request)", re.I)
_TEMPLATE = re.compile(r"\{([^{}]+)\}")


@dataclass
class OperationDraft:
    id: str
    summary: str
    section: str
    lines: tuple[int, int]
    method: str
    url: str
    request: dict[str, SchemaBuilder]
    response: SchemaBuilder
    status: int = 200
    body_format: str = "json"
    errors: list[str] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    failure_schemas: dict[int, SchemaBuilder] = field(default_factory=dict)
    notes: list[tuple[int, str]] = field(default_factory=list)
    match: dict[str, Any] = field(default_factory=dict)
    from_code: bool = False
    named: bool = True  # the id comes from the section's title (not from the path)

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.url).path) or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def request_values(self) -> dict[str, Any]:
        """``"body.type" -> "recommend"``: single string values the examples or tables fix (discriminators)."""
        out: dict[str, Any] = {}
        for part, builder in self.request.items():
            where = "body" if part == "body" else part
            for path, seen in builder.seen.items():
                if ITEMS in path:
                    continue
                node = builder.node(path)
                values = [node["const"]] if "const" in node else [v for v in seen.values if isinstance(v, str)]
                if len(set(values)) == 1 and re.fullmatch(r"[A-Za-z_][\w.\-]*", str(values[0])):
                    out[".".join((where, *path))] = values[0]
        return out


def operation_id(title: str, path: str) -> tuple[str, bool]:
    """An id from the section's title, or from the path when the title has no ASCII words; and which."""
    words = snake_id(re.sub(r"[（(].*?[)）]", "", title), fallback="")
    if words and not re.fullmatch(r"(op_)?[\d_]+", words):
        return re.sub(r"^op_[\d_]+_", "", words), True
    segments = [s for s in path.split("/") if s and not s.startswith("{")][-2:]
    return snake_id(" ".join(segments), fallback="root"), False


def build_operation(span: Span, facts: dict[int, Facts], catalogue: Catalogue) -> OperationDraft:
    section = span.section
    own = [facts[id(s)] for s in section.subtree()]
    shared = [facts[id(s)] for s in span.shared]
    # Sections beside the operations (a "common format" section), not those above them (whose own blocks
    # are introductions and sample programs): their examples show the envelope every operation shares.
    beside = [facts[id(s)] for s in span.shared if section not in s.subtree()]
    url = _unescape(span.endpoint.url)
    title = re.sub(r"^\s*[\d.]+\s*", "", section.title) or section.title
    op_id, named = operation_id(section.title, urlsplit(url).path)
    op = OperationDraft(
        id=op_id, named=named, summary=title or urlsplit(url).path,
        section=section.path() or "(top of the document)", lines=(section.line, section.end),
        method="", url=url, request={part: SchemaBuilder(f"{part} of {title}") for part in PARTS},
        response=SchemaBuilder(f"response of {title}"))
    _method(op, span, own)
    _request(op, span, own, shared, beside)
    _samples(op, [b for f in [*own, *shared] for b in f.code])
    _response(op, own, beside)
    _codes(op, own, catalogue)
    if not any(p.table.kind == "code-list" for p in _each(own, "tables", "codes")):
        for key in (k for s in span.shared for k in catalogue.section_codes.get(s.path(), [])):
            if key not in op.errors:
                op.errors.append(key)  # the document's code table over this operation, as no list narrows it
    for placed in _each(own, "tables", "unknown"):
        op.notes.append((placed.line, f"{op.id}: a table whose labels do not say request or response; not placed"))
    _body_format(op, section, own)
    return op


def _request(op: OperationDraft, span: Span, own: list[Facts], shared: list[Facts], beside: list[Facts]) -> None:
    """Examples first (they say where fields sit), then the shared tables, then the operation's own."""
    body = op.request["body"]
    for placed in _each(own, "examples", "request"):
        if placed.of_table is None:
            body.add_example(placed.example.value)
            op.examples.append(_example("request", placed, {"body": placed.example.value}))
    for placed in _each(beside, "examples", "request"):  # a common format: its envelope, not its placeholders
        _envelope(body, placed.example.value)
    for placed in _each(shared, "tables", "request"):
        _place_rows(op, placed, hint_allowed=False)
    for placed in _each(own, "tables", "request"):
        _place_rows(op, placed, hint_allowed=True)
    url = urlsplit(op.url)
    for name, value in parse_qsl(url.query, keep_blank_values=True):  # "?token=" in the URL line
        if not op.request["query"].has((name,)):
            op.request["query"].add_row((name,), FieldRow(name=name, line=span.endpoint.line, type_text="string",
                                                          example=value))
    for name in _TEMPLATE.findall(url.path):
        if not op.request["path_params"].has((name,)):
            op.request["path_params"].add_row((name,), FieldRow(name=name, line=span.endpoint.line,
                                                                type_text="string", required=True))
    if op.method in ("GET", "HEAD", "DELETE") and body.seen and not any(_each(own, "examples", "request")):
        op.request["query"], op.request["body"] = body, SchemaBuilder(body.what)


def _body_format(op: OperationDraft, section: Section, own: list[Facts]) -> None:
    """json when the document shows a JSON request or says JSON; form for other bodies; none without one."""
    has_body = bool(op.request["body"].seen)
    says_json = any(re.search(r"json", b.text, re.I) for s in section.subtree() for b in s.blocks if b.kind == "text") \
        or any(re.search(r"json", p.context, re.I) for p in _each(own, "tables", "request"))
    op.body_format = "json" if any(_each(own, "examples", "request")) or (has_body and says_json) else \
        ("form" if has_body else "none")
    if op.body_format == "form":
        op.notes.append((section.line, f"{op.id}: no JSON request example; the body is taken as form-encoded"))


def _unescape(url: str) -> str:
    return re.sub(r"\\([{}_])", r"\1", url).rstrip(".,;。；")


def _each(facts: list[Facts], kind: str, role: str) -> list[Placed]:
    return [p for f in facts for p in getattr(f, kind) if p.role == role]


def _method(op: OperationDraft, span: Span, own: list[Facts]) -> None:
    if span.endpoint.method:
        op.method = span.endpoint.method
    elif span.methods:
        op.method = span.methods[0][0]
    else:
        has_body = any(_each(own, "examples", "request")) or any(_each(own, "tables", "request"))
        op.method = "POST" if has_body else "GET"
        op.notes.append((span.section.line, f"{op.id}: the document names no method; {op.method} is assumed"))


def _hint(context: str, builder: SchemaBuilder) -> tuple[str, ...] | None:
    """An object field the table's label or prose names ("Data Param", "ServiceParameters的json字符串里"):
    the table's fields go inside it."""
    objects = sorted((p for p in builder.seen if p and ITEMS not in p), key=len)
    for path in objects:
        name = path[-1]
        if len(name) >= 3 and re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", context, re.I):
            return path
    return None


def _place_rows(op: OperationDraft, placed: Placed, *, hint_allowed: bool) -> None:
    table = placed.table
    if table is None:
        return
    for line, why in table.skipped:
        op.notes.append((line, f"{op.id}: a table row was not read ({why})"))
    part = _LOCATION_PART.get(placed.location, "body")
    builder = op.request[part]
    hint = _hint(placed.context.split(" | ", 1)[-1], builder) if hint_allowed and part == "body" else None
    caption = placed.context.rsplit(" | ", 1)[-1]
    named = next((path for name, path in builder.named.items() if name in caption), None)
    for row in table.fields:
        if part == "headers":
            row = replace(row, name=row.name.lower())
        if part == "path_params":
            if f"{{{row.name}}}" not in urlsplit(op.url).path:
                op.notes.append((row.line, f"{op.id}: path parameter {row.name} is not in the path (it is part of "
                                           "the host?); left out"))
                continue
            row = replace(row, type_text=row.type_text or "string")
        if row.caller and _RESPONSE_ONLY.search(row.caller) and not _REQUEST_TOO.search(row.caller):
            op.response.add_row(op.response.locate(row.name) or (row.name,), row)
            continue
        found = builder.locate(row.name, hint[-1] if hint else None)
        path = found or ((*hint, row.name) if hint else (*named, row.name) if named else (row.name,))
        builder.add_row(path, row)


def _samples(op: OperationDraft, blocks: list) -> None:
    for block in blocks:
        samples = read_samples(block)
        for name, line in samples.headers:
            if not op.request["headers"].has((name.lower(),)):
                op.request["headers"].add_row((name.lower(),), FieldRow(name=name.lower(), line=line, type_text="string"))
        for assignments in samples.bodies:
            for item in assignments:
                if op.request["body"].locate(item.key) is None:
                    schema, value = value_schema(item.value)
                    op.request["body"].add_row((item.key,), FieldRow(name=item.key, line=item.line,
                                                                     type_text=schema["type"]))
                    op.notes.append((item.line, f"{op.id}: body field {item.key} is known from sample code only; "
                                                "its type is a guess"))


def _envelope(builder: SchemaBuilder, value: object) -> None:
    """The top-level fields of a common format's example (its inner values are placeholders)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if not builder.has((key,)):
                builder.add_example({} if isinstance(sub, dict) else [] if isinstance(sub, list) else sub, (key,))


def _response(op: OperationDraft, own: list[Facts], shared: list[Facts]) -> None:
    successes = [p for p in _each(own, "examples", "response") if p.of_table is None]
    for placed in successes:
        op.response.add_example(placed.example.value)
        op.examples.append(_example("response", placed, {"status": placed.status or 200,
                                                         "body": placed.example.value}))
        if placed.status and 200 <= placed.status < 300:
            op.status = placed.status
    for placed in _each(shared, "examples", "response"):
        _envelope(op.response, placed.example.value)
    for placed in [p for p in _each(own, "examples", "response") if p.of_table is not None]:
        hint = _hint(placed.of_table.context.split(" | ", 1)[-1], op.response)
        op.response.add_example(placed.example.value, hint or ())
    for placed in _each(own, "tables", "response"):
        hint = _hint(placed.context.split(" | ", 1)[-1], op.response)
        caption = placed.context.rsplit(" | ", 1)[-1]
        named = next((path for name, path in op.response.named.items() if name in caption), None)
        for row in placed.table.fields:
            found = op.response.locate(row.name, hint[-1] if hint else None)
            op.response.add_row(found or (*(named or hint or ()), row.name), row)
    for placed in _each(own, "tables", "failure"):
        failure = op.failure_schemas.setdefault(placed.status or 0, SchemaBuilder(f"failure of {op.summary}"))
        for row in placed.table.fields:
            failure.add_row((row.name,), row)


def _codes(op: OperationDraft, own: list[Facts], catalogue: Catalogue) -> None:
    def listed(key: str) -> None:
        if key not in op.errors:
            op.errors.append(key)

    for placed in _each(own, "tables", "codes"):
        table = placed.table
        for line, why in table.skipped:
            op.notes.append((line, f"{op.id}: a code table row was not read ({why})"))
        if table.kind == "code-list":
            for row in table.codes:
                listed(catalogue.reference(row.code, row.line, op.section))
        elif table.kind == "codes":
            for row in table.codes:
                listed(catalogue.add_local(op.id, row.code, row.message, row.line, when=row.description,
                                           status=placed.status or 200, section=op.section))
    for placed in [p for f in own for p in f.examples if p.role == "failure"]:
        value, message = failure_code(placed.example.value)
        status = placed.status if placed.status and placed.status >= 300 else 200
        if value is None and not message:
            op.notes.append((placed.line, f"{op.id}: a failure example that shows neither a code nor a message "
                                          "(an empty one?); not catalogued"))
            continue
        if value is None:
            key = catalogue.add_local(op.id, "", message, placed.line, status=status, section=op.section,
                                      when=f"the failure the document shows at line {placed.line}")
            op.notes.append((placed.line, f"{op.id}: a failure example shows a message but no code; catalogued "
                                          f"as {key}: give it a name"))
        else:
            key = catalogue.find(op.id, value) or catalogue.add_local(op.id, value, message, placed.line,
                                                                      status=status, section=op.section)
        listed(key)
        op.examples.append(_example("failure", placed, {"status": catalogue.entries[key]["http_status"],
                                                        "body": placed.example.value, "error": key}))


def _example(kind: str, placed: Placed, content: dict[str, Any]) -> dict[str, Any]:
    parsed: Parsed = placed.example
    example: dict[str, Any] = {"name": f"{kind} example (line {placed.line})",
                               "request" if kind == "request" else "response": content}
    if parsed.repairs:
        example["x-repairs"] = [f"line {r.line}: {r.kind} ({r.detail})" for r in parsed.repairs]
    return example


__all__ = ["OperationDraft", "PARTS", "build_operation", "operation_id"]
