"""Which Code and Message a service result shows: the document's detailed codes or its unified ones.

The document answers with its unified codes (统一返回Code: 200/400/402/403/404/500)
unless the customer opted into the detailed ones (明细返回码透出); here a
credential opts in with ``"DetailedCodes": true``. Every detailed catalogue
entry names its unified code in ``x-unified``; in unified mode the message is
what the document's failure examples show: the specific reason for a 400
("name不能为空", "不通过的原因" = the resultMsgSub), the unified wording otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from simulator.contracts import Contract, ErrorEntry
from simulator.pipeline.context import Context

# A verification still running has no unified equivalent: both modes answer 300.
ALWAYS_DETAILED = {"300"}


def detailed_mode(ctx: Context) -> bool:
    return bool(account(ctx).get("DetailedCodes"))


def account(ctx: Context) -> dict[str, Any]:
    """The credential the request names. Verified when auth ran; an error forced with X-Apisim-Code
    is answered before auth, and still shows the codes the named account opted into."""
    credential = (ctx.identity or {}).get("credential")
    if credential:
        return credential
    key = ctx.params.get("AccessKeyId") if isinstance(ctx.params, dict) else None
    if key is None:
        match = re.search(r"Credential=([^,\s]+)", ctx.request.headers.get("Authorization") or "")
        key = match.group(1) if match else None
    return next((c for c in ctx.credentials() if key and c.get("AccessKeyId") == key), {})


def raw_entry(ctx: Context, code: str) -> dict[str, Any]:
    return ctx.contract.raw["errors"][code]


def query_codes(contract: Contract) -> list[str]:
    """How a verification may end: the codes of the document's query table."""
    return [code for code, raw in contract.raw["errors"].items() if raw.get("x-table") == "query"]


def shown_code_and_message(ctx: Context, entry: ErrorEntry, message: str, data: Any) -> tuple[int, str]:
    data = data if isinstance(data, dict) else {}
    if data.get("validation_kind") is not None:
        return _validation_failure(ctx, entry, message, data)
    raw = raw_entry(ctx, entry.code)
    if detailed_mode(ctx) or raw.get("x-table") == "unified" or entry.code in ALWAYS_DETAILED:
        return int(entry.body["Code"]), message
    unified = ctx.contract.errors[raw["x-unified"]]
    reason = data.get("unified_message") or raw.get("x-resultMsgSub")
    if reason is None and unified.code == "400":
        reason = entry.message  # a 400 says why (the document's examples: "name不能为空")
    return int(unified.body["Code"]), reason or unified.message


def _validation_failure(ctx: Context, entry: ErrorEntry, message: str, data: dict[str, Any]) -> tuple[int, str]:
    """A request that breaks its schema: unified 400, or the operation's own detailed code."""
    missing = missing_fields(ctx)
    if detailed_mode(ctx) and ctx.operation is not None:
        table = ctx.operation.raw.get("x-detailed-validation") or {}
        code = next((table[f"missing:{field}"] for field in missing if f"missing:{field}" in table), None)
        code = code or table.get("*")
        if code is not None:
            detailed = ctx.contract.errors[code]
            return int(detailed.body["Code"]), detailed.message
    if missing:
        return int(entry.body["Code"]), f"{missing[0]}不能为空"
    return int(entry.body["Code"]), message


def missing_fields(ctx: Context) -> list[str]:
    """The ServiceParameters fields the request left out, in the schema's order."""
    if ctx.operation is None or "params" not in ctx.operation.validators:
        return []
    found: list[str] = []
    for error in ctx.operation.validators["params"].iter_errors(ctx.params):
        if error.validator == "required":
            found += [name for name in error.validator_value if name not in (error.instance or {})]
    return found
