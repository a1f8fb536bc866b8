"""The generic service's one handler, bound to each operation: its request's JSON-string fields
checked, then its answer: the operation's success example as the document gives it (as Prism
answers), else fake data from the response schema (the render stage makes it)."""

from __future__ import annotations

from typing import Any

from simulator.contracts import Contract
from simulator.pipeline.context import Context
from simulator.pipeline.service import Envelope, Handler, Reply
from simulator.services.generic.models import check_embedded, embedded_json, fresh, success_example


def answers(contract: Contract, envelope: Envelope) -> dict[str, Handler]:
    """One handler per operation of ``contract``, with what it needs worked out now, not per request."""
    return {op_id: _answer_for(contract, op_id, envelope) for op_id in contract.operations}


def _answer_for(contract: Contract, op_id: str, envelope: Envelope) -> Handler:
    operation = contract.operations[op_id]
    fields = embedded_json(contract, operation)
    example = success_example(contract, operation)

    def answer(ctx: Context) -> Any:
        if fields:
            check_embedded(operation, fields, {"body": ctx.body, "query": ctx.request.query_dict})
        if example is None:
            return None
        return Reply(raw=envelope.success(ctx, fresh(example)))  # verbatim: not completed with fake fields

    answer.__name__ = op_id
    answer.__doc__ = f"{operation.summary} (generic: the contract's example, else fake data from its schema)"
    return answer


__all__ = ["answers"]
