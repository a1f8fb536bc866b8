"""The service every contract without a package of its own gets: no Python to write.

A contract imported from OpenAPI or drafted from a vendor document (``apisim contract import``,
``apisim contract draft``) is served by :func:`generic_service`: the pipeline validates requests
against the contract's schemas and answers with its documented errors; the handler answers from
the operation's success example, else fake data from the response schema; the envelope writes
the contract's own success body and each error's body from its ``x-schema`` (or its example),
so ``X-Apisim-Code``, faults, the journal, coverage, ``apisim verify`` and the OpenAPI export work
as they do for the shipped services.
"""

from __future__ import annotations

from simulator.contracts import Contract
from simulator.pipeline.service import ServiceDefinition
from simulator.services.generic import envelopes, handlers, models


def generic_service(contract: Contract) -> ServiceDefinition:
    """The generic :class:`ServiceDefinition` of ``contract`` (its operations, its envelope names).

    A contract that names no ``validation_errors.invalid`` code cannot answer a request that breaks
    its schemas in its own words: refused here, at start, rather than with a 500 later."""
    missing = sorted(op.id for op in contract.operations.values() if "invalid" not in op.validation_errors
                     and (op.validators or op.request.get("body_format", "none") != "none"))
    if missing:
        raise LookupError(f"{contract.service}: no validation_errors.invalid code for {', '.join(missing[:3])}"
                          f"{' and more' if len(missing) > 3 else ''}: say which documented error a request that "
                          "breaks the schema gets (contracts/README.md, validation_errors)")
    envelope = envelopes.GenericEnvelope(contract)
    named = {name: envelope for name in envelopes.envelope_names(contract)}
    return ServiceDefinition(
        name=contract.service,
        handlers=handlers.answers(contract, envelope),
        # A contract of its own names no envelope; the pipeline then asks for the ``None`` one.
        envelopes={**named, None: envelope},  # type: ignore[dict-item]
        parse_params=models.params_parser(contract),
    )


__all__ = ["generic_service"]
