"""Requests for one operation: the document's examples, generated valid ones, and ones built to fail.

Everything comes from the contract: the request schemas (``request.body``,
``query``, ``params``, ``path_params``), the ``match`` values that pick a
multiplexed operation, the examples, and the ``validation_errors`` and
``auth.errors`` mappings that say which code a broken request earns.

- :meth:`RequestMaker.examples`: each example's request, completed (match
  values, path parameters the credential names).
- :meth:`RequestMaker.strategy`: a Hypothesis strategy of valid drafts built
  from the request schemas (:mod:`simulator.verify.strategies`).
- :meth:`RequestMaker.provocations`: a valid baseline changed so it breaks
  its schema in one way each (a required field dropped, a wrong type, an
  unexpected field, malformed JSON, an empty body), each with the code the
  contract says that failure gets.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jsonschema.exceptions import best_match

from simulator.contracts import Contract, Operation
from simulator.contracts.refs import deref
from simulator.fake import FakeData
from simulator.pipeline.validate import as_typed
from simulator.verify.errors import GenerationUnsupported
from simulator.verify.outgoing import ABSENT, Draft, body_format, encode
from simulator.verify.provoke import Provocation, provocations

__all__ = ["GenerationUnsupported", "RequestMaker", "fixture_images"]

GENERATED_PARTS = ("body", "params", "query", "path_params")
SAFE_PATH_VALUE = re.compile(r"^[A-Za-z0-9._~-]{1,64}$")


class RequestMaker:
    def __init__(self, contract: Contract, op: Operation, credential: dict[str, Any] | None = None, seed: int = 0):
        self.contract = contract
        self.op = op
        self.credential = credential or {}
        self.seed = seed
        self._fake = FakeData()
        self._example_requests = [ex["request"] for ex in op.examples if isinstance(ex.get("request"), dict)]

    # -- drafts -----------------------------------------------------------------------------

    def examples(self) -> list[tuple[str, Draft]]:
        out = []
        for ex in self.op.examples:
            request = ex.get("request")
            if not isinstance(request, dict):
                continue
            draft = Draft(
                path_params={k: str(v) for k, v in (request.get("path_params") or {}).items()},
                query={k: _text(v) for k, v in (request.get("query") or {}).items()},
                headers={k: str(v) for k, v in (request.get("headers") or {}).items()},
                body=request["body"] if "body" in request else ABSENT,
                params=request.get("params"),
            )
            out.append((ex["name"], self.complete(draft)))
        return out

    def complete(self, draft: Draft) -> Draft:
        """Match values set, path parameters filled, query and headers as text."""
        for key, value in self.op.match.items():
            part, *path = key.split(".")
            if part == "body":
                draft.body = _set_in(draft.body if isinstance(draft.body, dict) else {}, path, value)
            elif part == "params":
                draft.params = _set_in(draft.params if isinstance(draft.params, dict) else {}, path, value)
            elif part == "query" and len(path) == 1:
                draft.query[path[0]] = _text(value)
            elif part == "headers" and len(path) == 1:
                draft.headers[path[0]] = _text(value)
        for name in self.op.path_params:
            value = self.credential.get(name)
            if value is None:
                value = draft.path_params.get(name)
            if value is None or not SAFE_PATH_VALUE.match(str(value)):
                value = self._example_path_param(name) or "apisim"
            draft.path_params[name] = str(value)
        if "body" in self.op.request and body_format(self.op) in ("json", "any") and draft.body is ABSENT \
                and draft.raw_body is None and draft.params is None:
            draft.body = {}
        return draft

    def fake(self, salt: int) -> Draft:
        """A realistic draft from the fake-data walker (not always valid: it fills every property)."""
        parts = {}
        for part in GENERATED_PARTS:
            schema = self.op.request.get(part)
            if schema is not None and not (part == "body" and body_format(self.op) == "none"):
                parts[part] = self._fake.generate(schema, seed=self.seed * 1_000_003 + salt, defs=self.contract.defs)
        return self.complete(self._draft_from_parts(parts))

    def variant(self, draft: Draft) -> Draft:
        """``draft`` with every number shifted and every path parameter changed, nothing else.

        The error shapes compare two answers to learn what a documented error fixes; what a service
        echoes from the request (CDC's ``id``, Spring's ``path``) must differ between them.
        """
        out = draft.copy()
        if out.body is not ABSENT:
            out.body = _shift_numbers(out.body)
        if out.params is not None:
            out.params = _shift_numbers(out.params)
        out.path_params = {name: f"{value}7" for name, value in out.path_params.items()}
        return self.complete_match(out)

    def complete_match(self, draft: Draft) -> Draft:
        """Only the match values set (they pick the operation; nothing else is touched)."""
        saved = dict(draft.path_params)
        self.complete(draft)
        draft.path_params.update(saved)
        return draft

    def baseline(self) -> Draft | None:
        """A valid request to build provocations from: an example if one is valid, else a generated one."""
        for _, draft in self.examples():
            if not self.problems(draft):
                return draft
        for salt in range(3):
            draft = self._fill_from_examples(self.fake(salt))
            if not self.problems(draft):
                return draft
        return self._minimal_generated()

    def _minimal_generated(self) -> Draft | None:
        """The first draft Hypothesis generates (no shrinking: ``find`` can spend minutes on big schemas)."""
        from hypothesis import HealthCheck, Phase, given, settings

        try:
            strategy = self.strategy()
        except GenerationUnsupported:
            return None
        found: list[Draft] = []

        @settings(database=None, max_examples=20, derandomize=True, phases=(Phase.generate,),
                  suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False)
        @given(strategy)
        def first(draft: Draft) -> None:
            found.append(draft)
            raise _Found()

        try:
            first()
        except _Found:
            pass
        except Exception:  # nothing valid could be drawn: the caller reports it
            return None
        return found[0] if found else None

    # -- validity ---------------------------------------------------------------------------

    def view(self, draft: Draft) -> dict[str, Any]:
        """The parts as the server validates them."""
        headers = encode(draft, self.op, "verify.invalid").headers.lower_items()
        body = None if draft.body is ABSENT else draft.body
        params = draft.params
        if isinstance(params, dict):
            # A form carries text: top-level scalars arrive as strings, objects as JSON the service decodes.
            params = {k: v if isinstance(v, (dict, list)) else _text(v) for k, v in params.items()}
        view = {"body": body, "query": dict(draft.query), "headers": headers, "params": params,
                "path_params": dict(draft.path_params)}
        for part, types in self.op.text_types.items():  # "5" where the schema says integer, as the server reads it
            view[part] = as_typed(view[part], types)
        return view

    def problems(self, draft: Draft) -> list[tuple[str, Any]]:
        """(part, best-matching schema error) for every part the draft breaks."""
        view = self.view(draft)
        found = []
        for part, validator in self.op.validators.items():
            error = best_match(validator.iter_errors(view[part]))
            if error is not None:
                found.append((part, error))
        return found

    # -- generation -------------------------------------------------------------------------

    def strategy(self) -> Any:
        """Valid drafts from the request schemas, or None when no part can be generated."""
        from hypothesis import strategies as st

        from simulator.verify.strategies import from_schema  # Hypothesis: the verify extra

        parts = {}
        for part in GENERATED_PARTS:
            schema = self.op.request.get(part)
            if schema is None or (part == "body" and body_format(self.op) == "none"):
                continue
            try:
                parts[part] = from_schema(schema, self.contract.defs, images=fixture_images())
            except GenerationUnsupported as exc:
                raise GenerationUnsupported(f"{part}: {exc}") from None
        if not parts and not self.op.path_params:
            return st.just(self.complete(Draft()))
        return (st.fixed_dictionaries(parts)
                .map(lambda generated: self._fill_from_examples(self.complete(self._draft_from_parts(generated))))
                .filter(lambda draft: not self.problems(draft)))

    def _draft_from_parts(self, parts: dict[str, Any]) -> Draft:
        draft = Draft()
        if "body" in parts:
            draft.body = parts["body"]
            if body_format(self.op) == "form" and isinstance(draft.body, dict):
                draft.body = {k: _text(v) for k, v in draft.body.items() if _is_scalar(v)}
        if "params" in parts:
            draft.params = parts["params"] if isinstance(parts["params"], dict) else {}
        declared_query = _declared(self.op.request.get("query"), self.contract.defs)
        for name, value in (parts.get("query") or {}).items():
            if name in declared_query and _is_scalar(value):  # a URL carries text, one level deep
                draft.query[name] = _text(value)
        for name, value in (parts.get("path_params") or {}).items():
            if name in self.op.path_params and SAFE_PATH_VALUE.match(_text(value)):
                draft.path_params[name] = _text(value)
        return draft

    def _fill_from_examples(self, draft: Draft) -> Draft:
        """Top-level query and parameter fields the examples send but generation left out (Action, Version...),
        kept only where the draft stays valid."""
        for example in self._example_requests:
            for name, value in (example.get("query") or {}).items():
                if name not in draft.query:
                    self._try(draft, lambda d: d.query.__setitem__(name, _text(value)))
            if isinstance(draft.params, dict):
                for name, value in (example.get("params") or {}).items():
                    if name not in draft.params:
                        self._try(draft, lambda d: d.params.__setitem__(name, value))
        return draft

    def _try(self, draft: Draft, change: Any) -> None:
        before = self.problems(draft)
        trial = draft.copy()
        change(trial)
        if len(self.problems(trial)) <= len(before):
            change(draft)

    def _example_path_param(self, name: str) -> str | None:
        for example in self._example_requests:
            value = (example.get("path_params") or {}).get(name)
            if value is not None and SAFE_PATH_VALUE.match(str(value)):
                return str(value)
        return None

    # -- provocations -----------------------------------------------------------------------

    def provocations(self, baseline: Draft) -> list[Provocation]:
        """One request per kind of schema failure the baseline can be broken into, with the expected code."""
        return provocations(self.op, self.contract, baseline, self.problems)


@functools.lru_cache(maxsize=1)
def fixture_images() -> Any:
    """A strategy over the fixture images (faces, cards, invoices, and the broken ones), base64-encoded."""
    import base64

    from hypothesis import strategies as st

    from simulator.resources import data_dir

    folder = data_dir("simulator.fixtures_data", "fixtures") / "images"
    images = [base64.b64encode(path.read_bytes()).decode("ascii") for path in sorted(folder.iterdir())
              if path.is_file() and path.stat().st_size <= 1_000_000]
    return st.sampled_from(images) if images else st.text(min_size=1)


def _shift_numbers(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value + 7
    if isinstance(value, dict):
        return {k: _shift_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_numbers(v) for v in value]
    return value


def _set_in(obj: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    node = obj
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return obj


def _declared(schema: Any, defs: dict[str, Any]) -> set[str]:
    schema = deref(schema, defs)
    return set((schema or {}).get("properties", {})) if isinstance(schema, dict) else set()


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and not isinstance(value, dict)


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class _Found(Exception):
    """Stops Hypothesis at the first draft it generates."""
