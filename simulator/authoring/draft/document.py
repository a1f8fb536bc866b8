"""A vendor document as sections of blocks, every block with its line numbers.

Block kinds: ``heading``; ``label`` (a bold line such as ``**请求参数:**`` or
``> **URL**``, or a table caption ``**表 2** 请求Header参数``); ``table``
(Markdown pipe tables, rows that run over several lines included, and HTML
``<table>`` as documentation portals export them); ``fence`` (a code block with
its language); ``text`` (any other line). Headings make a tree of
:class:`Section`\\ s; a section's own blocks are those before its first
subsection.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^\s{`]*)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:>\s*)?\*\*(.+?)\*\*\s*(.*?)\s*$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|$<>])")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Row:
    cells: list[str]
    line: int


@dataclass
class Block:
    kind: str  # heading, label, table, fence, text
    line: int
    end: int
    text: str = ""
    level: int = 0
    rows: list[Row] = field(default_factory=list)  # table: the header row first
    lang: str = ""
    body: str = ""  # fence content

    @property
    def header(self) -> list[str]:
        return self.rows[0].cells if self.rows else []


@dataclass
class Section:
    title: str
    level: int
    line: int
    end: int = 0
    blocks: list[Block] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)
    parent: "Section | None" = field(default=None, repr=False)

    def path(self) -> str:
        titles: list[str] = []
        node: Section | None = self
        while node is not None and node.level > 0:
            titles.append(node.title)
            node = node.parent
        return " > ".join(reversed(titles))

    def subtree(self) -> list["Section"]:
        out = [self]
        for child in self.children:
            out += child.subtree()
        return out

    def all_blocks(self) -> list[Block]:
        return [block for section in self.subtree() for block in section.blocks]


def clean(text: str) -> str:
    """Cell or line text without Markdown emphasis, escapes, inline HTML and code ticks."""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = text.replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


def parse_document(text: str) -> Section:
    """The document's section tree; the root (level 0) holds what comes before the first heading."""
    blocks = _blocks(text.replace("\r\n", "\n").split("\n"))
    root = Section(title="", level=0, line=1)
    stack = [root]
    for block in blocks:
        if block.kind == "heading":
            while stack[-1].level >= block.level:
                stack.pop()
            section = Section(title=block.text, level=block.level, line=block.line, parent=stack[-1])
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].blocks.append(block)
    _close(root, len(text.split("\n")))
    return root


def _close(section: Section, last_line: int) -> None:
    """Each section ends where the next section at its level or above starts."""
    section.end = last_line
    for i, child in enumerate(section.children):
        nxt = section.children[i + 1].line - 1 if i + 1 < len(section.children) else last_line
        _close(child, nxt)


def _blocks(lines: list[str]) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1
        fence = _FENCE.match(line)
        if fence:
            j = i + 1
            marker = fence.group(1)
            while j < len(lines) and not lines[j].strip().startswith(marker[:3]):
                j += 1
            out.append(Block("fence", number, j + 1, lang=fence.group(2).lower(), body="\n".join(lines[i + 1:j])))
            i = j + 1
            continue
        if "<table" in line.lower():
            j = i
            while j < len(lines) and "</table>" not in lines[j].lower():
                j += 1
            out.append(Block("table", number, j + 1, rows=_html_rows("\n".join(lines[i:j + 1]), number)))
            i = j + 1
            continue
        if line.lstrip().startswith("|") and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
            rows, i = _pipe_table(lines, i)
            out.append(Block("table", number, i, rows=rows))
            continue
        heading = _HEADING.match(line)
        if heading and clean(_strip_anchor(heading.group(2))):
            out.append(Block("heading", number, number, text=clean(_strip_anchor(heading.group(2))),
                             level=len(heading.group(1))))
        elif line.strip():
            bold = _BOLD_LINE.match(line)
            if bold and (not bold.group(2) or len(clean(bold.group(2))) <= 30):
                out.append(Block("label", number, number, text=clean(f"{bold.group(1)} {bold.group(2)}")))
            else:
                out.append(Block("text", number, number, text=clean(line.lstrip("> ").strip())))
        i += 1
    return out


def _strip_anchor(title: str) -> str:
    return re.sub(r"\s*\{#[^}]*\}\s*$", "", re.sub(r"<a\s+name=[^>]*>\s*</a>", "", title))


def _split_row(text: str) -> list[str]:
    body = text.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [clean(cell) for cell in re.split(r"(?<!\\)\|", body)]


def _pipe_table(lines: list[str], start: int) -> tuple[list[Row], int]:
    """Rows of a pipe table from ``start`` (its header); a row that does not end with ``|`` continues on
    the next lines until one does (cells holding lists and line breaks)."""
    rows = [Row(_split_row(lines[start]), start + 1)]
    i = start + 2
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        first = i
        text = lines[i]
        while not text.rstrip().endswith("|") and i + 1 < len(lines) and i - first < 8:
            i += 1
            text += " " + lines[i]
        rows.append(Row(_split_row(text), first + 1))
        i += 1
    return rows, i


class _TableHTML(HTMLParser):
    def __init__(self, first_line: int):
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.rows: list[Row] = []
        self.cell: list[str] | None = None
        self.row: Row | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.row = Row([], self.first_line + self.getpos()[0] - 1)
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in ("p", "li", "br") and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.cells.append(clean("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _html_rows(text: str, first_line: int) -> list[Row]:
    parser = _TableHTML(first_line)
    parser.feed(text)
    parser.close()
    return parser.rows


__all__ = ["Block", "Row", "Section", "clean", "parse_document"]
