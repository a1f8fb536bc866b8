"""A contract's error catalogue as the Markdown table docs/services/<service>.md shows.

The table is generated, never written by hand, so the page cannot drift from the contract: every
code (global and operation-local), its HTTP status, its message and what makes a client get it
(the entry's ``when``), or that only ``X-Apisim-Code`` or a fault produces it (``trigger:
forced-only``). It sits between :data:`BEGIN` and :data:`END` in the page; the hand-written prose
around it is left alone. ``apisim contracts --codes --write-docs docs/services`` rewrites it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from simulator.contracts.model import Contract, ErrorEntry

REGENERATE = "apisim contracts --codes --write-docs docs/services"
BEGIN = f"<!-- codes:begin: generated from the contract by `{REGENERATE}`; edit the contract, not this table -->"
END = "<!-- codes:end -->"
FAULT_ONLY = "fault-only (`X-Apisim-Code` or a fault)"

_BEGIN_PREFIX = "<!-- codes:begin"
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def code_span(text: str) -> str:
    """``text`` verbatim in a table cell: a code span fenced longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}".replace("|", "\\|")


def prose(text: str) -> str:
    """``text`` as a table cell: one line, pipes escaped, and ``<`` escaped outside code spans so
    that ``<ak_id>`` is shown, not taken for an HTML tag."""
    parts: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(text[last:span.start()].replace("<", "\\<"))
        parts.append(span.group(0))
        last = span.end()
    parts.append(text[last:].replace("<", "\\<"))
    return " ".join("".join(parts).split()).replace("|", "\\|")


def trigger_cell(entry: ErrorEntry) -> str:
    if entry.trigger == "forced-only":
        return f"{FAULT_ONLY}: {prose(entry.when)}"
    return prose(entry.when)


def code_table(contract: Contract) -> str:
    """The catalogue in the contract's order, one row per code."""
    rows = ["| code | HTTP | message | natural trigger, or fault-only |", "|---|---|---|---|"]
    for code, entry in contract.errors.items():
        rows.append(f"| {code_span(code)} | {entry.http_status} | {code_span(entry.message)} | {trigger_cell(entry)} |")
    return "\n".join(rows)


def catalogue_counts(contract: Contract) -> tuple[int, int]:
    """(natural, forced-only) codes of the contract."""
    forced = sum(1 for entry in contract.errors.values() if entry.trigger == "forced-only")
    return len(contract.errors) - forced, forced


def with_code_table(page: str, contract: Contract, where: str = "the page") -> str:
    """``page`` with the text between its markers replaced by the contract's current table.

    Raises ValueError (naming ``where``) when the page does not have exactly one pair of markers,
    in order: where the table goes is the page author's choice, never guessed."""
    starts = [m.start() for m in re.finditer(re.escape(_BEGIN_PREFIX), page)]
    ends = [m.start() for m in re.finditer(re.escape(END), page)]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ValueError(f"{where}: needs one '{_BEGIN_PREFIX} ... -->' line and one '{END}' line after it, where "
                         f"{contract.service}'s code table goes")
    if "\n" not in page[starts[0]:ends[0]]:
        raise ValueError(f"{where}: the code table's markers must be on lines of their own")
    return f"{page[:starts[0]]}{BEGIN}\n{code_table(contract)}\n{page[ends[0]:]}"


def update_pages(contracts: Iterable[Contract], directory: Path) -> list[tuple[Path, bool]]:
    """Rewrite each contract's table in ``directory/<service>.md``: (page, whether it changed), in order.

    Every page is checked before any is written, so a missing page or marker changes nothing."""
    updated: list[tuple[Path, str, str]] = []
    for contract in contracts:
        page = directory / f"{contract.service}.md"
        if not page.is_file():
            raise ValueError(f"{page}: no such page; {contract.service}'s code table goes in it, between "
                             f"'{_BEGIN_PREFIX} ... -->' and '{END}' lines")
        text = page.read_text("utf-8")
        updated.append((page, text, with_code_table(text, contract, str(page))))
    for page, old, new in updated:
        if new != old:
            page.write_text(new, "utf-8")
    return [(page, new != old) for page, old, new in updated]
