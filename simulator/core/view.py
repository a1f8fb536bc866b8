"""The request as ``match`` predicates and fault ``where`` filters see it, and one rule for paths into it.

The view is ``{"body", "query", "params", "headers"}``: the body parsed as JSON (else its form
fields), the query string (last value wins), the service's own parameter view (``parse_params``)
and the headers with lower-case names. A dotted path (``params.ServiceParameters.method``,
``body.faces.0.quality``) walks it: a JSON string met on the way is decoded (SAF's
``ServiceParameters``), a number indexes a list. A contract's ``match`` and a fault's ``where``
use this one rule, so they mean the same.
"""

from __future__ import annotations

from typing import Any

from simulator.core.http import SimRequest
from simulator.core.http import loads as load_json

MISSING: Any = object()


def request_view(request: SimRequest, params: dict[str, Any]) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        body = dict(request.form)
    return {"body": body, "query": request.query_dict, "params": params, "headers": request.headers.lower_items()}


def lookup(view: Any, dotted: str) -> Any:
    """The value at ``dotted`` in ``view``, or :data:`MISSING`."""
    node = view
    for part in dotted.split("."):
        if isinstance(node, str) and node[:1] in "{[":  # a JSON string inside a parameter
            try:
                node = load_json(node)  # no deeper than a body may nest
            except ValueError:
                return MISSING
        if isinstance(node, dict):
            if part not in node:
                return MISSING
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def same(found: Any, wanted: Any) -> bool:
    """Query strings and headers are text: ``"2"`` found matches ``2`` wanted."""
    if found is MISSING:
        return False
    return found == wanted or (isinstance(found, str) and not isinstance(wanted, str) and found == str(wanted))


def holds(view: Any, dotted: str, wanted: Any) -> bool:
    """The value at ``dotted`` is ``wanted`` (or one of them, when ``wanted`` is a list)."""
    found = lookup(view, dotted)
    options = wanted if isinstance(wanted, list) else [wanted]
    return any(same(found, option) for option in options)
