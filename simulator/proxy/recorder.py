"""``--record DIR``: proxied exchanges saved as examples a contract can adopt.

``DIR/<service>/<operation>.json`` holds a JSON list in the contract's own ``examples`` form
(``{"name", "request": {...}, "response": {"status", "body", "error"?}}``), so a person copies the
ones worth keeping into the operation. Bounded: JSON bodies only, at most ``MAX_PER_OPERATION``
examples an operation (the first ones), each body at most ``MAX_BODY_BYTES``.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from simulator.core import SimRequest

MAX_PER_OPERATION = 20
MAX_BODY_BYTES = 64 * 1024


class Recorder:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def record(self, service: str, operation: str, request: SimRequest, status: int, body: bytes,
               code: str | None, violations: list[dict[str, Any]]) -> Path | None:
        """Append one exchange to its operation's file; None when it cannot be an example."""
        answer = _json_or_none(body)
        if answer is None:
            return None
        off = f" (off contract at {violations[0]['path']})" if violations else ""
        example: dict[str, Any] = {"name": f"recorded {request.method} {request.path}{off}"}
        sent: dict[str, Any] = {}
        if request.query_dict:
            sent["query"] = request.query_dict
        sent_body = _json_or_none(request.body)
        if sent_body is not None:
            sent["body"] = sent_body
        if sent:
            example["request"] = sent
        example["response"] = {"status": status, "body": answer, **({"error": code} if code else {})}
        path = self.folder / service / f"{operation}.json"
        with self._lock:
            kept = json.loads(path.read_text("utf-8")) if path.exists() else []
            if len(kept) >= MAX_PER_OPERATION:
                return None
            kept.append(example)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".json.partial")
            partial.write_text(json.dumps(kept, ensure_ascii=False, indent=2) + "\n", "utf-8")
            os.replace(partial, path)  # a reader never sees half a file
        return path


def _json_or_none(data: bytes) -> Any:
    if not data.strip() or len(data) > MAX_BODY_BYTES:
        return None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None


__all__ = ["MAX_PER_OPERATION", "Recorder"]
