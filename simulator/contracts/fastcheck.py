"""A yes/no check compiled from a JSON Schema, for the request hot path.

jsonschema's ``iter_errors`` builds an error tree even for a valid instance, which made
validation a quarter of a request's time. Most requests are valid, so each schema is also
compiled into plain Python closures that answer only "valid or not". A valid answer skips
jsonschema; an invalid one runs jsonschema to name the error (and jsonschema has the last
word: if it finds nothing, the instance is valid).

Only keywords whose meaning is copied exactly here are compiled (the Draft 2020-12 subset the
contracts use). A schema with any other keyword compiles to ``None`` and is always checked by
jsonschema alone, so an unknown keyword can cost speed but never correctness.
tests/contracts/test_fastcheck.py checks the closures agree with jsonschema on every contract
schema.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from jsonschema.exceptions import best_match

from simulator.contracts.refs import ref_name

Check = Callable[[Any], bool]

# Keywords that never affect validity.
_ANNOTATIONS = frozenset({
    "description", "title", "examples", "default", "$comment", "contentEncoding", "contentMediaType",
    "deprecated", "readOnly", "writeOnly", "$schema", "$defs", "definitions",
})


class Unsupported(Exception):
    """The schema uses a keyword this module does not compile."""


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
}


def compile_check(schema: Any, defs: dict[str, Any], format_checker: Any = None) -> Check | None:
    """A function telling whether an instance is valid against ``schema``, or None if the schema
    uses a keyword this module does not compile. ``defs`` resolves ``#/$defs/<name>`` references."""
    try:
        return _Compiler(defs, format_checker).compile(schema)
    except Unsupported:
        return None


class _Compiler:
    def __init__(self, defs: dict[str, Any], format_checker: Any):
        self.defs = defs
        self.format_checker = format_checker
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return _always
        if schema is False:
            return lambda x: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks = [self._keyword(key, value, schema) for key, value in schema.items()
                  if key not in _ANNOTATIONS and not key.startswith("x-")]
        checks = [c for c in checks if c is not None]
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        return lambda x: all(c(x) for c in checks)

    def _ref(self, ref: str) -> Check:
        name = ref_name(ref, self.defs)
        if name is None:
            raise Unsupported(f"$ref {ref!r}")
        if name not in self.refs:
            cell: list[Check] = []
            self.refs[name] = lambda x: cell[0](x)  # recursive definitions see this until compiled
            cell.append(self.compile(self.defs[name]))
            self.refs[name] = cell[0]
        return self.refs[name]

    def _keyword(self, key: str, value: Any, schema: dict[str, Any]) -> Check | None:
        method = getattr(self, "_kw_" + key.lstrip("$"), None)
        if method is None:
            raise Unsupported(key)
        return method(value, schema)

    # -- any instance -------------------------------------------------------------------------

    def _kw_ref(self, value: str, schema: dict[str, Any]) -> Check:
        return self._ref(value)

    def _kw_type(self, value: Any, schema: dict[str, Any]) -> Check:
        names = [value] if isinstance(value, str) else list(value)
        tests = [_TYPES[n] for n in names]
        if len(tests) == 1:
            return tests[0]
        return lambda x: any(t(x) for t in tests)

    def _kw_const(self, value: Any, schema: dict[str, Any]) -> Check:
        return lambda x: json_equal(x, value)

    def _kw_enum(self, value: list[Any], schema: dict[str, Any]) -> Check:
        return lambda x: any(json_equal(x, v) for v in value)

    def _kw_not(self, value: Any, schema: dict[str, Any]) -> Check:
        inner = self.compile(value)
        return lambda x: not inner(x)

    def _kw_allOf(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(s) for s in value]
        return lambda x: all(s(x) for s in subs)

    def _kw_anyOf(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(s) for s in value]
        return lambda x: any(s(x) for s in subs)

    def _kw_oneOf(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(s) for s in value]
        return lambda x: sum(1 for s in subs if s(x)) == 1

    def _kw_format(self, value: str, schema: dict[str, Any]) -> Check | None:
        checker = self.format_checker
        if checker is None:
            return None  # jsonschema treats format as an annotation without a checker
        return lambda x: checker.conforms(x, value)

    # -- strings ------------------------------------------------------------------------------

    def _kw_minLength(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, str) or len(x) >= value

    def _kw_maxLength(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, str) or len(x) <= value

    def _kw_pattern(self, value: str, schema: dict[str, Any]) -> Check:
        search = re.compile(value).search
        return lambda x: not isinstance(x, str) or search(x) is not None

    # -- numbers ------------------------------------------------------------------------------

    def _kw_minimum(self, value: float, schema: dict[str, Any]) -> Check:
        return lambda x: not _is_number(x) or x >= value

    def _kw_maximum(self, value: float, schema: dict[str, Any]) -> Check:
        return lambda x: not _is_number(x) or x <= value

    def _kw_exclusiveMinimum(self, value: float, schema: dict[str, Any]) -> Check:
        return lambda x: not _is_number(x) or x > value

    def _kw_exclusiveMaximum(self, value: float, schema: dict[str, Any]) -> Check:
        return lambda x: not _is_number(x) or x < value

    # -- objects ------------------------------------------------------------------------------

    def _kw_properties(self, value: dict[str, Any], schema: dict[str, Any]) -> Check:
        subs = [(name, self.compile(sub)) for name, sub in value.items()]
        subs = [(name, sub) for name, sub in subs if sub is not _always]

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for name, sub in subs:
                if name in x and not sub(x[name]):
                    return False
            return True
        return check

    def _kw_required(self, value: list[str], schema: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, dict) or all(name in x for name in value)

    def _kw_additionalProperties(self, value: Any, schema: dict[str, Any]) -> Check:
        if "patternProperties" in schema:
            raise Unsupported("additionalProperties with patternProperties")
        known = frozenset(schema.get("properties", {}))
        if value is False:
            return lambda x: not isinstance(x, dict) or known.issuperset(x)
        sub = self.compile(value)
        return lambda x: not isinstance(x, dict) or all(sub(v) for k, v in x.items() if k not in known)

    def _kw_minProperties(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, dict) or len(x) >= value

    def _kw_maxProperties(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, dict) or len(x) <= value

    # -- arrays -------------------------------------------------------------------------------

    def _kw_items(self, value: Any, schema: dict[str, Any]) -> Check:
        sub = self.compile(value)
        skip = len(schema.get("prefixItems", ()))
        return lambda x: not isinstance(x, list) or all(sub(item) for item in x[skip:])

    def _kw_prefixItems(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(s) for s in value]
        return lambda x: not isinstance(x, list) or all(s(item) for s, item in zip(subs, x))

    def _kw_minItems(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, list) or len(x) >= value

    def _kw_maxItems(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, list) or len(x) <= value

    def _kw_contains(self, value: Any, schema: dict[str, Any]) -> Check:
        if "minContains" in schema or "maxContains" in schema:
            raise Unsupported("minContains/maxContains")
        sub = self.compile(value)
        return lambda x: not isinstance(x, list) or any(sub(item) for item in x)


def _always(x: Any) -> bool:
    return True


class SchemaValidator:
    """A compiled jsonschema validator with the fast check in front (see the module docstring)."""

    def __init__(self, validator: Any, schema: Any, defs: dict[str, Any], format_checker: Any = None):
        self.jsonschema = validator
        self.schema = schema
        self.fast = compile_check(schema, defs, format_checker)

    def iter_errors(self, instance: Any) -> Any:
        if self.fast is not None and self.fast(instance):
            return iter(())
        return self.jsonschema.iter_errors(instance)

    def first_error(self, instance: Any) -> Any:
        """jsonschema's ``best_match`` error, or None when the instance is valid."""
        if self.fast is not None and self.fast(instance):
            return None
        return best_match(self.jsonschema.iter_errors(instance))


def json_equal(one: Any, two: Any) -> bool:
    """JSON Schema equality for ``const`` and ``enum``: ``1 == 1.0``, but ``true`` is not ``1``, and
    arrays and objects compare member by member (jsonschema's own helper is private, so not used)."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, bool) or isinstance(two, bool):
        return type(one) is type(two) and one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(json_equal(value, two[key]) for key, value in one.items())
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        return False
    return one == two
