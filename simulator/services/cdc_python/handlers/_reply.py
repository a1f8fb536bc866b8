"""What every handler returns: the ``data`` of the common envelope (the envelope adds id/status/message)."""

from __future__ import annotations

from typing import Any


def ok(data: Any) -> dict[str, Any]:
    return {"data": data}
