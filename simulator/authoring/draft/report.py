"""The draft report: what the draft holds, and what a person must finish, by document line."""

from __future__ import annotations

from collections import Counter
from typing import Any


def draft_report(drafted: Any) -> str:
    contract = drafted.contract
    ops = contract["operations"]
    lines = [f"# Draft report: {contract['service']}", "",
             f"Drafted from `{contract['source']}`: {len(ops)} operations, {len(contract['errors'])} error codes, "
             f"{len(contract['deployments'])} deployment(s). The contract loads; it is a draft: read every note "
             "below against the document, then fill in what no document can say (auth, validation_errors, "
             "behaviour).", "", "## Operations", "",
             "| operation | method and path | document section | lines |", "|---|---|---|---|"]
    for op_id, op in ops.items():
        match = "".join(f" [{k}={v}]" for k, v in (op.get("match") or {}).items())
        first, last = op.get("x-doc-lines", ["", ""])
        lines.append(f"| `{op_id}` | {op['method']} `{op['path']}`{match} | {op.get('section', '')} | {first}-{last} |")
    lines += ["", "## To finish (by line)", ""]
    lines += [f"- {note}" for note in drafted.notes] or ["- nothing"]
    counts = Counter(r.split(": ", 1)[1].split(" (", 1)[0] for r in drafted.repairs)
    lines += ["", "## Example repairs", "",
              "The document's JSON examples were read despite these defects (each is also listed on its example "
              "as `x-repairs`):", ""]
    lines += [f"- {kind}: {n}" for kind, n in counts.most_common()] or ["- none"]
    return "\n".join(lines) + "\n"


__all__ = ["draft_report"]
