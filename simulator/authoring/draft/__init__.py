"""Draft a contract from a vendor's own API document (``apisim contract draft``).

The pipeline, one module each: ``document`` (sections, tables, code blocks,
with line numbers) -> ``tables`` (what each table is, from its column names)
and ``lenient_json`` (the examples, defects repaired and reported) ->
``facts`` (each section's URLs, methods, tables and examples, in context) ->
``operations`` (which sections are operations) -> ``operation`` (one
operation's schemas, codes and examples, with ``schema_builder``,
``samples`` and ``catalogue``) -> ``assemble`` (what only the whole document
shows) -> ``contract`` and ``report``.
"""

from simulator.authoring.draft.assemble import Drafted, draft_contract, draft_service_name, draft_text

__all__ = ["Drafted", "draft_contract", "draft_service_name", "draft_text"]
