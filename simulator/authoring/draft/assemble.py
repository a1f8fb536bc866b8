"""A whole document as a draft contract (``apisim contract draft``).

After each operation is drafted on its own (``operation.py``), what only the
document as a whole shows is settled here:

- endpoints several operations share: the request values that tell them
  apart (``type``/``subtype`` in CDC's body, ``ServiceParameters.method`` in
  SAF's) become each operation's ``match``, for every operation that has them;
- operations that only sample code shows (``serviceParams.put("method",
  "initH5")``): drafted on the same endpoint, with the fields the code puts;
- codes the prose mentions that look like the codes the tables list
  (``ModelArts.4204`` beside ``AIS.0103``);
- hosts written as templates (``https://{endpoint}/...``), replaced by a
  concrete URL with the same path found elsewhere in the document;
- deployments, one per scheme, host and port.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simulator.authoring.draft.catalogue import Catalogue, code_shapes
from simulator.authoring.draft.document import Section, parse_document
from simulator.authoring.draft.facts import Facts, section_facts
from simulator.authoring.draft.operation import PARTS, OperationDraft, build_operation
from simulator.authoring.draft.operations import find_spans
from simulator.authoring.draft.samples import read_samples, value_schema
from simulator.authoring.draft.schema_builder import SchemaBuilder
from simulator.authoring.draft.tables import FieldRow
from simulator.authoring.draft.contract import contract_of
from simulator.authoring.naming import service_slug, snake_id, unique

_URL = re.compile(r"https?://[^\s“”\"'`<>()\[\]（）]+")


@dataclass
class Drafted:
    contract: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # "line N: ..." for the report, in line order
    repairs: list[str] = field(default_factory=list)

    def report(self) -> str:
        from simulator.authoring.draft.report import draft_report

        return draft_report(self)


def draft_service_name(path: Path | str) -> str:
    return service_slug(Path(path).stem)


def draft_contract(path: Path | str, *, service: str | None = None, port_block: int = 0) -> Drafted:
    """Read a vendor document and draft the contract it describes (not yet written anywhere)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path} as UTF-8 text ({exc}); check the path and the encoding") from exc
    return draft_text(text, path.name, service=service, port_block=port_block)


def draft_text(text: str, source: str, *, service: str | None = None, port_block: int = 0) -> Drafted:
    root = parse_document(text)
    facts = {id(s): section_facts(s) for s in root.subtree()}
    spans, _ = find_spans(root, facts)
    if not spans:
        raise ValueError(f"{source}: no operation found: no line gives a URL (such as `POST https://host/path` or "
                         "`调用地址：https://...`) next to request or response tables; see docs/adding-an-api.md")
    notes: list[tuple[int, str]] = []
    catalogue = Catalogue()
    inside = {id(s) for span in spans for s in span.section.subtree()}
    for section in root.subtree():
        if id(section) not in inside:
            _global_codes(facts[id(section)], section, catalogue)
    ops = [build_operation(span, facts, catalogue) for span in spans]
    taken: set[str] = set()
    for op in ops:
        _rename(op, unique(op.id, taken))
        taken.add(op.id)
    _discriminate(ops, notes)
    _code_operations(ops, root, facts, catalogue)
    _mentioned_codes(text, ops, catalogue)
    _concrete_hosts(text, ops, notes)
    for f in facts.values():
        notes += [(e.line, f"a code block could not be read as JSON: {e.reason}") for e in f.broken]
    title = next((s.title for s in root.subtree() if s.level > 0), Path(source).stem)
    contract = contract_of(ops, catalogue, source=source, title=title,
                           service=service or _service_name(title, ops, source), port_block=port_block, notes=notes)
    for op in ops:  # after the contract: building the schemas is what finds type disagreements
        notes += op.notes
        for builder in [*op.request.values(), op.response, *op.failure_schemas.values()]:
            notes += builder.notes
    notes += catalogue.notes
    repairs = [f"line {r.line}: {r.kind} ({r.detail})" for f in facts.values() for p in f.examples
               for r in p.example.repairs]
    ordered = sorted(set(notes), key=lambda n: (n[0], n[1]))
    return Drafted(contract, [f"line {line}: {text}" for line, text in ordered], repairs)


def _service_name(title: str, ops: list[OperationDraft], source: str) -> str:
    """The title's words; for a title without any (Chinese only), the first word of the API's host name."""
    if re.search("[A-Za-z]", title):
        return service_slug(title)
    host = urlsplit(ops[0].url).hostname or ""
    if host and not re.fullmatch(r"[\d.]+", host):
        return service_slug(host.split(".")[0])
    return service_slug(Path(source).stem)


def _global_codes(facts: Facts, section: Section, catalogue: Catalogue) -> None:
    for placed in facts.tables:
        if placed.role == "codes" and placed.table.kind == "codes":
            for row in placed.table.codes:
                key = catalogue.add_global(row.code, row.message, row.line, when=row.description,
                                           status=placed.status or 200, section=section.path())
                catalogue.section_codes.setdefault(section.path(), []).append(key)


def _rename(op: OperationDraft, new: str) -> None:
    """Give an operation another id, in the notes already written about it too."""
    old, op.id = op.id, new
    op.notes = [(line, text.replace(f"{old}: ", f"{new}: ", 1)) for line, text in op.notes]


def _discriminate(ops: list[OperationDraft], notes: list[tuple[int, str]]) -> None:
    """Request values that tell apart operations sharing a method and URL become ``match``."""
    groups: dict[tuple[str, str, str], list[OperationDraft]] = defaultdict(list)
    for op in ops:
        groups[(op.origin, op.method, op.path)].append(op)
    values = {op.id: op.request_values() for op in ops}
    keys: set[str] = set()
    for group in (g for g in groups.values() if len(g) > 1):
        common = set.intersection(*(set(values[op.id]) for op in group))
        keys |= {k for k in common if len({values[op.id][k] for op in ops if k in values[op.id]}) > 1}
    for op in ops:
        op.match = {k: values[op.id][k] for k in sorted(keys) if k in values[op.id]}
        if op.match and not op.named:  # "发起认证请求" says nothing in ASCII; its match value does
            _rename(op, unique(snake_id(str(list(op.match.values())[-1])), {o.id for o in ops if o is not op}))
            op.named = True
    for group in groups.values():
        seen: dict[str, OperationDraft] = {}
        for op in group if len(group) > 1 else []:
            signature = repr(sorted(op.match.items()))
            if signature in seen:
                notes.append((op.lines[0], f"{op.id} and {seen[signature].id} share {op.method} {op.path} and "
                                           "nothing in their requests tells them apart; add a match by hand"))
            seen[signature] = op


def _code_operations(ops: list[OperationDraft], root: Section, facts: dict[int, Facts], catalogue: Catalogue) -> None:
    """Operations sample code shows by putting a new value of a discriminating key (``put("method", "initH5")``)."""
    keys = {k for op in ops for k in op.match if k.startswith("body.")}
    for key in sorted(keys):
        parts = key.split(".")[1:]
        leaf, parent = parts[-1], tuple(parts[:-1])
        family = [op for op in ops if key in op.match]
        for section in root.subtree():
            for block in facts[id(section)].code:
                samples = read_samples(block)
                for var, puts in samples.puts.items():
                    if parent and samples.nesting.get(var) != parent[-1]:
                        continue
                    for group in _split(puts, leaf):
                        _, value = value_schema(group[0].value)
                        if not isinstance(value, str):
                            continue
                        known = next((op for op in family if op.match[key] == value), None)
                        target = known or _new_operation(family, key, value, section, group, ops, catalogue)
                        for item in group[1:]:
                            path = (*parent, item.key)
                            if target.request["body"].locate(item.key, parent[-1] if parent else None) is None:
                                schema, _ = value_schema(item.value)
                                target.request["body"].add_row(path, FieldRow(item.key, item.line,
                                                                              type_text=schema["type"]))


def _split(puts: list, leaf: str) -> list[list]:
    groups: list[list] = []
    for item in puts:
        if item.key == leaf:
            groups.append([item])
        elif groups:
            groups[-1].append(item)
    return groups


def _new_operation(family: list[OperationDraft], key: str, value: str, section: Section, group: list,
                   ops: list[OperationDraft], catalogue: Catalogue) -> OperationDraft:
    template = family[0]
    parent = tuple(key.split(".")[1:-1])
    op = OperationDraft(
        id=unique(snake_id(value), {o.id for o in ops}), summary=f"{value} (from the sample code)",
        section=section.path(), lines=(group[0].line, group[-1].line), method=template.method, url=template.url,
        request={part: SchemaBuilder(f"{part} of {value}") for part in PARTS},
        response=SchemaBuilder(f"response of {value}"), body_format=template.body_format, from_code=True)
    body = op.request["body"]
    for path in _shared_paths(family, "body"):
        _copy(template.request["body"], body, path)
    leaf = key.split(".")[-1]
    body.add_row((*parent, leaf), FieldRow(leaf, group[0].line, type_text="string"))
    body.node((*parent, leaf)).update(const=value, description=f"{value}: the value the sample code sends")
    for path in _shared_paths(family, "response"):
        _copy(template.response, op.response, path)
    globals_ = set(catalogue.globals_by_value.values())
    op.errors = [c for c in family[0].errors if c in globals_ and all(c in o.errors for o in family)]
    op.match = {key: value}
    op.notes.append((group[0].line, f"{op.id}: known from sample code only; its response is the envelope the "
                                    "other operations share, check it"))
    ops.append(op)
    family.append(op)
    return op


def _copy(source: SchemaBuilder, target: SchemaBuilder, path: tuple[str, ...]) -> None:
    seen = source.seen.get(path)
    if seen is None:
        return
    mine = target.seen.setdefault(path, type(seen)())
    mine.kinds |= seen.kinds
    mine.table, mine.table_line = seen.table, seen.table_line
    node, dest = source.node(path), target.node(path)
    for key in ("description", "x-doc-line", "const", "maxLength"):
        if key in node:
            dest[key] = node[key]


def _shared_paths(family: list[OperationDraft], part: str) -> list[tuple[str, ...]]:
    """The request body or response fields every documented operation of an endpoint has (its envelope)."""
    documented = [op for op in family if not op.from_code]
    builders = [op.response if part == "response" else op.request[part] for op in documented]
    if not builders:
        return []
    common = set.intersection(*(set(b.seen) for b in builders))
    return sorted((p for p in builders[0].seen if p in common), key=len)


def _mentioned_codes(text: str, ops: list[OperationDraft], catalogue: Catalogue) -> None:
    """Codes shaped like the listed ones (``ModelArts.4204`` beside ``AIS.0103``) that only prose mentions."""
    known = {e["x-code"]: e for e in catalogue.entries.values() if "x-code" in e}
    for shape in code_shapes(list(known)):
        source = next(e for v, e in known.items() if shape.fullmatch(v))
        for number, line in enumerate(text.split("\n"), 1):
            for value in shape.findall(line):
                if value in known:
                    continue
                key = catalogue.add_global(value, "", number, status=source["http_status"],
                                           when=f"mentioned at line {number}; what triggers it is for a person to say")
                catalogue.notes.append((number, f"code {value} is only mentioned in the text; check its message "
                                                "and HTTP status"))
                known[value] = catalogue.entries[key]
                for op in ops:
                    if op.lines[0] <= number <= op.lines[1] and key not in op.errors:
                        op.errors.append(key)


def _concrete_hosts(text: str, ops: list[OperationDraft], notes: list[tuple[int, str]]) -> None:
    urls = [re.sub(r"\\([{}_])", r"\1", u) for u in _URL.findall(text)]
    for op in ops:
        if "{" not in urlsplit(op.url).netloc:
            continue
        same = next((u for u in urls if "{" not in urlsplit(u).netloc and urlsplit(u).path == op.path), None)
        if same:
            parts = urlsplit(same)
            op.url = f"{parts.scheme}://{parts.netloc}{urlsplit(op.url).path}"
        else:
            notes.append((op.lines[0], f"{op.id}: the host is a template ({urlsplit(op.url).netloc}); set the "
                                       "deployment's base_url by hand"))


__all__ = ["Drafted", "draft_contract", "draft_service_name", "draft_text"]
