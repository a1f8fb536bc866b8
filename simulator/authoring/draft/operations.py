"""Which sections of a document describe one operation each, and which hold what several share.

A URL declaration is a line whose content is a URL (``调用地址：https://...``,
`` `POST https://...` ``, a URL table row); code blocks and sentences do not
count. Walking the headings from the top:

- a section whose subtree declares two or more URLs holds several operations:
  descend (its own blocks are shared by the operations below it);
- a section whose subtree declares one URL is one operation, with all its
  subsections (URI, 请求参数, 响应参数, 示例...), unless two or more of its
  subsections describe both a request and a response without a URL of their
  own: those are operations on the one URL (a page that gives the endpoint
  once, then one section per method);
- a section without a URL that describes both a request and a response is an
  operation on the URL declared above it.

Every other section with content is *shared*: its parameter tables, code
samples and code tables apply to the operations under its parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.authoring.draft.document import Section
from simulator.authoring.draft.facts import Endpoint, Facts


@dataclass
class Span:
    section: Section
    endpoint: Endpoint | None
    inherited: bool = False  # the URL was declared above the section, not inside it
    shared: list[Section] = field(default_factory=list)  # sections whose content the operation shares
    methods: list[tuple[str, int]] = field(default_factory=list)  # method declarations in reach


def find_spans(root: Section, facts: dict[int, Facts]) -> tuple[list[Span], list[Section]]:
    """The operations' sections, and the shared sections (in document order)."""
    spans: list[Span] = []
    shared: list[Section] = []

    def declared(section: Section) -> list[Endpoint]:
        return [e for s in section.subtree() for e in facts[id(s)].endpoints]

    def declaring(section: Section) -> int:
        return sum(1 for s in section.subtree() if facts[id(s)].endpoints)

    def both(section: Section) -> bool:
        subtree = [facts[id(s)] for s in section.subtree()]
        return any(f.has("request") for f in subtree) and any(f.has("response") or f.has("failure")
                                                              for f in subtree)

    def answers(section: Section) -> bool:
        return any(facts[id(s)].has("response") or facts[id(s)].has("request") for s in section.subtree())

    def walk(section: Section, inherited: Endpoint | None) -> None:
        if len(section.children) == 1 and not _content(facts[id(section)]):
            walk(section.children[0], inherited)  # a heading over one heading: nothing to decide here
            return
        count = declaring(section)
        methodical = [c for c in section.children if both(c) and not declaring(c)]
        if count == 1 and answers(section):
            if len(methodical) < 2:
                spans.append(Span(_innermost(section, facts), declared(section)[0]))
                return
            inherited = declared(section)[0]  # one URL, then one section per method
        elif count == 0 and inherited is not None and both(section) and len(methodical) < 2:
            spans.append(Span(_innermost(section, facts), inherited, inherited=True))
            return
        _shared(section)
        for child in section.children:
            own = declared(child)
            if len(own) == 1 and not answers(child):  # a section that only gives the endpoint ("调用方式")
                inherited = own[0]
            walk(child, inherited)

    def _shared(section: Section) -> None:
        f = facts[id(section)]
        if f.tables or f.examples or f.code or f.methods:
            shared.append(section)

    walk(root, None)
    holders = {id(a) for span in spans for a in _ancestors(span.section)}
    for span in spans:
        span.shared = [s for s in shared if _covers(s, span.section, id(s) in holders)]
        span.methods = [m for s in span.section.subtree() for m in facts[id(s)].methods]
        if span.inherited:
            span.methods += [m for s in span.shared for m in facts[id(s)].methods]
    return spans, shared


def _content(facts: Facts) -> bool:
    return bool(facts.endpoints or facts.tables or facts.examples or facts.code)


def _innermost(section: Section, facts: dict[int, Facts]) -> Section:
    """The operation's own heading: past headings that only hold one subsection ("Distance" > "Distance - calc")."""
    while len(section.children) == 1 and not _content(facts[id(section)]):
        section = section.children[0]
    return section


def _ancestors(section: Section) -> list[Section]:
    out = []
    node = section.parent
    while node is not None:
        out.append(node)
        node = node.parent
    return out


def _covers(shared: Section, operation: Section, holds_operations: bool) -> bool:
    """Does a shared section apply to an operation? A section over operations (its own blocks, before its
    first subsection) reaches the operations under it; a section beside them (common parameters, a global
    code table) reaches everything under their common parent."""
    scope = shared if holds_operations else shared.parent
    return scope is not None and any(a is scope for a in [operation, *_ancestors(operation)])


__all__ = ["Span", "find_spans"]
